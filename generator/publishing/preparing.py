"""What every way of building does before MkDocs renders: the content loaded through the
incident records of earlier builds and validated. `statuspress build`, a plain `mkdocs build`
and `serve` all start here, so each rebuild reuses what did not change."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig

from ..diagnostics import Diagnostic
from ..incremental.cachekey import CacheFolder
from ..incremental.memo import BuildMemos
from ..incremental.outputcache import OutputCache
from ..incremental.records import DecodedPacks, IncidentRecords
from ..model import Project, Settings
from ..outputs.markdown import FINGERPRINT
from ..outputs.render import TemplateProblem, page_environment
from .gate import build_blockers
from .loading import ConfigProblem, load_project

RECORDS_FOLDER = "incidents"  # under the cache folder


class BuildFailed(Exception):
    """The build stopped; `diagnostics` say why and `site/` is as it was."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


@dataclass(frozen=True)
class Prepared:
    """The validated project and what rendering reuses from earlier builds."""

    project: Project
    records: IncidentRecords
    memos: BuildMemos
    cache: CacheFolder

    def output_cache(self) -> OutputCache:
        return OutputCache(self.cache, self.records.fingerprint, self.records.keys)


@contextmanager
def prepared(
    config_path: Path,
    settings: Settings,
    now: datetime,
    config: MkDocsConfig,
    strict: bool,
    decoded: DecodedPacks | None = None,
) -> Iterator[Prepared]:
    """The project at `now`, for the block; BuildFailed when the build must stop. The memos
    are saved when the block succeeds. `decoded`: the incident records a long-lived process
    decoded in its earlier builds (`serve`)."""
    # This build's key to its cache folder, which it hands to all that reads or writes there.
    cache = CacheFolder.for_build(config_path.parent, settings.cache_dir)
    with fewer_collections(), BuildMemos.opened(cache, FINGERPRINT) as memos:
        # One for the whole build; what Jinja makes of the templates is kept beside the key.
        env = page_environment(config.theme.get_env(), cache.key.private_folder("templates"))
        urls = bool(config.use_directory_urls)
        records = IncidentRecords(
            cache.path / RECORDS_FOLDER, env, now, urls, cache.key, memos, decoded
        )
        project = validated(config_path, settings, now, strict, records)
        gc.freeze()  # the history just loaded lives to the end: the collector leaves it alone
        yield Prepared(project, records, memos, cache)


def validated(
    config_path: Path, settings: Settings, now: datetime, strict: bool, records: IncidentRecords
) -> Project:
    try:
        project = load_project(config_path, now, records=records, settings=settings)
    except ConfigProblem as problem:
        raise BuildFailed(problem.diagnostics) from None
    except TemplateProblem as problem:  # rendering a resolved incident's pages
        raise BuildFailed([problem.diagnostic]) from None
    if build_blockers(project.diagnostics, settings, strict):
        raise BuildFailed(list(project.diagnostics))
    return project


# A build keeps the model of every incident to its end, and the model has no reference cycles:
# at the collector's default pace (every 700 new objects) it walks them again and again, for
# nothing.
_BUILD_COLLECTION_THRESHOLD = 50_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    thresholds, frozen_before = gc.get_threshold(), gc.get_freeze_count()
    gc.set_threshold(_BUILD_COLLECTION_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if not frozen_before:  # what the build froze can be collected again (`serve`)
            gc.unfreeze()
