"""What the clock alone brings to a maintenance: a reminder before each window, a notice when
it starts and one when it ends.

Each is an entry of `updates.atom` from the moment it is due, with a permanent id made of the
maintenance, the window's start and what it says; `statuspress notify` sends what the live
site's feed does not have yet, so a scheduled build that runs late, twice or after a gap
sends each once. None is made where the team wrote it by hand: an `in_progress` (or later)
update for that window replaces its start notice, a `completed` one its end notice, and a
`completed` update before a window cancels it and every later one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.units import format_unit

from ..language.core import SOURCE_LANGUAGE, Formatter, Language, language
from ..language.marker import N_
from .types import Incident, Site, Update, Window

REMINDER, STARTED, ENDED = "reminder", "started", "ended"
LABELS = {REMINDER: N_("Reminder"), STARTED: N_("Started"), ENDED: N_("Ended")}
STATUSES = {REMINDER: "scheduled", STARTED: "in_progress", ENDED: "completed"}
# Hand-written statuses that make a notice of the clock's needless, for their window.
REPLACED_BY = {
    STARTED: frozenset({"in_progress", "verifying", "completed"}),
    ENDED: frozenset({"completed"}),
}


@dataclass(frozen=True)
class MilestoneUpdate(Update):
    """A notice of the clock's, shaped as an update so feeds and channels carry it as one."""

    milestone: str = ""  # reminder | started | ended
    stale_after: datetime | None = None  # too late to send after this (the next notice is due)

    @property
    def uid(self) -> str:
        return f"{self.incident_id}/{self.file}"

    @property
    def status_label(self) -> str:
        return LABELS[self.milestone]


def is_milestone(update: Update) -> bool:
    return isinstance(update, MilestoneUpdate)


def milestone_updates(
    site: Site,
    now: datetime,
    reminder: timedelta,
    when: Callable[[datetime], str],
    lang: Language | None = None,
) -> list[tuple[Incident, MilestoneUpdate]]:
    """Every notice due by `now`, oldest first, in `lang` (English by default); `when` writes
    a time as the pages do."""
    lang = lang or language(SOURCE_LANGUAGE)
    found = [
        (incident, _update(incident, kind, window, at, reminder, when, lang))
        for incident in site.incidents
        if incident.is_maintenance and incident.window is not None and incident.first.at <= now
        for kind, window, at in _due(incident, now, reminder)
    ]
    return sorted(found, key=lambda pair: (pair[1].at, pair[1].uid))


def _due(
    incident: Incident, now: datetime, reminder: timedelta
) -> Iterator[tuple[str, Window, datetime]]:
    series = incident.window
    assert series is not None
    written = [u for u in incident.updates if u.at <= now]
    completed = next((u.at for u in written if u.status == "completed"), None)
    announced = incident.first.at
    by_hand: dict[Window, set[str]] = {}  # the statuses written for each window
    for update in written:
        by_hand.setdefault(series.at(update.at), set()).add(update.status)
    for window in series.occurrences:
        if window.start - reminder > now:
            break  # this window and every later one are still ahead
        if completed is not None and completed <= window.start:
            break  # cancelled, and the series with it
        statuses = by_hand.get(window, set())
        moments = ((REMINDER, window.start - reminder), (STARTED, window.start))
        for kind, at in (*moments, (ENDED, window.end)):
            if kind == REMINDER and not reminder:
                continue
            if announced <= at <= now and not statuses & REPLACED_BY.get(kind, frozenset()):
                yield kind, window, at


def lead_text(lead: timedelta, lang: Language | None = None) -> str:
    """`24 hours`, `2 days`, `1 hour`, or `1 hr, 30 min`: how a reminder says how soon, in
    `lang`'s words (CLDR's)."""
    lang = lang or language(SOURCE_LANGUAGE)
    minutes = int(lead.total_seconds() // 60)
    hours, rest = divmod(minutes, 60)
    if rest:
        return Formatter("UTC", datetime.min, lang).duration(lead)
    days = hours >= 48 and hours % 24 == 0
    value, unit = (hours // 24, "duration-day") if days else (hours, "duration-hour")
    return format_unit(value, unit, length="long", locale=lang.locale)


def _update(
    incident: Incident,
    kind: str,
    window: Window,
    at: datetime,
    reminder: timedelta,
    when: Callable[[datetime], str],
    lang: Language,
) -> MilestoneUpdate:
    latest = incident.latest
    _ = lang.gettext
    start, end = when(window.start), when(window.end)
    texts = {
        REMINDER: _(
            "This maintenance starts in %(lead)s: from %(start)s to %(end)s.",
            lead=lead_text(reminder, lang),
            start=start,
            end=end,
        ),
        STARTED: _("The maintenance window has begun. It is planned to end at %(end)s.", end=end),
        ENDED: _("The maintenance window ended at %(end)s.", end=end),
    }
    return MilestoneUpdate(
        incident_id=incident.id,
        file=f"{kind}-{window.start:%Y%m%dT%H%MZ}",
        path=incident.path,
        at=at,
        status=STATUSES[kind],
        title=latest.title,
        impact=latest.impact,
        components={} if kind == ENDED else dict(latest.components),
        body=texts[kind],
        next_update=None,
        window=window,
        milestone=kind,
        stale_after={REMINDER: window.start, STARTED: window.end}.get(kind),
    )
