"""The MkDocs plugin: validate in on_config, keep update files out of MkDocs, render the site."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import tempfile
import threading
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, NoReturn

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from .build import CLOCK_WARNINGS
from .cache import OutputCache
from .clock import OutOfRange, resolve_now
from .diagnostics import count_errors, format_text
from .forking import Forked
from .leakguard import TreeGuard, scan_tree
from .model.load import loose_files
from .model.settings import example_clock
from .project import ConfigProblem, Project, load_project
from .publish import Reuse, Stamp, bring_up_to_date, link_or_write

log = logging.getLogger("mkdocs.plugins.statuspress")
clock_log = logging.getLogger("statuspress.clock")


class ContentError(PluginError):
    """The content has errors: nothing is built, the old site stays as it was."""

    def __init__(self, diagnostics: list[Any]) -> None:
        super().__init__(format_text(diagnostics))
        self.diagnostics = diagnostics


class StatusPressPlugin(BasePlugin):  # type: ignore[type-arg]
    """Turns incidents/ into the status site; options are validated by statuspress itself."""

    def __init__(self) -> None:
        self.raw_options: dict[str, Any] = {}
        self.now: datetime | None = None
        self.project: Project | None = None
        self.outputs: dict[str, bytes] = {}
        self.rendered: Mapping[str, Mapping[str, bytes]] = {}  # incident id -> pages built already
        self.content_dir = ""
        self._empty_dir = ""
        self.failure: list[Any] = []  # what stopped the build: MkDocs reports only "Aborted"
        self._writer: _Writer | None = None
        self.reuse: Reuse | None = None  # set by `build`: link pages from the live site
        self.pages_dir: Path | None = None  # set by `build`: where reused pages go, else site_dir
        self.output_cache: OutputCache | None = None  # set by `build`: feeds, lists kept
        self.page_env: jinja2.Environment | None = None  # set by `build`: render.page_environment
        self.guard: TreeGuard | None = None  # set by `build`: scans outputs as they are rendered
        self.published: dict[str, Stamp] = {}  # after a build: what it published, for the next
        self.stage_files: list[str] | None = None  # after a build: what the writer left there
        # Set by `build`, which scans the rendered files for leaks while the reused pages are
        # still being written, then calls finish_writing.
        self.finish_later = False

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[Any], list[Any]]:
        self.raw_options = dict(options)
        self.config = dict(options)  # type: ignore[assignment]
        return [], []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        config_path = Path(config.config_file_path or "mkdocs.yml")
        example = example_clock(config_path) if self.now is None else None
        try:
            now = resolve_now(self.now, example_as_of=example)
        except OutOfRange as exc:
            raise PluginError(str(exc)) from None
        self.now = now
        self.failure = []
        if self.project is None or os.environ.get("STATUSPRESS_RELOAD"):
            try:
                self.project = _load(config_path, now)
            except ContentError as problem:
                self._fail(problem.diagnostics)
        for diagnostic in self.project.diagnostics:
            if not diagnostic.is_error:
                # Outside MkDocs' loggers, so that `--strict` does not count them either.
                logger = clock_log if diagnostic.rule in CLOCK_WARNINGS else log
                logger.warning(diagnostic.render())

        # MkDocs would list every file of the content folder (tens of thousands in a long
        # history) only for on_files to drop the updates: it lists an empty folder instead.
        self.content_dir = config.docs_dir
        config.docs_dir = self._empty_dir = tempfile.mkdtemp(prefix="statuspress-empty-")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The theme's files, the published incidents' assets and loose top-level files."""
        self._restore_docs_dir(config)
        # MkDocs has emptied site_dir by now: pages rendered earlier (a long history's
        # resolved incidents) are written while the rest of the site is rendered.
        self._writer = _Writer(self.pages_dir or Path(config.site_dir), self.rendered, self.reuse)
        assert self.project is not None
        content = Path(self.content_dir)
        sources = [
            f"{incident.id}/{asset}"
            for incident in self.project.site.incidents
            for asset in incident.assets
        ]
        sources += loose_files(content)
        for source in sources:
            files.append(File(source, str(content), config.site_dir, config.use_directory_urls))
        return files

    def _fail(self, diagnostics: list[Any]) -> NoReturn:
        """Stop the build; MkDocs turns the error into a bare Abort, so keep what it said."""
        self.failure = diagnostics
        raise ContentError(diagnostics) from None

    def on_build_error(self, *, error: Exception) -> None:
        self.stop_writing()
        if self._empty_dir:
            shutil.rmtree(self._empty_dir, ignore_errors=True)

    def finish_writing(self) -> None:
        """Wait until the reused pages are written; `published` then says where they are."""
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.join()
            self.published, self.stage_files = writer.published, writer.files

    def stop_writing(self) -> None:
        """Stop writing reused pages (the build failed or was interrupted) and wait for it."""
        if self._writer is not None:
            self._writer.stop()
            self._writer = None

    def _restore_docs_dir(self, config: MkDocsConfig) -> None:
        config.docs_dir = self.content_dir
        shutil.rmtree(self._empty_dir, ignore_errors=True)
        self._empty_dir = ""

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        from .render import TemplateProblem, page_environment, render_site

        assert self.project is not None and self.now is not None
        # The build's own, whose templates are compiled already; `serve` makes one.
        env = self.page_env or page_environment(config.theme.get_env())
        try:
            self.outputs = render_site(
                self.project, self.now, env, config, self.rendered, self.output_cache, self.guard
            )
        except TemplateProblem as problem:
            self._fail([problem.diagnostic])
        if self.output_cache is not None:
            self.output_cache.prune()
        if not self.finish_later:
            self.finish_writing()
        _write_all(Path(config.site_dir), self.outputs)  # the writer puts `rendered`
        if self.guard is None:
            self._guard_written_site(Path(config.site_dir))
        if os.environ.get("STATUSPRESS_RELOAD"):
            self.project, self.rendered = None, {}

    def _guard_written_site(self, site_dir: Path) -> None:
        """`mkdocs build` and `serve` write straight into the site folder, with no stage to
        scan first: every file is scanned once written, and a site that leaks is emptied
        before the build fails (MkDocs emptied it before writing, so nothing older is lost)."""
        assert self.project is not None
        project = self.project
        cache_dir = project.root / project.settings.cache_dir
        problems = scan_tree(site_dir, project.root, project.settings, cache_dir=cache_dir)
        if problems:
            _empty(site_dir)
            self._fail(problems)


def _empty(folder: Path) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


def _load(config_path: Path, now: datetime) -> Project:
    try:
        project = load_project(config_path, now)
    except ConfigProblem as problem:
        raise ContentError(problem.diagnostics) from None
    if count_errors(project.diagnostics):
        raise ContentError(list(project.diagnostics))
    return project


def _write_all(site_dir: Path, outputs: dict[str, bytes]) -> None:
    """Each output under `site_dir`, making each folder once (a long history has thousands)."""
    made: set[str] = set()
    for relative, data in outputs.items():
        folder = relative.rpartition("/")[0]
        if folder not in made:
            _make_folder(os.path.join(site_dir, folder))
            made.add(folder)
        with open(os.path.join(site_dir, relative), "wb") as out:
            out.write(data)


# With this many reused pages or more, a forked process writes them, so that its file system
# work (a folder per incident) runs on another core. A thread would wait for this process's
# interpreter lock between every two calls while the rest renders: at 1,000 incidents it
# made the build 0.7 s slower, not faster.
WRITER_PROCESS_MIN_PAGES = 200


class _Writer:
    """Writes the reused pages while Python renders the rest: in a forked process for many
    pages, else in a thread. A page the live site already holds unchanged is linked rather
    than written. `published` says, after `join`, what was published where, and `files`
    what the folder then holds: the pages kept there (the spare's files, listed before
    anything else in it is deleted) and the pages put there."""

    def __init__(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> None:
        self.error: OSError | None = None
        self.published: dict[str, Stamp] = {}
        self.files: list[str] | None = None
        self.stopped = threading.Event()
        self.process: Forked[Report] | None = None
        self.thread: threading.Thread | None = None
        pages = sum(len(p) for p in rendered.values())
        if hasattr(os, "fork") and pages >= WRITER_PROCESS_MIN_PAGES:
            self.process = Forked(partial(self._report, site_dir, rendered, reuse))
            return
        self.thread = threading.Thread(
            target=self._run,
            args=(site_dir, rendered, reuse),
            name="statuspress-writer",
            daemon=True,
        )
        self.thread.start()

    def _report(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> Report:
        """In the writer process: the pages written, then what became of them."""
        self._run(site_dir, rendered, reuse)
        return str(self.error) if self.error else None, self.published, self.files

    def _run(
        self, site_dir: Path, rendered: Mapping[str, Mapping[str, bytes]], reuse: Reuse | None
    ) -> None:
        try:
            kept = _kept(site_dir, reuse)
            self.published.update(kept)
            put = []
            for incident_id, pages in rendered.items():
                if self.stopped.is_set():  # the build was interrupted: its folder goes
                    return
                for name in pages:  # a page's bytes are read only if it cannot be linked
                    if name not in kept:
                        self._put(site_dir, name, pages, incident_id, reuse)
                        put.append(name)
            self.files = [*kept, *put]
        except OSError as exc:
            self.error = exc

    def _put(
        self,
        site_dir: Path,
        name: str,
        pages: Mapping[str, bytes],
        incident_id: str,
        reuse: Reuse | None,
    ) -> None:
        _make_folder(os.path.join(site_dir, name.rpartition("/")[0]))
        key = reuse.keys.get(incident_id) if reuse is not None else None
        if reuse is None or key is None:  # not from a record: a folder never recorded
            with open(os.path.join(site_dir, name), "wb") as out:
                out.write(pages[name])
            return
        self.published[name] = link_or_write(
            site_dir, reuse.live, name, pages, key, reuse.previous.get(name)
        )

    def stop(self) -> None:
        """Interrupted: stop writing at once (the staging folder is removed after)."""
        self.stopped.set()
        if self.process is not None:
            self.process.cancel()
            self.process = None
        self.join(ignore_errors=True)

    def join(self, ignore_errors: bool = False) -> None:
        if self.process is not None:
            self._join_process(self.process)
            self.process = None
        elif self.thread is not None:
            self.thread.join()
        if self.error is not None and not ignore_errors:
            raise self.error

    def _join_process(self, process: Forked[Report]) -> None:
        try:
            failure, self.published, self.files = process.result()
        except (ChildProcessError, OSError, pickle.UnpicklingError, EOFError, ValueError):
            failure = "the process writing the pages stopped"
        if failure:
            self.error = OSError(failure)


Report = tuple[str | None, dict[str, Stamp], list[str] | None]  # failure, published, files


def _kept(site_dir: Path, reuse: Reuse | None) -> dict[str, Stamp]:
    """When `site_dir` is the spare site: the reused pages it holds as they were published
    (everything else in it is deleted first)."""
    if reuse is None or reuse.spare is None:
        return {}
    return bring_up_to_date(site_dir, reuse.spare, reuse.wanted)


def _make_folder(folder: str) -> None:
    try:
        os.mkdir(folder)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
