"""Incident records: a rebuild redoes only the incident folders that changed.

For each incident folder a build keeps, in `<cache_dir>/incidents/`, a record of what the
folder alone decides: the loaded incident, the problems found loading it, the linter's
findings that do not depend on the clock and, for a resolved incident, its rendered pages
(a resolved incident's pages do not change with time: they say when it was last updated).
A record is filed under a hash of the folder (every file's name and size, the text of every
Markdown file) and of all else it depends on: the settings, the theme's templates, the URL
style, statuspress's own code and the versions of Python and of the libraries it renders
with. Changing any of them starts every folder afresh; changing one folder redoes one folder.

A folder holding anything but plain files (a symlink, a sub-folder, a huge file) is never
recorded: the loader judges it afresh every time. Folders to redo are shared between this
process and a forked helper when there are many, so a cold build uses both cores.

A record file is a magic line, a checksum and a pickle that is read back by an unpickler
which builds only statuspress's own model types, dates and built-in values: anything else,
a damaged file, or a file from another version is ignored and the folder computed afresh.
Records not used by a build are deleted, so the folder holds one per incident.
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
import os
import pickle
import platform
import stat
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import jinja2

from .diagnostics import Diagnostic
from .leakguard import Scanner, build_scanner, page_is_clean
from .lint import incident_diagnostics, lint_context
from .model.load import POSTMORTEM_FILE, folder_looks_like_incident, load_folder
from .model.types import Incident, Settings, Site
from .render import page_environment, render_incident

FOLDER = "incidents"
MAGIC = b"statuspress-incident-record 1\n"
# With this many folders to compute or more, a forked helper computes every other one.
PARALLEL_MIN_FOLDERS = 200
_LIBRARIES = ("markdown", "nh3", "jinja2", "mkdocs", "PyYAML", "MarkupSafe")


@dataclass(frozen=True)
class Record:
    """What one incident folder decides, whatever the clock and the other folders."""

    incident: Incident | None
    diagnostics: tuple[Diagnostic, ...]  # loading problems and clock-free lint findings
    pages: dict[str, bytes]  # a resolved incident's pages by output path; else empty
    clean: bool  # the leak guard found nothing in the pages (with the settings' patterns)


@dataclass
class IncidentRecords:
    """Loads incident folders for one build, reusing the records of unchanged folders.

    `load_folders` is the loader `load_site` calls; afterwards `pages` holds the rendered
    pages of resolved incidents by incident id, and `reused` counts the records reused.
    """

    directory: Path
    theme_env: jinja2.Environment
    now: datetime
    directory_urls: bool
    pages: dict[str, dict[str, bytes]] = field(default_factory=dict)
    clean: set[str] = field(default_factory=set)  # output paths the leak guard passed
    reused: int = 0
    computed: int = 0

    def load_folders(self, root: Path, entries: list[Path],
                     settings: Settings) -> list[tuple[Incident | None, list[Diagnostic]]]:
        fingerprint = context_fingerprint(settings, self.theme_env, self.directory_urls)
        keys = [folder_key(entry, fingerprint, settings.max_file_bytes) for entry in entries]
        stored = {key: self._read(key) for key in keys if key is not None}
        missing = [i for i, key in enumerate(keys) if key is not None and stored[key] is None]
        worker = _Worker(root, settings, page_environment(self.theme_env),
                         build_scanner(settings), self.now, self.directory_urls,
                         [entries[i] for i in missing])
        for index, record in zip(missing, worker.run(), strict=True):
            stored[keys[index]] = record
            self._write(keys[index], record)
        self.reused, self.computed = len(stored) - len(missing), len(missing)
        self._prune({key.hex() for key in stored})
        results = []
        for entry, key in zip(entries, keys, strict=True):
            record = stored[key] if key is not None else worker.compute(entry)
            assert record is not None
            if record.incident is not None and record.pages:
                self.pages[record.incident.id] = record.pages
                if record.clean:
                    self.clean.update(record.pages)
            results.append((record.incident, list(record.diagnostics)))
        return results

    def _read(self, key: bytes) -> Record | None:
        try:
            return decode((self.directory / key.hex()).read_bytes())
        except (OSError, RecordError):
            return None

    def _write(self, key: bytes, record: Record) -> None:
        """Beside the target, then renamed; a folder that cannot be written only costs time."""
        target = self.directory / key.hex()
        temp = target.with_name(f".{target.name}.{os.getpid()}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(encode(record))
            os.replace(temp, target)
        except OSError:
            temp.unlink(missing_ok=True)

    def _prune(self, used: set[str]) -> None:
        try:
            with os.scandir(self.directory) as listing:
                stale = [e.path for e in listing if not e.name.startswith(".")
                         and e.name not in used]
        except OSError:
            return
        for path in stale:
            Path(path).unlink(missing_ok=True)


def folder_key(folder: Path, fingerprint: bytes, max_file_bytes: int) -> bytes | None:
    """A hash of everything the folder holds, or None when it is not a plain incident folder
    (the loader then judges it afresh, with the problems it finds)."""
    if not folder_looks_like_incident(folder):
        return None
    digest = hashlib.blake2b(fingerprint, digest_size=20)
    digest.update(folder.name.encode())
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            info = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(info.st_mode) or info.st_size > max_file_bytes:
                return None
            digest.update(f"\0{entry.name}\0{info.st_size}\0".encode("utf-8", "surrogateescape"))
            if entry.name.endswith(".md") or entry.name == POSTMORTEM_FILE:
                digest.update(Path(entry.path).read_bytes())
    except OSError:
        return None
    return digest.digest()


def context_fingerprint(settings: Settings, theme_env: jinja2.Environment,
                        directory_urls: bool) -> bytes:
    """Everything besides the folder that a record depends on."""
    searchpath = getattr(theme_env.loader, "searchpath", None)
    theme = _tree_digest(tuple(searchpath)) if searchpath is not None else b"no-theme"
    digest = hashlib.blake2b(_code_digest(), digest_size=20)
    digest.update(repr((settings, directory_urls)).encode("utf-8", "surrogateescape"))
    digest.update(theme)
    return digest.digest()


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """statuspress's own files, Python's version and the renderers' versions."""
    digest = hashlib.blake2b(_tree_digest((str(Path(__file__).parent),)))
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
            digest.update(f"\0{path.relative_to(root).as_posix()}\0".encode(
                "utf-8", "surrogateescape"))
            digest.update(path.read_bytes())
    return digest.digest()


def _files_under(root: Path) -> Iterator[Path]:
    for directory, folders, files in os.walk(root):
        folders[:] = [f for f in folders if f != "__pycache__" and not f.startswith(".")]
        for name in files:
            if not name.endswith((".pyc", ".pyo")):
                yield Path(directory) / name


class RecordError(ValueError):
    """A record file this version cannot use: damaged, foreign or holding other types."""


def encode(record: Record) -> bytes:
    payload = pickle.dumps(record, protocol=5)
    return MAGIC + hashlib.blake2b(payload, digest_size=16).hexdigest().encode() + b"\n" + payload


def decode(data: bytes) -> Record:
    if not data.startswith(MAGIC):
        raise RecordError("not an incident record")
    checksum, _, payload = data[len(MAGIC):].partition(b"\n")
    if hashlib.blake2b(payload, digest_size=16).hexdigest().encode() != checksum:
        raise RecordError("damaged")
    try:
        record = _ModelUnpickler(io.BytesIO(payload)).load()
    except (pickle.UnpicklingError, EOFError, TypeError, ValueError, AttributeError,
            IndexError, KeyError) as exc:
        raise RecordError(str(exc)) from None
    if not isinstance(record, Record):
        raise RecordError("not a record")
    return record


_ALLOWED_MODULES = {
    "statuspress.model.types": None,  # any class defined there
    "statuspress.diagnostics": {"Diagnostic", "Severity"},
    "statuspress.records": {"Record"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
}


class _ModelUnpickler(pickle.Unpickler):
    """Builds statuspress's model types, dates and built-in values; refuses anything else."""

    def find_class(self, module: str, name: str) -> Any:
        names = _ALLOWED_MODULES.get(module, set())
        if names is not None and name not in names:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a record")
        found = super().find_class(module, name)
        if not isinstance(found, type) or found.__module__ != module:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a record")
        return found


@dataclass(frozen=True)
class _Worker:
    """Computes the records of `folders`, sharing them with a forked helper when many."""

    root: Path
    settings: Settings
    env: jinja2.Environment  # render.page_environment
    scanner: Scanner  # the leak guard's
    now: datetime
    directory_urls: bool
    folders: list[Path]

    def run(self) -> list[Record]:
        count = len(self.folders)
        fork = "fork" in multiprocessing.get_all_start_methods()
        if count < PARALLEL_MIN_FOLDERS or (os.cpu_count() or 1) < 2 or not fork:
            return [self.compute(folder) for folder in self.folders]
        global _worker
        _worker = self
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)  # see render._helper_rendering
                pool = multiprocessing.get_context("fork").Pool(1)
            with pool:
                helper = pool.apply_async(_helpers_share)
                mine = {i: self.compute(self.folders[i]) for i in range(0, count, 2)}
                theirs = dict(zip(range(1, count, 2), map(decode, helper.get()), strict=True))
        finally:
            _worker = None
        return [mine[i] if i in mine else theirs[i] for i in range(count)]

    def compute(self, folder: Path) -> Record:
        incident, diagnostics = load_folder(self.root, folder, self.settings)
        pages: dict[str, bytes] = {}
        if incident is not None:
            diagnostics += incident_diagnostics(incident, lint_context(self.settings, self.now))
            if incident.is_closed:
                site = Site(self.settings, (incident,))
                pages = render_incident(self.env, site, incident, self.now,
                                        self.directory_urls)
        clean = all(page_is_clean(self.scanner, path.rpartition("/")[2], data)
                    for path, data in pages.items())
        return Record(incident, tuple(diagnostics), pages, clean)


_worker: _Worker | None = None


def _helpers_share() -> list[bytes]:
    assert _worker is not None
    return [encode(_worker.compute(folder)) for folder in _worker.folders[1::2]]
