"""Incident records: a rebuild redoes only the incident folders that changed.

For each incident folder a build keeps, in `<cache_dir>/incidents/`, a record of what the
folder alone decides: the loaded incident, the problems found loading it, the linter's
findings that do not depend on the clock and, for a resolved incident, its rendered pages
(a resolved incident's pages do not change with time: they say when it was last updated).
A record is used when a hash of the folder (every file's name and size, the text of every
Markdown file) and of all else it depends on is unchanged: the settings, the theme's
templates, the URL style, statuspress's own code and the versions of Python and of the
libraries it renders with. Changing any of them starts every folder afresh; changing one
folder redoes one folder. A folder whose files keep their sizes, times and inodes is not
even read again (as git does; files changed in the last seconds are always read).

A folder holding anything but plain files (a symlink, a sub-folder, a huge file) is never
recorded: the loader judges it afresh every time. Folders to redo are shared between this
process and a forked helper when there are many, so a cold build uses both cores; in a long
history, a forked process lists the folders while this one reads the records.

Records are kept in one file per month of incident ids (`2026-11.pack`): a magic line, a MAC
under this machine's cache key (`cachekey`) and the records in the JSON of `codec`, which
can make only statuspress's own model types, dates and plain values: nothing read from the
cache folder is ever unpickled or run. Only a file whose MAC verifies, so one this machine's
statuspress wrote, is decoded. Anything else, a damaged file, one holding a tag the codec
does not know, or one from another version, is ignored and its folders computed afresh.
Records of folders gone are dropped. The rendered pages, most of the bytes, are kept apart
(`2026-11.pages`: record keys, output paths and pages as length-prefixed byte strings,
sealed the same way) and read only by a process that must write a page the live site cannot
give; a page whose file is missing or damaged is rendered again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import os
import platform
import stat
import struct
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from functools import cached_property, lru_cache, partial
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

from ..diagnostics import Diagnostic, Severity
from ..lint.linter import incident_diagnostics, lint_context
from ..lint.rules import Context
from ..model import types as model_types
from ..model.derive import whole_at
from ..model.load import Readers, incident_folder_name, load_folder
from ..model.types import Incident, Settings, Site
from ..outputs.markdown import Markdown
from ..outputs.render import compile_templates, render_incident
from ..publishing.leakguard import Scanner, build_scanner, page_is_clean
from .cachekey import CacheKey
from .codec import Codec, CodecError, frame, unframe
from .forking import Forked, SharedCounter, can_fork, helper
from .memo import BuildMemos
from .store import read_sealed, write_sealed

FOLDER = "incidents"
MAGIC = b"statuspress-incident-records 6\n"
PAGES_MAGIC = b"statuspress-incident-pages 3\n"
# With this many folders to compute or more, a forked helper computes every other one.
PARALLEL_MIN_FOLDERS = 200
# With this many folders or more, a forked process lists them (the sizes, times and inodes
# of their files) while this one decodes the records: the two take about as long.
LISTING_PROCESS_MIN_FOLDERS = 1000
_LIBRARIES = ("markdown", "nh3", "jinja2", "mkdocs", "PyYAML", "MarkupSafe")


@dataclass(frozen=True)
class Record:
    """What one incident folder decides, whatever the clock and the other folders."""

    incident: Incident | None
    diagnostics: tuple[Diagnostic, ...]  # loading problems and clock-free lint findings
    pages: Mapping[str, bytes]  # a resolved incident's pages by output path; else empty
    clean: bool  # the leak guard found nothing in the pages (with the settings' patterns)


@dataclass(frozen=True)
class Entry:
    """A folder's record in its pack, with what tells whether the folder changed. In the
    pack the record's pages are left out: `page_names` names them, and the month's pages
    file holds their bytes."""

    signature: bytes | None  # a hash of the files' names, sizes, times and inodes
    content: bytes  # hash of the folder's files: names, sizes, Markdown text
    key: bytes  # hash of `content` and of everything else the record depends on
    record: Record
    page_names: tuple[str, ...] = ()


@dataclass
class IncidentRecords:
    """Loads incident folders for one build, reusing the records of unchanged folders.

    `load_folders` is the loader `load_site` calls; afterwards `pages` holds the rendered
    pages of resolved incidents by incident id, and `reused` counts the records reused.
    """

    directory: Path
    env: jinja2.Environment  # render.page_environment, over the theme's templates
    now: datetime
    directory_urls: bool
    cache_key: CacheKey  # the build's, which seals the records
    memos: BuildMemos | None = None  # the build's, for the folders computed afresh
    decoded: DecodedPacks | None = None  # packs an earlier build of this process decoded
    pages: dict[str, Mapping[str, bytes]] = field(default_factory=dict)
    clean: set[str] = field(default_factory=set)  # output paths the leak guard passed
    keys: dict[str, str] = field(default_factory=dict)  # incident id -> its record's key
    fingerprint: str = ""  # of all a record depends on besides its folder
    _settings: Settings | None = field(default=None, init=False, repr=False)
    _packs: _Packs | None = field(default=None, init=False, repr=False)
    reused: int = 0
    computed: int = 0

    def load_folders(
        self, root: Path, entries: list[Path], settings: Settings
    ) -> list[tuple[Incident | None, list[Diagnostic]]]:
        fingerprint = context_fingerprint(settings, self.env, self.directory_urls, self.now)
        self.fingerprint = fingerprint.hex()
        self._settings = settings
        folders = _real_folders(root / settings.docs_dir)
        candidates = [f for f in entries if f.name in folders and incident_folder_name(f.name)]
        names = {folder.name for folder in candidates}
        # Before any thread; with no records yet (a first build), each folder is listed as it
        # is read.
        listed = _list_signatures(
            candidates if _pack_files(self.directory) else [], settings.max_file_bytes
        )
        packs = self._packs = _Packs(self.directory, self.cache_key, self.decoded or DecodedPacks())
        with _collector_paused():
            stored = {folder.name: packs.get(folder.name) for folder in candidates}
            # The records live to the end of the build, which unfreezes them: the collector
            # never walks them (it would, a few times over, as they age).
            gc.freeze()
        signatures = listed()
        found = [
            self._entry(
                folder,
                stored.get(folder.name),
                signatures.get(folder.name) if folder.name in names else _NO,
                fingerprint,
                settings.max_file_bytes,
            )
            for folder in entries
        ]
        unkeyed = {i: e for i, e in enumerate(found) if e is not None and e.key == b""}
        missing = list(unkeyed)
        worker = _Worker(
            root,
            settings,
            self.env,
            build_scanner(settings),
            self.now,
            self.directory_urls,
            self.memos,
            self.cache_key,
            [entries[i] for i in missing],
            frozenset(n for n, entry in enumerate(unkeyed.values()) if not entry.content),
        )
        unrecorded: dict[int, Record] = {}  # computed, but its files could not be hashed
        for index, (content, record) in zip(missing, worker.run(), strict=True):
            entry = found[index]
            assert entry is not None
            if not entry.content:
                if content is None:
                    found[index], unrecorded[index] = None, record
                    continue
                entry = replace(entry, content=content)
            found[index] = replace(entry, key=_key(fingerprint, entry.content), record=record)
        self.computed = len(missing) - len(unrecorded)
        self.reused = sum(1 for entry in found if entry is not None) - self.computed
        packs.save(
            {
                folder.name: entry
                for folder, entry in zip(entries, found, strict=True)
                if entry is not None
            }
        )
        for entry in found:
            incident = entry.record.incident if entry is not None else None
            # An incident with updates after the clock is published cut short: the key of
            # the whole folder does not describe it, so no output is reused for it.
            if entry is not None and incident is not None and whole_at(incident, self.now):
                self.keys[incident.id] = entry.key.hex()
        return [
            self._result(entry.record if entry else unrecorded.get(i) or worker.compute(folder))
            for i, (folder, entry) in enumerate(zip(entries, found, strict=True))
        ]

    def _entry(
        self,
        folder: Path,
        stored: Entry | None,
        signature: bytes | _No | None,
        fingerprint: bytes,
        max_file_bytes: int,
    ) -> Entry | None:
        """The folder's stored entry if still valid; else one with an empty key and record,
        to compute; None when the folder is never recorded. `signature`: the folder's, from
        `_list_signatures`; _NO for an entry that is no incident folder (a file, a symlink)."""
        if signature is _NO:
            return None
        if stored is None or signature is None or stored.signature != signature:
            listing = _listing(folder, max_file_bytes)
            if listing is None:
                return None
            signature = _signature(listing)
            if stored is None:  # to compute: the worker hashes its files, in either process
                return Entry(signature, b"", b"", _NOTHING)
            content = _content_digest(folder, listing)
            if content is None:
                return None
        else:
            content = stored.content  # unchanged files: not even read
        if stored is None or stored.key != _key(fingerprint, content):
            return Entry(signature, content, b"", _NOTHING)
        record = stored.record
        if stored.page_names and record.incident is not None:
            assert self._packs is not None
            pages = _StoredPages(
                stored.page_names,
                partial(self._packs.pages.of, folder.name, stored.key),
                partial(self._render_again, record.incident),
            )
            record = Record(record.incident, record.diagnostics, pages, record.clean)
        return Entry(signature, content, stored.key, record, stored.page_names)

    def _render_again(self, incident: Incident) -> dict[str, bytes]:
        """A reused record's pages when its pages file cannot give them: rendered again,
        byte for byte as they were (the record's key covers all they depend on)."""
        assert self._settings is not None
        return reusable_pages(
            self.env, self._settings, incident, self.now, self.directory_urls, self._md
        )

    @cached_property
    def _md(self) -> Markdown:
        return Markdown(self.memos.markdown if self.memos is not None else None)

    def _result(self, record: Record) -> tuple[Incident | None, list[Diagnostic]]:
        """The folder's incident and findings; its rendered pages kept for the build only
        when all of it is published at the clock (they show it whole)."""
        if record.incident is not None and record.pages and whole_at(record.incident, self.now):
            self.pages[record.incident.id] = record.pages
            if record.clean:
                self.clean.update(record.pages)
        return record.incident, list(record.diagnostics)


_NOTHING = Record(None, (), {}, False)


def reusable_pages(
    env: jinja2.Environment,
    settings: Settings,
    incident: Incident,
    now: datetime,
    directory_urls: bool,
    md: Markdown,
) -> dict[str, bytes]:
    """A resolved incident's pages as its record keeps them, published as they are by every
    later build while the record's key is the same.

    The reuse contract: they are rendered once, with this build's clock and a site of this
    incident alone, so they may show only what the key covers: the incident's folder, the
    settings, the theme, the URL style and the code (`context_fingerprint`). Never the
    clock (a resolved incident's page says when it was last updated, not when it was built;
    its status and duration no longer change), nor any other incident (its template is given
    no site): a later build would publish them stale, and no key would tell.
    tests/test_reuse_contract.py rebuilds at a much later clock, with incidents added, and
    compares with a cold build.
    """
    site = Site(settings, (incident,))
    return render_incident(env, site, incident, now, directory_urls, md)


class _StoredPages(Mapping[str, bytes]):
    """A reused record's pages: their names at once, their bytes only when asked for (when
    the live site cannot give a page to link), from the month's pages file, else rendered
    again. The process writing the pages is usually the one that asks."""

    def __init__(
        self,
        names: tuple[str, ...],
        read: Callable[[], dict[str, bytes] | None],
        render_again: Callable[[], dict[str, bytes]],
    ) -> None:
        self.names, self.read, self.render_again = names, read, render_again
        self.pages: Mapping[str, bytes] | None = None

    def __getitem__(self, name: str) -> bytes:
        if name not in self.names:
            raise KeyError(name)
        if self.pages is None:
            stored = self.read()
            self.pages = (
                stored
                if stored is not None and set(stored) == set(self.names)
                else self.render_again()
            )
        return self.pages[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def _real_folders(content: Path) -> set[str]:
    """Names of the folders in `content` that are not symlinks, from one listing (the file
    system says each entry's type as it lists it: no call per folder)."""
    try:
        with os.scandir(content) as listing:
            return {entry.name for entry in listing if entry.is_dir(follow_symlinks=False)}
    except OSError:
        return set()


class _No:
    """No signature: the entry is no incident folder."""


_NO = _No()


def _list_signatures(
    folders: list[Path], max_file_bytes: int
) -> Callable[[], dict[str, bytes | None]]:
    """What gives each folder's `_signature` by name (None: to look at more closely): for
    many folders, a forked process that lists them while this one goes on."""
    work = partial(_signatures, folders, max_file_bytes)
    if len(folders) < LISTING_PROCESS_MIN_FOLDERS or not can_fork():
        return work
    try:
        listing = Forked(work)
    except OSError:  # no process to be had: list them here
        return work

    def result() -> dict[str, bytes | None]:
        try:
            return listing.result()
        except (ChildProcessError, OSError):
            return work()

    return result


def _signatures(folders: list[Path], max_file_bytes: int) -> dict[str, bytes | None]:
    signatures = {}
    for folder in folders:
        listing = _listing(folder, max_file_bytes)
        signatures[folder.name] = _signature(listing) if listing is not None else None
    return signatures


def _listing(folder: Path, max_file_bytes: int) -> list[tuple[str, os.stat_result]] | None:
    """(name, status) of every entry, by name; None when one is not a plain, small file."""
    try:
        with os.scandir(folder) as listing:
            entries = [(e.name, e.stat(follow_symlinks=False)) for e in listing]
    except OSError:
        return None
    for _, info in entries:
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes:
            return None
    return sorted(entries, key=lambda pair: pair[0])


# A file changed this close to the build may still change within the same time stamp, where
# its size and times would not show it: such a folder's files are read again next time.
_SETTLING_NS = 3_000_000_000


def _signature(listing: list[tuple[str, os.stat_result]]) -> bytes | None:
    """A hash of the files' names, sizes, times and inodes; None if one changed just now."""
    recent = time.time_ns() - _SETTLING_NS
    if any(info.st_mtime_ns >= recent or info.st_ctime_ns >= recent for _, info in listing):
        return None
    digest = hashlib.blake2b(digest_size=16)
    for name, info in listing:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")  # names hold no zero
        digest.update(_STAT.pack(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino))
    return digest.digest()


_STAT = struct.Struct("<qqqQ")  # times before 1970 are negative


def _content_digest(folder: Path, listing: list[tuple[str, os.stat_result]]) -> bytes | None:
    """A hash of the folder's name, its files' names and sizes and its Markdown text."""
    digest = hashlib.blake2b(folder.name.encode(), digest_size=20)
    try:
        for name, info in listing:
            digest.update(f"\0{name}\0{info.st_size}\0".encode("utf-8", "surrogateescape"))
            if name.endswith(".md"):
                with open(os.path.join(folder, name), "rb") as source:
                    digest.update(source.read())
    except OSError:
        return None
    return digest.digest()


def _key(fingerprint: bytes, content: bytes) -> bytes:
    return hashlib.blake2b(fingerprint + content, digest_size=20).digest()


class DecodedPacks:
    """The packs a long-lived process (`serve`) decoded, by month, with the bytes they were
    decoded from: its next build decodes only the packs whose verified bytes changed. The
    entries are shared between the builds; like the whole model, nothing changes them."""

    def __init__(self) -> None:
        self._months: dict[str, tuple[bytes, dict[str, Entry]]] = {}

    def entries(self, month: str, payload: bytes) -> dict[str, Entry]:
        """The entries of `payload`, the verified content of `month`'s pack; RecordError
        when they cannot be decoded."""
        held = self._months.get(month)
        if held is not None and held[0] == payload:
            return held[1]
        found = entries_from(payload)
        self._months[month] = (payload, found)
        return found

    def forget(self, month: str) -> None:
        self._months.pop(month, None)


class _Packs:
    """Entries in one file per month of incident ids (`2026-11.pack`): a rebuild rewrites
    only the months whose folders changed, and a history is a few dozen files to read."""

    def __init__(self, directory: Path, cache_key: CacheKey, decoded: DecodedPacks) -> None:
        self.directory = directory
        self.cache_key = cache_key
        self.decoded = decoded
        self.pages = _PageFiles(directory, cache_key)
        self.loaded: dict[str, dict[str, Entry]] = {}
        # Reading and checking a pack leaves the interpreter free: a thread does it for every
        # pack ahead of the one being decoded.
        self.reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="statuspress-packs")
        self.payloads = {
            path.name.removesuffix(".pack"): self.reader.submit(read_sealed, cache_key, path, MAGIC)
            for path in sorted(_pack_files(directory))
        }
        self.reader.shutdown(wait=False)
        self.found = set(self.payloads)  # the months that have a pack

    def get(self, folder: str) -> Entry | None:
        month = _month(folder)
        if month not in self.loaded:
            self.loaded[month] = self._read(month)
        return self.loaded[month].get(folder)

    def save(self, entries: dict[str, Entry]) -> None:
        """Write the months whose entries changed; delete the packs of months now empty."""
        by_month: dict[str, dict[str, Entry]] = {}
        for folder, entry in entries.items():
            by_month.setdefault(_month(folder), {})[folder] = entry
        for month, month_entries in by_month.items():
            if _identities(month_entries) != _identities(self.loaded.get(month, {})):
                self._write(month, month_entries)
        self._prune(set(by_month))

    def _path(self, month: str) -> Path:
        return self.directory / f"{month}.pack"

    def _read(self, month: str) -> dict[str, Entry]:
        found = self.payloads.pop(month, None)
        payload = found.result() if found is not None else None
        if payload is None:
            self.decoded.forget(month)
            return {}
        try:
            return self.decoded.entries(month, payload)
        except RecordError:  # sealed here, yet not readable: treated as damaged
            self.cache_key.rejected(self._path(month))
            return {}

    def _write(self, month: str, entries: dict[str, Entry]) -> None:
        pages = {
            folder: (entry.key, dict(entry.record.pages))
            for folder, entry in entries.items()
            if entry.record.pages
        }
        packed = {
            folder: replace(
                entry, record=replace(entry.record, pages={}), page_names=tuple(entry.record.pages)
            )
            for folder, entry in entries.items()
        }
        # A folder that cannot be written, or a record holding a value the codec does not
        # know, only costs time: the month is computed afresh next time.
        with contextlib.suppress(OSError, CodecError, OverflowError):
            pages_data, packed_data = pages_payload(pages), CODEC.dumps(packed)
            write_sealed(self.cache_key, self.pages.path(month), PAGES_MAGIC, pages_data)
            write_sealed(self.cache_key, self._path(month), MAGIC, packed_data)

    def _prune(self, months: set[str]) -> None:
        for month in self.found - months:
            with contextlib.suppress(OSError):
                self._path(month).unlink(missing_ok=True)
                self.pages.path(month).unlink(missing_ok=True)


Pages = dict[str, tuple[bytes, dict[str, bytes]]]  # folder -> (record key, path -> bytes)


class _PageFiles:
    """The rendered pages of each month's resolved incidents (`2026-11.pages`), by record key,
    read only by a process that needs their bytes, a month at a time."""

    def __init__(self, directory: Path, cache_key: CacheKey) -> None:
        self.directory = directory
        self.cache_key = cache_key
        self.loaded: dict[str, Pages] = {}

    def path(self, month: str) -> Path:
        return self.directory / f"{month}.pages"

    def of(self, folder: str, key: bytes) -> dict[str, bytes] | None:
        """The pages of `folder`'s record `key`; None when its month's file is missing or
        damaged, or holds another record's pages."""
        month = _month(folder)
        if month not in self.loaded:
            self.loaded[month] = self._read(month)
        stored_key, pages = self.loaded[month].get(folder, (b"", {}))
        return pages if stored_key == key else None

    def _read(self, month: str) -> Pages:
        payload = read_sealed(self.cache_key, self.path(month), PAGES_MAGIC)
        try:
            return pages_from(payload) if payload is not None else {}
        except RecordError:  # sealed here, yet not readable: treated as damaged
            self.cache_key.rejected(self.path(month))
            return {}


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Decoding records makes objects that hold no reference cycles, hundreds of thousands
    of them: the cycle collector would walk them over and over, for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pack_files(directory: Path) -> list[Path]:
    try:
        with os.scandir(directory) as listing:
            return [Path(e.path) for e in listing if e.name.endswith(".pack")]
    except OSError:
        return []


def _identities(entries: dict[str, Entry]) -> dict[str, tuple[bytes, Any]]:
    """What decides whether a pack must be written again (comparing records would be slow)."""
    return {folder: (entry.key, entry.signature) for folder, entry in entries.items()}


def _month(folder: str) -> str:
    return folder[:7]  # incident ids begin with their date


def context_fingerprint(
    settings: Settings, theme_env: jinja2.Environment, directory_urls: bool, now: datetime
) -> bytes:
    """Everything besides the folder that a record (and a reused page) depends on: the
    settings, the theme, the URL style and the code; the clock only on an example site,
    whose every page says when it is shown as of (`example_as_of`)."""
    searchpath = getattr(theme_env.loader, "searchpath", None)
    theme = _tree_digest(tuple(searchpath)) if searchpath is not None else b"no-theme"
    digest = hashlib.blake2b(_code_digest(), digest_size=20)
    clock = now if settings.example_as_of else None
    digest.update(repr((settings, directory_urls, clock)).encode("utf-8", "surrogateescape"))
    digest.update(theme)
    return digest.digest()


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """statuspress's own files, Python's version and the renderers' versions."""
    digest = hashlib.blake2b(_tree_digest((str(Path(__file__).parent.parent),)))
    versions = [platform.python_version(), sys.implementation.name]
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=?")
    digest.update(repr(versions).encode())
    return digest.digest()


def _tree_digest(roots: tuple[str, ...]) -> bytes:
    """Every file under the folders (by relative path and content), caches aside."""
    digest = hashlib.blake2b()
    for root in roots:
        digest.update(f"\0root\0{root}".encode("utf-8", "surrogateescape"))
        for path in sorted(_files_under(Path(root))):
            digest.update(
                f"\0{path.relative_to(root).as_posix()}\0".encode("utf-8", "surrogateescape")
            )
            digest.update(path.read_bytes())
    return digest.digest()


def _files_under(root: Path) -> Iterator[Path]:
    for directory, folders, files in os.walk(root):
        folders[:] = [f for f in folders if f != "__pycache__" and not f.startswith(".")]
        for name in files:
            if not name.endswith((".pyc", ".pyo")):
                yield Path(directory) / name


# Every type a record may hold: the content model's dataclasses and enums, the diagnostics'.
CODEC = Codec(
    (
        *(
            kind
            for kind in vars(model_types).values()
            if isinstance(kind, type)
            and kind.__module__ == model_types.__name__
            and (dataclasses.is_dataclass(kind) or issubclass(kind, Enum))
        ),
        Diagnostic,
        Severity,
        Record,
        Entry,
    )
)


def encode(cache_key: CacheKey, value: Any, magic: bytes = MAGIC, name: str = "") -> bytes:
    """`value` in the records' codec, sealed for a file `name` (or for a helper's pipe)."""
    return cache_key.seal(magic, name, CODEC.dumps(value))


def decode(cache_key: CacheKey, data: bytes, name: str = "") -> Any:
    """The value `encode` sealed; RecordError when `data` is anything else."""
    return value_from(verified(cache_key, data, MAGIC, name))


def verified(cache_key: CacheKey, data: bytes, magic: bytes = MAGIC, name: str = "") -> bytes:
    """The payload of sealed records or pages, when `cache_key` sealed it so."""
    payload = cache_key.unseal(data, magic, name)
    if payload is None:
        raise RecordError("not incident records of this version sealed here, or damaged")
    return payload


def value_from(payload: bytes) -> Any:
    """A pack's entries or a record, decoded; RecordError for any other content."""
    try:
        value = CODEC.loads(payload)
    except CodecError as exc:
        raise RecordError(str(exc)) from None
    if isinstance(value, dict) and all(isinstance(e, Entry) for e in value.values()):
        return value
    if isinstance(value, Record):
        return value
    raise RecordError("not a record")


def entries_from(payload: bytes) -> dict[str, Entry]:
    entries = value_from(payload)
    if not isinstance(entries, dict):
        raise RecordError("not a pack of records")
    return entries


def encode_record(cache_key: CacheKey, record: Record) -> bytes:
    """A record as a helper process sends it back, sealed: the codec's JSON of all but its
    pages, then each page's output path and bytes (as bytes, not in JSON)."""
    parts = [CODEC.dumps(replace(record, pages={}))]
    for path, data in record.pages.items():
        parts += (_utf8(path), data)
    return cache_key.seal(MAGIC, "", frame(parts))


def decode_record(cache_key: CacheKey, data: bytes) -> Record:
    """The record `encode_record` sealed; RecordError for anything else."""
    try:
        head, *pages = unframe(verified(cache_key, data))
        record = value_from(head)
        outputs = iter(pages)
        paths = {
            path.decode("utf-8", "surrogatepass"): page
            for path, page in zip(outputs, outputs, strict=True)
        }
    except ValueError as exc:  # a CodecError, a RecordError, text that is no UTF-8
        raise RecordError(str(exc)) from None
    if not isinstance(record, Record):
        raise RecordError("not a record")
    return replace(record, pages=paths)


def pages_payload(pages: Pages) -> bytes:
    """A pages file's content: for each folder its name, its record's key, the number of its
    pages, then each page's output path and bytes, as `codec.frame` byte strings."""
    parts: list[bytes] = []
    for folder, (key, outputs) in pages.items():
        parts += (_utf8(folder), key, str(len(outputs)).encode("ascii"))
        for path, data in outputs.items():
            parts += (_utf8(path), data)
    return frame(parts)


def pages_from(payload: bytes) -> Pages:
    """What `pages_payload` made `payload` of; RecordError for anything else."""
    try:
        parts = iter(unframe(payload))
        pages: Pages = {}
        for folder in parts:
            key, count = next(parts), int(next(parts).decode("ascii"))
            pages[folder.decode("utf-8", "surrogatepass")] = (
                key,
                {next(parts).decode("utf-8", "surrogatepass"): next(parts) for _ in range(count)},
            )
    except (CodecError, StopIteration, ValueError) as exc:
        raise RecordError(f"not a pages file: {exc}") from None
    return pages


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


class RecordError(ValueError):
    """A record file this version cannot use: damaged, foreign or holding other types."""


@dataclass(frozen=True)
class _Worker:
    """Computes the records of `folders`, sharing them with a forked helper when many."""

    root: Path
    settings: Settings
    env: jinja2.Environment  # render.page_environment
    scanner: Scanner  # the leak guard's
    now: datetime
    directory_urls: bool
    memos: BuildMemos | None
    cache_key: CacheKey  # seals what the helper sends back
    folders: list[Path]
    unhashed: frozenset[int] = frozenset()  # folders (by index) whose files to hash as well

    def run(self) -> list[Computed]:
        count = len(self.folders)
        if count < PARALLEL_MIN_FOLDERS or not can_fork():
            return [self.done(index) for index in range(count)]
        counter = SharedCounter()
        compile_templates(self.env, ("incident.html", "postmortem.html"))
        with helper(partial(self._share, counter)) as forked:
            done = {i: self.done(i) for i in counter.take(count)}
            shared, additions = forked.result()
        done.update(
            (i, (content, decode_record(self.cache_key, data))) for i, content, data in shared
        )
        if self.memos is not None:
            self.memos.markdown.take(additions)
        return [done[i] for i in range(count)]

    def _share(self, counter: SharedCounter) -> Shared:
        """In the helper: its folders' records, and what it added to the Markdown memo."""
        memo = self.memos.markdown if self.memos is not None else None
        mark = memo.watermark() if memo is not None else 0
        shared = [
            (i, content, encode_record(self.cache_key, record))
            for i in counter.take(len(self.folders))
            for content, record in (self.done(i),)
        ]
        return shared, memo.added_since(mark) if memo is not None else {}

    def done(self, index: int) -> Computed:
        """The folder's record, and the hash of its files when asked for (None when they
        cannot be hashed: the folder is then not recorded)."""
        folder = self.folders[index]
        content = None
        if index in self.unhashed:
            listing = _listing(folder, self.settings.max_file_bytes)
            content = _content_digest(folder, listing) if listing is not None else None
        return content, self.compute(folder)

    @cached_property
    def lint(self) -> Context:
        """The linter's context, the same for every folder."""
        return lint_context(self.settings, self.now)

    @cached_property
    def md(self) -> Markdown:
        return Markdown(self.memos.markdown if self.memos is not None else None)

    @cached_property
    def readers(self) -> Readers:
        """The loader's parsers, with the build's memos."""
        if self.memos is None:
            return Readers()
        return Readers(self.memos.sources.parse, self.md)

    def incident_pages(self, incident: Incident) -> dict[str, bytes]:
        return reusable_pages(
            self.env, self.settings, incident, self.now, self.directory_urls, self.md
        )

    def compute(self, folder: Path) -> Record:
        incident, diagnostics = load_folder(self.root, folder, self.settings, self.readers)
        pages: dict[str, bytes] = {}
        if incident is not None:
            diagnostics += incident_diagnostics(incident, self.lint)
            if incident.is_closed:
                pages = self.incident_pages(incident)
        clean = all(
            page_is_clean(self.scanner, path.rpartition("/")[2], data)
            for path, data in pages.items()
        )
        return Record(incident, tuple(diagnostics), pages, clean)


Computed = tuple[bytes | None, Record]  # a folder's files' hash (when asked for), its record
# What the helper sends back: (index, files' hash, encoded record) of each of its folders,
# and what it added to the Markdown memo.
Shared = tuple[list[tuple[int, bytes | None, bytes]], dict[bytes, Any]]
