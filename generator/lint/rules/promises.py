"""A time promised in the text that the update's own `next_update` or `eta` contradicts.

The page, feeds, API and notifications show the fields; a different time in the prose means
customers read two promises and cannot tell which one holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from ...language.core import Formatter
from ...model.types import ETA_UNKNOWN, Update
from .registry import ERROR, WARNING, Context, Finding, Scope, UpdateView, rule, update_finding
from .text import Segment

# Zone abbreviations people write after a time. The US ones without S/D follow daylight
# saving; the others are fixed offsets. Ambiguous ones (IST, CST in China) are left out.
_ZONES: dict[str, tzinfo] = {
    "UTC": timezone.utc,
    "GMT": timezone.utc,
    "Z": timezone.utc,
    "PT": ZoneInfo("America/Los_Angeles"),
    "PST": timezone(timedelta(hours=-8)),
    "PDT": timezone(timedelta(hours=-7)),
    "MT": ZoneInfo("America/Denver"),
    "MST": timezone(timedelta(hours=-7)),
    "MDT": timezone(timedelta(hours=-6)),
    "CT": ZoneInfo("America/Chicago"),
    "CDT": timezone(timedelta(hours=-5)),
    "ET": ZoneInfo("America/New_York"),
    "EST": timezone(timedelta(hours=-5)),
    "EDT": timezone(timedelta(hours=-4)),
    "CET": timezone(timedelta(hours=1)),
    "CEST": timezone(timedelta(hours=2)),
    "BST": timezone(timedelta(hours=1)),
    "JST": timezone(timedelta(hours=9)),
    "AEST": timezone(timedelta(hours=10)),
    "AEDT": timezone(timedelta(hours=11)),
}
_ZONE_NAMES = "|".join(sorted(_ZONES, key=len, reverse=True))

# "by 07:05 UTC", "at 9am PT", "around 9:30 p.m.", "ETA: 11:30"
CLOCK_TIME = re.compile(
    r"\b(?P<lead>by|at|before|around|until|till|than|about|approximately|roughly|eta:?)\s+"
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>[0-5]\d))?"
    r"(?:\s?(?P<ampm>[ap])\.?m\b\.?)?"
    rf"(?:\s?(?-i:(?P<zone>{_ZONE_NAMES}))\b)?",
    re.IGNORECASE,
)
_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}
_AMOUNT = r"\d{1,4}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
# "in 30 minutes", "in half an hour", "within the hour", "within the next 2 hours"
RELATIVE_TIME = re.compile(
    r"\b(?P<lead>in|within)\s+(?:the\s+next\s+|the\s+coming\s+|another\s+|about\s+|around\s+|"
    r"approximately\s+|roughly\s+|less\s+than\s+|under\s+)*"
    rf"(?:(?P<half>half\s+an?\s+hour)|(?P<the>the\s+hour)|(?P<amount>{_AMOUNT})\s*"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|h)\b)",
    re.IGNORECASE,
)
_UPDATE_WORDS = re.compile(
    r"\b(?:updat\w*|check\s+back|report\s+back|back\s+to\s+you|hear\s+from\s+us)", re.IGNORECASE
)
_RESOLVE_WORDS = re.compile(
    r"\b(?:resol\w*|fix\w*|restor\w*|recover\w*|clear\w*|mitigat\w*|eta|back\s+to\s+normal|"
    r"back\s+up|(?:be|is|are)\s+back|complet\w*|finish\w*|repair\w*)\b",
    re.IGNORECASE,
)
_FUTURE = re.compile(
    r"\b(?:will|'ll|shall|should|expect\w*|anticipat\w*|plan\w*|aim\w*|next|eta|estimat\w*|"
    r"going\s+to|on\s+track|another|further)\b",
    re.IGNORECASE,
)
# A sentence that tells of the past ("Since 08:52 UTC ...") promises nothing.
_PAST_LEAD = re.compile(r"\b(?:since|from|between|started|began|at)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Promised:
    """A time the text promises: a moment, or a latest moment ("within the hour")."""

    words: str
    moment: datetime
    field: str  # next_update | eta
    at_most: bool  # "within": any time up to `moment` keeps it
    certain: bool  # a clock time with its zone, read one way only
    line: int
    candidates: tuple[datetime, ...] = ()  # other readings of the same words (7:05 or 19:05)


@rule(
    "promise-mismatch",
    ERROR,
    Scope.UPDATE,
    level_note="warning when not certain",
    reason="The page, the feeds, the API and every notification show `next_update` and "
    "`eta`; a different time in the text gives customers two promises, and whichever one "
    "you keep, you broke the other (SPEC §2.4, §2.5; Atlassian's incident handbook).",
    advice="say each time once: drop it from the text (every channel shows `next_update` and "
    "`eta`), or set the field to the time you mean",
)
def promise_mismatch(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """A time promised in the text ("next update by 07:05 UTC", "fixed in 30 minutes",
    "within the hour", "by 9am PT") differs from the update's `next_update` or `eta` (an
    error for a clock time with its zone; a warning for relative or zone-less times)."""
    update = view.update
    if update.is_closing or (update.next_update is None and update.eta is None):
        return
    segment = view.prose.segment("body")
    if segment is None:
        return
    zone = ZoneInfo(ctx.settings.timezone)
    for promised in text_promises(update, segment, zone):
        field_value = update.next_update if promised.field == "next_update" else update.eta
        contradiction = _contradiction(promised, field_value, zone)
        if contradiction:
            yield update_finding(
                update,
                promised.line,
                f"the text promises '{promised.words}' but {contradiction}",
                level=None if promised.certain else WARNING,
            )


def text_promises(update: Update, segment: Segment, zone: ZoneInfo) -> Iterator[Promised]:
    """Every time the body promises, with the field it concerns."""
    text = segment.cleaned
    for match in CLOCK_TIME.finditer(text):
        begin, end = segment.sentence(match.start(), match.end())
        field = _concerns(text[begin:end], match.start() - begin)
        if field is None or _tells_of_past(text[begin : match.start()]):
            continue
        readings = _clock_readings(match, update.at, zone)
        if not readings:
            continue
        yield Promised(
            words=" ".join(match.group(0).split()),
            moment=readings[0],
            field=field,
            at_most=False,
            certain=bool(match["zone"]),
            line=segment.line_at(match.start()),
            candidates=tuple(readings),
        )
    for match in RELATIVE_TIME.finditer(text):
        begin, end = segment.sentence(match.start(), match.end())
        field = _concerns(text[begin:end], match.start() - begin)
        if field is None:
            continue
        yield Promised(
            words=" ".join(match.group(0).split()),
            moment=update.at + _duration(match),
            field=field,
            at_most=match["lead"].lower() == "within" or bool(match["the"]),
            certain=False,
            line=segment.line_at(match.start()),
        )


def _concerns(sentence: str, offset: int) -> str | None:
    """Which field a time at `offset` of `sentence` promises: the next update or the
    resolution, by the nearest word of either before it (else after it); None when the
    sentence promises nothing."""
    if not _FUTURE.search(sentence):
        return None
    marks = [(m.start(), "next_update") for m in _UPDATE_WORDS.finditer(sentence)]
    marks += [(m.start(), "eta") for m in _RESOLVE_WORDS.finditer(sentence)]
    if not marks:
        return None
    before = [mark for mark in marks if mark[0] < offset]
    if before:
        return max(before)[1]
    return min(marks)[1]


def _tells_of_past(before: str) -> bool:
    return bool(_PAST_LEAD.search(before)) and not _FUTURE.search(before)


def _clock_readings(match: re.Match[str], at: datetime, zone: ZoneInfo) -> list[datetime]:
    """The moments a clock time can mean, the first after `at` for each reading: one with
    a.m./p.m. or a 24-hour time, two for "7:05" (07:05 or 19:05)."""
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["minute"] is None and match["ampm"] is None:
        return []  # "by 9" is no time
    if hour > 23 or (match["ampm"] and not 1 <= hour <= 12):
        return []
    where = _ZONES.get(match["zone"] or "", zone)
    if match["ampm"]:
        hours = [hour % 12 + (12 if match["ampm"].lower() == "p" else 0)]
    elif hour < 12 and not match["hour"].startswith("0"):
        hours = [hour, hour + 12]
    else:
        hours = [hour]
    return [_next_at(at, time(h, minute), where) for h in hours]


def _next_at(at: datetime, clock: time, zone: tzinfo) -> datetime:
    """The first moment at or after `at` (less a minute) that reads `clock` in `zone`."""
    local_day = at.astimezone(zone).date()
    for day in (local_day - timedelta(days=1), local_day, local_day + timedelta(days=1)):
        moment = _on(day, clock, zone)
        if moment >= at - timedelta(minutes=1):
            return moment
    return _on(local_day + timedelta(days=2), clock, zone)


def _on(day: date, clock: time, zone: tzinfo) -> datetime:
    return datetime.combine(day, clock, zone).astimezone(timezone.utc)


def _duration(match: re.Match[str]) -> timedelta:
    if match["half"]:
        return timedelta(minutes=30)
    if match["the"]:
        return timedelta(hours=1)
    amount_text = match["amount"].lower()
    amount = int(amount_text) if amount_text.isdigit() else _NUMBERS[amount_text]
    unit = match["unit"].lower()
    return timedelta(minutes=amount) if unit.startswith("m") else timedelta(hours=amount)


# How far "in 30 minutes" may lie from the field: the reader's "now" is not the update's.
_RELATIVE_SLACK = timedelta(minutes=5)


def _contradiction(
    promised: Promised, field_value: datetime | str | None, zone: ZoneInfo
) -> str | None:
    """What the field says instead, when it contradicts the promise; None when it agrees."""
    name = f"`{promised.field}`"
    if field_value is None:
        return None  # no field to contradict (eta-in-text asks for one)
    if field_value == ETA_UNKNOWN:
        return f"{name} says it is not known"
    assert isinstance(field_value, datetime)
    shown = Formatter(zone.key, field_value).when(field_value)  # the team's English
    if promised.at_most:
        late = field_value > promised.moment + timedelta(minutes=1)
        return f"{name} is {shown}, later than that" if late else None
    if promised.candidates:
        if any(abs(field_value - c) < timedelta(minutes=1) for c in promised.candidates):
            return None
        return f"{name} is {shown}"
    if abs(field_value - promised.moment) <= _RELATIVE_SLACK:
        return None
    return f"{name} is {shown}"
