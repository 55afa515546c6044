"""Atlassian Statuspage: API v2 JSON files, a live public page, or the Manage API.

The public API (`/api/v2/summary.json`, `components.json`, `incidents.json`,
`scheduled-maintenances.json`) lists the latest 50 incidents; the Manage API
(`https://api.statuspage.io/v1/pages/{page_id}/incidents?page=N&per_page=100`, with the header
`Authorization: OAuth <key>`) pages through the whole history. Only the public fields are read:
an incident's `metadata`, tweet and notification settings and everything else are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..clock import parse_time
from ..model.types import (
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    ComponentState,
    Impact,
    Kind,
    Window,
)
from .fetching import get_json
from .history import (
    History,
    SourceComponent,
    SourceError,
    SourceIncident,
    SourcePostmortem,
    SourceUpdate,
)
from .markup import to_markdown
from .reading import read_json_files

SOURCE = "statuspage"
PUBLIC_FILES = (
    "summary.json",
    "components.json",
    "incidents.json",
    "scheduled-maintenances.json",
)
MANAGE_API = "https://api.statuspage.io/v1"
PER_PAGE = 100
PUBLIC_LIMIT = 50  # incidents and maintenances the public API lists
MAX_PAGES = 10_000  # a million incidents: past this the server is not paging
POSTMORTEM_STATUS = "postmortem"  # an update Statuspage writes when a postmortem is published


def from_files(paths: Iterable[Path]) -> History:
    history = History(SOURCE)
    for where, document in read_json_files(paths):
        read_document(document, where, history)
    return history


def from_public_page(url: str, fetch: Callable[[str], Any] = get_json) -> History:
    """The four public documents of a live page (`https://status.example.com`)."""
    base = url.rstrip("/")
    if base.endswith("/api/v2"):
        base = base[: -len("/api/v2")]
    history = History(SOURCE)
    for name in PUBLIC_FILES:
        address = f"{base}/api/v2/{name}"
        read_document(fetch(address), address, history)
    return history


def from_manage_api(
    page_id: str,
    api_key: str,
    base: str = MANAGE_API,
    fetch: Callable[..., Any] = get_json,
    progress: Callable[[int], None] = lambda count: None,
) -> History:
    """Every component and every incident of a page, page by page."""
    headers = {"Authorization": f"OAuth {api_key}"}
    root = f"{base.rstrip('/')}/pages/{page_id}"
    history = History(SOURCE)
    groups: dict[str, str] = {}
    for group in _paged(f"{root}/component-groups", headers, fetch, optional=True):
        if isinstance(group, dict) and isinstance(group.get("id"), str):
            groups[group["id"]] = _text(group.get("name"), "component group name", root)
    components = list(_paged(f"{root}/components", headers, fetch))
    read_components(components, f"{root}/components", history, groups)
    for count, incident in enumerate(_paged(f"{root}/incidents", headers, fetch), start=1):
        history.add_incident(read_incident(incident, f"{root}/incidents", history, None))
        progress(count)
    return history


def _paged(
    address: str, headers: dict[str, str], fetch: Callable[..., Any], optional: bool = False
) -> Iterable[Any]:
    """Every item of a paged list: `?page=N&per_page=100` until a page comes back short."""
    seen: set[str] = set()
    for page in range(1, MAX_PAGES + 1):
        try:
            items = fetch(f"{address}?page={page}&per_page={PER_PAGE}", headers=headers)
        except SourceError as problem:
            if optional and "HTTP 404" in problem.message:
                return
            raise
        if not isinstance(items, list):
            raise SourceError(
                address, "expected a JSON list of objects", "check the page id and the API base URL"
            )
        ids = {str(i["id"]) for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}
        if items and ids and ids <= seen:
            raise SourceError(
                address,
                f"page {page} repeats what earlier pages held: the server does not page",
                "check the API base URL",
            )
        seen |= ids
        yield from items
        if len(items) < PER_PAGE:
            return
    raise SourceError(address, f"more than {MAX_PAGES} pages", "the server does not page")


# --- documents -------------------------------------------------------------------------------


def read_document(document: Any, where: str, history: History) -> None:
    """One public API response, or a list of incidents as the Manage API returns them."""
    if isinstance(document, list):
        for item in document:
            history.add_incident(read_incident(item, where, history, None))
        return
    if not isinstance(document, dict):
        raise SourceError(where, "not a Statuspage API document (expected a JSON object)")
    known = False
    if "components" in document:
        read_components(_list(document["components"], "components", where), where, history, {})
        known = True
    for key, kind in (("incidents", None), ("scheduled_maintenances", Kind.MAINTENANCE)):
        if key in document:
            items = _list(document[key], key, where)
            for item in items:
                history.add_incident(read_incident(item, where, history, kind))
            if len(items) >= PUBLIC_LIMIT:
                history.notes.append(
                    f"{where} holds the latest {PUBLIC_LIMIT}: the public API shows no more; "
                    "import the whole history with --page-id (the Manage API)"
                )
            known = True
    if not known and "status" not in document:
        raise SourceError(
            where,
            "not a Statuspage API document: no 'components', 'incidents' or "
            "'scheduled_maintenances'",
            "pass summary.json, components.json, incidents.json or scheduled-maintenances.json",
        )


def read_components(items: list[Any], where: str, history: History, groups: dict[str, str]) -> None:
    objects = [_object(item, "component", where) for item in items]
    names = dict(groups)
    for item in objects:
        if item.get("group") is True:
            names[_id(item, where)] = _text(item.get("name"), "component name", where)
    for item in objects:
        if item.get("group") is True:
            continue
        group_id = item.get("group_id")
        history.add_component(
            SourceComponent(
                key=_id(item, where),
                name=_text(item.get("name"), "component name", where),
                group=names.get(group_id) if isinstance(group_id, str) else None,
                description=_optional_text(item.get("description")),
                start_date=_start_date(item.get("start_date"), where),
            )
        )


def read_incident(item: Any, where: str, history: History, kind: Kind | None) -> SourceIncident:
    incident = _object(item, "incident", where)
    key = _id(incident, where)
    here = f"{where}: incident {key}"
    window = _window(incident, here)
    if kind is None:
        maintenance = incident.get("impact") == "maintenance" or window is not None
        kind = Kind.MAINTENANCE if maintenance else Kind.INCIDENT
    if kind is Kind.MAINTENANCE and window is None:
        raise SourceError(
            here, "a scheduled maintenance without 'scheduled_for' and 'scheduled_until'"
        )
    for component in _list(incident.get("components") or [], "components", here):
        if isinstance(component, dict) and component.get("group") is not True:
            name = _text(component.get("name"), "component name", here)
            history.add_component(SourceComponent(_id(component, here), name), named_only=True)
    raw_updates = _list(incident.get("incident_updates") or [], "incident_updates", here)
    updates, postmortem_text = _updates(raw_updates, kind, here, history)
    if not updates:
        raise SourceError(here, "has no incident_updates", "export the incident with its updates")
    return SourceIncident(
        key=key,
        kind=kind,
        title=_text(incident.get("name"), "name", here),
        impact=_impact(incident.get("impact"), here),
        updates=tuple(updates),
        started=_optional_time(incident.get("started_at"), "started_at", here),
        window=window,
        postmortem=_postmortem(incident, postmortem_text, here, history),
    )


def _updates(
    items: list[Any], kind: Kind, where: str, history: History
) -> tuple[list[SourceUpdate], str | None]:
    statuses = MAINTENANCE_STATUSES if kind is Kind.MAINTENANCE else INCIDENT_STATUSES
    updates: list[SourceUpdate] = []
    postmortem: str | None = None
    for raw in items:
        update = _object(raw, "incident update", where)
        key = _id(update, where)
        here = f"{where}, update {key}"
        status = _text(update.get("status"), "status", here)
        if status == POSTMORTEM_STATUS:
            postmortem = to_markdown(_optional_text(update.get("body")))
            continue
        if status not in statuses:
            raise SourceError(
                here,
                f"'{status}' is not a {kind.value} status",
                "expected one of: " + ", ".join(statuses),
            )
        at = _time(update.get("display_at") or update.get("created_at"), "display_at", here)
        updates.append(
            SourceUpdate(
                key=key,
                at=at,
                status=status,
                body=to_markdown(_optional_text(update.get("body"))),
                components=_affected(update.get("affected_components"), here, history),
            )
        )
    updates.sort(key=lambda u: u.at)
    return updates, postmortem


def _affected(value: Any, where: str, history: History) -> dict[str, ComponentState]:
    states: dict[str, ComponentState] = {}
    for raw in _list(value or [], "affected_components", where):
        row = _object(raw, "affected component", where)
        code = _text(row.get("code"), "affected component code", where)
        state = _state(row.get("new_status"), where)
        if state is None:
            continue
        name = _text(row.get("name"), "affected component name", where)
        history.add_component(SourceComponent(code, name), named_only=True)
        states[code] = state
    return states


def _state(value: Any, where: str) -> ComponentState | None:
    if value in (None, ""):
        return None
    try:
        return ComponentState(value)
    except ValueError:
        raise SourceError(
            where,
            f"'{value}' is not a component state",
            "expected one of: " + ", ".join(s.value for s in ComponentState),
        ) from None


def _impact(value: Any, where: str) -> Impact:
    if value in (None, "", "maintenance"):
        return Impact.NONE
    try:
        return Impact(value)
    except ValueError:
        raise SourceError(
            where, f"'{value}' is not an impact", "expected none, minor, major or critical"
        ) from None


def _window(incident: dict[str, Any], where: str) -> Window | None:
    start = _optional_time(incident.get("scheduled_for"), "scheduled_for", where)
    end = _optional_time(incident.get("scheduled_until"), "scheduled_until", where)
    if start is None or end is None:
        return None
    if end < start:
        raise SourceError(where, "'scheduled_until' is before 'scheduled_for'")
    return Window(start, end)


def _postmortem(
    incident: dict[str, Any], from_update: str | None, where: str, history: History
) -> SourcePostmortem | None:
    """The published postmortem; a draft (a body the Manage API returns with no
    `postmortem_published_at`) is not public and is left out."""
    published = _optional_time(
        incident.get("postmortem_published_at"), "postmortem_published_at", where
    )
    body = to_markdown(_optional_text(incident.get("postmortem_body")))
    if body and published is None and from_update is None:
        history.refused.append(f"{where}: the postmortem is an unpublished draft")
        body = ""
    body = body or from_update or ""
    return SourcePostmortem(body, published) if body else None


def _start_date(value: Any, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise SourceError(where, f"start_date '{value}' is not a date") from None


# --- values ----------------------------------------------------------------------------------


def _object(value: Any, what: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise SourceError(where, f"expected a JSON object for a {what}, found {_kind(value)}")
    return value


def _list(value: Any, key: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise SourceError(where, f"'{key}' must be a list, found {_kind(value)}")
    return value


def _id(item: dict[str, Any], where: str) -> str:
    value = item.get("id")
    if not isinstance(value, str) or not value.strip():
        raise SourceError(where, "an object without an 'id'", "export the page's data unchanged")
    return value.strip()


def _text(value: Any, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SourceError(where, f"'{key}' is missing or not text")
    return " ".join(value.split()) if key.endswith("name") else value.strip()


def _optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _time(value: Any, key: str, where: str) -> datetime:
    moment = parse_time(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise SourceError(where, f"'{key}' is not a time with an offset: {value!r}")
    return moment


def _optional_time(value: Any, key: str, where: str) -> datetime | None:
    return None if value in (None, "") else _time(value, key, where)


def _kind(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "text"}
    return names.get(type(value), type(value).__name__)
