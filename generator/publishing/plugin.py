"""The MkDocs plugin: validate in on_config, keep update files out of MkDocs, render the site."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ..clock import OutOfRange, resolve_now
from ..configuration.settings import example_clock, load_settings
from ..diagnostics import Diagnostic, format_text
from ..incremental.spare import Stamp
from ..model import Project
from ..model.load import loose_files
from .gate import github_annotations
from .leakguard import scan_tree
from .plan import CLOCK_WARNINGS, BuildPlan
from .preparing import BuildFailed, prepared
from .writer import PageWriter, write_all

log = logging.getLogger("mkdocs.plugins.statuspress")
clock_log = logging.getLogger("statuspress.clock")


class ContentError(PluginError):
    """The content has errors: nothing is built, the old site stays as it was."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(format_text(diagnostics))
        self.diagnostics = diagnostics


class StatusPressPlugin(BasePlugin):
    """Turns incidents/ into the status site; options are validated by statuspress itself."""

    def __init__(self) -> None:
        self.raw_options: dict[str, Any] = {}
        self.plan: BuildPlan | None = None  # handed over by `statuspress build`, see use()
        self.now: datetime | None = None
        self.project: Project | None = None
        self.outputs: dict[str, bytes] = {}
        self.content_dir = ""
        self._empty_dir = ""
        self.failure: list[Diagnostic] = []  # what stopped the build: MkDocs says only "Aborted"
        self._writer: PageWriter | None = None
        self._own: ExitStack | None = None  # holds the plan the plugin made for this build
        self.published: dict[str, Stamp] = {}  # after a build: what it published, for the next
        self.stage_files: list[str] | None = None  # after a build: what the writer left there

    def use(self, plan: BuildPlan) -> None:
        """Build from what `statuspress build` prepared. The build then scans the rendered
        files for leaks while the reused pages are still being written, and calls
        finish_writing itself."""
        self.plan, self.now, self.project = plan, plan.now, plan.project

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[list[Any], list[Any]]:
        self.raw_options = dict(options)
        self.config = dict(options)  # checked by statuspress itself
        return [], []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.failure = []
        if self.plan is None or self._own is not None:  # plain `mkdocs build` or `serve`
            self._release_own_plan()
            self.plan = self._own_plan(config)
            self.now, self.project = self.plan.now, self.plan.project
        assert self.project is not None
        self._show_findings(self.project.diagnostics)

        # MkDocs would list every file of the content folder (tens of thousands in a long
        # history) only for on_files to drop the updates: it lists an empty folder instead.
        self.content_dir = config.docs_dir
        config.docs_dir = self._empty_dir = tempfile.mkdtemp(prefix="statuspress-empty-")
        return config

    def _show_findings(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        """Every finding that did not stop the build, communication errors included: the site
        is published, and the team sees what to improve (annotated on its line in CI)."""
        for diagnostic in diagnostics:
            if not diagnostic.is_problem:  # a note: what goes live at a later build
                log.info(diagnostic.render())
                continue
            # Outside MkDocs' loggers, so that `--strict` does not count them either.
            logger = clock_log if diagnostic.rule in CLOCK_WARNINGS else log
            logger.warning(diagnostic.render())
        annotations = github_annotations(list(diagnostics))
        if annotations:
            print(annotations, flush=True)

    def _own_plan(self, config: MkDocsConfig) -> BuildPlan:
        """Plain `mkdocs build` and `serve`: the clock and the project, validated as
        `statuspress build` validates them and loaded through the same incident records, so
        that a rebuild renders only what changed. What it wrote is scanned once written."""
        config_path = Path(config.config_file_path or "mkdocs.yml")
        try:
            now = resolve_now(None, example_as_of=example_clock(config_path))
        except OutOfRange as exc:
            raise PluginError(str(exc)) from None
        settings, problems = load_settings(config_path)
        if settings is None:
            self._fail(problems)
        own = ExitStack()
        try:
            ready = own.enter_context(prepared(config_path, settings, now, config, strict=False))
        except BuildFailed as failed:
            self._fail(failed.diagnostics)
        self._own = own
        return BuildPlan(
            now,
            ready.project,
            ready.records.env,
            ready.records.pages,
            ready.output_cache(),
            ready.memos.markdown,
            reuse=None,
            pages_dir=Path(config.site_dir),
            guard=None,
            vendors=[],  # only `statuspress build` reads third-party services
            cache=ready.cache,
        )

    def _release_own_plan(self, failure: BaseException | None = None) -> None:
        """The end of a build with the plugin's own plan: its memos are saved unless it
        failed, and the next build makes a new plan (content may have changed)."""
        own, self._own = self._own, None
        if own is None:
            return
        self.plan = None
        if failure is None:
            own.close()
        else:
            own.__exit__(type(failure), failure, failure.__traceback__)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """The theme's files, the published incidents' assets and loose top-level files."""
        self._restore_docs_dir(config)
        # MkDocs has emptied site_dir by now: pages rendered earlier (a long history's
        # resolved incidents) are written while the rest of the site is rendered.
        plan = self.plan
        if plan is not None:
            self._writer = PageWriter(plan.pages_dir, plan.rendered, plan.reuse)
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

    def _fail(self, diagnostics: list[Diagnostic]) -> NoReturn:
        """Stop the build; MkDocs turns the error into a bare Abort, so keep what it said."""
        self.failure = diagnostics
        raise ContentError(diagnostics) from None

    def on_build_error(self, *, error: Exception) -> None:
        self.stop_writing()
        if self._empty_dir:
            shutil.rmtree(self._empty_dir, ignore_errors=True)
        self._release_own_plan(error)

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
        from ..outputs.markdown import Markdown
        from ..outputs.render import TemplateProblem, render_site

        plan = self.plan
        assert plan is not None
        try:
            self.outputs = render_site(
                plan.project,
                plan.now,
                plan.page_env,
                config,
                plan.rendered,
                plan.output_cache,
                plan.guard,
                Markdown(plan.markdown_memo),
                plan.vendors,
            )
        except TemplateProblem as problem:
            self._fail([problem.diagnostic])
        plan.output_cache.prune()
        write_all(Path(config.site_dir), self.outputs)  # the writer puts `rendered`
        if self._own is not None:
            self.finish_writing()
            self._guard_written_site(Path(config.site_dir), plan)
            self._release_own_plan()

    def _guard_written_site(self, site_dir: Path, plan: BuildPlan) -> None:
        """`mkdocs build` and `serve` write straight into the site folder, with no stage to
        scan first: every file is scanned once written, and a site that leaks is emptied
        before the build fails (MkDocs emptied it before writing, so nothing older is lost)."""
        project = plan.project
        problems = scan_tree(site_dir, project.root, project.settings, cache=plan.cache)
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
