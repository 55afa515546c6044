"""`statuspress maintenance`: schedule a maintenance window."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import click

from ..clock import iso
from ..model.types import ComponentState, Window
from . import authoring as a
from .options import IMPACT, AwareTime, TimeOrDuration


@click.command("maintenance")
@click.argument("title")
@click.option("--start", type=AwareTime(), required=True, help="When the window opens.")
@click.option(
    "--end",
    type=TimeOrDuration(),
    required=True,
    help="When it closes: a time, or a duration from --start (2h).",
)
@a.component_option(
    "A component under maintenance; ID alone means under_maintenance, "
    "ID=STATE says what customers will notice. At least one.",
    default_state=ComponentState.UNDER_MAINTENANCE,
)
@click.option(
    "--impact",
    type=IMPACT,
    default="none",
    show_default=True,
    help="How much customers will notice.",
)
@click.option("--workaround", default=None, help="What customers can do before or during it.")
@click.option(
    "--slug", default=None, help="The folder name after the date (default: from the title)."
)
@a.writing_options
def command(
    title: str,
    start: datetime,
    end: datetime | timedelta,
    component_pairs: tuple[tuple[str, ComponentState], ...],
    impact: str,
    workaround: str | None,
    slug: str | None,
    config_file: Path,
    now: datetime | None,
    at: datetime | None,
    message: str | None,
    edit: bool,
    author: str | None,
    draft: bool,
) -> None:
    """Schedule a maintenance window, announced now.

    During the window the page shows the maintenance as in progress and its components
    as under maintenance, even before a new update.

    \b
    Example:
      statuspress maintenance "API upgrade" --start 2026-11-28T02:00:00Z --end 1h -c api
    """
    ws = a.open_workspace(config_file)
    at_given = at is not None
    at, clock = a.times(at, now)
    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    window = _window(start, end, at, explicit_at=at_given)
    states = a.checked_components(ws.settings, component_pairs)
    a.require_components(ws.settings, states, "")
    folder = ws.content / a.incident_id(at, a.checked_slug(slug, title))
    if folder.exists():
        raise a.AuthoringError(
            f"{a.shown(folder)} already exists; nothing was written",
            "pass --slug to name this maintenance differently",
        )
    context: dict[str, Any] = {
        "title": title.strip(),
        "at": at,
        "status": "scheduled",
        "impact": impact,
        "window": window,
        "components": a.component_facts(ws.settings, states),
        "next_update": iso(window.start) if window.start > at else None,
        "workaround": workaround,
        "author": author,
        "draft": draft,
        "message": a.message_text(message),
        "company": ws.settings.company,
    }
    path = folder / a.update_file_name(at, "scheduled")
    written = a.create_file(
        path,
        a.render(ws, "maintenance.md.j2", context, ws.rel(path)),
        "pass --slug to name this maintenance differently",
    )
    steps = a.publish_steps(folder, f"Maintenance scheduled: {title.strip()}", at, now)
    steps.append(
        f"When it begins: statuspress update {folder.name} -s in_progress; when it "
        f"is done: statuspress resolve {folder.name}"
    )
    output, code = a.finish(ws, written, clock, edit=edit, next_step=steps)
    click.echo(output)
    raise SystemExit(code)


def _window(
    start: datetime, end: datetime | timedelta, announced: datetime, explicit_at: bool
) -> Window:
    finish = start + end if isinstance(end, timedelta) else end
    if finish <= start:
        raise click.BadParameter(
            f"{iso(finish)} is not after --start ({iso(start)})", param_hint="'--end'"
        )
    if finish <= announced:  # announced after it was over: nothing left to tell customers
        when = f"the announcement (--at {iso(announced)})" if explicit_at else "now"
        raise click.BadParameter(
            f"{iso(finish)} is already past: it is not after {when}; a maintenance is "
            "announced before it ends (write --end as a later time, or a duration from --start)",
            param_hint="'--end'",
        )
    return Window(start.astimezone(finish.tzinfo), finish)
