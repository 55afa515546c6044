"""long-silence: an open incident that went quiet for longer than its cadence, with no
promise of when the next update comes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import pairwise

from ...clock import format_duration
from ...model.types import Incident, Kind, Update
from .registry import WARNING, Context, Finding, Scope, rule, update_finding
from .timing import cadence_limit


@rule(
    "long-silence",
    WARNING,
    Scope.INCIDENT,
    timing=True,
    reason="Silence on an open incident, with no word of when the next update comes, leaves "
    "customers refreshing the page and guessing whether anyone is working on it (SPEC §2.4, "
    "§2.12; Atlassian's incident handbook; PagerDuty's external-communication guide).",
    advice="post an update, even if nothing changed, and promise the next one with "
    "`next_update:`; the longest silence allowed is the cadence of `lint_thresholds: cadence`",
)
def long_silence(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """An open incident went longer than its cadence (the `cadence-gap` table, plus grace)
    without an update, after an update that promised none."""
    if incident.kind is Kind.MAINTENANCE:
        return
    if ctx.history:
        for previous, update in pairwise(incident.updates):
            yield from _silence(incident, previous, update, update.at, ctx)
        return
    yield from _silence(incident, incident.latest, incident.latest, ctx.now, ctx)


def _silence(
    incident: Incident, quiet: Update, judged: Update, until: datetime, ctx: Context
) -> Iterator[Finding]:
    """A finding on `judged` when nothing came from `quiet` (which promised no next update)
    until `until`, for longer than the cadence allows."""
    limit = cadence_limit(quiet, incident.started, ctx.thresholds)
    if quiet.is_closing or quiet.next_update is not None or limit is None:
        return
    silent = until - quiet.at
    if silent <= limit + ctx.thresholds.grace:
        return
    yield update_finding(
        judged,
        judged.line_of("at"),
        f"{format_duration(silent)} without an update after one that promised none (a "
        f"{quiet.impact.value} incident that is {quiet.status} should update within "
        f"{format_duration(limit)})",
        f"post an update and promise the next one, e.g. `next_update: "
        f"{int(limit.total_seconds() // 60)}m`",
    )
