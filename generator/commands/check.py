"""`statuspress check`: validate every file and run the communication lint."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..diagnostics import FORMATTERS, count_errors, sort_diagnostics
from ..project import ConfigProblem, load_project
from .options import clock, config_option, now_option, strict_option


@click.command("check")
@config_option
@now_option
@strict_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="text for people, github for annotations, json for tools.",
)
@click.option(
    "--since",
    metavar="REV",
    default=None,
    help="Also flag published updates edited since this git revision.",
)
def command(
    config_file: Path, now: datetime | None, strict: bool, output_format: str, since: str | None
) -> None:
    """Validate every file and run the communication lint.

    Exit code 0 when clean, 1 when errors are found (or warnings with --strict).

    \b
    Example:
      statuspress check --format github --strict
    """
    try:
        project = load_project(config_file, clock(now, config_file))
        diagnostics = list(project.diagnostics)
    except ConfigProblem as problem:
        diagnostics = sort_diagnostics(problem.diagnostics)
    if since:
        from ..edits import edited_since

        diagnostics = sorted(
            [*diagnostics, *edited_since(config_file, since)],
            key=lambda d: (d.path, d.line, d.rule),
        )
    click.echo(FORMATTERS[output_format](diagnostics))
    errors = count_errors(diagnostics)
    if errors or (strict and diagnostics):
        raise SystemExit(1)
