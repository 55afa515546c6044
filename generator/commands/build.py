"""`statuspress build`: validate, then build the site into site/ in one atomic step."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import TracebackType

import click

from ..cli import raw_stderr, skip_teardown
from ..diagnostics import format_text
from ..publishing.build import BuildFailed, WriteFailed, build_site
from .options import clock, config_option, now_option, strict_option

QUIET_SECONDS = 2.0  # short builds print only their summary


@click.command("build")
@config_option
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the site (default: site_dir, i.e. site/).",
)
@strict_option
@now_option
@click.option(
    "--offline",
    is_flag=True,
    help="Show third-party services as last read, without asking them.",
)
def command(
    config_file: Path, site_dir: Path | None, strict: bool, now: datetime | None, offline: bool
) -> None:
    """Validate the content, then build the site into site/.

    The old site/ stays exactly as it was when anything fails, including Ctrl-C.

    \b
    Example:
      statuspress build --strict
      statuspress build --now 2026-11-22T10:00:00Z -d public
    """
    try:
        with TerminalProgress(enabled=sys.stderr.isatty()) as progress:
            moment = clock(now, config_file)
            result = build_site(config_file, site_dir, moment, strict, progress, offline)
    except BuildFailed as failed:
        click.echo(format_text(failed.diagnostics))
        click.echo("Build failed: nothing was published; the previous site is unchanged.", err=True)
        raise SystemExit(1) from None
    except WriteFailed as failed:
        click.echo(
            f"Build failed: {failed}; nothing was published; the previous site is unchanged.",
            err=True,
        )
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        click.echo(
            "\nBuild interrupted: nothing was published; the previous site is unchanged.", err=True
        )
        raise SystemExit(130) from None
    for note in result.notes:
        click.echo(note.render())
    click.echo(result.summary())
    skip_teardown()


class TerminalProgress:
    """Shows the current stage and elapsed time on a terminal once a build gets slow."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.stage = "starting"
        self.started = time.monotonic()
        self._done = threading.Event()
        self._shown = False
        self._thread = threading.Thread(target=self._tick, daemon=True)

    def __call__(self, stage: str) -> None:
        self.stage = stage

    def __enter__(self) -> TerminalProgress:
        if self.enabled:
            self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._done.set()
        if self.enabled:
            self._thread.join()
        if self._shown:
            click.echo("\r\x1b[2K", nl=False, file=raw_stderr())

    def _tick(self) -> None:
        while not self._done.wait(0.25):
            elapsed = time.monotonic() - self.started
            if elapsed >= QUIET_SECONDS:
                self._shown = True
                click.echo(
                    f"\r\x1b[2KBuilding: {self.stage}… {elapsed:.0f} s", nl=False, file=raw_stderr()
                )
