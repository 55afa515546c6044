"""`statuspress check`: validate every file and run the communication lint."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from ..configuration.configfile import config_key_lines, read_config
from ..configuration.mkdocs_config import validate_mkdocs_config
from ..configuration.settings import is_init_placeholder_url
from ..diagnostics import (
    FORMATTERS,
    Diagnostic,
    count_errors,
    problems,
    sort_diagnostics,
    warning,
)
from ..model import Settings
from ..publishing.loading import ConfigProblem, load_project
from .options import clock, config_option, now_option, strict_option
from .templates_named import check_templates, route_problems


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

    Exit code 0 when clean, 1 when errors are found (or warnings with --strict). Updates
    and postmortems dated after the clock are noted with the time they go live.

    \b
    Example:
      statuspress check --format github --strict
    """
    moment = clock(now, config_file)
    try:
        project = load_project(config_file, moment)
        diagnostics = [*project.diagnostics, *site_warnings(project.settings, config_file)]
        diagnostics += check_templates(project.root, project.settings, moment)
        diagnostics += route_problems(project.root, project.settings, config_file)
    except ConfigProblem as problem:
        diagnostics = list(problem.diagnostics)
    # sorted without duplicates: a problem statuspress and MkDocs both find is reported once
    diagnostics = sort_diagnostics([*diagnostics, *mkdocs_problems(config_file)])
    if since:
        from .edits import edited_since

        diagnostics = sorted(
            [*diagnostics, *edited_since(config_file, since, moment)],
            key=lambda d: (d.path, d.line, d.rule),
        )
    click.echo(FORMATTERS[output_format](diagnostics))
    errors = count_errors(diagnostics)
    if errors or (strict and problems(diagnostics)):
        raise SystemExit(1)


def mkdocs_problems(config_file: Path) -> list[Diagnostic]:
    """What MkDocs' own validation finds, as `build` would report it; nothing when statuspress
    could not read the file safely (that problem is reported already)."""
    config, _ = read_config(config_file)
    if config is None:
        return []
    return validate_mkdocs_config(config_file)[1]


def site_warnings(settings: Settings, config_file: Path) -> list[Diagnostic]:
    """What a site should fix before it goes live, though it builds."""
    if settings.example_as_of is not None or not is_init_placeholder_url(settings.site_url):
        return []
    lines = config_key_lines(config_file)
    return [
        warning(
            config_file.name,
            lines.get("site_url", 0),
            "site-url-placeholder",
            f"site_url is still the placeholder {settings.site_url or '(none)'}: feeds, the API "
            "and notifications link there",
            "set site_url to where the site is published, e.g. "
            "https://OWNER.github.io/REPOSITORY/ or https://status.yourcompany.com/",
        )
    ]
