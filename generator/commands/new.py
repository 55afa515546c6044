"""`statuspress new`: open an incident with its first update, written from a template."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import click

from ..model.types import CLOSING_STATUSES, INCIDENT_STATUSES, ComponentState, Impact
from . import authoring as a
from .options import IMPACT, AwareTime, Duration, TimeOrDuration

# An incident opens unresolved: one written after the fact is opened with --at, then resolved.
OPENING_STATUSES = tuple(s for s in INCIDENT_STATUSES if s not in CLOSING_STATUSES)


class _Started(click.ParamType):
    """A time with an offset, or a duration meaning that long before the update."""

    name = "TIME|DURATION"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime | timedelta:
        if isinstance(value, (datetime, timedelta)):
            return value
        text = str(value).strip()
        if text[:1].isdigit() and not text[:4].isdigit():
            return Duration().convert(text, param, ctx)
        return AwareTime().convert(text, param, ctx)


@click.command("new")
@click.argument("title")
@a.component_option(
    "An affected component and its state, e.g. api=major_outage; repeat for each. At least one."
)
@click.option(
    "--impact",
    type=IMPACT,
    default=None,
    help="none, minor, major or critical (default: from the worst component state).",
)
@click.option(
    "-s",
    "--status",
    type=click.Choice(OPENING_STATUSES),
    default="investigating",
    show_default=True,
    help="Where things stand.",
)
@click.option(
    "--started",
    type=_Started(),
    default=None,
    metavar="TIME|DURATION",
    help="When customer impact began: a time, or how long ago (15m).",
)
@click.option(
    "--eta",
    type=TimeOrDuration(allow_unknown=True),
    default=None,
    help="Expected resolution: a time, a duration from now, or 'unknown'.",
)
@click.option(
    "--next-update",
    type=TimeOrDuration(),
    default=None,
    help="When customers hear from you next (default: 30m; 20m when critical).",
)
@click.option("--apology", default=None, help="The apology (default: from the template).")
@click.option("--cause", default=None, help="The cause, in one or two plain sentences.")
@click.option("--workaround", default=None, help="What customers can do meanwhile.")
@click.option(
    "--slug", default=None, help="The folder name after the date (default: from the title)."
)
@a.writing_options
def command(
    title: str,
    component_pairs: tuple[tuple[str, ComponentState], ...],
    impact: str | None,
    status: str,
    started: datetime | timedelta | None,
    eta: datetime | timedelta | str | None,
    next_update: datetime | timedelta | None,
    apology: str | None,
    cause: str | None,
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
    """Open an incident: write its first update, ready to publish.

    The text acknowledges the problem, apologizes for it, says what is not known yet and
    when the next update comes. Edit it with --edit, or give your own with -m.

    \b
    Example:
      statuspress new "Elevated API error rates" -c api=major_outage --started 10m
      statuspress new "Slow dashboard" -c dashboard=degraded_performance --edit
    """
    ws = a.open_workspace(config_file)
    at, clock = a.times(at, now)
    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    states = a.checked_components(ws.settings, component_pairs)
    a.require_components(ws.settings, states, "=major_outage")
    chosen_impact = Impact(impact) if impact else a.impact_for(states.values())
    promise = _next_update(next_update, chosen_impact, status)
    a.after_at(eta, at, "'--eta'")
    a.after_at(promise, at, "'--next-update'")
    folder = ws.content / a.incident_id(at, a.checked_slug(slug, title))
    if folder.exists():
        raise a.AuthoringError(
            f"{a.shown(folder)} already exists; nothing was written",
            "add an update to it with 'statuspress update', or pass --slug "
            "to name the new incident differently",
        )
    context = {
        "title": title.strip(),
        "at": at,
        "status": status,
        "impact": chosen_impact.value,
        "components": a.component_facts(ws.settings, states),
        "problems": a.component_facts(ws.settings, states),
        "started": _started_at(started, at),
        "eta": a.written_time(eta) if eta else None,
        "next_update": a.written_time(promise) if promise else None,
        "next_update_at": a.moment_of(promise, at),
        "apology": apology,
        "cause": cause,
        "workaround": workaround,
        "author": author,
        "draft": draft,
        "message": a.message_text(message),
        "company": ws.settings.company,
    }
    path = folder / a.update_file_name(at, status)
    text = a.render(ws, "new.md.j2", context, ws.rel(path))
    written = a.create_file(path, text, "choose another --slug")
    steps = a.publish_steps(folder, f"{title.strip()}: {status}", at, now)
    if not impact:
        steps.insert(
            0, f"Impact: {chosen_impact.value}, from the component states; change it with --impact."
        )
    output, code = a.finish(ws, written, clock, edit=edit, next_step=steps)
    click.echo(output)
    raise SystemExit(code)


def _started_at(started: datetime | timedelta | None, at: datetime) -> datetime | None:
    if isinstance(started, timedelta):
        return at - started
    if started is not None and started > at:
        raise click.BadParameter(
            "impact cannot start after the first update; give a time at or before --at",
            param_hint="'--started'",
        )
    return started


def _next_update(
    value: datetime | timedelta | None, impact: Impact, status: str
) -> datetime | timedelta:
    return value or a.default_next_update(impact, status)
