"""The secret key that seals every file of the build cache, so that no one else can fill it.

What the cache holds is published as it is (sanitized HTML, rendered pages, feeds), so a file
in `cache_dir` is used only when its HMAC-SHA256, under a key this machine keeps to itself,
proves that statuspress wrote it here. The key is `STATUSPRESS_CACHE_KEY` when that is set
(CI passes it from a secret), else the file `$XDG_CACHE_HOME/statuspress/key`
(`~/.cache/statuspress/key`), made on first use, readable by its owner alone. Neither is in
the site's repository nor in the cache folder: a pull request or a restored CI cache can bring
files, never the key.

A file that does not verify (damaged, cut short, altered, copied from elsewhere, or sealed
with another key) is ignored with one warning line for the whole build, and the build makes
what it held afresh: the site comes out byte for byte as from an empty cache.

A build makes one `CacheKey` (`CacheKey.for_build`) and hands it to everything that reads or
writes the cache folder: the key it seals with, the folders the key file must not be in, and
whether it warned yet are that build's own, never a global.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import mmap
import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ENV_VAR = "STATUSPRESS_CACHE_KEY"
MIN_SECRET_CHARS = 32
KEY_BYTES = 32
_KEY_TEXT = re.compile(rb"[0-9a-f]{64}\n?")

log = logging.getLogger("statuspress.incremental.cachekey")


def key_path() -> Path:
    """Where this machine's key is kept: under the user's cache folder, never the site's."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    return root / "statuspress" / "key"


def machine_key(kept_apart: tuple[str, ...] = ()) -> bytes:
    """The key that seals cache files: from `STATUSPRESS_CACHE_KEY`, else from `key_path()`
    (made when missing) unless that is inside one of the `kept_apart` folders (real paths).
    When neither can be used, a key for this process alone, after a warning: the cache then
    only starts cold, as after a first build."""
    secret = os.environ.get(ENV_VAR, "")
    if secret:
        return _key_from_secret(secret)
    try:
        path = key_path()
    except RuntimeError:  # no home folder to keep it in
        return _key_for_this_process("there is no home folder to keep the cache key in")
    return _key_from_file(str(path), kept_apart)


@lru_cache(maxsize=4)
def _key_from_secret(secret: str) -> bytes:
    if len(secret) < MIN_SECRET_CHARS:
        return _key_for_this_process(
            f"{ENV_VAR} is shorter than {MIN_SECRET_CHARS} characters; "
            "make one with 'python -c \"import secrets; print(secrets.token_hex(32))\"'"
        )
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).digest()


@lru_cache(maxsize=4)
def _key_from_file(path: str, kept_apart: tuple[str, ...]) -> bytes:
    if _inside(os.path.realpath(path), kept_apart):
        return _key_for_this_process(
            f"the key file {path} is inside the site or its cache folder, where a commit or a "
            f"restored cache could bring it; point XDG_CACHE_HOME elsewhere, or set {ENV_VAR}"
        )
    try:
        return _read_or_make(Path(path))
    except KeyFileProblem as problem:
        return _key_for_this_process(str(problem))


@lru_cache(maxsize=8)
def _key_for_this_process(why: str) -> bytes:
    log.warning("warning: the build cache is not used: %s", why)
    return secrets.token_bytes(KEY_BYTES)


class KeyFileProblem(Exception):
    """The key file exists but must not be trusted, or cannot be made."""


def _read_or_make(path: Path) -> bytes:
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    try:
        _make_key(path)
        return _read_key(path)
    except OSError as exc:
        raise KeyFileProblem(f"cannot make the cache key {path}: {exc.strerror or exc}") from None


def _make_key(path: Path) -> None:
    """Write a new key beside `path`, then link it in place: no build ever reads half a key,
    and of two builds making it at once, both use the one linked first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".key.")  # mode 0600
    try:
        with os.fdopen(handle, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        os.unlink(temp)


def _read_key(path: Path) -> bytes:
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise KeyFileProblem(
            f"cannot read the cache key {path} ({exc.strerror or exc}); "
            "delete it and the next build makes a new one"
        ) from None
    with os.fdopen(handle, "rb") as source:
        _refuse_loose(path, os.fstat(source.fileno()))
        text = source.read(KEY_BYTES * 2 + 2)
    if not _KEY_TEXT.fullmatch(text):
        raise KeyFileProblem(
            f"{path} is not a statuspress cache key; delete it and the next build makes one"
        )
    return bytes.fromhex(text.decode("ascii").strip())


def _refuse_loose(path: Path, info: os.stat_result) -> None:
    """Only a plain file that its owner alone can read and write keeps a key secret."""
    if not stat.S_ISREG(info.st_mode):
        raise KeyFileProblem(f"{path} is not a plain file; delete it")
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    if info.st_uid != owner:
        raise KeyFileProblem(f"{path} belongs to another user; delete it")
    if info.st_mode & 0o077:
        raise KeyFileProblem(
            f"{path} can be read or written by others (mode {stat.S_IMODE(info.st_mode):04o}); "
            f"run 'chmod 600 {path}', or delete it to make a new one"
        )


def _inside(path: str, folders: tuple[str, ...]) -> bool:
    return any(os.path.commonpath((path, folder)) == folder for folder in folders)


@dataclass(frozen=True)
class CacheKey:
    """One build's key to its cache folder: the secret that seals and verifies every file,
    the folders the key file must not be in (the site's and its cache folder's, as real
    paths), and whether the build has warned of a file that does not verify: one byte shared
    with the helper processes the build forks, so the build warns once, whichever finds it."""

    secret: bytes = field(repr=False)
    kept_apart: tuple[str, ...] = ()
    warned: mmap.mmap = field(
        default_factory=lambda: mmap.mmap(-1, 1), repr=False, compare=False, hash=False
    )

    @classmethod
    def for_build(cls, *apart_from: Path) -> CacheKey:
        """The key of a new build of the site and cache folders `apart_from`."""
        kept_apart = tuple(os.path.realpath(folder) for folder in apart_from)
        return cls(machine_key(kept_apart), kept_apart)

    @classmethod
    def in_memory(cls) -> CacheKey:
        """A key for a store that is never read from or written to disk: nothing it would
        seal outlives the process."""
        return cls(secrets.token_bytes(KEY_BYTES))

    def seal(self, magic: bytes, name: str, payload: bytes) -> bytes:
        """`payload` behind its magic line and a MAC of all three under the key; `name` (the
        file's) is part of what is signed, so a sealed file renamed no longer verifies."""
        return magic + self._mac(magic, name, payload) + b"\n" + payload

    def unseal(self, data: bytes, magic: bytes, name: str) -> bytes | None:
        """The payload that `seal(magic, name, ...)` sealed; None when `data` is not that."""
        if not data.startswith(magic):
            return None
        mac, newline, payload = data[len(magic) : len(magic) + 66].partition(b"\n")
        if not newline:
            return None
        payload = data[len(magic) + len(mac) + 1 :]
        return payload if hmac.compare_digest(mac, self._mac(magic, name, payload)) else None

    def _mac(self, magic: bytes, name: str, payload: bytes) -> bytes:
        signer = hmac.new(self.secret, magic + name.encode("utf-8", "surrogateescape"), "sha256")
        signer.update(b"\0")
        signer.update(payload)
        return signer.hexdigest().encode("ascii")

    def rejected(self, path: Path) -> None:
        """`path` in the cache folder did not verify: say so, once per build."""
        if self.warned[0]:
            return
        self.warned[0] = 1
        log.warning(
            "warning: ignored the build cache file %s: it is damaged, was changed, or was "
            "written with another key; the build makes its content afresh",
            path,
        )

    def private_folder(self, name: str) -> CacheFolder | None:
        """A folder beside the key file, for what must never come from the site's cache
        folder (anyone who can write here can read the key too), with this key; None when
        there is no such place, or it is not this user's alone, or it is inside the site or
        its cache."""
        try:
            home = key_path().parent
        except RuntimeError:
            return None
        if _inside(os.path.realpath(home), self.kept_apart):
            return None
        folder = home / name
        try:
            home.mkdir(mode=0o700, parents=True, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            for part in (home, folder):
                info = os.stat(part, follow_symlinks=False)
                if not stat.S_ISDIR(info.st_mode) or info.st_mode & 0o077:
                    return None
                if hasattr(os, "getuid") and info.st_uid != os.getuid():
                    return None
        except OSError:
            return None
        return CacheFolder(folder, self)


@dataclass(frozen=True)
class CacheFolder:
    """A build's cache folder, with the key that seals the files in it."""

    path: Path
    key: CacheKey

    @classmethod
    def for_build(cls, site_root: Path, cache_dir: str) -> CacheFolder:
        """The folder `cache_dir` (the setting) of the site at `site_root`, with this build's
        key."""
        path = site_root / cache_dir
        return cls(path, CacheKey.for_build(path, site_root))
