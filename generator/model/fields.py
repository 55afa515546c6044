"""Field parsers for update and postmortem front matter: one small function per kind of value."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from ..clock import RANGE_TEXT, OutOfRange, checked, in_range, parse_duration, parse_time
from ..diagnostics import Diagnostic, error
from . import recurrence
from .types import ETA_UNKNOWN, ComponentState, Impact

UPDATE_KEYS = (
    "title",
    "at",
    "status",
    "impact",
    "components",
    "started",
    "eta",
    "next_update",
    "apology",
    "cause",
    "workaround",
    "author",
    "draft",
    "internal",
    "lint",
    "kind",
    "window",
    "imported_from",
)
POSTMORTEM_KEYS = (
    "title",
    "published",
    "authors",
    "summary",
    "action_items",
    "lint",
    "draft",
    "imported_from",
)
ACTION_ITEM_KEYS = ("what", "owner", "due", "status")
NEEDS_AT = "needs-at"  # not a diagnostic: a relative time whose 'at' is unusable
ZERO = timedelta(0)
TIME_HINT = "write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00"
RANGE_HINT = f"statuspress supports times {RANGE_TEXT}; check the year"


class FieldError(Exception):
    """A value that cannot be used; the loader turns it into a diagnostic at the key's line."""

    def __init__(self, rule: str, message: str, hint: str, key: str | None = None) -> None:
        super().__init__(message)
        self.rule, self.message, self.hint, self.key = rule, message, hint, key


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "known keys: " + ", ".join(choices)


def unknown_keys(
    path: str, meta: dict[str, Any], lines: dict[str, int], known: tuple[str, ...]
) -> list[Diagnostic]:
    return [
        error(
            path, lines.get(key, 1), "unknown-key", f"unknown key '{key}'", did_you_mean(key, known)
        )
        for key in meta
        if key not in known
    ]


def text(key: str, value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise FieldError("bad-value", f"'{key}' must be text", f"write '{key}: some text'", key)
    return str(value).strip()


def optional_text(key: str, value: Any) -> str | None:
    if value is None:
        return None
    return text(key, value) or None


def boolean(key: str, value: Any) -> bool:
    lowered = str(value).strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off", "none", ""):
        return False
    raise FieldError(
        "bad-value",
        f"'{key}' must be true or false, not '{value}'",
        f"write '{key}: true' or '{key}: false'",
    )


def aware_time(key: str, value: Any) -> datetime:
    raw = text(key, value)
    moment = parse_time(raw)
    if moment is None:
        raise FieldError("bad-time", f"'{key}' is not a time: '{raw}'", TIME_HINT, key)
    if moment.tzinfo is None:
        raise FieldError("time-offset", f"'{key}' has no UTC offset: '{raw}'", TIME_HINT, key)
    return _in_range(key, moment)


def window_time(key: str, value: Any, zone: str | None) -> tuple[datetime, str | None]:
    """A window's time: with an offset (`2026-11-29T01:00:00Z`), or a local time and an IANA
    zone (`2026-11-29T02:00 Europe/Berlin`); without either, in `zone` (the start's)."""
    raw = text(key, value)
    local, named = recurrence.split_zone(raw)
    moment = parse_time(local)
    if moment is None:
        raise FieldError("bad-time", f"'{key}' is not a time: '{raw}'", ZONED_TIME_HINT, key)
    if named and moment.tzinfo is not None:
        raise FieldError(
            "bad-time",
            f"'{key}' has both an offset and a zone: '{raw}'",
            "write the local time and the zone, e.g. 2026-11-29T02:00 Europe/Berlin",
            key,
        )
    named = named or (zone if moment.tzinfo is None else None)
    if moment.tzinfo is None and named is None:
        raise FieldError(
            "time-offset", f"'{key}' has no UTC offset or zone: '{raw}'", ZONED_TIME_HINT, key
        )
    if named:
        try:
            moment = recurrence.in_zone(moment, named)
        except recurrence.RecurrenceError as exc:
            raise FieldError("bad-time", f"'{key}': {exc.message}", exc.hint, key) from None
    return _in_range(key, moment), named


ZONED_TIME_HINT = f"{TIME_HINT}, or a local time and a zone: 2026-11-29T02:00 Europe/Berlin"


def _in_range(key: str, moment: datetime) -> datetime:
    try:
        return checked(moment, f"'{key}'")
    except OutOfRange as exc:
        raise FieldError("time-range", str(exc), RANGE_HINT, key) from None


def time_or_duration(key: str, value: Any, at: datetime | None) -> datetime:
    """An aware time, or a duration like `30m` counted from the update's `at`."""
    raw = text(key, value)
    try:
        delta = parse_duration(raw)
    except OutOfRange as exc:
        raise FieldError(
            "bad-duration", f"'{key}': {exc}", "write a shorter duration, or a time", key
        ) from None
    if delta is not None:
        if at is None:  # 'at' is missing or bad, and that is reported already
            raise FieldError(NEEDS_AT, f"'{key}' is relative to 'at'", "fix 'at' first")
        if delta <= ZERO:
            raise FieldError(
                "bad-duration",
                f"'{key}' is a duration of zero: '{raw}'",
                "a promise points to the future: write e.g. 30m, 2h or 1d",
            )
        return _in_range(key, at + delta)
    if parse_time(raw) is None and raw[:1].isdigit() and not raw[:4].isdigit():
        raise FieldError(
            "bad-duration",
            f"'{key}' is not a duration: '{raw}'",
            "write a duration like 30m, 2h, 1h30m or 1d, or an ISO 8601 time",
        )
    try:
        return aware_time(key, raw)
    except FieldError as exc:
        if exc.rule == "bad-time":
            raise FieldError(
                "bad-duration",
                f"'{key}' is neither a time nor a duration: '{raw}'",
                "write a duration like 30m, 2h, 1h30m or 1d, or a time such as "
                "2026-11-20T16:00:00Z",
            ) from None
        raise


def eta(key: str, value: Any, at: datetime | None) -> datetime | str:
    if str(value).strip().lower() == ETA_UNKNOWN:
        return ETA_UNKNOWN
    return time_or_duration(key, value, at)


def enum_value(key: str, value: Any, choices: tuple[str, ...], rule: str) -> str:
    raw = text(key, value)
    if raw not in choices:
        hint = did_you_mean(raw, choices)
        if not hint.startswith("did"):
            hint = f"use one of: {', '.join(choices)}"
        raise FieldError(rule, f"'{raw}' is not a valid {key}", hint, key)
    return raw


def impact(key: str, value: Any) -> Impact:
    return Impact(enum_value(key, value, tuple(i.value for i in Impact), "unknown-impact"))


def component_state(component_id: str, value: Any) -> ComponentState:
    choices = tuple(s.value for s in ComponentState)
    if isinstance(value, (dict, list)) or value is None:
        raise FieldError(
            "unknown-state",
            f"component '{component_id}' has no state",
            f"write '{component_id}: major_outage' or another of: " + ", ".join(choices),
            f"components.{component_id}",
        )
    raw = str(value).strip()
    if raw not in choices:
        hint = did_you_mean(raw, choices)
        if not hint.startswith("did"):
            hint = f"use one of: {', '.join(choices)}"
        raise FieldError(
            "unknown-state",
            f"'{raw}' is not a component state (component '{component_id}')",
            hint,
            f"components.{component_id}",
        )
    return ComponentState(raw)


def string_list(key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.strip(),)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError(
            "bad-value", f"'{key}' must be a list of names", f"write '{key}: [Platform team]'"
        )
    return tuple(v.strip() for v in value)


def lint_ignore(key: str, value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, dict) or set(value) - {"ignore"}:
        raise FieldError(
            "bad-value",
            "'lint' must be a mapping with an 'ignore' list",
            "write 'lint: {ignore: [generic-statement]}'",
        )
    return frozenset(string_list("lint.ignore", value.get("ignore")))


def plain_date(key: str, value: Any) -> date:
    raw = text(key, value)
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        raise FieldError(
            "bad-time", f"'{key}' is not a date: '{raw}'", "write a date as YYYY-MM-DD", key
        ) from None
    if not in_range(day):
        raise FieldError(
            "time-range", f"'{key}' {day} is outside the supported range", RANGE_HINT, key
        )
    return day


def check_after(key: str, moment: datetime | None, at: datetime) -> None:
    if isinstance(moment, datetime) and moment < at:
        raise FieldError(
            "time-order",
            f"'{key}' ({moment.isoformat()}) is before the update's 'at' ({at.isoformat()})",
            f"a promise points to the future: set '{key}' after 'at', or use a "
            "duration such as 30m",
        )


Parser = Callable[[str, Any], Any]
SIMPLE_UPDATE_FIELDS: dict[str, Parser] = {
    "title": optional_text,
    "apology": optional_text,
    "cause": optional_text,
    "workaround": optional_text,
    "author": optional_text,
    "imported_from": optional_text,
    "draft": boolean,
    "internal": lambda key, value: None,  # read and dropped: never enters the model
    "lint": lint_ignore,
}
