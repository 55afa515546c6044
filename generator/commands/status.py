"""`statuspress status`: what the person on call needs to know now, in the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import click

from ..clock import format_duration
from ..diagnostics import count_errors
from ..model.derive import (
    current_window,
    maintenance_phase,
    maintenances,
    open_incidents,
    overall,
    site_at,
)
from ..model.types import ETA_UNKNOWN, STATUS_LABELS, Impact, Incident, Phase, Site
from . import authoring as a
from .options import clock as resolve_clock
from .options import config_option, now_option

SOON = timedelta(hours=24)  # maintenances starting within this are listed
POSTMORTEM_HORIZON = timedelta(days=30)  # older resolved incidents belong to `report`


@dataclass
class Summary:
    """The lines to print, and how many promises are broken right now."""

    lines: list[str] = field(default_factory=list)
    overdue: int = 0

    def section(self, heading: str, rows: list[str]) -> None:
        if rows:
            self.lines.extend(["", heading, *rows])


@click.command("status")
@config_option
@now_option
def command(config_file: Path, now: datetime | None) -> None:
    """Show the state of the site for the person on call.

    Overall status, each open incident with its status, age, ETA and when the next update
    is due (or how long it is overdue), maintenances under way or starting within 24 hours,
    and postmortems due. Exit code 1 when a promised update is overdue, a maintenance has
    overrun its window, or the content has errors (the site would not build); 0 otherwise.

    \b
    Example:
      statuspress status
      watch -n 60 statuspress status
    """
    moment = resolve_clock(now, config_file)
    ws = a.open_workspace(config_file, lint_at=moment)
    summary = summarize(ws, site_at(ws.site, moment), moment)
    click.echo("\n".join(summary.lines))
    raise SystemExit(1 if summary.overdue or count_errors(ws.problems) else 0)


def summarize(ws: a.Workspace, site: Site, now: datetime) -> Summary:
    times = a.Times(ws.settings.timezone)
    state = overall(site, now)
    summary = Summary(
        [
            f"{ws.settings.site_name}: {state.description}",
            f"as of {times.day(now)}, {times.clock(now)}",
        ]
    )
    incidents = open_incidents(site, now)
    rows = [row for incident in incidents for row in _incident_rows(ws, incident, now, summary)]
    summary.section(f"Open incidents: {len(incidents)}", rows or ["  none"])
    summary.section("Maintenance", _maintenance_rows(ws, site, now, summary))
    summary.section("Postmortems due", _postmortem_rows(ws, site, now))
    summary.lines.append("")
    summary.lines.append(_closing(ws, summary))
    return summary


def _incident_rows(
    ws: a.Workspace, incident: Incident, now: datetime, summary: Summary
) -> list[str]:
    times = a.Times(ws.settings.timezone)
    latest = incident.latest
    facts = [
        STATUS_LABELS.get(latest.status, latest.status).lower(),
        f"impact {incident.impact.value}",
        f"open for {format_duration(now - incident.started)}",
        _eta(latest.eta, now, times),
    ]
    facts_of_components = a.component_facts(ws.settings, latest.components)
    states = ", ".join(f"{c.name}: {c.label}" for c in facts_of_components) or "no components"
    return [
        f"  {incident.id}  {incident.title}",
        f"    {' · '.join(facts)}",
        f"    {states}",
        f"    {_promise(latest.next_update, now, times, summary)}",
    ]


def _eta(eta: datetime | str | None, now: datetime, times: a.Times) -> str:
    if eta is None:
        return "no ETA"
    if eta == ETA_UNKNOWN or not isinstance(eta, datetime):
        return "ETA unknown"
    when = times.near(eta, now)
    if eta < now:
        return f"ETA {when} passed {format_duration(now - eta)} ago"
    return f"ETA {when} (in {format_duration(eta - now)})"


def _promise(due: datetime | None, now: datetime, times: a.Times, summary: Summary) -> str:
    if due is None:
        summary.overdue += 1
        return _alarm("NO NEXT UPDATE PROMISED: post one that says when the next will come")
    if due < now:
        summary.overdue += 1
        return _alarm(
            f"next update OVERDUE by {format_duration(now - due)} (was due {times.near(due, now)})"
        )
    return f"next update due in {format_duration(due - now)} ({times.near(due, now)})"


def _alarm(text: str) -> str:
    return click.style(text, fg="red", bold=True)


def _maintenance_rows(ws: a.Workspace, site: Site, now: datetime, summary: Summary) -> list[str]:
    times = a.Times(ws.settings.timezone)
    rows = []
    for incident in maintenances(site, now, Phase.IN_PROGRESS, Phase.OVERDUE, Phase.UPCOMING):
        window = current_window(incident, now)
        if window is None:
            continue
        phase = maintenance_phase(incident, now)
        span = f"{times.near(window.start, now)} to {times.near(window.end, now)}"
        if phase is Phase.UPCOMING:
            if window.start - now > SOON:
                continue
            text = f"starts in {format_duration(window.start - now)} ({span})"
        elif phase is Phase.OVERDUE:
            summary.overdue += 1
            text = _alarm(
                f"OVERRAN its window by {format_duration(now - window.end)} ({span}): "
                f"post an update, or 'statuspress resolve {incident.id}'"
            )
        else:
            text = f"in progress, ends in {format_duration(window.end - now)} ({span})"
        rows.extend([f"  {incident.id}  {incident.title}", f"    {text}"])
    return rows


def _postmortem_rows(ws: a.Workspace, site: Site, now: datetime) -> list[str]:
    days = timedelta(days=ws.settings.postmortem_due_days)
    rows = []
    for incident in site.incidents:
        closed = incident.closed_at
        if (
            incident.is_maintenance
            or closed is None
            or incident.postmortem is not None
            or incident.impact.rank < Impact.MAJOR.rank
            or now - closed > POSTMORTEM_HORIZON
        ):
            continue
        due = closed + days
        when = (
            f"due in {format_duration(due - now)}"
            if due > now
            else f"overdue by {format_duration(now - due)}"
        )
        draft = (ws.content / incident.id / a.POSTMORTEM_FILE).exists()
        rows.append(
            f"  {incident.id}  {incident.impact.value}, resolved "
            f"{format_duration(now - closed)} ago: {when}"
            f"{' (a draft is started)' if draft else ''}"
        )
    return rows


def _closing(ws: a.Workspace, summary: Summary) -> str:
    errors = count_errors(ws.problems)
    parts = []
    if summary.overdue:
        parts.append(
            _alarm(f"{summary.overdue} promise{'s' if summary.overdue != 1 else ''} overdue")
        )
    if errors:
        parts.append(
            _alarm(
                f"{errors} error{'s' if errors != 1 else ''} in the content: "
                "run 'statuspress check'"
            )
        )
    return "; ".join(parts) if parts else "All promises kept."
