"""Where a build may write: never over the content, the configuration, the cache or the
repository it builds from.

A build swaps its output in place of the site folder, so a site folder that is, holds or sits
inside one of those would move it aside (`-d incidents`, `-d .`). MkDocs checks its own
`site_dir` against `docs_dir`, but `-d` and the other folders are ours to check.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..model import Settings

SITE_DIR_HINT = "write the site to a folder of its own, such as site/ (the default)"


def site_dir_problem(site_dir: Path, config_path: Path, settings: Settings) -> Diagnostic | None:
    """Why `site_dir` cannot hold the built site, or None when it can."""
    target = _real(site_dir)
    root = _real(config_path.parent)
    # name: (folder, whether the site may sit inside it)
    protected = {
        "the content folder": (_real(root / settings.docs_dir), False),
        "the cache folder": (_real(root / settings.cache_dir), False),
        "the folder of the configuration file": (root, True),
    }
    repository = _repository_root(root)
    if repository is not None:
        protected["the repository"] = (repository, True)
        protected["the repository's .git folder"] = (_real(repository / ".git"), False)
    for name, (folder, may_hold_site) in protected.items():
        relation = _overlap(target, folder, may_hold_site)
        if relation:
            return error(
                str(site_dir),
                0,
                "site-dir",
                f"the site folder {relation} {name} ({folder}); building there would move it aside",
                SITE_DIR_HINT,
            )
    return None


def _overlap(target: Path, folder: Path, may_hold_site: bool) -> str | None:
    if target == folder:
        return "is"
    if folder.is_relative_to(target):
        return "holds"
    if not may_hold_site and target.is_relative_to(folder):
        return "is inside"
    return None


def _real(path: Path) -> Path:
    """The absolute path with every symlink resolved, whether or not it exists yet."""
    return Path(os.path.realpath(os.path.abspath(path)))


def _repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above `folder` with a `.git` (a folder, or a worktree's file)."""
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None
