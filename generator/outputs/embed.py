"""/embed/ and /embed/<component>/: the current status for an <iframe> on another site.

Chromeless, without script, small (a test holds every variant to 2 KB gzip-compressed), so
the lists are capped: the most severe open incidents and the soonest maintenance first, then
a count of the rest, with titles shortened in the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..language.core import Language
from ..model import derive
from ..model.types import STATE_LABELS, Component, ComponentState, Incident, Phase, Site
from .registry import Page, SiteInputs, site_page

MAX_INCIDENTS = 3
MAX_MAINTENANCE = 2
BUDGET_GZIP_BYTES = 2048  # the size every embed page stays within, compressed


@dataclass(frozen=True)
class Shown:
    """A capped list: the items shown and how many more there are."""

    items: list[Incident]
    more: int


@site_page
def embed_pages(inputs: SiteInputs) -> list[Page]:
    """The whole site's embed, then one per component."""
    site, now, common = inputs.site, inputs.now, inputs.common
    lang = common["lang"]
    overall = derive.overall(site, now)
    pages = [
        Page(
            "embed/",
            "embed.html",
            {
                **common,
                **_lists(site, now, None),
                "state": overall.state,
                "headline": lang.gettext(overall.description),
            },
            site.settings.site_name,
            in_sitemap=False,
        )
    ]
    states = inputs.states
    for component in site.settings.components:
        line = _component_line(component, states, lang)
        context = {**common, **_lists(site, now, component), **line}
        pages.append(
            Page(f"embed/{component.id}/", "embed.html", context, component.name, in_sitemap=False)
        )
    return pages


def _component_line(
    component: Component, states: dict[str, ComponentState], lang: Language
) -> dict[str, Any]:
    state = states[component.id]
    label = lang.gettext(STATE_LABELS[state])
    headline = lang.gettext("%(component)s: %(state)s", component=component.name, state=label)
    return {"state": state, "headline": headline}


def _lists(site: Site, now: datetime, component: Component | None) -> dict[str, Any]:
    """Open incidents and active or upcoming maintenance, of one component or all."""

    def concerns(incident: Incident) -> bool:
        return component is None or component.id in incident.affected

    incidents = [i for i in derive.open_incidents(site, now) if concerns(i)]
    active = derive.maintenances(site, now, Phase.IN_PROGRESS, Phase.OVERDUE)
    upcoming = derive.maintenances(site, now, Phase.UPCOMING)
    maintenance = [m for m in active + upcoming if concerns(m)]
    return {
        "incidents": _capped(incidents, MAX_INCIDENTS),
        "maintenance": _capped(maintenance, MAX_MAINTENANCE),
        "active": {m.id for m in active},
    }


def _capped(items: list[Incident], most: int) -> Shown:
    return Shown(items[:most], max(0, len(items) - most))
