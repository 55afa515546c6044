"""`/api/v2/*.json` in exactly the shapes of Atlassian Statuspage's public API v2."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..clock import iso
from ..language.core import Language, site_language
from ..language.marker import N_
from ..model import derive
from ..model.ids import short_id
from ..model.types import ComponentState, Incident, Kind, Phase, Site, Update, Window
from .pages import site_when
from .promises import promise_text

LIMIT = 50
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and Z, as Statuspage writes it."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def render(site: Site, now: datetime) -> dict[str, bytes]:
    """Every API file; nothing in them depends on the build clock except derived state."""
    api = Api(site, now)
    unresolved = [api.incident(i) for i in derive.open_incidents(site, now)]
    active = derive.maintenances(site, now, Phase.IN_PROGRESS, Phase.OVERDUE)
    upcoming = derive.maintenances(site, now, Phase.UPCOMING)
    documents: dict[str, dict[str, Any]] = {
        "summary.json": {
            "page": api.page,
            "components": api.components(),
            "incidents": unresolved,
            "scheduled_maintenances": [api.maintenance(m) for m in active + upcoming],
            "status": api.status,
        },
        "status.json": {"page": api.page, "status": api.status},
        "components.json": {"page": api.page, "components": api.components()},
        "incidents.json": {
            "page": api.page,
            "incidents": [api.incident(i) for i in api.recent(Kind.INCIDENT)],
        },
        "incidents/unresolved.json": {"page": api.page, "incidents": unresolved},
        "scheduled-maintenances.json": {
            "page": api.page,
            "scheduled_maintenances": [api.maintenance(m) for m in api.recent(Kind.MAINTENANCE)],
        },
        "scheduled-maintenances/upcoming.json": {
            "page": api.page,
            "scheduled_maintenances": [
                api.maintenance(m, window) for m, window in derive.upcoming_windows(site, now)
            ],
        },
        "scheduled-maintenances/active.json": {
            "page": api.page,
            "scheduled_maintenances": [api.maintenance(m) for m in active],
        },
    }
    return {f"api/v2/{name}": _dump(doc) for name, doc in documents.items()}


def _dump(document: dict[str, Any]) -> bytes:
    """Compact JSON, as Statuspage serves it (and Python's C encoder writes, where indenting
    takes its pure-Python one, five times slower), safe inside a <script> block."""
    return (script_safe_json(document) + "\n").encode()


def script_safe_json(value: Any, ascii_only: bool = False) -> str:
    """`value` as compact JSON with `<`, `>` and `&` escaped, so a page embedding it in a
    <script> block cannot be broken out of; every JSON parser reads the same text.
    `ascii_only`: non-ASCII characters escaped too."""
    text = json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":"))
    # Three replacements in C: str.translate looks up every character in a Python dict.
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


class Api:
    """Statuspage objects built from the model at one moment."""

    def __init__(self, site: Site, now: datetime) -> None:
        self.site, self.now = site, now
        settings = site.settings
        self.when = site_when(settings)
        self.page_id = short_id("page", settings.site_url or settings.site_name)
        self.states = derive.component_states(site, now)
        self.touched = _last_touched(site)
        self.created = min((i.first.at for i in site.incidents), default=EPOCH)
        newest = max((i.latest.at for i in site.incidents), default=self.created)
        postmortems = [
            i.postmortem.published
            for i in site.incidents
            if i.postmortem and i.postmortem.published
        ]
        newest = max([newest, *postmortems])
        self.page = {
            "id": self.page_id,
            "name": settings.site_name,
            "url": settings.site_url.rstrip("/") or "http://localhost",
            "time_zone": settings.timezone,
            "updated_at": stamp(newest),
        }
        overall = derive.overall(site, now)
        self.status = {
            "indicator": overall.indicator,
            "description": derive.indicator_description(overall.indicator),
        }

    def recent(self, kind: Kind) -> list[Incident]:
        found = [i for i in self.site.incidents if i.kind is kind]
        return sorted(found, key=lambda i: (i.latest.at, i.id), reverse=True)[:LIMIT]

    def component_id(self, component_id: str) -> str:
        return short_id("component", component_id)

    def group_id(self, group: str) -> str:
        return short_id("group", group)

    def components(self, only: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        """Groups (with member ids) and components, in configuration order."""
        result: list[dict[str, Any]] = []
        for position, (group, members) in enumerate(self.site.settings.groups, start=1):
            if group is not None and only is None:
                result.append(self._group(group, members, position))
            for component in members:
                if only is None or component.id in only:
                    result.append(self._component(component.id, group))
        return result

    def _component(self, component_id: str, group: str | None) -> dict[str, Any]:
        component = self.site.settings.component(component_id)
        assert component is not None
        return {
            "id": self.component_id(component_id),
            "name": component.name,
            "status": self.states[component_id].value,
            "created_at": stamp(self.created),
            "updated_at": stamp(self.touched.get(component_id, self.created)),
            "position": component.position,
            "description": component.description,
            "showcase": True,
            "start_date": component.start_date.isoformat() if component.start_date else None,
            "group_id": self.group_id(group) if group else None,
            "page_id": self.page_id,
            "group": False,
            "only_show_if_degraded": False,
        }

    def _group(self, group: str, members: tuple[Any, ...], position: int) -> dict[str, Any]:
        states = [self.states[c.id] for c in members]
        touched = [self.touched.get(c.id, self.created) for c in members]
        return {
            "id": self.group_id(group),
            "name": group,
            "status": derive.worst(states).value,
            "created_at": stamp(self.created),
            "updated_at": stamp(max(touched, default=self.created)),
            "position": position,
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": None,
            "page_id": self.page_id,
            "group": True,
            "only_show_if_degraded": False,
            "components": [self.component_id(c.id) for c in members],
        }

    def incident(self, incident: Incident) -> dict[str, Any]:
        incident_key = short_id("incident", incident.id)
        updates = incident.updates
        monitoring = next((u.at for u in reversed(updates) if u.status == "monitoring"), None)
        return {
            "id": incident_key,
            "name": incident.title,
            "status": derive.current_status(incident, self.now),
            "created_at": stamp(incident.first.at),
            "updated_at": stamp(incident.latest.at),
            "monitoring_at": stamp(monitoring) if monitoring else None,
            "resolved_at": stamp(incident.closed_at) if incident.closed_at else None,
            "impact": "maintenance" if incident.is_maintenance else incident.impact.value,
            "shortlink": self._link(incident),
            "started_at": stamp(incident.started),
            "page_id": self.page_id,
            "incident_updates": [
                self._update(incident_key, u, updates[i - 1] if i else None)
                for i, u in reversed(list(enumerate(updates)))
            ],
            "components": self.components(incident.affected),
        }

    def maintenance(self, incident: Incident, window: Window | None = None) -> dict[str, Any]:
        """A maintenance as of one of its windows (by default the one under way, else the
        next): each window of a series is a maintenance of its own, with its own id."""
        document = self.incident(incident)
        current = derive.current_window(incident, self.now)
        assert current is not None and incident.window is not None
        window = window or current
        document["scheduled_for"] = stamp(window.start)
        document["scheduled_until"] = stamp(window.end)
        if incident.window.repeat:
            document["id"] = short_id("incident", f"{incident.id}/{iso(window.start)}")
        if window != current:
            document["status"] = "scheduled"
        return document

    def _link(self, incident: Incident) -> str:
        base = self.site.settings.site_url.rstrip("/")
        return f"{base}/{incident.id}/"

    def _update(self, incident_key: str, update: Update, previous: Update | None) -> dict[str, Any]:
        at = stamp(update.at)
        return {
            "id": short_id("update", update.uid),
            "status": update.status,
            "body": _plain_body(update, self.when, site_language(self.site.settings)),
            "incident_id": incident_key,
            "created_at": at,
            "updated_at": at,
            "display_at": at,
            "affected_components": self._affected(update, previous) or None,
            "deliver_notifications": True,
            "custom_tweet": None,
            "tweet_id": None,
        }

    def _affected(self, update: Update, previous: Update | None) -> list[dict[str, str]]:
        before = previous.components if previous else {}
        rows = []
        for component_id, state in update.components.items():
            component = self.site.settings.component(component_id)
            old = before.get(component_id, ComponentState.OPERATIONAL)
            rows.append(
                {
                    "code": self.component_id(component_id),
                    "name": component.name if component else component_id,
                    "old_status": old.value,
                    "new_status": state.value,
                }
            )
        return rows


def _plain_body(update: Update, when: Callable[[datetime], str], lang: Language) -> str:
    """The update's text as Statuspage clients expect it: plain text with the key facts in the
    site's language and, last, what it promised (`body` is a plain string to them: no other
    key is added; the API's fixed values stay Statuspage's English)."""
    parts = [update.body.strip()]
    labelled = (
        (N_("Cause: %(text)s"), update.cause),
        (N_("Workaround: %(text)s"), update.workaround),
    )
    for label, value in labelled:
        if value:
            parts.append(lang.gettext(label, text=value))
    if update.apology:
        parts.append(update.apology)
    parts.append(promise_text(update, when, lang))
    return "\n\n".join(p for p in parts if p)


def _last_touched(site: Site) -> dict[str, datetime]:
    """When an update last named each component: from the most recently active incidents
    back, until every configured component is settled (named at or after the latest update
    of every incident left)."""
    touched: dict[str, datetime] = {}
    unsettled = set(site.settings.component_ids)
    for incident in sorted(site.incidents, key=lambda i: i.latest.at, reverse=True):
        latest = incident.latest.at
        unsettled = {c for c in unsettled if touched.get(c, EPOCH) < latest}
        if not unsettled:
            break
        for component_id in incident.affected:
            last = max(u.at for u in incident.updates if component_id in u.components)
            if last > touched.get(component_id, EPOCH):
                touched[component_id] = last
    return touched
