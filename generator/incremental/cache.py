"""Content-hash caches kept between builds in the site's cache folder (`cache_dir`).

Two stores: rendered Markdown (`markdown.cache`) and parsed front matter (`sources.cache`).
Rendering and YAML parsing are most of the work of a build, and a history changes by a few
files between two builds. Each rendered text is stored under a hash of its source (and of
whether raw HTML was allowed), in one file stamped with a fingerprint of the renderer, so a
new Markdown or sanitizer version, or new sanitizer settings, start from an empty cache. What
is stored is the sanitized HTML, exactly as `render_markdown` returns it, and it is published
as it is: so every file in the cache folder is sealed with this machine's key (`cachekey`),
and one that does not verify is ignored, with a warning, as is a damaged or unreadable one.
A cache folder that cannot be written only makes the next build slower.

The Markdown file: a magic line, the MAC, the renderer fingerprint, the entry count; then all
keys (16 bytes each), all lengths (in characters) and all HTML as one UTF-8 text. The front
matter file: a magic line, the MAC, the parser fingerprint, then JSON. Only files that parsed
without a problem are stored, so every diagnostic is produced afresh. No code is ever loaded
from the cache folder.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import fields
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .cachekey import rejected, seal, start_build, unseal

if TYPE_CHECKING:
    from ..model.types import Incident, Update

FILE_NAME = "markdown.cache"
MAGIC = b"statuspress-markdown-cache 2\n"
KEY_BYTES = 16
_LENGTHS = "I"  # unsigned 32-bit per entry, in characters


class CacheFormatError(ValueError):
    """The cache file is not one this version wrote; it is ignored."""


class StaleCache(CacheFormatError):
    """A genuine cache file that an earlier version or other settings wrote: ignored quietly."""


def cache_key(text: str, allow_raw_html: bool) -> bytes:
    """16 bytes that change when the text or the raw-HTML switch changes."""
    digest = hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"),
        digest_size=KEY_BYTES,
        person=b"sp-md-raw" if allow_raw_html else b"sp-md",
    )
    return digest.digest()


class RenderCache:
    """Rendered HTML by content hash: what the last build left, and what this build used.

    Other stores of text by 16-byte key use it too, under a `magic` line of their own.
    """

    def __init__(self, path: Path, fingerprint: str, magic: bytes = MAGIC) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.magic = magic
        self.stored: dict[bytes, str] = {}  # read from disk
        self.used: dict[bytes, str] = {}  # looked up or added in this build
        self.hits = 0
        self.misses = 0
        self.lazy = False  # True: read the file at the first lookup, if there is one

    def get(self, key: bytes) -> str | None:
        if self.lazy:
            self.lazy = False
            self.load()
        html = self.used.get(key)
        if html is None:
            html = self.stored.get(key)
            if html is None:
                self.misses += 1
                return None
            self.used[key] = html
        self.hits += 1
        return html

    def put(self, key: bytes, html: str) -> None:
        self.used[key] = html

    @property
    def changed(self) -> bool:
        """True when saving would write something different from what was read."""
        return len(self.used) != len(self.stored) or any(k not in self.stored for k in self.used)

    def load(self) -> None:
        """Read the file; any problem leaves the cache empty (the build renders afresh)."""
        self.stored = {}
        body = read_sealed(self.path, self.magic)
        if body is None:
            return
        try:
            self.stored = self.decode_body(body)
        except StaleCache:
            pass
        except (CacheFormatError, ValueError, UnicodeDecodeError, OverflowError):
            rejected(self.path)  # sealed here, yet not readable: treated as damaged

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
            write_sealed(self.path, self.magic, self.encode_body())
        except OSError:
            return False
        return True


def encode(
    entries: dict[bytes, str], fingerprint: str, magic: bytes = MAGIC, name: str = FILE_NAME
) -> bytes:
    """The sealed file of `entries`, as RenderCache writes it at a path named `name`."""
    return seal(magic, name, encode_body(entries, fingerprint))


def decode(
    data: bytes, fingerprint: str, magic: bytes = MAGIC, name: str = FILE_NAME
) -> dict[bytes, str]:
    """The entries of a cache file; CacheFormatError when it is damaged or from elsewhere."""
    body = unseal(data, magic, name)
    if body is None:
        raise CacheFormatError("not sealed by this machine's statuspress, or damaged")
    return decode_body(body, fingerprint)


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
        raise StaleCache("written by another renderer")
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


def read_sealed(path: Path, magic: bytes) -> bytes | None:
    """The payload of the cache file at `path`, sealed by `write_sealed` on this machine; None
    when there is none, or when it does not verify (then, once per build, a warning)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError:
        rejected(path)
        return None
    payload = unseal(data, magic, path.name)
    if payload is None:
        rejected(path)
    return payload


def write_sealed(path: Path, magic: bytes, payload: bytes) -> None:
    """Seal `payload` for `path` and write it there whole; OSError when it cannot."""
    atomic_write(path, seal(magic, path.name, payload))


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


SOURCES_FILE = "sources.cache"
SOURCES_MAGIC = b"statuspress-front-matter-cache 3\n"


class SourceCache(RenderCache):
    """Parsed front matter by content hash, as the JSON of the parser's result fields."""

    def __init__(self, path: Path, fingerprint: str, magic: bytes = SOURCES_MAGIC) -> None:
        super().__init__(path, fingerprint, magic)

    def decode_body(self, body: bytes) -> dict[bytes, Any]:
        return decode_json_body(body, self.fingerprint)

    def encode_body(self) -> bytes:
        return encode_json_body(self.used, self.fingerprint)


def encode_json(entries: dict[bytes, Any], fingerprint: str) -> bytes:
    return seal(SOURCES_MAGIC, SOURCES_FILE, encode_json_body(entries, fingerprint))


def decode_json(data: bytes, fingerprint: str) -> dict[bytes, Any]:
    body = unseal(data, SOURCES_MAGIC, SOURCES_FILE)
    if body is None:
        raise CacheFormatError("not sealed by this machine's statuspress, or damaged")
    return decode_json_body(body, fingerprint)


def encode_json_body(entries: dict[bytes, Any], fingerprint: str) -> bytes:
    payload = json.dumps(
        {k.hex(): entries[k] for k in sorted(entries)}, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8", "surrogatepass")
    return f"{fingerprint}\n".encode("ascii") + payload


def decode_json_body(body: bytes, fingerprint: str) -> dict[bytes, Any]:
    stamp, _, payload = body.partition(b"\n")
    if stamp.decode("ascii") != fingerprint:
        raise StaleCache("written by another parser")
    entries = json.loads(payload.decode("utf-8", "surrogatepass"))
    if not isinstance(entries, dict):
        raise CacheFormatError("damaged")
    return {bytes.fromhex(k): v for k, v in entries.items()}


Parsed = TypeVar("Parsed")


def front_matter(
    path: str, text: str, parse: Callable[[str, str], tuple[Parsed | None, list[Any]]]
) -> tuple[Parsed | None, list[Any]]:
    """`parse(path, text)`, or its stored result when this exact file parsed cleanly before."""
    store = _active_sources[-1] if _active_sources else None
    if store is None:
        return parse(path, text)
    key = cache_key(f"{path}\0{text}", False)
    stored = store.get(key)
    rebuilt = _rebuild(path, text, stored) if stored is not None else None
    if rebuilt is not None:
        return rebuilt, []
    parsed, problems = parse(path, text)
    if parsed is not None and not problems:
        store.put(
            key,
            {
                f.name: getattr(parsed, f.name)
                for f in fields(parsed)  # type: ignore[arg-type]
                if f.name not in _FROM_THE_FILE
            },
        )
    return parsed, problems


# Not stored: the path is the lookup's, and the body is the text after the front matter, so
# storing it would double the file for nothing.
_FROM_THE_FILE = frozenset({"path", "body"})


def _rebuild(path: str, text: str, stored: Any) -> Any:
    """The parser's result again; None when the entry does not fit (then the file is parsed)."""
    from ..model.source import RawFile

    if not isinstance(stored, dict) or stored.keys() != _raw_names(RawFile):
        return None
    body_line = stored.get("body_line")
    if not isinstance(body_line, int) or body_line < 2:
        return None
    parts = text.split("\n", body_line - 1)  # the lines before the body, then the body
    return RawFile(path=path, body=parts[-1] if len(parts) == body_line else "", **stored)


@lru_cache(maxsize=1)
def _raw_names(raw_type: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(raw_type)) - _FROM_THE_FILE


def source_fingerprint() -> str:
    """Changes with the parsing code and the YAML library, so their results are re-derived."""
    import yaml

    from ..model import source

    code = Path(source.__file__).read_bytes()
    return hashlib.sha256(
        repr((code, yaml.__version__, yaml.__with_libyaml__)).encode()
    ).hexdigest()


_active: list[RenderCache] = []
_active_sources: list[SourceCache] = []

# A forked helper process fills its own copy of the build's Markdown cache. It sends back what
# it added, so that the build saves every text and its later stages (the feeds) find them.
# Not the front matter cache: only a build that computes every folder again would use it,
# and at 10,000 incidents holding it whole costs 55 MB more at the build's peak.
Additions = dict[bytes, str]


def watermark() -> int:
    """How many entries the build's Markdown cache holds now (in a helper: as it was forked)."""
    store = active()
    return len(store.used) if store is not None else 0


def added_since(mark: int) -> Additions:
    """In a helper: the entries looked up or added since `watermark` gave `mark`."""
    store = active()
    return dict(islice(store.used.items(), mark, None)) if store is not None else {}


def take_additions(additions: Additions) -> None:
    """In the build's process: what a helper's `added_since` returned."""
    store = active()
    if store is None or not additions:
        return
    if store.lazy:  # as if this process had looked them up itself
        store.lazy = False
        store.load()
    store.used.update(additions)


def active() -> RenderCache | None:
    """The Markdown cache of the build under way, if it opened one."""
    return _active[-1] if _active else None


@contextmanager
def opened(directory: Path, fingerprint: str) -> Iterator[RenderCache]:
    """Load the Markdown cache from `directory`, make it active, save it if the block succeeds."""
    with _opened(RenderCache(directory / FILE_NAME, fingerprint), _active) as store:
        yield store


@contextmanager
def used_by_build(
    directory: Path, markdown_fingerprint: str, site_root: Path | None = None
) -> Iterator[None]:
    """Both caches for one build: front matter and Markdown from `directory`, saved after.
    `markdown_fingerprint`: the renderer's (markdown.FINGERPRINT); `site_root`: the folder of
    mkdocs.yml, where the cache key must not be kept."""
    start_build(directory, *([site_root] if site_root is not None else []))
    sources = SourceCache(directory / SOURCES_FILE, source_fingerprint())
    with ExitStack() as stack:
        stack.enter_context(_opened(sources, _active_sources))
        stack.enter_context(opened(directory, markdown_fingerprint))
        yield


_Store = TypeVar("_Store", bound=RenderCache)


@contextmanager
def _opened(store: _Store, stack: list[_Store]) -> Iterator[_Store]:
    store.lazy = True  # a build that reuses every incident record never needs it
    stack.append(store)
    try:
        yield store
    finally:
        stack.remove(store)
    store.save()


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

    def __init__(self, cache_dir: Path, fingerprint: str, keys: Mapping[str, str]) -> None:
        self.directory = cache_dir / self.FOLDER
        self.fingerprint = fingerprint
        self.keys = keys
        self.used: set[str] = set()  # file names (key hex) this build read or wrote
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
        payload = read_sealed(self.directory / key.hex(), self.MAGIC)
        if payload is not None:
            self.used.add(key.hex())
        return payload

    def put(self, key: bytes, data: bytes) -> None:
        self.used.add(key.hex())
        with contextlib.suppress(OSError):  # an unwritable cache only makes the next build slower
            write_sealed(self.directory / key.hex(), self.MAGIC, data)

    def prune(self) -> None:
        """Delete the outputs no part of this build used (`used` gathers every process's)."""
        with contextlib.suppress(OSError):
            for stale in os.listdir(self.directory):
                if stale not in self.used:
                    (self.directory / stale).unlink(missing_ok=True)
