"""The contract between `statuspress build` and the MkDocs plugin: what the build prepares
before MkDocs runs, handed to the plugin once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

    from ..incremental.cachekey import CacheFolder
    from ..incremental.outputcache import OutputCache
    from ..incremental.spare import Reuse
    from ..incremental.store import TextStore
    from ..model import Project
    from ..outputs.vendors import VendorStatus
    from .leakguard import TreeGuard

# Warnings that only say what the clock says (a promise is overdue): outside MkDocs' loggers,
# so that `--strict` never fails a build on the time it runs.
CLOCK_WARNINGS = frozenset(
    {"update-overdue", "maintenance-overrun", "postmortem-missing", "long-silence"}
)


@dataclass(frozen=True)
class BuildPlan:
    """Everything `statuspress build` made before MkDocs runs. Without one (plain `mkdocs
    build` or `serve`) the plugin makes its own, through the same preparation (validation,
    incident records, memos), with no stage: MkDocs writes straight into the site folder, no
    page is linked from a live site, and the leak guard scans what was written."""

    now: datetime
    project: Project
    page_env: jinja2.Environment  # its templates compiled already
    rendered: Mapping[str, Mapping[str, bytes]]  # incident id -> pages built by earlier builds
    output_cache: OutputCache  # feeds and lists whose input did not change
    markdown_memo: TextStore  # rendered Markdown by text, across builds (`incremental.memo`)
    reuse: Reuse | None  # pages to link from the live site instead of writing them again
    pages_dir: Path  # the stage, where the reused pages go
    guard: TreeGuard | None  # scans the outputs as they are rendered
    vendors: list[VendorStatus]  # the third-party services, read once for the build
    cache: CacheFolder  # the build's cache folder and key
