"""Build into a temporary directory beside site/, then swap it into place in one step."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..incremental.cache import atomic_write, read_sealed, write_sealed

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
    spare = _claimed_spare(site_dir) if use_spare else None
    if not use_spare and _is_real_folder(spare_path(site_dir)):  # what it holds is not known
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


def spare_path(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}-spare")


def _claimed_spare(site_dir: Path) -> Path | None:
    """The spare site, renamed as this build's stage (so that no other build takes it). A
    spare that is not a real folder (a link to one, say) is left alone: the build deletes
    files in its stage."""
    claimed = site_dir.with_name(f".{site_dir.name}-build-{os.getpid()}-spare")
    try:
        os.rename(spare_path(site_dir), claimed)
    except OSError:  # none, or another build took it first
        return None
    if not _is_real_folder(claimed):
        os.rename(claimed, spare_path(site_dir))
        return None
    return claimed


def _is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


# Inside the spare, so that git leaves the folder out of `git status` (it sits beside site/,
# often in the repository). Deleted with everything else when the spare is next used.
_SPARE_GITIGNORE = "# The site before the live one, kept by statuspress for its next build.\n*\n"


def move_into(made: Path, stage: Path) -> list[str]:
    """Move everything under `made` to the same place under `stage`; the files moved, as
    `leakguard.relative_files` lists them (links to folders left out)."""
    folders: set[str] = set()
    moved = []
    for name in sorted(_everything_under(os.fspath(made))):
        folder = name.rpartition("/")[0]
        if folder and folder not in folders:
            os.makedirs(os.path.join(stage, folder), exist_ok=True)
            folders.add(folder)
        target = os.path.join(stage, name)
        os.replace(os.path.join(made, name), target)
        if not (os.path.islink(target) and os.path.isdir(target)):
            moved.append(name)
    return moved


def keep_as_spare(old_site: Path, site_dir: Path) -> bool:
    """Keep `old_site` beside `site_dir` for the next build; False when a spare is there."""
    spare = spare_path(site_dir)
    if spare.exists():
        return False
    try:
        os.rename(old_site, spare)
    except OSError:
        return False
    with contextlib.suppress(OSError):  # a new file: never write into one the site may share
        atomic_write(spare / ".gitignore", _SPARE_GITIGNORE.encode())
    return True


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


# Pages a build reused (resolved incidents', from their records) and how the live site holds
# them: the next build links those files into its staging folder instead of writing them.
# The same for the spare site, which the next build brings up to date.
PUBLISHED_FILE = "published.json"
PUBLISHED_MAGIC = b"statuspress-published 1\n"
Stamp = tuple[str, int, int, int]  # record key (hex), size, modification time (ns), inode


@dataclass(frozen=True)
class Published:
    """The reused pages the live site and the spare site hold, by name."""

    live: dict[str, Stamp]
    spare: dict[str, Stamp]


@dataclass(frozen=True)
class Reuse:
    """The live site, what the last build published in it, and the records' keys; with
    `spare`, the stage is the spare site and that is what it holds, and `wanted` the reused
    pages by name, with their record keys."""

    live: Path
    previous: dict[str, Stamp]
    keys: dict[str, str]  # incident id -> record key (hex)
    spare: dict[str, Stamp] | None = None
    wanted: dict[str, str] = field(default_factory=dict)


def wanted_pages(pages: Mapping[str, Iterable[str]], keys: Mapping[str, str]) -> dict[str, str]:
    """Each reused page (`pages`: their names by incident id) with its record's key."""
    return {
        name: keys[incident_id]
        for incident_id, names in pages.items()
        if incident_id in keys
        for name in names
    }


def spare_worth_using(spare: Mapping[str, Stamp], wanted: Mapping[str, str]) -> bool:
    """Whether the spare site holds at least half the reused pages: else (after an upgrade or
    a new theme, say) deleting what it holds costs more than starting afresh."""
    usable = sum(1 for name, stamp in spare.items() if wanted.get(name) == stamp[0])
    return usable > 0 and 2 * usable >= len(wanted)


def read_published(cache_dir: Path, site_dir: Path) -> Published:
    """What the last build recorded of the site now at `site_dir`; empty when unknown."""
    payload = read_sealed(cache_dir / PUBLISHED_FILE, PUBLISHED_MAGIC)
    if payload is None:
        return Published({}, {})
    try:
        data = json.loads(payload.decode("utf-8"))
        if data["site"] != str(site_dir.resolve()):
            return Published({}, {})
        return Published(_stamps(data["files"]), _stamps(data.get("spare", {})))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Published({}, {})


def _stamps(files: dict[str, list[Any]]) -> dict[str, Stamp]:
    return {
        name: (str(k), int(size), int(mtime), int(ino))
        for name, (k, size, mtime, ino) in files.items()
    }


def write_published(cache_dir: Path, site_dir: Path, published: Published) -> None:
    data = {"site": str(site_dir.resolve()), "files": published.live, "spare": published.spare}
    with contextlib.suppress(OSError):  # only costs the next build the time to write its pages
        write_sealed(
            cache_dir / PUBLISHED_FILE,
            PUBLISHED_MAGIC,
            json.dumps(data, separators=(",", ":")).encode(),
        )


def bring_up_to_date(
    stage: Path, spare: Mapping[str, Stamp], wanted: Mapping[str, str]
) -> dict[str, Stamp]:
    """Delete from `stage`, the spare site, everything but the pages `wanted` (name -> record
    key) that it holds as they were published; returns those, with their stamps. Folders left
    empty go too (those of incidents deleted since)."""
    kept: dict[str, Stamp] = {}
    emptied: set[str] = set()
    for name in _everything_under(os.fspath(stage)):
        stamp = spare.get(name)
        if stamp is not None and wanted.get(name) == stamp[0] and _untouched(stage, name, stamp):
            kept[name] = stamp
            continue
        os.unlink(os.path.join(stage, name))
        folder = name.rpartition("/")[0]
        while folder and folder not in emptied:
            emptied.add(folder)
            folder = folder.rpartition("/")[0]
    for folder in sorted(emptied, key=lambda f: f.count("/"), reverse=True):
        with contextlib.suppress(OSError):  # not empty
            os.rmdir(os.path.join(stage, folder))
    return kept


def _everything_under(root: str) -> Iterator[str]:
    """Every entry under `root` but folders, links to folders included, as relative paths."""
    stack = [(root, "")]
    while stack:
        folder, prefix = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, f"{prefix}{entry.name}/"))
                else:
                    yield prefix + entry.name


def _untouched(folder: Path, name: str, stamp: Stamp) -> bool:
    """Whether `folder/name` is still the file `stamp` noted (size, modification time, inode)."""
    try:
        info = os.stat(os.path.join(folder, name), follow_symlinks=False)
    except OSError:
        return False
    return (info.st_size, info.st_mtime_ns, info.st_ino) == stamp[1:]


def link_or_write(
    stage: Path, live: Path, name: str, pages: Mapping[str, bytes], key: str, previous: Stamp | None
) -> Stamp:
    """Put `pages[name]` at `stage/name`: as a link to the live site's copy when the last build
    published the same record's page there and the file is untouched since; else written (and
    only then are its bytes asked for)."""
    target = os.path.join(stage, name)
    if previous is not None and previous[0] == key and _untouched(live, name, previous):
        try:
            os.link(os.path.join(live, name), target, follow_symlinks=False)
            return previous
        except OSError:
            pass  # gone meanwhile, or a file system without links: write it
    with open(target, "wb") as out:
        out.write(pages[name])
        out.flush()  # a small page would still be in the buffer: size 0, and the wrong time
        info = os.fstat(out.fileno())
    return key, info.st_size, info.st_mtime_ns, info.st_ino
