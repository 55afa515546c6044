"""The cache key is each build's own object, handed to all that reads or writes the cache:
two builds in one process (`serve`, the tests, an audience's site built inside another's)
never share which key seals, where the key file may not be, or whether a warning was given."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from statuspress.incremental import cachekey
from statuspress.incremental.cachekey import CacheKey
from statuspress.incremental.forking import Forked

WARNING = "ignored the build cache file"


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]


def test_each_build_warns_once_of_its_own_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Two builds at once (one started while the other runs) each say once that a file of
    theirs did not verify: starting one does not silence or repeat the other's warning."""
    first, second = CacheKey.for_build(tmp_path / "one"), CacheKey.for_build(tmp_path / "two")
    with caplog.at_level(logging.WARNING):
        first.rejected(tmp_path / "one" / "a")
        second.rejected(tmp_path / "two" / "a")
        first.rejected(tmp_path / "one" / "b")
        later = CacheKey.for_build(tmp_path / "three")
        second.rejected(tmp_path / "two" / "b")
        later.rejected(tmp_path / "three" / "a")
    found = warnings_in(caplog)
    assert len(found) == 3
    assert [Path(text.split()[6].rstrip(":")).parent.name for text in found] == [
        "one",
        "two",
        "three",
    ]


def test_a_build_and_its_forked_helper_warn_once_between_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key = CacheKey.for_build(tmp_path)

    def in_the_helper() -> int:
        key.rejected(tmp_path / "in-the-helper")
        return key.warned[0]

    assert Forked(in_the_helper).result() == 1
    with caplog.at_level(logging.WARNING):
        key.rejected(tmp_path / "in-the-build")
    assert warnings_in(caplog) == []


def key_inside(site: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The cache home moved into `site`, with a key file there; that key."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(site / ".xdg"))
    path = site / ".xdg" / "statuspress" / "key"
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_text("ef" * 32 + "\n")
    path.chmod(0o600)
    cachekey._key_from_file.cache_clear()
    return bytes.fromhex("ef" * 32)


def test_where_the_key_file_may_be_is_each_build_s_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build of the site holding the key file refuses it; a build of another site in the
    same process uses it, and neither changes what the other decided."""
    inside, elsewhere = tmp_path / "inside", tmp_path / "elsewhere"
    file_key = key_inside(inside, monkeypatch)
    refusing = CacheKey.for_build(inside / ".cache", inside)
    using = CacheKey.for_build(elsewhere / ".cache", elsewhere)
    assert refusing.secret != file_key and using.secret == file_key
    assert refusing.private_folder("templates") is None  # beside a key that may travel
    folder = using.private_folder("templates")
    assert folder is not None and folder.key is using
    assert CacheKey.for_build(inside / ".cache", inside).private_folder("templates") is None
    assert refusing.secret != file_key  # unchanged by the builds made since


def test_what_one_key_seals_another_does_not_verify(tmp_path: Path) -> None:
    sealed = CacheKey.for_build(tmp_path).seal(b"statuspress-test 1\n", "name", b"payload")
    assert CacheKey.for_build(tmp_path).unseal(sealed, b"statuspress-test 1\n", "name") == (
        b"payload"
    )
    assert CacheKey.in_memory().unseal(sealed, b"statuspress-test 1\n", "name") is None
