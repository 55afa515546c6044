"""`statuspress maintenance`: schedule a maintenance window."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import click

from ..clock import iso
from ..model import recurrence
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
@click.option(
    "--repeat",
    metavar="RRULE",
    default=None,
    help="Repeat the window by an RFC 5545 rule that ends, e.g. FREQ=WEEKLY;BYDAY=SU;COUNT=8.",
)
@click.option(
    "--zone",
    metavar="ZONE",
    default=None,
    help="Write the window in this IANA zone's local time (e.g. Europe/Berlin); a repeating "
    "window keeps it across daylight-saving changes.",
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
    repeat: str | None,
    zone: str | None,
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
    window = _series(_window(start, end, at, explicit_at=at_given), zone, repeat)
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
        "window_start": window_time(window.start, window.zone),
        "window_end": window_time(window.end, window.zone),
        "repeat": window.repeat,
        "windows": len(window.occurrences),
        "last_window": window.last,
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
        + (" (after the last window: that ends the series)" if repeat else "")
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


def _series(window: Window, zone: str | None, repeat: str | None) -> Window:
    """The window in `zone`'s local time, repeating by `repeat`; refused as the loader would."""
    try:
        if zone:
            for moment in (window.start, window.end):
                local = moment.astimezone(recurrence.zone_named(zone)).replace(tzinfo=None)
                if recurrence.in_zone(local, zone) != moment:
                    raise recurrence.RecurrenceError(
                        f"{local:%Y-%m-%d %H:%M} comes twice in {zone} (the clocks go back)",
                        "choose a time outside that hour",
                    )
        if repeat:
            recurrence.check_rule(window.start, window.end, zone, repeat.strip())
    except recurrence.RecurrenceError as exc:
        hint = "'--repeat'" if repeat and "zone" not in exc.message else "'--zone'"
        raise click.BadParameter(f"{exc.message}; {exc.hint}", param_hint=hint) from None
    return Window(window.start, window.end, zone, repeat.strip() if repeat else None)


def window_time(moment: datetime, zone: str | None) -> str:
    """A window's time as the file says it: UTC, or the zone's local time and its name."""
    if zone is None:
        return iso(moment)
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local.replace(tzinfo=None).isoformat(timespec='minutes')} {zone}"
