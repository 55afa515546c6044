"""`/local-time.js`, with the option `local_times`: the page's times in the reader's own zone.

The pages show every time in the site's zone inside `<time datetime>`; where scripts run, this
script rewrites them into the reader's zone and says which ("06:55 your time (JST)"), keeping
the site's text as each time's tooltip. Without scripts, or without the option, the pages are
the same. It is a file of its own rather than inline, so that a Content-Security-Policy of
`script-src 'self'` allows it.
"""

from __future__ import annotations

from importlib.resources import files

from ..model.types import Site

FILE = "local-time.js"


def script() -> bytes:
    return files(__package__).joinpath(FILE).read_bytes()


def render(site: Site) -> dict[str, bytes]:
    return {FILE: script()} if site.settings.local_times else {}
