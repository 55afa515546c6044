"""Sealed files in the site's cache folder, and the stores of text by key that live in them.

Every file is sealed with the build's key (`cachekey.CacheKey`, which each store and
function here is given): one that does not verify is ignored, with a warning, as is a
damaged or unreadable one, and a file is replaced whole, by
a rename, so a crash never leaves half of one. A folder that cannot be written only makes
the next build slower. This module knows nothing of what the texts are: the build's caches
(`memo`), the output cache and the leak guard's memory of clean files use it.

A `TextStore` file: a magic line, the MAC, the writer's fingerprint, the entry count; then all
keys (16 bytes each), all lengths (in characters) and all texts as one UTF-8 text. A
`JsonStore` file: a magic line, the MAC, the fingerprint, then JSON. No code is ever loaded
from the cache folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from array import array
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import Any

from .cachekey import CacheKey

KEY_BYTES = 16
_LENGTHS = "I"  # unsigned 32-bit per entry, in characters


class CacheFormatError(ValueError):
    """The cache file is not one this version wrote; it is ignored."""


class StaleCache(CacheFormatError):
    """A genuine cache file that an earlier version or other settings wrote: ignored quietly."""


class TextStore:
    """Texts by 16-byte key, in one sealed file under its own `magic` line: what the last
    build left (`stored`) and what this build looked up or added (`used`, which is what
    `save` writes, so entries no build asks for drop out). A file stamped with another
    `fingerprint` (another version of what made the texts) is ignored; `cache_key` seals it."""

    def __init__(self, path: Path, fingerprint: str, magic: bytes, cache_key: CacheKey) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.magic = magic
        self.cache_key = cache_key
        self.stored: dict[bytes, str] = {}  # read from disk
        self.used: dict[bytes, str] = {}  # looked up or added in this build
        self.hits = 0
        self.misses = 0
        self.lazy = False  # True: read the file at the first lookup, if there is one

    def get(self, key: bytes) -> Any:
        if self.lazy:
            self.lazy = False
            self.load()
        value = self.used.get(key)
        if value is None:
            value = self.stored.get(key)
            if value is None:
                self.misses += 1
                return None
            self.used[key] = value
        self.hits += 1
        return value

    def put(self, key: bytes, value: Any) -> None:
        self.used[key] = value

    # A forked helper process fills its own copy of a store. It sends back what it added, so
    # that the build saves every entry and its later stages find them.

    def watermark(self) -> int:
        """How many entries this build used so far (in a helper: as it was forked)."""
        return len(self.used)

    def added_since(self, mark: int) -> dict[bytes, Any]:
        """In a helper: the entries looked up or added since `watermark` gave `mark`."""
        return dict(islice(self.used.items(), mark, None))

    def take(self, additions: Mapping[bytes, Any]) -> None:
        """In the build's process: what a helper's `added_since` returned."""
        if not additions:
            return
        if self.lazy:  # as if this process had looked them up itself
            self.lazy = False
            self.load()
        self.used.update(additions)

    @property
    def changed(self) -> bool:
        """True when saving would write something different from what was read."""
        return len(self.used) != len(self.stored) or any(k not in self.stored for k in self.used)

    def load(self) -> None:
        """Read the file; any problem leaves the cache empty (the build renders afresh)."""
        self.stored = {}
        body = read_sealed(self.cache_key, self.path, self.magic)
        if body is None:
            return
        try:
            self.stored = self.decode_body(body)
        except StaleCache:
            pass
        except (CacheFormatError, ValueError, UnicodeDecodeError, OverflowError):
            self.cache_key.rejected(self.path)  # sealed here, yet not readable: treated as damaged

    def decode_body(self, body: bytes) -> dict[bytes, Any]:
        return decode_body(body, self.fingerprint)

    def encode_body(self) -> bytes:
        return encode_body(self.used, self.fingerprint)

    def save(self) -> bool:
        """Write the entries this build used (so stale ones drop out); False when it cannot.

        A lazy cache never looked up is left as it is."""
        if self.lazy or (not self.changed and self.path.exists()):
            return True
        try:
            write_sealed(self.cache_key, self.path, self.magic, self.encode_body())
        except OSError:
            return False
        return True


def encode(
    cache_key: CacheKey, entries: dict[bytes, str], fingerprint: str, magic: bytes, name: str
) -> bytes:
    """The sealed file of `entries`, as a TextStore writes it at a path named `name`."""
    return cache_key.seal(magic, name, encode_body(entries, fingerprint))


def decode(
    cache_key: CacheKey, data: bytes, fingerprint: str, magic: bytes, name: str
) -> dict[bytes, str]:
    """The entries of a cache file; CacheFormatError when it is damaged or from elsewhere."""
    return decode_body(_unsealed(cache_key, data, magic, name), fingerprint)


def _unsealed(cache_key: CacheKey, data: bytes, magic: bytes, name: str) -> bytes:
    body = cache_key.unseal(data, magic, name)
    if body is None:
        raise CacheFormatError("not sealed by this machine's statuspress, or damaged")
    return body


def encode_body(entries: dict[bytes, str], fingerprint: str) -> bytes:
    keys = sorted(entries)
    texts = [entries[k] for k in keys]
    lengths = array(_LENGTHS, (len(t) for t in texts))
    payload = b"".join(keys) + lengths.tobytes() + "".join(texts).encode("utf-8", "surrogatepass")
    return f"{fingerprint}\n{len(keys)}\n".encode("ascii") + payload


def decode_body(body: bytes, fingerprint: str) -> dict[bytes, str]:
    """The entries of an unsealed body; StaleCache when another renderer wrote them."""
    stamp, count_text, payload = _split_head(body)
    if stamp != fingerprint:
        raise StaleCache("written by another version")
    if not count_text.isdigit():
        raise CacheFormatError("damaged")
    count = int(count_text)
    lengths = array(_LENGTHS)
    lengths_start = count * KEY_BYTES
    lengths.frombytes(payload[lengths_start : lengths_start + count * lengths.itemsize])
    text = payload[lengths_start + count * lengths.itemsize :].decode("utf-8", "surrogatepass")
    if len(lengths) != count or sum(lengths) != len(text):
        raise CacheFormatError("damaged")
    return _entries(payload[:lengths_start], lengths, text)


def _split_head(body: bytes) -> tuple[str, str, bytes]:
    parts = body.split(b"\n", 2)
    if len(parts) != 3:
        raise CacheFormatError("damaged")
    return parts[0].decode("ascii"), parts[1].decode("ascii"), parts[2]


def _entries(keys: bytes, lengths: array, text: str) -> dict[bytes, str]:
    entries: dict[bytes, str] = {}
    offset = 0
    for index, length in enumerate(lengths):
        entries[keys[index * KEY_BYTES : (index + 1) * KEY_BYTES]] = text[offset : offset + length]
        offset += length
    return entries


def read_sealed(cache_key: CacheKey, path: Path, magic: bytes) -> bytes | None:
    """The payload of the cache file at `path`, sealed by `write_sealed` with `cache_key`; None
    when there is none, or when it does not verify (then, once per build, a warning)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        cache_key.rejected(path)
        return None
    payload = cache_key.unseal(data, magic, path.name)
    if payload is None:
        cache_key.rejected(path)
    return payload


def write_sealed(cache_key: CacheKey, path: Path, magic: bytes, payload: bytes) -> None:
    """Seal `payload` with `cache_key` for `path` and write it there whole; OSError when it
    cannot."""
    atomic_write(path, cache_key.seal(magic, path.name, payload))


def atomic_write(path: Path, data: bytes) -> None:
    """Write beside the target and rename, so a crash never leaves half a cache file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class JsonStore(TextStore):
    """Plain values (what JSON holds) by 16-byte key, in one sealed JSON file."""

    def decode_body(self, body: bytes) -> dict[bytes, Any]:
        return decode_json_body(body, self.fingerprint)

    def encode_body(self) -> bytes:
        return encode_json_body(self.used, self.fingerprint)


def encode_json(
    cache_key: CacheKey, entries: dict[bytes, Any], fingerprint: str, magic: bytes, name: str
) -> bytes:
    return cache_key.seal(magic, name, encode_json_body(entries, fingerprint))


def decode_json(
    cache_key: CacheKey, data: bytes, fingerprint: str, magic: bytes, name: str
) -> dict[bytes, Any]:
    return decode_json_body(_unsealed(cache_key, data, magic, name), fingerprint)


def encode_json_body(entries: dict[bytes, Any], fingerprint: str) -> bytes:
    payload = json.dumps(
        {k.hex(): entries[k] for k in sorted(entries)}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8", "surrogatepass")
    return f"{fingerprint}\n".encode("ascii") + payload


def decode_json_body(body: bytes, fingerprint: str) -> dict[bytes, Any]:
    stamp, _, payload = body.partition(b"\n")
    if stamp.decode("ascii") != fingerprint:
        raise StaleCache("written by another version")
    entries = json.loads(payload.decode("utf-8", "surrogatepass"))
    if not isinstance(entries, dict):
        raise CacheFormatError("damaged")
    return {bytes.fromhex(k): v for k, v in entries.items()}
