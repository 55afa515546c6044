"""long-silence: an open incident that went quiet for longer than its cadence, with no
promise of when the next update comes."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

from ...clock import format_duration
from ...model.types import Incident, Kind
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
    grace = ctx.thresholds.grace
    if ctx.history:
        for previous, update in pairwise(incident.updates):
            limit = cadence_limit(previous, incident.started, ctx.thresholds)
            if previous.next_update is not None or previous.is_closing or limit is None:
                continue
            silent = update.at - previous.at
            if silent > limit + grace:
                yield update_finding(
                    update,
                    update.line_of("at"),
                    f"{format_duration(silent)} passed without an update after one that "
                    f"promised none (a {previous.impact.value} incident that is "
                    f"{previous.status} should update within {format_duration(limit)})",
                    f"update within {format_duration(limit)} and promise the next update "
                    "with `next_update:`",
                )
        return
    latest = incident.latest
    limit = cadence_limit(latest, incident.started, ctx.thresholds)
    if latest.is_closing or latest.next_update is not None or limit is None:
        return
    silent = ctx.now - latest.at
    if silent > limit + grace:
        yield update_finding(
            latest,
            latest.line_of("at"),
            f"no update for {format_duration(silent)}, and this one promised none (a "
            f"{latest.impact.value} incident that is {latest.status} should update within "
            f"{format_duration(limit)})",
            f"post an update now and promise the next one, e.g. `next_update: "
            f"{int(limit.total_seconds() // 60)}m`",
        )
