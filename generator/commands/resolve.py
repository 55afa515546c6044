"""`statuspress resolve`: the update that resolves an incident or completes a maintenance."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import click

from ..clock import iso
from ..model.types import ComponentState, Impact, Incident
from . import authoring as a
from .options import DurationOrDate


class DueDate(DurationOrDate):
    """A date (2026-11-27) or a number of days from now (7d)."""

    name = "DATE|DAYS"
    failure = "'{value}' is neither a date (2026-11-27) nor a duration (7d)"

    def moment(self, text: str) -> date | None:
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None


@click.command("resolve")
@click.argument("ident", metavar="[ID]", required=False)
@a.component_option(
    "A component that is still not fully back, e.g. dashboard="
    "degraded_performance; every other one returns to operational."
)
@click.option("--apology", default=None, help="The apology (default: from the template).")
@click.option("--cause", default=None, help="The cause, in one or two plain sentences.")
@click.option(
    "--postmortem-by",
    type=DueDate(),
    default=None,
    help="When the postmortem will be published: a date or days (7d). Default: "
    "postmortem_due_days after now for major and critical incidents.",
)
@a.writing_options
def command(
    ident: str | None,
    component_pairs: tuple[tuple[str, ComponentState], ...],
    apology: str | None,
    cause: str | None,
    postmortem_by: date | timedelta | None,
    config_file: Path,
    now: datetime | None,
    at: datetime | None,
    message: str | None,
    edit: bool,
    author: str | None,
    draft: bool,
) -> None:
    """Resolve an incident (or complete a maintenance).

    The text confirms the recovery, apologizes, thanks customers for their patience and,
    for major and critical incidents, says when the postmortem will follow.

    \b
    Example:
      statuspress resolve
      statuspress resolve api-errors --postmortem-by 2026-11-27
      statuspress resolve api-errors -c dashboard=degraded_performance --edit
    """
    ws = a.open_workspace(config_file)
    at, clock = a.times(at, now)
    incident = a.choose_incident(ws, ident, clock)
    if incident.is_closed:
        raise a.AuthoringError(
            f"{incident.id} was {incident.status} at {iso(incident.latest.at)} already",
            "to say more, add an update with 'statuspress update'",
        )
    a.later_than_latest(incident, at)
    states = a.checked_components(ws.settings, component_pairs)
    status = "completed" if incident.is_maintenance else "resolved"
    due = _postmortem_due(ws, incident, postmortem_by, at)
    context: dict[str, Any] = {
        "incident": a.incident_facts(ws, incident, at, {}),
        "at": at,
        "status": status,
        "components": a.component_facts(ws.settings, states),
        "lingering": [
            c
            for c in a.component_facts(ws.settings, states)
            if c.state != ComponentState.OPERATIONAL.value
        ],
        "apology": apology,
        "cause": cause,
        "author": author or incident.latest.author,
        "draft": draft,
        "message": a.message_text(message),
        "postmortem_by": due,
        "company": ws.settings.company,
    }
    steps = a.publish_steps(ws.content / incident.id, f"{incident.title}: {status}", at, now)
    if due is not None:
        steps.append(
            f"Then write the postmortem by {due.isoformat()}: statuspress postmortem {incident.id}"
        )
    output, code = a.write_update(
        ws, incident, "resolve.md.j2", context, clock, edit=edit, steps=steps
    )
    click.echo(output)
    raise SystemExit(code)


def _postmortem_due(
    ws: a.Workspace, incident: Incident, given: date | timedelta | None, at: datetime
) -> date | None:
    """When the postmortem is promised: as given, or by default for major and critical."""
    if isinstance(given, timedelta):
        return (at + given).date()
    if given is not None:
        if given < at.date():
            raise click.BadParameter(
                f"{given.isoformat()} has passed; promise a date ahead",
                param_hint="'--postmortem-by'",
            )
        return given
    if incident.is_maintenance or incident.impact.rank < Impact.MAJOR.rank:
        return None
    return (at + timedelta(days=ws.settings.postmortem_due_days)).date()
