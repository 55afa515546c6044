"""`build_site`: validate, render into a staging directory, guard against leaks, swap in."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from ..clock import OutOfRange, resolve_now
from ..configuration.configfile import read_config
from ..configuration.mkdocs_config import validate_mkdocs_config
from ..configuration.settings import load_settings
from ..configuration.sitedir import site_dir_problem
from ..diagnostics import Diagnostic, count_errors, error, problems, sort_diagnostics
from ..incremental.records import DecodedPacks
from ..incremental.spare import (
    Published,
    Reuse,
    read_published,
    spare_worth_using,
    wanted_pages,
    write_published,
)
from ..model import Settings
from ..outputs import vendors
from . import audiences
from .leakguard import TreeGuard, relative_files
from .plan import BuildPlan
from .plugin import StatusPressPlugin
from .preparing import BuildFailed, Prepared, prepared
from .publish import Stage, move_into, staging, swap_into_place, sweep_stale

Progress = Callable[[str], None]


def _quiet(stage: str) -> None:
    pass


class WriteFailed(Exception):
    """The site could not be written (disk full, read-only folder); `site/` is as it was."""

    def __init__(self, problem: OSError) -> None:
        where = f" {problem.filename}" if problem.filename else ""
        super().__init__(f"cannot write{where}: {problem.strerror or problem}")


@dataclass(frozen=True)
class BuildResult:
    site_dir: Path
    incidents: int
    pages: int
    feeds: int
    files: int
    warnings: int
    seconds: float
    notes: tuple[Diagnostic, ...] = ()  # infos: what goes live at a later build
    errors: int = 0  # communication errors: published anyway, `check` fails on them

    def summary(self) -> str:
        errors = (
            f"{self.errors} communication error{'' if self.errors == 1 else 's'} "
            "(published; `statuspress check` fails on them), "
            if self.errors
            else ""
        )
        return (
            f"Built {self.site_dir}: {self.incidents} incidents, {self.pages} pages, "
            f"{self.feeds} feeds, {self.files} files, {errors}{self.warnings} "
            f"warning{'' if self.warnings == 1 else 's'} "
            f"in {self.seconds:.2f} s"
        )


def build_site(
    config_path: Path,
    site_dir: Path | None = None,
    now: datetime | None = None,
    strict: bool = False,
    progress: Progress = _quiet,
    offline: bool = False,
    decoded: DecodedPacks | None = None,
) -> BuildResult:
    """Build the site; raises BuildFailed and leaves `site_dir` untouched on any problem.

    `progress` is told the name of each stage as it starts. `offline`: third-party services
    are shown as last read, without asking them. `decoded`: for a process that builds again
    and again (`serve`), the incident records its builds decoded.
    """
    started = time.perf_counter()
    config_path = Path(config_path)
    settings = _settings(config_path)  # before MkDocs reads the file: it refuses unsafe YAML
    clock = _clock(now, settings)
    target = _target(site_dir, config_path, settings)
    audience_sites = _audiences(config_path, settings, target, clock, strict, progress)
    try:
        config = _mkdocs_config(config_path, strict)
        progress("reading and checking the content")
        with prepared(config_path, settings, clock, config, strict, decoded) as ready:
            if settings.vendors:
                progress("reading third-party services")
            found = vendors.read_vendors(settings, ready.cache, clock, offline)
            return _render(ready, config, found, target, clock, started, progress, audience_sites)
    except OSError as problem:  # a full disk, a read-only folder: nothing was published
        raise WriteFailed(problem) from None


def _audiences(
    config_path: Path,
    settings: Settings,
    target: Path,
    clock: datetime,
    strict: bool,
    progress: Progress,
) -> list[audiences.AudienceSite]:
    """Build each audience's site first, as a site of its own; a failure names the audience
    and leaves the public site as it was."""
    if not settings.audiences:
        return []
    progress("building the audience sites")

    def build(audience_config: Path, audience_target: Path) -> None:
        try:
            build_site(audience_config, audience_target, clock, strict)
        except BuildFailed as failed:
            name = audience_config.parent.name
            raise BuildFailed(
                [
                    replace(d, message=f"in the site for audience '{name}': {d.message}")
                    for d in failed.diagnostics
                ]
            ) from None

    try:
        return audiences.build_all(config_path, settings, target, build)
    except audiences.AudienceProblem as problem:
        raise BuildFailed(problem.diagnostics) from None


def _clock(now: datetime | None, settings: Settings) -> datetime:
    try:
        return resolve_now(now, example_as_of=settings.example_as_of)
    except OutOfRange as exc:
        raise BuildFailed(
            [error("SOURCE_DATE_EPOCH", 0, "time-range", str(exc), "pin a time in the range")]
        ) from None


def _target(site_dir: Path | None, config_path: Path, settings: Settings) -> Path:
    """`-d`, else mkdocs.yml's site_dir (as MkDocs reads it: beside mkdocs.yml), if the build
    may write there; checked before MkDocs, which would stop with a bare 'Aborted'."""
    if site_dir is None:
        config, _ = read_config(config_path)
        configured = str((config or {}).get("site_dir") or "site")
        site_dir = Path(os.path.abspath(config_path.parent / configured))
    problem = site_dir_problem(Path(site_dir), config_path, settings)
    if problem is not None:
        raise BuildFailed([problem])
    return Path(site_dir)


def _settings(config_path: Path) -> Settings:
    if not config_path.is_file():
        raise BuildFailed(
            [
                error(
                    str(config_path),
                    0,
                    "config",
                    "no configuration file here",
                    "run the command in the site folder, pass -f mkdocs.yml, or "
                    "create a site with 'statuspress init'",
                )
            ]
        )
    settings, problems = load_settings(config_path)
    if settings is None:
        raise BuildFailed(problems)
    return settings


def _mkdocs_config(config_path: Path, strict: bool) -> MkDocsConfig:
    config, problems = validate_mkdocs_config(config_path, strict)
    if config is None:
        raise BuildFailed(sort_diagnostics(problems))
    if config.plugins.get("statuspress") is None:
        raise BuildFailed(
            [
                error(
                    config_path.name,
                    0,
                    "config",
                    "the statuspress plugin is not configured",
                    "add '- statuspress' under 'plugins:'",
                )
            ]
        )
    return config


def _render(
    ready: Prepared,
    config: MkDocsConfig,
    found_vendors: list[vendors.VendorStatus],
    target: Path,
    now: datetime,
    started: float,
    progress: Progress,
    audience_sites: list[audiences.AudienceSite],
) -> BuildResult:
    project, records, cache = ready.project, ready.records, ready.cache
    plugin = statuspress_plugin(config)
    published = read_published(cache, target)
    sweep_stale(target)
    wanted = wanted_pages(records.pages, records.keys)
    with staging(target, spare_worth_using(published.spare, wanted)) as stage:
        config.site_dir = str(stage.made)
        guard = TreeGuard(stage.path, project.root, project.settings, cache)
        reuse = Reuse(
            target,
            published.live,
            records.keys,
            published.spare if stage.from_spare else None,
            wanted,
        )
        plugin.use(
            BuildPlan(
                now,
                project,
                records.env,
                records.pages,
                ready.output_cache(),
                ready.memos.markdown,
                reuse,
                stage.path,
                guard,
                found_vendors,
                cache,
            )
        )
        progress("rendering pages, feeds and the API")
        _run_mkdocs(config)
        progress("scanning every file for leaks")
        copied = audiences.copy_into(stage.path, audience_sites)
        files = _guard(stage, guard, plugin, records.clean, copied)
        progress("publishing")
        kept_old = swap_into_place(
            stage.path, target, old_files=len(files)
        )  # the old site is about as large
    write_published(cache, target, Published(plugin.published, published.live if kept_old else {}))
    outputs = plugin.outputs
    reused = [name for pages in records.pages.values() for name in pages]
    return BuildResult(
        site_dir=target,
        incidents=len(project.site.incidents),
        pages=sum(1 for name in [*outputs, *reused] if name.endswith(".html")),
        feeds=sum(1 for name in outputs if name.endswith((".atom", ".rss", ".ics"))),
        files=len(files),
        warnings=len(problems(project.diagnostics)) - count_errors(project.diagnostics),
        errors=count_errors(project.diagnostics),
        seconds=time.perf_counter() - started,
        notes=tuple(d for d in project.diagnostics if not d.is_problem),
    )


def statuspress_plugin(config: MkDocsConfig) -> StatusPressPlugin:
    plugin = config.plugins["statuspress"]
    assert isinstance(plugin, StatusPressPlugin)  # the site's configuration was checked for it
    return plugin


def _run_mkdocs(config: MkDocsConfig) -> None:
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level  # `serve` logs at INFO between builds
    mkdocs_log.setLevel(logging.WARNING)
    plugin = statuspress_plugin(config)
    reported = _Reported(plugin)
    build_log = logging.getLogger("mkdocs.commands.build")
    build_log.addFilter(reported)
    try:
        mkdocs_build(config)
    except BaseException as exc:  # also Ctrl-C, which MkDocs does not pass to the plugin
        plugin.stop_writing()
        if not isinstance(exc, Abort):
            raise
        if plugin.failure:  # MkDocs turns the plugin's error into a bare Abort
            raise BuildFailed(plugin.failure) from None
        raise BuildFailed(
            [
                error(
                    "mkdocs.yml",
                    0,
                    "mkdocs",
                    str(exc).strip(),
                    "fix the problem MkDocs reports above",
                )
            ]
        ) from None
    finally:
        build_log.removeFilter(reported)
        mkdocs_log.setLevel(level)


class _Reported(logging.Filter):
    """Drops MkDocs' own copy of an error the plugin raised: the build reports it once."""

    def __init__(self, plugin: StatusPressPlugin) -> None:
        super().__init__()
        self.plugin = plugin

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and self.plugin.failure)


def _guard(
    stage: Stage,
    guard: TreeGuard,
    plugin: StatusPressPlugin,
    known_clean: set[str],
    copied: list[str],
) -> list[str]:
    """Finish the leak guard's scan of the stage; the files of the site, as relative_files
    lists them.

    The pages, feeds and API were scanned as they were rendered; the rest of what the build
    made is scanned while the reused pages are still being written, then what MkDocs copied,
    once all of it is in the stage."""
    try:
        guard.scan(plugin.outputs, plugin.outputs, known_clean)
        plugin.finish_writing()
    except BaseException:
        plugin.stop_writing()
        raise
    moved = move_into(stage.made, stage.path)
    listed = plugin.stage_files  # what the writer left in the stage, before the move
    files = sorted({*listed, *moved, *copied}) if listed is not None else relative_files(stage.path)
    guard.scan(files, {}, known_clean)  # what MkDocs copied: assets, loose files, the theme's
    problems = guard.finish(files)
    if problems:
        raise BuildFailed(problems)
    return files
