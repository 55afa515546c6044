"""`/widget.js`: the script other sites load to show this status site's open incidents, in
the status site's language. The script is `widget.js` beside this module; the build writes
the site's words into it, from the catalogs, as JSON."""

from __future__ import annotations

from importlib.resources import files

from ..language.core import Language, site_language
from ..language.marker import N_
from ..model.derive import state_description
from ..model.types import STATE_LABELS, STATE_SEVERITY, STATUS_LABELS, ComponentState, Site
from .api import script_safe_json

FILE = "widget.js"
_SLOT = "/*words*/null"
# The components' states in the order of the script's RANK: operational first, major last.
_BY_RANK = sorted(ComponentState, key=STATE_SEVERITY.__getitem__)


def render(site: Site) -> dict[str, bytes]:
    script = files(__package__).joinpath(FILE).read_text(encoding="utf-8")
    # ASCII only: a host may serve the script in the charset of the page that loads it.
    words = script_safe_json(widget_words(site_language(site.settings)), ascii_only=True)
    return {FILE: script.replace(_SLOT, words, 1).encode("utf-8")}


def widget_words(lang: Language) -> dict[str, object]:
    """What the script says, in `lang`: the link, the states (by rank), the banner when all
    is shown, each update status and the count of further incidents."""
    return {
        "lang": lang.tag,
        "dir": lang.direction,
        "page": lang.gettext(N_("Status page")),
        "states": [lang.gettext(STATE_LABELS[state]) for state in _BY_RANK],
        "banners": [lang.gettext(state_description(state)) for state in _BY_RANK],
        "statuses": {status: lang.gettext(label) for status, label in STATUS_LABELS.items()},
        "more": lang.gettext(N_("(+%(count)s more)"), count="%(count)s"),
    }
