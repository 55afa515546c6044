"""Outputs of earlier builds (feeds, the maintenance calendar, lists of resolved incidents),
kept by a hash of what they show and made again only when that changes."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .store import read_sealed, write_sealed

if TYPE_CHECKING:
    from ..model.types import Incident, Update
    from .cachekey import CacheFolder


def cached_output(
    cache: OutputCache | None,
    path: str,
    kind: str,
    items: Iterable[tuple[Incident, Update | None]],
    make: Callable[[], bytes],
) -> bytes:
    """The output at `path` in the format `kind`, showing `items`: from `cache` when an earlier
    build made it from the same incidents, else `make()`, which the cache then keeps."""
    key = cache.key(path, kind, items) if cache is not None else None
    if cache is None or key is None:
        return make()
    stored = cache.get(key)
    if stored is not None:
        return stored
    data = make()
    cache.put(key, data)
    return data


class OutputCache:
    """Outputs of earlier builds (feeds, the maintenance calendar, pages that list resolved
    incidents) by a hash of what they show: the record key of each incident in them, which
    covers the settings, the theme and the code too. An output whose incidents are unchanged
    is not made again; one with an incident that has no record always is.

    One file per output in `outputs/` under the cache folder, named by its key: a build reads
    the outputs it reuses and writes the ones it makes, whichever process does it, and `prune`
    deletes the files no part of the build used. A file holds a magic line, a checksum and the
    output; a damaged one is made again.
    """

    MAGIC = b"statuspress-output 2\n"
    FOLDER = "outputs"

    def __init__(self, cache: CacheFolder, fingerprint: str, keys: Mapping[str, str]) -> None:
        self.directory = cache.path / self.FOLDER
        self.cache_key = cache.key  # the build's, which seals every file
        self.fingerprint = fingerprint
        self.keys = keys
        self.used: set[str] = set()  # file names (key hex) this build read or wrote
        # No earlier build left outputs (a first build, or the folder was deleted): every
        # feed and list is made, which is worth sharing with a second process.
        self.empty = _empty(self.directory)
        self.scope = ""  # the language tree its outputs are for ("" for the site's root)

    def scoped(self, scope: str) -> OutputCache:
        """The same cache for the outputs of another tree (a language's, under /fr/): its keys
        differ by `scope`, what it uses counts for the build as a whole."""
        other = copy.copy(self)
        other.scope = scope
        return other

    def key(
        self, path: str, kind: str, items: Iterable[tuple[Incident, Update | None]]
    ) -> bytes | None:
        """Of the output at `path` in the format `kind`, showing `items`: an incident, and the
        update when the output shows one apart."""
        parts = [self.fingerprint, self.scope, path, kind]
        for incident, update in items:
            record = self.keys.get(incident.id)
            if record is None:
                return None
            parts += [incident.id, record, update.uid if update else ""]
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).digest()

    def get(self, key: bytes) -> bytes | None:
        payload = read_sealed(self.cache_key, self.directory / key.hex(), self.MAGIC)
        if payload is not None:
            self.used.add(key.hex())
        return payload

    def put(self, key: bytes, data: bytes) -> None:
        self.used.add(key.hex())
        with contextlib.suppress(OSError):  # an unwritable cache only makes the next build slower
            write_sealed(self.cache_key, self.directory / key.hex(), self.MAGIC, data)

    def prune(self) -> None:
        """Delete the outputs no part of this build used (`used` gathers every process's)."""
        with contextlib.suppress(OSError):
            for stale in os.listdir(self.directory):
                if stale not in self.used:
                    (self.directory / stale).unlink(missing_ok=True)


def _empty(directory: Path) -> bool:
    try:
        with os.scandir(directory) as listing:
            return next(listing, None) is None
    except OSError:
        return True
