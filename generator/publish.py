"""Build into a temporary directory beside site/, then swap it into place in one step."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@contextmanager
def staging(site_dir: Path) -> Iterator[Path]:
    """A fresh directory on the same file system as `site_dir`; removed unless published."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-{os.getpid()}-",
                                  dir=site_dir.parent))
    os.chmod(stage, _directory_mode())  # mkdtemp's 0700 would make site/ private to us
    try:
        yield stage
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def swap_into_place(stage: Path, site_dir: Path) -> None:
    """Replace `site_dir` with `stage`: one atomic exchange where the OS offers it."""
    if site_dir.is_dir() and not site_dir.is_symlink() and _exchange(stage, site_dir):
        shutil.rmtree(stage, ignore_errors=True)  # `stage` now holds the old site
        return
    old = None
    if site_dir.exists() or site_dir.is_symlink():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        os.replace(site_dir, old)
    os.replace(stage, site_dir)
    if old is not None:
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)
        else:
            old.unlink()


def _exchange(first: Path, second: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): both names swap at once, or nothing happens."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    return result == 0


def _directory_mode() -> int:
    """The mode a plain mkdir would give, after the umask (which can only be read by
    setting it)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o777 & ~umask


def sweep_stale(site_dir: Path) -> None:
    """Remove staging directories left by builds that were killed; those of builds still
    running (another `statuspress build` on the same site) are theirs to remove."""
    prefix = f".{site_dir.name}-build-"
    for stale in site_dir.parent.glob(f"{prefix}*"):
        if not _builder_running(stale.name.removeprefix(prefix).split("-", 1)[0]):
            shutil.rmtree(stale, ignore_errors=True)


def _builder_running(pid: str) -> bool:
    if not pid.isdigit() or os.name != "posix":
        return False  # named by an older version, or no signal 0 to ask with (Windows)
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, owned by another user
    return True
