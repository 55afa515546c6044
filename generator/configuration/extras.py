"""The options `alerts`, `vendors`, `vendor_timeout` and `audiences`, checked item by item.

Each check raises `OptionError` naming the list item at fault, so the problem is reported at
that item's line of mkdocs.yml. That components and templates named here exist is checked
with the whole configuration in `cross_problems`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from ..model.extras import AlertRoute, Audience, Vendor
from ..model.fields import did_you_mean
from ..model.types import ComponentState, Impact, Settings

ROUTE_KEYS = ("match", "components", "template", "title", "impact", "publish")
VENDOR_KEYS = ("name", "summary", "components", "page", "counts")
AUDIENCE_KEYS = ("id", "title", "components", "site_dir", "site_url")
AUDIENCE_ID = re.compile(r"[a-z][a-z0-9-]*")  # a letter first: incident folders start with a date
TEMPLATE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_TIMEOUT = 60.0


class ItemError(ValueError):
    """A bad item of a list option; `item` is its index (the line is looked up by it)."""

    def __init__(self, message: str, item: int | str | None = None) -> None:
        super().__init__(message)
        self.item = item


def _items(value: Any, what: str) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise ItemError(f"must be a list of {what}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise ItemError(f"item #{index + 1} must be a mapping of keys to values", index)
    return value


def _known_keys(item: dict[str, Any], keys: tuple[str, ...], index: int) -> None:
    for key in item:
        if str(key) not in keys:
            raise ItemError(
                f"item #{index + 1}: unknown key '{key}' ({did_you_mean(str(key), keys)})", index
            )


def _scalar(item: dict[str, Any], key: str, index: int, required: bool = False) -> str | None:
    value = item.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ItemError(f"item #{index + 1} needs '{key}'", index)
        return None
    if isinstance(value, (dict, list, bool)):
        raise ItemError(f"item #{index + 1}: '{key}' must be text", index)
    return str(value).strip()


def _names(item: dict[str, Any], key: str, index: int, required: bool) -> tuple[str, ...]:
    value = item.get(key)
    if value is None and not required:
        return ()
    if not isinstance(value, list) or not value or any(isinstance(v, (dict, list)) for v in value):
        raise ItemError(f"item #{index + 1}: '{key}' must be a non-empty list of names", index)
    return tuple(str(v) for v in value)


def _flag(item: dict[str, Any], key: str, index: int) -> bool:
    value = item.get(key, False)
    if not isinstance(value, bool):
        raise ItemError(f"item #{index + 1}: '{key}' must be true or false", index)
    return value


def _once(names: list[str], message: str) -> None:
    """Refuse the second item with a name already taken (`message` formats the name)."""
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ItemError(message.format(name), index)
        seen.add(name)


def _web_address(text: str, key: str, index: int) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ItemError(
            f"item #{index + 1}: '{key}' must be an http(s) address, not '{text}'", index
        )
    return text


# --- alerts ---------------------------------------------------------------------------------


def alerts(value: Any) -> tuple[AlertRoute, ...]:
    return tuple(_route(item, index) for index, item in enumerate(_items(value, "alert routes")))


def _route(item: dict[str, Any], index: int) -> AlertRoute:
    _known_keys(item, ROUTE_KEYS, index)
    match = item.get("match")
    if not isinstance(match, dict) or not match:
        raise ItemError(
            f"item #{index + 1}: 'match' must map alert labels to values, "
            "e.g. {service: payments-api}",
            index,
        )
    pairs = []
    for key, wanted in match.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        if not values or any(isinstance(v, (dict, list)) or v is None for v in values):
            raise ItemError(
                f"item #{index + 1}: match '{key}' must be a value or a list of values", index
            )
        pairs.append((str(key), tuple(str(v) for v in values)))
    template = _scalar(item, "template", index)
    if template is not None and not TEMPLATE_NAME.fullmatch(template):
        raise ItemError(f"item #{index + 1}: '{template}' is not a template name", index)
    publish = _flag(item, "publish", index)
    if publish and template is None:
        raise ItemError(
            f"item #{index + 1}: 'publish: true' needs a 'template': only prepared, checked "
            "text is published without review",
            index,
        )
    impact = _scalar(item, "impact", index)
    if impact is not None and impact not in {i.value for i in Impact}:
        raise ItemError(
            f"item #{index + 1}: impact '{impact}' is not one of none, minor, major, critical",
            index,
        )
    return AlertRoute(
        match=tuple(pairs),
        components=_states(item.get("components"), index),
        template=template,
        title=_scalar(item, "title", index),
        impact=Impact(impact) if impact else None,
        publish=publish,
    )


def _states(value: Any, index: int) -> tuple[tuple[str, ComponentState], ...]:
    if not isinstance(value, dict) or not value:
        raise ItemError(
            f"item #{index + 1}: 'components' must map component ids to states, "
            "e.g. {payments: partial_outage}",
            index,
        )
    states = {s.value: s for s in ComponentState}
    result = []
    for component, state in value.items():
        if str(state) not in states:
            raise ItemError(
                f"item #{index + 1}: '{state}' is not a component state "
                f"({did_you_mean(str(state), tuple(states))})",
                index,
            )
        result.append((str(component), states[str(state)]))
    return tuple(result)


# --- vendors --------------------------------------------------------------------------------


def vendors(value: Any) -> tuple[Vendor, ...]:
    found = tuple(_vendor(item, i) for i, item in enumerate(_items(value, "vendors")))
    _once([v.name for v in found], "vendor '{}' is listed twice")
    return found


def _vendor(item: dict[str, Any], index: int) -> Vendor:
    _known_keys(item, VENDOR_KEYS, index)
    page = _scalar(item, "page", index)
    return Vendor(
        name=_scalar(item, "name", index, required=True) or "",
        summary=_web_address(
            _scalar(item, "summary", index, required=True) or "", "summary", index
        ),
        components=_names(item, "components", index, required=False),
        page=_web_address(page, "page", index) if page else None,
        counts=_flag(item, "counts", index),
    )


def vendor_timeout(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ItemError(f"must be a number of seconds, not '{value}'")
    if not 0 < value <= MAX_TIMEOUT:
        raise ItemError(f"must be more than 0 and at most {MAX_TIMEOUT:g} seconds")
    return float(value)


# --- audiences ------------------------------------------------------------------------------


def audiences(value: Any) -> tuple[Audience, ...]:
    found = tuple(_audience(item, i) for i, item in enumerate(_items(value, "audiences")))
    _once([a.id for a in found], "audience id '{}' is given twice")
    return found


def _audience(item: dict[str, Any], index: int) -> Audience:
    _known_keys(item, AUDIENCE_KEYS, index)
    audience_id = _scalar(item, "id", index, required=True) or ""
    if not AUDIENCE_ID.fullmatch(audience_id):
        raise ItemError(
            f"item #{index + 1}: id '{audience_id}' is not valid (a lower-case letter, then "
            "letters, digits and '-'; it is the audience site's folder)",
            index,
        )
    site_url = _scalar(item, "site_url", index)
    return Audience(
        id=audience_id,
        title=_scalar(item, "title", index, required=True) or "",
        components=_names(item, "components", index, required=True),
        site_dir=_scalar(item, "site_dir", index),
        site_url=_web_address(site_url, "site_url", index) if site_url else None,
    )


# --- across options -------------------------------------------------------------------------


def cross_problems(settings: Settings) -> list[tuple[str, int, str]]:
    """(option, item index, message) for names that point nowhere: unknown components in
    alert routes and audiences, audience ids that clash with the site's own folders."""
    known = settings.component_ids
    found: list[tuple[str, int, str]] = []
    for index, route in enumerate(settings.alerts):
        for component, _ in route.components:
            if component not in known:
                found.append(("alerts", index, _unknown(component, known)))
    for index, audience in enumerate(settings.audiences):
        for component in audience.components:
            if component not in known:
                found.append(("audiences", index, _unknown(component, known)))
        if audience.id in _RESERVED_FOLDERS:
            found.append(
                ("audiences", index, f"id '{audience.id}' is a folder the site itself uses")
            )
    return found


_RESERVED_FOLDERS = frozenset(
    {"api", "assets", "components", "history", "incidents", "postmortems", "search", "site"}
)


def _unknown(component: str, known: tuple[str, ...]) -> str:
    return f"unknown component '{component}' ({did_you_mean(component, known)})"
