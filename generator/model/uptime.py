"""Uptime: one ledger per component of the time it spent in each state, by day of the site's
time zone, from which the status page's bars, /uptime/, uptime.csv and uptime.json all take
their figures, so that they agree.

At each moment a component is in the worst state any incident or maintenance gives it then
(two incidents at once count once). A period's downtime is the time in each state times the
state's weight (`uptime_weights`); its counted time is the part of the period from the
component's `start_date` (if any) to the build's clock, less the time under maintenance when
`uptime_exclude_maintenance` is on (the default). Uptime is 1 - downtime / counted time, and
100 % when no time is counted. Days are calendar days of the site's `timezone`, with their
real lengths (23 or 25 hours across a change of daylight saving time).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from .derive import Interval, _remembered, component_intervals
from .types import STATE_SEVERITY, Component, ComponentState, Site, UptimeWeights

ROLLING_DAYS = (30, 90, 365)
MAINTENANCE = ComponentState.UNDER_MAINTENANCE
_BY_SEVERITY = sorted(STATE_SEVERITY, key=STATE_SEVERITY.__getitem__)

Seconds = dict[ComponentState, float]  # time in each non-operational state


@dataclass(frozen=True)
class Rules:
    """How time is weighed: the weights and whether maintenance is left out."""

    weights: UptimeWeights
    exclude_maintenance: bool

    def tally(self, period: float, seconds: Mapping[ComponentState, float]) -> Tally:
        """The tally of a period of `period` seconds with `seconds` in each state."""
        excluded = seconds.get(MAINTENANCE, 0.0) if self.exclude_maintenance else 0.0
        downtime = (
            sum(
                spent * self.weights.of(state)
                for state, spent in seconds.items()
                if not (self.exclude_maintenance and state is MAINTENANCE)
            )
            + 0.0
        )
        return Tally(max(0.0, period - excluded), downtime, dict(seconds))


@dataclass(frozen=True)
class Tally:
    """One period of one component: the seconds counted, the weighted seconds down, and the
    seconds spent in each non-operational state."""

    counted: float
    downtime: float
    seconds: Mapping[ComponentState, float]

    @property
    def percent(self) -> float:
        if self.counted <= 0:
            return 100.0
        return max(0.0, 100.0 * (1 - self.downtime / self.counted))

    @property
    def worst(self) -> ComponentState:
        spent = [state for state, seconds in self.seconds.items() if seconds > 0]
        return max(spent, key=STATE_SEVERITY.__getitem__, default=ComponentState.OPERATIONAL)


@dataclass(frozen=True)
class UptimeDay:
    """One bar of the status page."""

    day: date
    downtime: timedelta  # weighted
    worst: ComponentState
    counted: timedelta = timedelta(days=1)

    @property
    def uptime(self) -> float:
        counted = self.counted.total_seconds()
        return 1.0 if counted <= 0 else max(0.0, 1 - self.downtime.total_seconds() / counted)


class Calendar:
    """Local midnights of the site's zone, as UTC timestamps, remembered."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._midnights: dict[date, float] = {}

    def midnight(self, day: date) -> float:
        found = self._midnights.get(day)
        if found is None:
            found = self._midnights[day] = datetime.combine(day, time(), self.zone).timestamp()
        return found

    def day_of(self, moment: float) -> date:
        return datetime.fromtimestamp(moment, self.zone).date()


@dataclass(frozen=True)
class Ledger:
    """One component's time by state: per local day and per month (keyed by its first day),
    counted from `begin` (a local day, or None for no start) to `now`."""

    calendar: Calendar
    rules: Rules
    now: float
    begin: date | None
    days: dict[date, Seconds]
    months: dict[date, Seconds]

    def span(self, first: date, last: date) -> float:
        """Seconds of the days `first` to `last` that lie between `begin` and `now`."""
        if self.begin is not None:
            first = max(first, self.begin)
        start = self.calendar.midnight(first)
        end = min(self.calendar.midnight(last + timedelta(days=1)), self.now)
        return max(0.0, end - start)

    def day(self, day: date) -> Tally:
        return self.rules.tally(self.span(day, day), self.days.get(day, {}))

    def month(self, first: date) -> Tally:
        last = next_month(first) - timedelta(days=1)
        return self.rules.tally(self.span(first, last), self.months.get(first, {}))

    def last_days(self, count: int) -> Tally:
        """The last `count` days: today so far and the whole days before it."""
        today = self.calendar.day_of(self.now)
        first = today - timedelta(days=count - 1)
        seconds: Seconds = {}
        for _day, spent_in in self._days_between(first, today):
            for state, spent in spent_in.items():
                seconds[state] = seconds.get(state, 0.0) + spent
        return self.rules.tally(self.span(first, today), seconds)

    def bars(self, count: int) -> list[UptimeDay]:
        """One entry per day of the last `count` days, oldest first."""
        today = self.calendar.day_of(self.now)
        first = today - timedelta(days=count - 1)
        troubled = dict(self._days_between(first, today))
        bars = []
        for offset in range(count):
            day = first + timedelta(days=offset)
            counted = timedelta(seconds=self.span(day, day))
            if day in troubled:  # most days are not: they need no tally
                tally = self.day(day)
                downtime, worst = timedelta(seconds=tally.downtime), tally.worst
                counted = timedelta(seconds=tally.counted)
            else:
                downtime, worst = timedelta(0), ComponentState.OPERATIONAL
            bars.append(UptimeDay(day, downtime, worst, counted))
        return bars

    def _days_between(self, first: date, last: date) -> Iterator[tuple[date, Seconds]]:
        """The days from `first` to `last` with time in a non-operational state, in any
        order: whichever is shorter, the range or the list of such days, is walked."""
        if len(self.days) < (last - first).days + 1:
            yield from ((d, s) for d, s in self.days.items() if first <= d <= last)
            return
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            if day in self.days:
                yield day, self.days[day]


@dataclass(frozen=True)
class ComponentUptime:
    """Everything shown of one component's uptime."""

    component: Component
    ledger: Ledger
    first_month: date | None  # the first month listed; None when there is none yet

    def rolling(self, days: int) -> Tally:
        return self.ledger.last_days(days)

    @cached_property
    def months(self) -> list[tuple[date, Tally]]:
        """(first day, tally) of every month from `first_month` to the current one."""
        if self.first_month is None:
            return []
        current = self.ledger.calendar.day_of(self.ledger.now).replace(day=1)
        months, month = [], self.first_month
        while month <= current:
            months.append((month, self.ledger.month(month)))
            month = next_month(month)
        return months


@_remembered
def uptime_report(site: Site, now: datetime) -> dict[str, ComponentUptime]:
    """Every configured component's uptime at `now`, in configuration order (one pass over
    the history, then one sweep per component)."""
    settings = site.settings
    calendar = Calendar(ZoneInfo(settings.timezone))
    rules = Rules(settings.uptime_weights, settings.uptime_exclude_maintenance)
    intervals = component_intervals(site, now)
    history_begins = _history_begins(site, calendar)
    report = {}
    for component in settings.components:
        begin = component.start_date
        days, months = _distribute(_worst_segments(intervals[component.id]), calendar, begin)
        ledger = Ledger(calendar, rules, now.timestamp(), begin, days, months)
        first = begin or history_begins
        report[component.id] = ComponentUptime(
            component, ledger, first.replace(day=1) if first else None
        )
    return report


def _history_begins(site: Site, calendar: Calendar) -> date | None:
    """The local day the site's history begins: its earliest incident or maintenance."""
    starts = [i.started for i in site.incidents]
    return calendar.day_of(min(starts).timestamp()) if starts else None


def _worst_segments(intervals: Iterable[Interval]) -> Iterator[tuple[float, float, ComponentState]]:
    """Disjoint (start, end, state) timestamps in time order: at each moment the worst state
    of the intervals covering it, a stretch in one state as one segment; operational time
    is left out."""
    events: list[tuple[float, int, int]] = []
    for start, end, state in intervals:
        if start < end:
            events.append((start.timestamp(), 1, STATE_SEVERITY[state]))
            events.append((end.timestamp(), -1, STATE_SEVERITY[state]))
    events.sort()
    covering = [0] * len(_BY_SEVERITY)
    since, state = 0.0, ComponentState.OPERATIONAL
    top = len(covering) - 1
    for moment, change, severity in events:
        covering[severity] += change
        worst_now = top
        while worst_now and not covering[worst_now]:
            worst_now -= 1
        now_state = _BY_SEVERITY[worst_now]
        if now_state is not state:
            if state is not ComponentState.OPERATIONAL and moment > since:
                yield since, moment, state
            since, state = moment, now_state


class _Tables:
    """Seconds per state added up by local day and by month, filled in time order: the
    current day is kept, so a segment in the same day as the last costs no conversion."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.days: dict[date, Seconds] = {}
        self.months: dict[date, Seconds] = {}
        self.end = float("-inf")  # the end of the current day
        self.day = date.min

    def add(self, start: float, end: float, state: ComponentState) -> None:
        if start >= self.end:
            self._move_to(self.calendar.day_of(start))
        while True:
            spent = min(end, self.end) - start
            self.day_seconds[state] = self.day_seconds.get(state, 0.0) + spent
            self.month_seconds[state] = self.month_seconds.get(state, 0.0) + spent
            if end <= self.end:
                return
            start = self.end
            self._move_to(self.day + _DAY)

    def _move_to(self, day: date) -> None:
        self.day = day
        self.end = self.calendar.midnight(day + _DAY)
        self.day_seconds = self.days.setdefault(day, {})
        self.month_seconds = self.months.setdefault(day.replace(day=1), {})


_DAY = timedelta(days=1)


def _distribute(
    segments: Iterable[tuple[float, float, ComponentState]],
    calendar: Calendar,
    begin: date | None,
) -> tuple[dict[date, Seconds], dict[date, Seconds]]:
    """The segments' seconds (in time order) added up per local day and per month, from
    `begin` on."""
    tables = _Tables(calendar)
    floor = calendar.midnight(begin) if begin is not None else float("-inf")
    for start, end, state in segments:
        start = max(start, floor)
        if start < end:
            tables.add(start, end, state)
    return tables.days, tables.months


def next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)
