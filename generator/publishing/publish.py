"""Build into a temporary directory beside site/, then swap it into place in one step."""

from __future__ import annotations

import ctypes
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..incremental.spare import (
    claim_spare,
    everything_under,
    is_real_folder,
    keep_as_spare,
    spare_path,
)

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass(frozen=True)
class Stage:
    """Where a build assembles the new site: `path`, swapped in at the end, and `made`, a new
    empty folder MkDocs and the renderer write into, moved into `path` once all is written.

    `path` is the spare site when there is one (`from_spare`): the site the live one replaced,
    kept beside it by the last build. The pages it still holds unchanged stay where they are,
    and everything else in it is deleted before anything is added, so a rebuild neither makes
    a folder for every incident again nor deletes the old site's files. Pages the live site
    and the spare share are one file (a hard link): nothing ever writes into a file of a
    stage, it only deletes, links and creates them.
    """

    path: Path
    made: Path
    from_spare: bool


@contextmanager
def staging(site_dir: Path, use_spare: bool = False) -> Iterator[Stage]:
    """Folders on the same file system as `site_dir`; removed unless published (a spare is
    put back as it stands: what it holds is checked file by file when it is next used)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    spare = claim_spare(site_dir) if use_spare else None
    if not use_spare and is_real_folder(spare_path(site_dir)):  # what it holds is not known
        remove_in_background(spare_path(site_dir), site_dir)
    path = spare or _new_stage(site_dir)
    made = _new_stage(site_dir)
    try:
        yield Stage(path, made, spare is not None)
    finally:
        shutil.rmtree(made, ignore_errors=True)
        if path.exists() and (spare is None or not keep_as_spare(path, site_dir)):
            shutil.rmtree(path, ignore_errors=True)


def _new_stage(site_dir: Path) -> Path:
    stage = Path(
        tempfile.mkdtemp(prefix=f".{site_dir.name}-build-{os.getpid()}-", dir=site_dir.parent)
    )
    os.chmod(stage, _directory_mode())  # mkdtemp's 0700 would make site/ private to us
    return stage


def move_into(made: Path, stage: Path) -> list[str]:
    """Move everything under `made` to the same place under `stage`; the files moved, as
    `leakguard.relative_files` lists them (links to folders left out)."""
    folders: set[str] = set()
    moved = []
    for name in sorted(everything_under(os.fspath(made))):
        folder = name.rpartition("/")[0]
        if folder and folder not in folders:
            os.makedirs(os.path.join(stage, folder), exist_ok=True)
            folders.add(folder)
        target = os.path.join(stage, name)
        os.replace(os.path.join(made, name), target)
        if not (os.path.islink(target) and os.path.isdir(target)):
            moved.append(name)
    return moved


# An old site with this many files or more is deleted by a detached process: deleting tens of
# thousands of files takes seconds, and the new site is live before it starts.
BACKGROUND_REMOVAL_MIN_FILES = 1000


def swap_into_place(stage: Path, site_dir: Path, old_files: int = 0) -> bool:
    """Replace `site_dir` with `stage`: one atomic exchange where the OS offers it. True when
    the old site was kept as the spare for the next build.

    `old_files` is about how many files the old site holds: many, and when it cannot be kept
    it is deleted in the background (a build killed before that ends leaves it for the next
    build's sweep).
    """
    if site_dir.is_dir() and not site_dir.is_symlink() and _exchange(stage, site_dir):
        # `stage` now holds the old site
        if keep_as_spare(stage, site_dir):
            return True
        if old_files >= BACKGROUND_REMOVAL_MIN_FILES:
            remove_in_background(stage, site_dir)
        else:
            shutil.rmtree(stage, ignore_errors=True)
        return False
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
    return False


def remove_in_background(tree: Path, site_dir: Path) -> None:
    """Delete `tree` in a detached grandchild process; this one goes on at once.

    The tree is first renamed `.site-old-<pid>-…` after the process deleting it, so that the
    next build's sweep leaves it alone while that process runs, and removes it if it died.
    """
    tree = _renamed(tree, site_dir, os.getpid())  # out of the way of `staging`'s clean-up
    if not hasattr(os, "fork"):
        shutil.rmtree(tree, ignore_errors=True)
        return
    child = os.fork()
    if child == 0:  # pragma: no cover - the tests see its effect from outside
        try:
            os.setsid()
            if os.fork() == 0:  # the grandchild belongs to no one, so it is never a zombie
                _detach_standard_streams()
                os.nice(19)  # after the build that needs the machine, not before it
                shutil.rmtree(_renamed(tree, site_dir, os.getpid()), ignore_errors=True)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def _renamed(tree: Path, site_dir: Path, pid: int) -> Path:
    target = site_dir.with_name(f".{site_dir.name}-old-{pid}-{tree.name[-8:]}")
    os.replace(tree, target)
    return target


def _detach_standard_streams() -> None:
    """So that whoever reads this build's output does not wait for the deletion to end."""
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):
        os.dup2(null, stream)
    os.close(null)


def _exchange(first: Path, second: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): both names swap at once, or nothing happens."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
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
    for kind in ("build", "old"):  # old sites are deleted in the background: see above
        prefix = f".{site_dir.name}-{kind}-"
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
