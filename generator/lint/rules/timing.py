"""Timing and promise rules, from timestamps.

In `check` they judge open incidents only, as they stand at the build clock: a promise
broken last month can no longer be acted on, so it goes to `statuspress report` (where
`ctx.history` is True and every update of every incident is judged as it was).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise

from ...clock import format_duration
from ...model.derive import maintenance_phase
from ...model.types import Incident, Kind, Phase, Update
from .registry import ERROR, WARNING, Context, Finding, Scope, Thresholds, rule, update_finding

OPEN_STATUSES = ("investigating", "identified", "monitoring")


def _duration_value(delta: timedelta) -> str:
    """A duration as `next_update:` takes it: 20m, 2h, 1h30m."""
    hours, minutes = divmod(int(delta.total_seconds() // 60), 60)
    return (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes or not hours else "")


def _clock(moment: datetime) -> str:
    if moment.utcoffset() == timedelta(0):
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    return moment.isoformat(timespec="minutes")


@rule(
    "next-update-missing",
    ERROR,
    Scope.INCIDENT,
    timing=True,
    reason="Customers keep refreshing the page until you say when you will be back; a "
    "promised next update lets them get on with their day (SPEC §2.4; Atlassian's incident "
    "handbook; PagerDuty's external-communication guide).",
    advice="add `next_update: 30m` (or a time) and post the next update by then",
)
def next_update_missing(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """An update of an open incident (not a maintenance) does not say when the next update
    comes (`next_update`)."""
    if incident.kind is Kind.MAINTENANCE:
        return
    judged = incident.updates if ctx.history else incident.updates[-1:]
    for update in judged:
        if not update.is_closing and update.next_update is None:
            limit = cadence_limit(update, incident.started, ctx.thresholds)
            example = _duration_value(limit) if limit else "30m"
            yield update_finding(
                update,
                update.line_of("status"),
                "this update of an open incident does not say when the next update comes",
                f"add `next_update: {example}` (or a time) and post the next update by then",
            )


@rule(
    "update-overdue",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="A missed promise of an update erodes trust faster than bad news; `statuspress "
    "status` shows it prominently (SPEC §2.4, §2.12; Atlassian's incident handbook).",
    advice="post an update now, even if nothing changed: say what you are doing and when you "
    "will update next",
)
def update_overdue(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """An open incident's promised `next_update` has passed (plus 5 min grace) with no newer
    update."""
    latest = incident.latest
    if ctx.history or latest.is_closing or latest.next_update is None:
        return  # in the history, a late update is a broken promise (promise-broken)
    if incident.kind is Kind.MAINTENANCE and latest.status == "scheduled":
        return  # the announcement's promise is the window start: maintenance-overrun's turf
    due = latest.next_update + ctx.thresholds.grace
    if ctx.now > due:
        yield update_finding(
            latest,
            latest.line_of("next_update"),
            f"the next update was promised for {_clock(latest.next_update)} "
            f"and is {format_duration(ctx.now - latest.next_update)} overdue",
        )


def promise_misses(incident: Incident, grace: timedelta) -> Iterator[tuple[Update, Update]]:
    """(promising update, late update) for each update later than the previous one promised."""
    for previous, update in pairwise(incident.updates):
        if previous.next_update is not None and update.at > previous.next_update + grace:
            yield previous, update


@rule(
    "promise-broken",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="Every late update breaks a promise customers planned around (SPEC §2.4; "
    "Atlassian's incident handbook).",
    advice="promise only a cadence you can keep (`next_update: 30m`), and post on time even "
    "when there is nothing new",
)
def promise_broken(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """An update arrived later than the previous update promised (plus 5 min grace)."""
    for previous, update in promise_misses(incident, ctx.thresholds.grace):
        assert previous.next_update is not None
        late = update.at - previous.next_update
        yield update_finding(
            update,
            update.line_of("at"),
            f"this update came {format_duration(late)} after the "
            f"{_clock(previous.next_update)} the previous update promised",
        )


@rule(
    "slow-acknowledgement",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="Customers notice an outage within minutes; silence makes them wonder whether you "
    "know (SPEC §2.1; PagerDuty's incident-response guide; GitLab's incident-communication "
    "handbook).",
    advice="post a first update as soon as the problem is known, before the cause is: "
    "what is affected, that you are investigating, when you will update next",
)
def slow_acknowledgement(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """First update later than `started` + limit: critical 10 min, major 15 min, minor/none
    30 min."""
    first = incident.first
    if incident.kind is Kind.MAINTENANCE or first.started is None:
        return
    limit = ctx.thresholds.acknowledge[first.impact]
    took = first.at - first.started
    if took > limit:
        yield update_finding(
            first,
            first.line_of("at"),
            f"the first update came {format_duration(took)} after impact "
            f"began (limit for {first.impact.value}: {format_duration(limit)})",
        )


def cadence_limit(update: Update, started: datetime, limits: Thresholds) -> timedelta | None:
    """How far out the next update may be promised, or None for statuses without a cadence."""
    if update.status not in OPEN_STATUSES:
        return None
    minutes = limits.cadence[update.impact][OPEN_STATUSES.index(update.status)]
    if update.at - started >= limits.relax_after:
        minutes *= limits.relax_factor
    return timedelta(minutes=minutes)


@rule(
    "cadence-gap",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="The worse the outage, the more often customers need to hear from you (SPEC §2.4, "
    "§2.12; Atlassian's incident handbook; PagerDuty's external-communication guide).",
    advice="promise the next update sooner; the limits per impact and status are "
    "`lint_thresholds: cadence` (by default critical 20 min while investigating or identified "
    "and 30 while monitoring, major 30/30/60, minor 60, twice that after 2 hours)",
)
def cadence_gap(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """`next_update` promised further out than the cadence table allows (critical 20/20/30
    min for investigating/identified/monitoring; major 30/30/60; minor 60/60/60; relaxed ×2
    after the first 2 hours)."""
    if incident.kind is Kind.MAINTENANCE:
        return
    for update in incident.updates:
        limit = cadence_limit(update, incident.started, ctx.thresholds)
        if limit is None or update.next_update is None:
            continue
        promised = update.next_update - update.at
        if promised > limit:
            yield update_finding(
                update,
                update.line_of("next_update"),
                f"the next update is promised {format_duration(promised)} out; "
                f"a {update.impact.value} incident that is {update.status} "
                f"should update within {format_duration(limit)}",
                f"promise the next update within {format_duration(limit)}, e.g. "
                f"`next_update: {_duration_value(limit)}`",
            )


@rule(
    "eta-while-investigating",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="Before the cause is known, any resolution time is a guess, and a missed ETA "
    "costs more trust than none (SPEC §2.5; Atlassian's incident handbook).",
    advice="leave `eta` out (or write `eta: unknown`) until the cause is identified",
)
def eta_while_investigating(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """An `eta` is given while the cause is still being investigated."""
    for update in incident.updates:
        if update.status == "investigating" and isinstance(update.eta, datetime):
            yield update_finding(
                update, update.line_of("eta"), "an ETA while the cause is still being investigated"
            )


@rule(
    "maintenance-overrun",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="Customers planned around the announced window; when it ends, they need to hear "
    "that the work is done or how long it will take (SPEC §4.3; Atlassian's Statuspage "
    "communication tips).",
    advice="post a `completed` update, or a `verifying`/`in_progress` update that says why "
    "the work runs over and when it will end",
)
def maintenance_overrun(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """A maintenance window has ended without a `completed` update."""
    series = incident.window
    if incident.kind is not Kind.MAINTENANCE or series is None:
        return
    latest = incident.latest
    # The window under way (or next) now; for a completed one, the window it completed.
    window = series.at(latest.at if latest.status == "completed" else ctx.now)
    late_after = window.end + ctx.thresholds.grace
    if maintenance_phase(incident, ctx.now) is Phase.OVERDUE:
        yield update_finding(
            latest,
            latest.line_of("status"),
            f"the maintenance window ended at {_clock(window.end)} without a `completed` update",
        )
    elif ctx.history and latest.status == "completed" and latest.at > late_after:
        yield update_finding(
            latest,
            latest.line_of("at"),
            f"the maintenance completed {format_duration(latest.at - window.end)}"
            " after its window ended",
        )
