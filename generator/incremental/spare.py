"""The spare site and the reused pages: what lets a rebuild touch only the files that changed.

After the swap, the site the live one replaced is kept beside it (`.site-spare`), and
`published.json` in the cache folder notes which reused pages (resolved incidents' pages,
from their records) the live site and the spare hold, with each file's size, modification
time and inode. The next build takes the spare as its staging folder, keeps the pages there
that are still what it would publish and untouched since, deletes everything else, and links
(from the live site) or writes only the missing pages. Nothing ever writes into a file of
the spare, as the live site and the spare share unchanged pages as hard links: it only
deletes, links and creates files.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cachekey import CacheFolder
from .store import atomic_write, read_sealed, write_sealed


def spare_path(site_dir: Path) -> Path:
    return site_dir.with_name(f".{site_dir.name}-spare")


def claim_spare(site_dir: Path) -> Path | None:
    """The spare site, renamed as this build's stage (so that no other build takes it). A
    spare that is not a real folder (a link to one, say) is left alone: the build deletes
    files in its stage."""
    claimed = site_dir.with_name(f".{site_dir.name}-build-{os.getpid()}-spare")
    try:
        os.rename(spare_path(site_dir), claimed)
    except OSError:  # none, or another build took it first
        return None
    if not is_real_folder(claimed):
        os.rename(claimed, spare_path(site_dir))
        return None
    return claimed


def is_real_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


# Inside the spare, so that git leaves the folder out of `git status` (it sits beside site/,
# often in the repository). Deleted with everything else when the spare is next used.
_SPARE_GITIGNORE = "# The site before the live one, kept by statuspress for its next build.\n*\n"


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


def read_published(cache: CacheFolder, site_dir: Path) -> Published:
    """What the last build recorded of the site now at `site_dir`; empty when unknown."""
    payload = read_sealed(cache.key, cache.path / PUBLISHED_FILE, PUBLISHED_MAGIC)
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


def write_published(cache: CacheFolder, site_dir: Path, published: Published) -> None:
    data = {"site": str(site_dir.resolve()), "files": published.live, "spare": published.spare}
    with contextlib.suppress(OSError):  # only costs the next build the time to write its pages
        write_sealed(
            cache.key,
            cache.path / PUBLISHED_FILE,
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
    for name in everything_under(os.fspath(stage)):
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


def everything_under(root: str) -> Iterator[str]:
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
