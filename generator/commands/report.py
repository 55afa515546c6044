"""`statuspress report`: communication metrics over a period, as text, JSON or one HTML page."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import click

from ..clock import parse_time
from ..diagnostics import format_text
from ..lint.metrics import build_report, format_html, format_json
from ..lint.metrics import format_text as report_text
from ..publishing.loading import ConfigProblem, load_project
from .options import DurationOrDate, clock, config_option, now_option


class Since(DurationOrDate):
    """A date (UTC midnight), a time with an offset, or a duration back from now (90d)."""

    name = "DATE|TIME|DURATION"
    failure = (
        "'{value}' is not a date (2026-10-01), a time with an offset "
        "(2026-10-01T00:00:00Z) or a duration (90d)"
    )

    def moment(self, text: str) -> datetime | None:
        try:
            return datetime.combine(
                datetime.strptime(text, "%Y-%m-%d").date(), time(), timezone.utc
            )
        except ValueError:
            pass
        moment = parse_time(text)
        return moment if moment is not None and moment.tzinfo is not None else None


@click.command("report")
@config_option
@now_option
@click.option(
    "--since",
    type=Since(),
    default=None,
    help="Only incidents whose first update is at or after this date, time or "
    "duration ago (e.g. 2026-10-01 or 90d). Default: all.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text for people, json for tools, html for one self-contained page.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)
def command(
    config_file: Path,
    now: datetime | None,
    since: datetime | timedelta | None,
    output_format: str,
    output: Path | None,
) -> None:
    """Communication metrics: time to acknowledge, promises kept, longest silence, ETAs met,
    time to resolve, time to postmortem, action items and lint findings.

    Medians and nearest-rank 90th percentiles, with the per-incident values behind them.

    \b
    Examples:
      statuspress report --since 90d
      statuspress report --since 2026-10-01 --format html -o report.html
    """
    moment = clock(now, config_file)
    start = moment - since if isinstance(since, timedelta) else since
    try:
        project = load_project(config_file, moment, lint=False)
    except ConfigProblem as problem:
        click.echo(format_text(problem.diagnostics))
        raise SystemExit(1) from None
    errors = sum(d.is_error for d in project.diagnostics)
    if errors:
        click.echo(
            f"{errors} files or values could not be read and are left out; run "
            "'statuspress check' to see them.",
            err=True,
        )
    report = build_report(project.site, moment, start)
    if output_format == "html":
        text = format_html(report, project.settings.site_name)
    else:
        text = (format_json if output_format == "json" else report_text)(report)
    if output is None:
        click.echo(text)
    else:
        output.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")
