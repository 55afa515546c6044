"""The build clock (`--now` > SOURCE_DATE_EPOCH > an example's as_of > the real time) and time
values in content."""

from __future__ import annotations

import os
import re
from datetime import date, datetime, timedelta, timezone

_DURATION = re.compile(r"(?:(?P<d>[0-9]+)d)?(?:(?P<h>[0-9]+)h)?(?:(?P<m>[0-9]+)m)?")

# The supported range of every time: content, --now and SOURCE_DATE_EPOCH. Durations and day
# counts are bounded too, so that a time in range plus or minus a few of them never leaves
# what Python's datetime can hold (years 1 to 9999).
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9899, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
MAX_DAYS = 3660  # about ten years: the longest duration, and the largest day-count option
MAX_DURATION = timedelta(days=MAX_DAYS)
RANGE_TEXT = "from 1970-01-01 to 9899-12-31 (UTC)"


class OutOfRange(ValueError):
    """A time or duration outside the supported range; the message says which range."""


def parse_duration(text: str) -> timedelta | None:
    """`30m`, `2h`, `1h30m`, `1d` -> timedelta; None when the text is not a duration.

    Raises OutOfRange for a duration longer than MAX_DURATION."""
    match = _DURATION.fullmatch(text.strip().lower())
    if not match or not any(match.groupdict().values()):
        return None
    digits = [match.group(k) or "0" for k in ("d", "h", "m")]
    if max(len(d.lstrip("0")) for d in digits) > 9:  # int() of thousands of digits is slow
        raise OutOfRange(_too_long(text))
    days, hours, minutes = (int(d) for d in digits)
    if days * 1440 + hours * 60 + minutes > MAX_DAYS * 1440:
        raise OutOfRange(_too_long(text))
    return timedelta(days=days, hours=hours, minutes=minutes)


def _too_long(text: str) -> str:
    shown = text.strip() if len(text) <= 40 else text.strip()[:40] + "…"
    return f"the duration '{shown}' is longer than {MAX_DAYS} days, the longest supported"


def in_range(moment: date) -> bool:
    """Whether a time is within EARLIEST..LATEST (a naive one, or a date, is read as UTC)."""
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        return EARLIEST <= moment <= LATEST
    except OverflowError:  # an offset that pushes year 1 or 9999 out of range
        return False


def checked(moment: datetime, what: str) -> datetime:
    """`moment`, or OutOfRange naming `what` when it is outside the supported range."""
    if not in_range(moment):
        raise OutOfRange(
            f"{what} ({moment.isoformat()}) is outside the supported range, {RANGE_TEXT}"
        )
    return moment


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time with an offset -> aware datetime; None when it is not a time.

    A time without an offset parses to a naive datetime so callers can say so.
    """
    value = text.strip()
    if value.endswith(("z", "Z")):
        value = value[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def format_duration(delta: timedelta) -> str:
    """A short human duration: `2 h 10 min`, `3 d 4 h`, `45 min`."""
    minutes = max(0, int(delta.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, to the second. (Pages show thousands of times: formatting
    the fields directly is twice as fast as strftime.)"""
    utc = moment if moment.tzinfo is timezone.utc else moment.astimezone(timezone.utc)
    # %-formatting: 40% faster than an f-string with format specs here
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % (  # noqa: UP031
        utc.year,
        utc.month,
        utc.day,
        utc.hour,
        utc.minute,
        utc.second,
    )


MONTH_ABBREVIATIONS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)  # strftime's %b in the C locale, whatever the locale


def resolve_now(
    now: datetime | None = None,
    environ: dict[str, str] | None = None,
    example_as_of: datetime | None = None,
) -> datetime:
    """The clock of every command: an explicit time, else SOURCE_DATE_EPOCH, else an example
    site's `example: {as_of: ...}`, else now."""
    if now is not None:
        return checked(now, "the time").astimezone(timezone.utc)
    env = os.environ if environ is None else environ
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return _from_epoch(epoch)
    if example_as_of is not None:
        return checked(example_as_of, "the example's as_of").astimezone(timezone.utc)
    return checked(datetime.now(timezone.utc).replace(microsecond=0), "the system clock")


_LATEST_EPOCH = int(LATEST.timestamp())


def _from_epoch(epoch: str) -> datetime:
    if len(epoch) > 12 or int(epoch) > _LATEST_EPOCH:
        shown = epoch if len(epoch) <= 40 else epoch[:40] + "…"
        raise OutOfRange(f"SOURCE_DATE_EPOCH={shown} is outside the supported range, {RANGE_TEXT}")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
