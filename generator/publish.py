"""Build into a temporary directory beside site/, then swap it into place in one step."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .cache import atomic_write

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


# An old site with this many files or more is deleted by a detached process: deleting tens of
# thousands of files takes seconds, and the new site is live before it starts.
BACKGROUND_REMOVAL_MIN_FILES = 1000


def swap_into_place(stage: Path, site_dir: Path, old_files: int = 0) -> None:
    """Replace `site_dir` with `stage`: one atomic exchange where the OS offers it.

    `old_files` is about how many files the old site holds: many, and it is deleted in the
    background (a build killed before that ends leaves it for the next build's sweep).
    """
    if site_dir.is_dir() and not site_dir.is_symlink() and _exchange(stage, site_dir):
        # `stage` now holds the old site
        if old_files >= BACKGROUND_REMOVAL_MIN_FILES:
            remove_in_background(stage, site_dir)
        else:
            shutil.rmtree(stage, ignore_errors=True)
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


# Pages a build reused (resolved incidents', from their records) and how the live site holds
# them: the next build links those files into its staging folder instead of writing them.
PUBLISHED_FILE = "published.json"
Stamp = tuple[str, int, int, int]  # record key (hex), size, modification time (ns), inode


@dataclass(frozen=True)
class Reuse:
    """The live site, what the last build published in it, and the records' keys."""

    live: Path
    previous: dict[str, Stamp]
    keys: dict[str, str]  # incident id -> record key (hex)


def read_published(cache_dir: Path, site_dir: Path) -> dict[str, Stamp]:
    """What the last build recorded of the site now at `site_dir`; {} when unknown."""
    try:
        data = json.loads((cache_dir / PUBLISHED_FILE).read_text(encoding="utf-8"))
        if data["site"] != str(site_dir.resolve()):
            return {}
        return {name: (str(k), int(size), int(mtime), int(ino))
                for name, (k, size, mtime, ino) in data["files"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def write_published(cache_dir: Path, site_dir: Path, files: dict[str, Stamp]) -> None:
    data = {"site": str(site_dir.resolve()), "files": files}
    with contextlib.suppress(OSError):  # only costs the next build the time to write its pages
        atomic_write(cache_dir / PUBLISHED_FILE, json.dumps(data, separators=(",", ":")).encode())


def link_or_write(stage: Path, live: Path, name: str, pages: Mapping[str, bytes], key: str,
                  previous: Stamp | None) -> Stamp:
    """Put `pages[name]` at `stage/name`: as a link to the live site's copy when the last build
    published the same record's page there and the file is untouched since; else written (and
    only then are its bytes asked for)."""
    target = os.path.join(stage, name)
    if previous is not None and previous[0] == key:
        source = os.path.join(live, name)
        try:
            info = os.stat(source, follow_symlinks=False)
            if (info.st_size, info.st_mtime_ns, info.st_ino) == previous[1:]:
                os.link(source, target, follow_symlinks=False)
                return previous
        except OSError:
            pass  # gone, or a file system without links: write it
    with open(target, "wb") as out:
        out.write(pages[name])
        out.flush()  # a small page would still be in the buffer: size 0, and the wrong time
        info = os.fstat(out.fileno())
    return key, info.st_size, info.st_mtime_ns, info.st_ino
