"""`statuspress build`: validate, then build the site into site/ in one atomic step."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..build import BuildFailed, build_site
from ..diagnostics import format_text
from .options import clock, config_option, now_option, strict_option


@click.command("build")
@config_option
@click.option("-d", "--site-dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Where to write the site (default: site_dir, i.e. site/).")
@strict_option
@now_option
def command(config_file: Path, site_dir: Path | None, strict: bool,
            now: datetime | None) -> None:
    """Validate the content, then build the site into site/.

    The old site/ stays exactly as it was when anything fails.

    \b
    Example:
      statuspress build --strict
      statuspress build --now 2026-11-22T10:00:00Z -d public
    """
    if sys.stderr.isatty():
        click.echo("Building…", err=True)
    try:
        result = build_site(config_file, site_dir, clock(now), strict)
    except BuildFailed as failed:
        click.echo(format_text(failed.diagnostics))
        click.echo("Build failed: nothing was published; the previous site is unchanged.",
                   err=True)
        raise SystemExit(1) from None
    click.echo(result.summary())
