"""Maintenance windows written in a named zone, and windows that repeat by an RFC 5545 RRULE.

python-dateutil reads the rule; this module only bounds it and keeps the zone's wall time:
each occurrence starts at the same local time as the first and lasts as long on the clock on
the wall, across daylight-saving changes.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import RANGE_TEXT, in_range

MAX_OCCURRENCES = 500  # a page lists every window of a series; a calendar holds one event

# `2026-11-29T02:00 Europe/Berlin`: a local time, a space, an IANA zone name.
_ZONED = re.compile(r"(?P<time>\S+)\s+(?P<zone>[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*)")


class RecurrenceError(ValueError):
    """A rule or zone that cannot be used; `hint` says what to write instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def split_zone(text: str) -> tuple[str, str | None]:
    """`2026-11-29T02:00 Europe/Berlin` -> (`2026-11-29T02:00`, `Europe/Berlin`)."""
    match = _ZONED.fullmatch(text.strip())
    if match is None:
        return text, None
    return match["time"], match["zone"]


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RecurrenceError(
            f"unknown time zone '{name}'",
            "use an IANA zone name such as Europe/Berlin or America/New_York",
        ) from None


def in_zone(naive: datetime, zone_name: str) -> datetime:
    """A wall time in a named zone; refused when the clocks skip it (a spring-forward gap)."""
    zone = zone_named(zone_name)
    moment = naive.replace(tzinfo=zone)
    back = moment.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise RecurrenceError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip it "
            "when daylight-saving time begins",
            "choose a time outside the skipped hour",
        )
    return moment


def occurrences(
    start: datetime, end: datetime, zone_name: str | None, rule: str | None
) -> tuple[tuple[datetime, datetime], ...]:
    """Every (start, end) of a window; one for a window that does not repeat."""
    if not rule:
        return ((start, end),)
    zone: tzinfo = zone_named(zone_name) if zone_name else start.tzinfo or timezone.utc
    first = start.astimezone(zone)
    wall_length = end.astimezone(zone).replace(tzinfo=None) - first.replace(tzinfo=None)
    starts = _expand(rule, first)
    found = []
    for begin in starts:
        wall_end = (begin.replace(tzinfo=None) + wall_length).replace(tzinfo=zone)
        found.append((begin.astimezone(timezone.utc), wall_end.astimezone(timezone.utc)))
    return tuple(found)


def check_rule(start: datetime, end: datetime, zone_name: str | None, rule: str) -> None:
    """Raise RecurrenceError unless the rule is bounded, starts at `start` and its windows
    follow one another without overlapping."""
    windows = occurrences(start, end, zone_name, rule)
    if windows[0][0] != start:
        raise RecurrenceError(
            f"the window's start is not an occurrence of 'repeat: {rule}' (its first is "
            f"{windows[0][0]:%Y-%m-%d %H:%M} UTC)",
            "make 'start' the first window of the series, e.g. a Sunday for BYDAY=SU",
        )
    for (_, earlier_end), (later_start, _) in pairwise(windows):
        if later_start < earlier_end:
            raise RecurrenceError(
                f"the windows of 'repeat: {rule}' overlap: one starts at "
                f"{later_start:%Y-%m-%d %H:%M} UTC, before the one before it ends",
                "make the window shorter than the time between two occurrences",
            )


_BOUND = re.compile(r"(?:^|;)\s*(?:COUNT|UNTIL)\s*=", re.IGNORECASE)
_RULE_HINT = (
    "write an RFC 5545 RRULE with an end, e.g. 'FREQ=WEEKLY;BYDAY=SU;COUNT=8' or "
    "'FREQ=MONTHLY;BYDAY=1SA;UNTIL=20271231T000000Z'"
)


def _expand(rule: str, first: datetime) -> list[datetime]:
    from dateutil.rrule import rrule, rrulestr  # only for a repeating window

    text = rule.strip().removeprefix("RRULE:")
    if not text or "\n" in text or ":" in text:  # e.g. a DTSTART line: 'start' says that
        raise RecurrenceError(f"'repeat' is not one RRULE: '{rule}'", _RULE_HINT)
    if not _BOUND.search(text):
        raise RecurrenceError(
            f"'repeat: {rule}' never ends: a series needs COUNT or UNTIL", _RULE_HINT
        )
    try:
        parsed = rrulestr(text, dtstart=first)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise RecurrenceError(f"'repeat' is not a valid RRULE: {exc}", _RULE_HINT) from None
    assert isinstance(parsed, rrule)
    found: list[datetime] = []
    try:
        for moment in parsed:
            if len(found) == MAX_OCCURRENCES:
                raise RecurrenceError(
                    f"'repeat: {rule}' makes more than {MAX_OCCURRENCES} windows",
                    "lower COUNT or bring UNTIL closer; announce a longer series in parts",
                )
            found.append(moment)
    except (ValueError, OverflowError) as exc:  # past year 9999
        raise RecurrenceError(f"'repeat' is not a valid RRULE: {exc}", _RULE_HINT) from None
    if not found:
        raise RecurrenceError(f"'repeat: {rule}' makes no window at all", _RULE_HINT)
    if not in_range(found[-1]):
        raise RecurrenceError(
            f"'repeat: {rule}' makes windows after the latest supported time",
            f"keep every window within {RANGE_TEXT}: lower COUNT or bring UNTIL closer",
        )
    return found
