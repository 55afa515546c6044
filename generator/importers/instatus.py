"""Instatus: JSON saved from its documented API (`https://api.instatus.com`).

    GET /v1/:page_id/incidents?page=N&per_page=100   a list of incidents with their updates
    GET /v1/:page_id/components                      a list of components

Both need `Authorization: Bearer <API key>`. The public `/summary.json` of an Instatus page
names only the active incidents, without their updates, so it is not a history to import; a
public `/v2/incidents.json` is not described in Instatus's documentation, so it is not read.
The incident list says which components an incident touched but not their state at each
update: the first update gives them the state the incident's `impact` names (a partial outage
when it names none). Components' `uniqueEmail` (an internal automation address) is never read.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import parse_time
from ..model.types import ComponentState, Impact, Kind
from .history import History, SourceComponent, SourceError, SourceIncident, SourceUpdate
from .markup import to_markdown
from .reading import read_json_files

SOURCE = "instatus"
STATUSES = {
    "INVESTIGATING": "investigating",
    "IDENTIFIED": "identified",
    "MONITORING": "monitoring",
    "RESOLVED": "resolved",
}
STATES = {
    "OPERATIONAL": ComponentState.OPERATIONAL,
    "UNDERMAINTENANCE": ComponentState.UNDER_MAINTENANCE,
    "DEGRADEDPERFORMANCE": ComponentState.DEGRADED_PERFORMANCE,
    "PARTIALOUTAGE": ComponentState.PARTIAL_OUTAGE,
    "MINOROUTAGE": ComponentState.PARTIAL_OUTAGE,
    "MAJOROUTAGE": ComponentState.MAJOR_OUTAGE,
}
IMPACTS = {
    ComponentState.MAJOR_OUTAGE: Impact.MAJOR,
    ComponentState.PARTIAL_OUTAGE: Impact.MINOR,
    ComponentState.DEGRADED_PERFORMANCE: Impact.MINOR,
    ComponentState.UNDER_MAINTENANCE: Impact.NONE,
    ComponentState.OPERATIONAL: Impact.NONE,
}


def from_files(paths: Iterable[Path]) -> History:
    history = History(SOURCE)
    documents = list(read_json_files(paths))
    for where, document in documents:  # components first: incidents name them
        if _is_component_list(document):
            for item in document:
                history.add_component(_component(item, where))
    for where, document in documents:
        if _is_component_list(document):
            continue
        if not isinstance(document, list):
            raise SourceError(
                where,
                "not an Instatus incidents or components list (expected a JSON list)",
                "save the responses of GET /v1/:page_id/incidents and /v1/:page_id/components",
            )
        for item in document:
            history.add_incident(_incident(item, where, history))
    return history


def _is_component_list(document: Any) -> bool:
    return (
        isinstance(document, list)
        and bool(document)
        and all(isinstance(i, dict) and "updates" not in i and "name" in i for i in document)
    )


def _component(item: dict[str, Any], where: str) -> SourceComponent:
    group = item.get("group")
    group_name = group.get("name") if isinstance(group, dict) else group
    description = item.get("description")
    return SourceComponent(
        key=_id(item, where),
        name=_text(item.get("name"), "name", where),
        group=group_name.strip() if isinstance(group_name, str) and group_name.strip() else None,
        description=description.strip()
        if isinstance(description, str) and description.strip()
        else None,
    )


def _incident(item: Any, where: str, history: History) -> SourceIncident:
    if not isinstance(item, dict):
        raise SourceError(where, "expected a JSON object for an incident")
    key = _id(item, where)
    here = f"{where}: incident {key}"
    impact_state = STATES.get(str(item.get("impact") or "").upper(), ComponentState.PARTIAL_OUTAGE)
    affected = []
    for component in item.get("components") or []:
        if isinstance(component, dict):
            source = _component(component, here)
            history.add_component(source, named_only=True)
            affected.append(source.key)
    raw = item.get("updates")
    if not isinstance(raw, list) or not raw:
        raise SourceError(here, "has no 'updates'", "save the incidents with their updates")
    updates = sorted((_update(u, here) for u in raw), key=lambda u: u.at)
    first = updates[0]
    updates[0] = SourceUpdate(
        first.key, first.at, first.status, first.body, dict.fromkeys(affected, impact_state)
    )
    started = _optional_time(item.get("started"), f"{here}: started")
    return SourceIncident(
        key=key,
        kind=Kind.INCIDENT,
        title=_text(item.get("name"), "name", here),
        impact=IMPACTS[impact_state],
        updates=tuple(updates),
        started=started if started and started < first.at else None,
    )


def _update(item: Any, where: str) -> SourceUpdate:
    if not isinstance(item, dict):
        raise SourceError(where, "an update is not a JSON object")
    key = _id(item, where)
    here = f"{where}, update {key}"
    status = STATUSES.get(str(item.get("status") or ""))
    if status is None:
        raise SourceError(
            here,
            f"'{item.get('status')}' is not an incident status",
            "expected " + ", ".join(STATUSES),
        )
    at = _optional_time(item.get("started") or item.get("createdAt"), f"{here}: started")
    if at is None:
        raise SourceError(here, "has no time ('started' or 'createdAt')")
    html = item.get("messageHtml")
    text = (
        to_markdown(html)
        if isinstance(html, str) and html.strip()
        else to_markdown(item.get("message"))
    )
    return SourceUpdate(key, at, status, text)


def _id(item: dict[str, Any], where: str) -> str:
    value = item.get("id")
    if not isinstance(value, str) or not value.strip():
        raise SourceError(where, "an object without an 'id'")
    return value.strip()


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceError(where, f"'{key}' is missing or not text")
    return " ".join(value.split())


def _optional_time(value: Any, where: str) -> datetime | None:
    if value in (None, ""):
        return None
    moment = parse_time(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise SourceError(where, f"not a time with an offset: {value!r}")
    return moment
