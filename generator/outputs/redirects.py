"""`redirects:`: the old status page's incident URLs, sent on to the imported incidents.

For every incident `statuspress import` brought in (its updates carry `imported_from`), a
static page at the old path (`incidents/<old id>/index.html` for Statuspage) that refreshes
to the incident's page, with a canonical link, and one line in `_redirects`, the file
Netlify and Cloudflare Pages read, for hosts that redirect with a real 301. The pages say
nothing of their own but the incident's title, so they need no translation.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from ..model.types import Incident, Site

REDIRECTS_FILE = "_redirects"
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)*")


def old_paths(site: Site) -> list[tuple[str, Incident]]:
    """(old path, incident) for each imported incident of a configured source, by path.
    An id that is not a plain path (dots, slashes at the ends, odd characters) is left out."""
    found: dict[str, Incident] = {}
    for incident in site.incidents:
        origin = next((u.imported_from for u in incident.updates if u.imported_from), None)
        if origin is None or ":" not in origin:
            continue
        source, _, keys = origin.partition(":")
        pattern = site.settings.redirects.get(source)
        old_id = keys.rsplit("/", 1)[0]
        if pattern is None or not _SAFE_ID.fullmatch(old_id) or ".." in old_id:
            continue
        found.setdefault(pattern.replace("{id}", old_id), incident)
    return sorted(found.items())


def page_name(old_path: str) -> str:
    """The file a static host serves at the old path."""
    return old_path.strip("/") + "/index.html"


def names(site: Site) -> list[str]:
    if not site.settings.redirects:
        return []
    return [REDIRECTS_FILE, *(page_name(path) for path, _ in old_paths(site))]


def render(site: Site) -> dict[str, bytes]:
    if not site.settings.redirects:
        return {}
    base = site.settings.site_url.rstrip("/")
    prefix = urlsplit(base).path.rstrip("/")
    outputs: dict[str, bytes] = {}
    lines = []
    for path, incident in old_paths(site):
        name = page_name(path)
        depth = name.count("/")
        relative = "../" * depth + f"{incident.id}/"
        outputs[name] = _page(incident.title, relative, f"{base}/{incident.id}/").encode()
        lines.append(f"{prefix}{path} {prefix}/{incident.id}/ 301")
    outputs[REDIRECTS_FILE] = ("\n".join(lines) + "\n" if lines else "").encode()
    return outputs


def _page(title: str, relative: str, absolute: str) -> str:
    shown, target, canonical = escape(title), escape(relative), escape(absolute)
    return (
        "<!doctype html>\n"
        f'<html><head><meta charset="utf-8"><title>{shown}</title>'
        f'<link rel="canonical" href="{canonical}">'
        f'<meta name="robots" content="noindex">'
        f'<meta http-equiv="refresh" content="0; url={target}"></head>'
        f'<body><p><a href="{target}">{shown}</a></p></body></html>\n'
    )
