"""`statuspress update`: add an update to an open incident or maintenance."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from ..clock import iso
from ..model.derive import current_status
from ..model.types import (
    CLOSING_STATUSES,
    INCIDENT_STATUSES,
    MAINTENANCE_STATUSES,
    ComponentState,
    Impact,
    Incident,
)
from . import authoring as a
from . import templates_named as named
from .options import IMPACT, TimeOrDuration

ALL_STATUSES = (*INCIDENT_STATUSES, *MAINTENANCE_STATUSES)


@click.command("update")
@click.argument("ident", metavar="[ID]", required=False)
@click.option(
    "-s",
    "--status",
    type=click.Choice(ALL_STATUSES),
    default=None,
    help="Where things stand now (default: unchanged).",
)
@a.component_option(
    "A component's new state, e.g. api=partial_outage; repeatable. "
    "Components left out keep their state."
)
@click.option("--cause", default=None, help="The cause, in one or two plain sentences.")
@click.option("--workaround", default=None, help="What customers can do meanwhile.")
@click.option(
    "--eta",
    type=TimeOrDuration(allow_unknown=True),
    default=None,
    help="Expected resolution: a time, a duration from now, or 'unknown' "
    "(default: the previous ETA while it lies ahead).",
)
@click.option(
    "--next-update",
    type=TimeOrDuration(),
    default=None,
    help="When customers hear from you next (default: from the update cadence).",
)
@click.option("--apology", default=None, help="An apology, when there is more to apologize for.")
@click.option("--title", default=None, help="Rename the incident.")
@click.option("--impact", type=IMPACT, default=None, help="Change the impact.")
@named.template_option(
    "Take the text and values of templates/incidents/NAME.md; options given here win."
)
@click.option(
    "--reopen",
    is_flag=True,
    default=False,
    help="Reopen a resolved incident: without it, ID matches open incidents only.",
)
@a.writing_options
def command(
    ident: str | None,
    status: str | None,
    component_pairs: tuple[tuple[str, ComponentState], ...],
    cause: str | None,
    workaround: str | None,
    eta: datetime | timedelta | str | None,
    next_update: datetime | timedelta | None,
    apology: str | None,
    title: str | None,
    impact: str | None,
    template_name: str | None,
    reopen: bool,
    config_file: Path,
    now: datetime | None,
    at: datetime | None,
    message: str | None,
    edit: bool,
    author: str | None,
    draft: bool,
) -> None:
    """Add an update to an incident (or a maintenance).

    ID is the incident's folder name or a unique part of it, among open incidents; leave it
    out when exactly one incident is open. A resolved incident is reopened only with
    --reopen. The text says what changed; the page shows when the next update comes.

    \b
    Example:
      statuspress update -s identified --cause "A configuration change sent traffic to
        servers that were not ready." --eta unknown
      statuspress update api-errors -s monitoring -c api=operational -m "The fix is out."
    """
    ws = a.open_workspace(config_file)
    at, clock = a.times(at, now)
    incident = a.choose_incident(ws, ident, clock, reopen=reopen)
    a.later_than_latest(incident, at)
    template = named.for_command(ws, template_name, clock)
    states = a.checked_components(ws.settings, component_pairs)
    if template:
        status = status or template.status
        listed = tuple(template.components.items())
        states = {**a.checked_components(ws.settings, listed), **states}
        eta = eta if eta is not None else template.eta
        next_update = next_update or template.next_update
        apology, cause = apology or template.apology, cause or template.cause
        workaround, author = workaround or template.workaround, author or template.author
        message = message or template.body
    status = _status(incident, status, at)
    promise = next_update or _default_next_update(incident, impact, status, at)
    eta = eta if eta is not None else _carried_eta(incident, status, at)
    a.after_at(eta, at, "'--eta'")
    a.after_at(promise, at, "'--next-update'")
    context: dict[str, Any] = {
        "incident": a.incident_facts(ws, incident, at, states),
        "at": at,
        "status": status,
        "title": title.strip() if title else None,
        "impact": impact,
        "components": a.component_facts(ws.settings, states),
        "eta": a.written_time(eta) if eta else None,
        "next_update": a.written_time(promise) if promise else None,
        "next_update_at": a.moment_of(promise, at),
        "apology": apology,
        "cause": cause,
        "workaround": workaround,
        "author": author or incident.latest.author,
        "draft": draft,
        "message": a.message_text(message),
        "reopened": incident.is_closed,
        "company": ws.settings.company,
    }
    steps = a.publish_steps(
        ws.content / incident.id, f"{title or incident.title}: {status}", at, now
    )
    if incident.is_closed:
        steps.insert(0, f"This reopens {incident.id}, closed at {iso(incident.latest.at)}.")
    output, code = a.write_update(
        ws, incident, "update.md.j2", context, clock, edit=edit, steps=steps
    )
    click.echo(output)
    raise SystemExit(code)


def _status(incident: Incident, status: str | None, at: datetime) -> str:
    """The given status checked against the kind; by default where the incident stands now."""
    statuses = MAINTENANCE_STATUSES if incident.is_maintenance else INCIDENT_STATUSES
    if status is None:
        if incident.is_closed:
            return statuses[1] if incident.is_maintenance else statuses[0]
        return current_status(incident, at)
    if status in CLOSING_STATUSES:
        raise click.BadParameter(
            f"to close it, run 'statuspress resolve {incident.id}': it "
            "writes the confirmation, the apology and the thanks",
            param_hint="'-s' / '--status'",
        )
    if status not in statuses:
        kind = "a maintenance" if incident.is_maintenance else "an incident"
        usable = ", ".join(s for s in statuses if s not in CLOSING_STATUSES)
        raise click.BadParameter(
            f"'{status}' is not a status of {kind}; use one of: {usable}",
            param_hint="'-s' / '--status'",
        )
    return status


def _default_next_update(
    incident: Incident, impact: str | None, status: str, at: datetime
) -> datetime | timedelta | None:
    """Incidents follow the update cadence; a maintenance promises its window's next edge."""
    if not incident.is_maintenance:
        return a.default_next_update(Impact(impact) if impact else incident.impact, status)
    window = incident.window.at(at) if incident.window else None
    edge = {
        "scheduled": window.start if window else None,
        "in_progress": window.end if window else None,
    }.get(status)
    if edge is not None and edge > at:
        return edge
    return None if status == "scheduled" else timedelta(minutes=30)


def _carried_eta(incident: Incident, status: str, at: datetime) -> datetime | str | None:
    """The previous ETA stays on the page while it lies ahead (never while investigating)."""
    previous = incident.latest.eta
    if status == "investigating" or incident.is_closed or previous is None:
        return None
    if isinstance(previous, datetime):
        return previous if previous > at else None
    return previous
