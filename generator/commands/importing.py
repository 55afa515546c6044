"""`statuspress import SOURCE ...`: another status page's history as folders and files."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click

from ..diagnostics import Diagnostic, count_errors, format_text
from ..importers import cstate, instatus, statuspage, upptime
from ..importers.apply import import_history
from ..importers.history import History, SourceError
from ..importers.writer import MANIFEST, Report
from .authoring import locate_config
from .options import clock, config_option, now_option

API_KEY_ENV = "STATUSPAGE_API_KEY"
INSTATUS_KEY_ENV = "INSTATUS_API_KEY"
PROGRESS_FROM = 200  # files; a smaller import finishes before a bar would say anything


@click.group("import")
def command() -> None:
    """Bring another status page's history in as incident folders and files.

    Every import can run again: it adds what is new at the source, refreshes what the
    source changed, and never overwrites a file a person has edited since
    (the manifest .statuspress-import.json beside mkdocs.yml records what it wrote).
    Imported updates are never sent by 'statuspress notify'.
    """


@command.command("statuspage")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--url", default=None, help="A live public page, e.g. https://status.example.com.")
@click.option(
    "--page-id",
    default=None,
    help=f"Read the whole history through the Manage API (the key in ${API_KEY_ENV}).",
)
@click.option(
    "--api-key-env",
    default=API_KEY_ENV,
    show_default=True,
    help="The environment variable that holds the Manage API key (never pass a key itself).",
)
@click.option(
    "--api-base",
    default=statuspage.MANAGE_API,
    show_default=True,
    hidden=True,
    help="The Manage API's address (for a proxy or a test server).",
)
@config_option
@now_option
def statuspage_command(
    paths: tuple[Path, ...],
    url: str | None,
    page_id: str | None,
    api_key_env: str,
    api_base: str,
    config_file: Path,
    now: datetime | None,
) -> None:
    """Import from Atlassian Statuspage: API v2 JSON files or folders, --url or --page-id.

    \b
    Example:
      statuspress import statuspage export/            # summary.json, incidents.json ...
      statuspress import statuspage --url https://status.example.com
      STATUSPAGE_API_KEY=... statuspress import statuspage --page-id abc123def456
    """
    chosen = [bool(paths), url is not None, page_id is not None]
    if sum(chosen) != 1:
        raise click.UsageError("give JSON files or folders, --url, or --page-id (exactly one)")

    def read() -> History:
        if paths:
            return statuspage.from_files(paths)
        if url is not None:
            return statuspage.from_public_page(url)
        key = os.environ.get(api_key_env, "").strip()
        if not key:
            raise click.UsageError(
                f"set the Manage API key in ${api_key_env} (from your Statuspage API info "
                "page); it is never given on the command line"
            )
        with _progress_counter("Reading incidents") as counted:
            return statuspage.from_manage_api(str(page_id), key, api_base, progress=counted)

    _run(config_file, now, read)


@command.command("cstate")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@config_option
@now_option
def cstate_command(directory: Path, config_file: Path, now: datetime | None) -> None:
    """Import a cState site: content/issues/*.md and the systems of its config.

    \b
    Example:
      statuspress import cstate ../old-status-site
    """
    _run(config_file, now, lambda: cstate.from_site(directory))


@command.command("upptime")
@click.argument("issues", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--upptimerc",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The status repository's .upptimerc.yml (its sites become components).",
)
@config_option
@now_option
def upptime_command(issues: Path, upptimerc: Path, config_file: Path, now: datetime | None) -> None:
    """Import Upptime's incidents: a JSON export of the status repository's issues.

    \b
    Export them with the GitHub CLI, in the status repository:
      gh issue list --state all --limit 100000 \\
        --json number,title,body,state,createdAt,closedAt,labels,comments,url > issues.json
    Example:
      statuspress import upptime issues.json --upptimerc .upptimerc.yml
    """
    _run(config_file, now, lambda: upptime.from_export(issues, upptimerc))


@command.command("instatus")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
@now_option
def instatus_command(paths: tuple[Path, ...], config_file: Path, now: datetime | None) -> None:
    """Import from Instatus: JSON saved from its API's incidents and components lists.

    \b
    Save them with your API key (see the importing guide), then:
      statuspress import instatus incidents.json components.json
    """
    _run(config_file, now, lambda: instatus.from_files(paths))


# --- running an import -----------------------------------------------------------------------


def _run(config_file: Path, now: datetime | None, read: Callable[[], History]) -> None:
    config_path = locate_config(config_file)
    moment = clock(now, config_path)
    try:
        history = read()
        report, findings = import_history(config_path, history, moment, _progress_bar)
    except SourceError as problem:
        message = f"Import failed: {problem.where}: {problem.message}"
        click.echo(message + (f"\n  hint: {problem.hint}" if problem.hint else ""), err=True)
        click.echo("Nothing more was written.", err=True)
        raise SystemExit(1) from None
    except OSError as exc:  # the site's own files: a full disk, a read-only folder
        where = exc.filename or "the site"
        click.echo(f"Import failed: {where}: {exc.strerror or exc}", err=True)
        click.echo(
            "The files written so far are complete; run the import again once it can write.",
            err=True,
        )
        raise SystemExit(1) from None
    click.echo(_summary(history, report))
    raise SystemExit(_findings(findings))


def _summary(history: History, report: Report) -> str:
    maintenances = sum(1 for i in history.incidents if i.is_maintenance)
    lines = [
        f"Read from {history.source}: {len(history.incidents) - maintenances} incidents, "
        f"{maintenances} maintenances, {len(history.components)} components.",
        f"Files: {len(report.created)} created, {len(report.changed)} changed, "
        f"{len(report.unchanged)} unchanged, {len(report.kept)} kept as they were.",
    ]
    if report.components_added:
        names = ", ".join(c.id for c in report.components_added)
        lines.append(f"Components added to mkdocs.yml: {names}")
    for path in report.changed:
        lines.append(f"  changed {path} (edited at the source)")
    for path, why in report.kept:
        lines.append(f"  kept {path}: {why}")
    for reason in report.refused:
        lines.append(f"  left out: {reason}")
    for note in report.notes:
        lines.append(f"Note: {note}")
    if report.silenced:
        lines.append(
            "Old text that breaks a lint rule of level error is published as it was; "
            "its file silences the rule with 'lint: ignore:' (review them):"
        )
        for path, rules in sorted(report.silenced.items()):
            lines.append(f"  {path}: {', '.join(rules)}")
    if report.written:
        lines.append(f"The import's record of what it wrote is in {MANIFEST}; commit it too.")
    return "\n".join(lines)


def _findings(findings: list[Diagnostic]) -> int:
    """`statuspress check`'s findings in the imported files (the exit code)."""
    if not findings:
        click.echo("statuspress check finds nothing more in the imported files.")
        return 0
    click.echo(f"statuspress check on the imported files ({len(findings)} findings):")
    click.echo(format_text(findings))
    return 1 if count_errors(findings) else 0


def _quiet() -> bool:
    return not sys.stderr.isatty() or bool(os.environ.get("CI"))


@contextmanager
def _progress_bar(total: int) -> Iterator[Callable[[], None]]:
    if _quiet() or total < PROGRESS_FROM:
        yield lambda: None
        return
    with click.progressbar(length=total, label="Writing files", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


@contextmanager
def _progress_counter(label: str) -> Iterator[Callable[[int], None]]:
    """A running count on a terminal, for a download of unknown length."""
    if _quiet():
        yield lambda count: None
        return
    shown_any = False

    def show(count: int) -> None:
        nonlocal shown_any
        if count % 50 == 0:
            shown_any = True
            click.echo(f"\r{label}: {count}", nl=False, err=True)

    yield show
    if shown_any:
        click.echo("", err=True)
