"""Status badges: small accessible SVGs that say the state in words, not colour alone."""

from __future__ import annotations

from datetime import datetime
from html import escape
from unicodedata import east_asian_width

from ..language.core import Language, language, site_language
from ..model import derive
from ..model.types import STATE_LABELS, ComponentState, Site

COLOURS = {
    ComponentState.OPERATIONAL: "#1a7f37",
    ComponentState.DEGRADED_PERFORMANCE: "#8a6100",
    ComponentState.PARTIAL_OUTAGE: "#b35900",
    ComponentState.MAJOR_OUTAGE: "#c62828",
    ComponentState.UNDER_MAINTENANCE: "#3557b7",
}
CHAR_WIDTH = 7  # monospace metrics: no font file is needed to size the badge
PADDING = 8


def render(site: Site, now: datetime) -> dict[str, bytes]:
    states = derive.component_states(site, now)
    overall = derive.overall(site, now)
    lang = site_language(site.settings)
    name = site.settings.site_name
    outputs = {"badge.svg": badge(lang.gettext("status"), overall.state, name, lang)}
    for component in site.settings.components:
        outputs[f"components/{component.id}/badge.svg"] = badge(
            component.name, states[component.id], name, lang
        )
    return outputs


def _width(text: str) -> int:
    """Monospace cells: a wide character (CJK) takes two."""
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def badge(label: str, state: ComponentState, site_name: str, lang: Language | None = None) -> bytes:
    """A shields-style badge: grey label, coloured value, both as text."""
    lang = lang or language("en")
    value = lang.gettext(STATE_LABELS[state])
    left = _width(label) * CHAR_WIDTH + 2 * PADDING
    right = _width(value) * CHAR_WIDTH + 2 * PADDING
    width = left + right
    title = escape(f"{site_name}: {label} — {value}")
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
        f'role="img" aria-label="{title}" xml:lang="{lang.tag}">'
        f"<title>{title}</title>"
        f'<rect width="{left}" height="20" fill="#555"/>'
        f'<rect x="{left}" width="{right}" height="20" fill="{COLOURS[state]}"/>'
        f'<g fill="#fff" font-family="DejaVu Sans Mono,Menlo,Consolas,monospace" '
        f'font-size="11" text-anchor="middle">'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>'
        f'<text x="{left + right / 2:g}" y="14">{escape(value)}</text>'
        f"</g></svg>\n"
    )
    return svg.encode()
