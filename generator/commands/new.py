"""`statuspress new`: open an incident with its first update, written from a template."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

import click

from ..model.extras import AlertRoute
from ..model.types import CLOSING_STATUSES, INCIDENT_STATUSES, ComponentState, Impact
from . import alerts, issue_form
from . import authoring as a
from . import templates_named as named
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
@click.argument("title", required=False)
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
    default=None,
    help="Where things stand (default: the template's, else investigating).",
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
@named.template_option("Start from templates/incidents/NAME.md; options given here win.")
@click.option(
    "--from-alert",
    "alert_file",
    type=click.File("rb"),
    default=None,
    metavar="FILE|-",
    help="Write a draft from an alerting tool's webhook payload (- reads standard input), "
    "routed by 'alerts:' in mkdocs.yml.",
)
@click.option(
    "--from-issue",
    "issue_file",
    type=click.File("rb"),
    default=None,
    metavar="FILE|-",
    help="Write a draft from the body of a 'Report an incident' issue form.",
)
@a.writing_options
def command(
    title: str | None,
    component_pairs: tuple[tuple[str, ComponentState], ...],
    impact: str | None,
    status: str | None,
    started: datetime | timedelta | None,
    eta: datetime | timedelta | str | None,
    next_update: datetime | timedelta | None,
    apology: str | None,
    cause: str | None,
    workaround: str | None,
    slug: str | None,
    template_name: str | None,
    alert_file: BinaryIO | None,
    issue_file: BinaryIO | None,
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
    if issue_file is not None:
        report = _issue_report(issue_file)
        title = title or report.title
        component_pairs = (*report.components, *component_pairs)
        impact, template_name = impact or report.impact, template_name or report.template
        message, draft = message or report.message, True
    alert = _alert_draft(ws, alert_file, at)
    if alert:
        route = alert.route
        template_name = template_name or route.template
        component_pairs = (*route.components, *component_pairs)
        impact = impact or (alert.impact.value if alert.impact else None)
        started = started or alert.started
        draft = draft or not route.publish
    template = named.for_command(ws, template_name, clock, strict=bool(alert and not draft))
    if alert and not title:
        title = alert.route.title or (template.title if template else None)
        title = title or _title_from(ws, alert.route)
    title = title or (template.title if template else None)
    if title is None:
        raise click.UsageError("give the incident's TITLE, or a --template that has a title")
    if not title.strip():
        raise click.BadParameter("the title is empty", param_hint="TITLE")
    status = status or (template.status if template else None) or "investigating"
    states = a.checked_components(ws.settings, component_pairs)
    if template:
        listed = tuple(template.components.items())
        states = {**a.checked_components(ws.settings, listed), **states}
        impact = impact or template.impact
        eta = eta if eta is not None else template.eta
        next_update = next_update or template.next_update
        apology, cause = apology or template.apology, cause or template.cause
        workaround, author = workaround or template.workaround, author or template.author
        message = message or template.body
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
        "internal": _internal(template, alert),
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


def _alert_draft(
    ws: a.Workspace, stream: BinaryIO | None, at: datetime
) -> alerts.AlertDraft | None:
    """The routed alert, or None without --from-alert; an unrouted alert writes nothing."""
    if stream is None:
        return None
    given = getattr(stream, "name", "-")
    name = a.shown(Path(given)) if isinstance(given, str) and given[:1] not in "<-" else "the input"
    try:
        return alerts.draft_for(ws.settings, stream, name, at)
    except alerts.AlertError as exc:
        raise a.AuthoringError(f"{exc.message}; nothing was written", exc.hint) from None
    except alerts.UnroutedAlert as exc:
        raise a.AuthoringError(
            f"no draft: {exc}; nothing was written",
            "add a route under 'alerts:' in mkdocs.yml whose 'match' names the alert's labels "
            "(see the 'From alert to draft' guide)",
        ) from None


def _issue_report(stream: BinaryIO) -> issue_form.IssueReport:
    try:
        return issue_form.read_report(stream)
    except issue_form.IssueFormError as exc:
        raise a.AuthoringError(
            f"the issue cannot be used: {exc}; nothing was written",
            "open the issue with the 'Report an incident' form and fill in its fields",
        ) from None


def _title_from(ws: a.Workspace, route: AlertRoute) -> str:
    """A public title from the route's components alone: `Partial outage of Payments`."""
    return a.capfirst(a.problems(a.component_facts(ws.settings, route.states)))


def _internal(template: named.NamedTemplate | None, alert: alerts.AlertDraft | None) -> str | None:
    notes = [n for n in (template.internal if template else None, alert and alert.internal) if n]
    return "\n\n".join(notes) or None


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
