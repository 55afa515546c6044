"""`statuspress postmortem`: scaffold an incident's postmortem with the facts already known."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from ..model.types import Incident
from . import authoring as a
from .options import clock as resolve_clock
from .options import config_option, now_option

ACTION_ITEM_DAYS = 30  # the placeholder action item's due date


@click.command("postmortem")
@click.argument("ident", metavar="ID")
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="An author, e.g. 'Platform team'; repeatable (default: the update authors).",
)
@click.option("--edit", is_flag=True, help="Open $EDITOR on the new file, then check it.")
@config_option
@now_option
def command(
    ident: str, authors: tuple[str, ...], edit: bool, config_file: Path, now: datetime | None
) -> None:
    """Scaffold incidents/ID/postmortem.md as a draft.

    Every section is there, with what is already known: the duration, the affected
    components, the impact, the cause and a timeline of the public updates. Write the rest,
    set 'published', remove 'draft: true', and run 'statuspress check'.

    \b
    Example:
      statuspress postmortem api-errors --edit
    """
    ws = a.open_workspace(config_file)
    clock = resolve_clock(now)
    incident = a.choose_incident(ws, ident, clock)
    path = ws.content / incident.id / a.POSTMORTEM_FILE
    facts = a.incident_facts(ws, incident, clock, {})
    context: dict[str, Any] = {
        "incident": facts,
        "at": clock,
        "zone": ws.settings.timezone,
        "authors": list(authors) or facts["authors"] or [_team(ws.settings.company)],
        "due": (clock + timedelta(days=ACTION_ITEM_DAYS)).date().isoformat(),
        "company": ws.settings.company,
    }
    text = a.render(ws, "postmortem.md.j2", context, ws.rel(path))
    written = a.create_file(path, text, "edit the postmortem that is there")
    steps = _steps(incident)
    output, code = a.finish(ws, written, clock, edit=edit, next_step=steps)
    click.echo(output)
    raise SystemExit(code)


def _team(company: str) -> str:
    return f"{company} engineering" if company else "Engineering team"


def _steps(incident: Incident) -> list[str]:
    steps = []
    if not incident.is_closed:
        steps.append(f"Note: {incident.id} is still open; the duration counts up to now.")
    steps.append(
        "Next: write each section and the action items, set 'published', remove "
        "'draft: true', then run 'statuspress check'. It is not published before."
    )
    return steps
