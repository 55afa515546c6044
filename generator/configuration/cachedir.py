"""Where the build cache may be: out of the content folder and out of git.

What the cache holds is published, so it must be a folder only this machine's builds write.
Its files are sealed with this machine's key anyway (`cachekey`); a cache folder that
commits can fill is still refused outright, with the line of mkdocs.yml to change, so that
a pull request setting `cache_dir` to a folder it brings stops at `check` already.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ..diagnostics import Diagnostic, error
from ..model.types import Settings

_HINT = (
    "keep the build cache out of the content folder and out of git: list it in .gitignore "
    "('statuspress init' does so for .statuspress-cache), or set 'cache_dir' to a folder "
    "outside the site"
)
_GIT_SECONDS = 30


def cache_dir_problems(config_path: Path, settings: Settings, line: int) -> list[Diagnostic]:
    """Why `settings.cache_dir` cannot be the build cache; `line`: where mkdocs.yml sets it."""
    root = config_path.parent
    cache = Path(os.path.realpath(root / settings.cache_dir))
    content = Path(os.path.realpath(root / settings.docs_dir))
    name = settings.cache_dir
    if cache.is_relative_to(content) or content.is_relative_to(cache):
        where = "is inside" if cache.is_relative_to(content) else "holds"
        return [
            _problem(
                config_path,
                line,
                f"'{name}' {where} the content folder '{settings.docs_dir}', "
                "so the content could bring files into the build cache",
            )
        ]
    named = Path(os.path.abspath(root / settings.cache_dir))
    tracked = _tracked_file(named) or (_tracked_file(cache) if cache != named else None)
    if tracked:
        return [
            _problem(
                config_path,
                line,
                f"'{name}' holds files tracked by git ('{tracked}'), so a commit could bring "
                f"files into the build cache; run 'git rm -r --cached {name}'",
            )
        ]
    return []


def _problem(config_path: Path, line: int, message: str) -> Diagnostic:
    return error(config_path.name, line, "config-option", f"option 'cache_dir': {message}", _HINT)


def _tracked_file(folder: Path) -> str | None:
    """A file git tracks at `folder` or under it (the folder itself when it is a tracked
    link), in whichever repository holds it; None when there is none or no git to ask."""
    parent = folder.parent
    if not parent.is_dir():
        return None
    try:
        listed = subprocess.run(
            ["git", "-C", str(parent), "ls-files", "-z", "--full-name", "--", folder.name],
            capture_output=True,
            timeout=_GIT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if listed.returncode != 0:  # not in a git work tree
        return None
    first = listed.stdout.split(b"\0", 1)[0]
    return first.decode("utf-8", "replace") or None
