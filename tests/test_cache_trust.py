"""The build cache is input: nothing in `cache_dir` can change what is published or run code.

Every kind of file a build keeps there is forged, corrupted, renamed or sealed with another
key, and the site must come out byte for byte as a cold build makes it, after one warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_NOW, copy_example, tree_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from statuspress.cli import main
from statuspress.incremental import cachekey, memo, store
from statuspress.incremental.spare import PUBLISHED_FILE
from statuspress.publishing.build import BuildFailed, build_site
from test_records import spy

CACHE = ".statuspress-cache"
WARNING = "ignored the build cache file"

# Every kind of file a build leaves in the cache folder, by a glob under it.
KINDS = {
    "markdown": memo.MARKDOWN_FILE,
    "front matter": memo.SOURCES_FILE,
    "leak guard": "leakguard.cache",
    "records": "incidents/*.pack",
    "pages": "incidents/*.pages",
    "outputs": "outputs/*",
    "published": PUBLISHED_FILE,
}


def build(root: Path, site: str = "site") -> dict[str, bytes]:
    return tree_bytes(build_site(root / "mkdocs.yml", root / site, EXAMPLE_NOW).site_dir)


@pytest.fixture(scope="module")
def warm(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """The example after two builds (so every kind of cache file exists), and the site a
    cold build makes."""
    root = copy_example(tmp_path_factory.mktemp("warm"))
    expected = build(root)
    build(root, "second")  # the spare and published.json of a build beside a live site
    return root, expected


@pytest.fixture
def site(warm: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    """A copy of the warm example (its live site removed, as in CI) for one test to tamper
    with."""
    root = tmp_path / "site-root"
    shutil.copytree(warm[0], root, symlinks=True)
    for built in ("site", "second", ".site-spare", ".second-spare"):
        shutil.rmtree(root / built, ignore_errors=True)
    return root


# Read only when an incident folder is loaded again: a rebuild that reuses every record
# never opens them. Their tests drop the records first.
READ_WITH_FOLDERS = {"markdown", "front matter"}


def needed(root: Path, kind: str) -> None:
    """Make the next build read the files of `kind`."""
    if kind in READ_WITH_FOLDERS:
        shutil.rmtree(root / CACHE / "incidents")


def files_of(root: Path, kind: str) -> list[Path]:
    found = sorted((root / CACHE).glob(KINDS[kind]))
    assert found, f"the build left no {kind} file"
    return found


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]


def resealed(path: Path, change: Callable[[bytes], bytes], key: bytes | None) -> bytes:
    """The file at `path` with its payload changed and sealed again with `key` (None: the
    machine's own), as someone who can write the cache folder would."""
    data = path.read_bytes()
    magic = data[: data.index(b"\n") + 1]
    payload = cachekey.CacheKey.for_build().unseal(data, magic, path.name)
    assert payload is not None
    changed = change(payload)
    if key is None:
        return cachekey.CacheKey.for_build().seal(magic, path.name, changed)
    mac = cachekey.hmac.new(key, magic + path.name.encode(), "sha256")
    mac.update(b"\0" + changed)
    return magic + mac.hexdigest().encode() + b"\n" + changed


def test_the_warm_cache_is_used_and_gives_the_cold_bytes(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    made = spy(monkeypatch)
    with caplog.at_level(logging.WARNING):
        assert build(site) == warm[1]
    assert made[0].computed == 0 and made[0].reused == 8
    assert warnings_in(caplog) == []


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("forgery", ["another key", "unkeyed checksum", "raw pickle"])
def test_a_forged_file_of_every_kind_is_ignored_with_one_warning(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    caplog: pytest.LogCaptureFixture,
    kind: str,
    forgery: str,
) -> None:
    for path in files_of(site, kind):
        if forgery == "another key":
            path.write_bytes(resealed(path, lambda p: p, os.urandom(32)))
        elif forgery == "unkeyed checksum":  # the integrity check the cache used to have
            data = path.read_bytes()
            magic = data[: data.index(b"\n") + 1]
            payload = data[data.index(b"\n", len(magic)) + 1 :]
            checksum = hashlib.blake2b(payload, digest_size=16).hexdigest().encode()
            path.write_bytes(magic + checksum + b"\n" + payload)
        else:
            path.write_bytes(pickle.dumps({"x": os.system}))
    needed(site, kind)
    with caplog.at_level(logging.WARNING):
        assert build(site) == warm[1]
    assert len(warnings_in(caplog)) == 1


def test_forged_html_in_the_markdown_cache_is_not_published(
    site: Path, warm: tuple[Path, dict[str, bytes]]
) -> None:
    """The attack itself: every cached text replaced by a script. With another key it is
    ignored; sealed with this machine's key it would be published (so this test can fail)."""
    path = files_of(site, "markdown")[0]
    genuine = path.read_bytes()

    def scripted(payload: bytes) -> bytes:
        fingerprint = payload.split(b"\n", 1)[0].decode()
        entries = store.decode_body(payload, fingerprint)
        return store.encode_body(dict.fromkeys(entries, "<script>alert(1)</script>"), fingerprint)

    shutil.rmtree(site / CACHE / "incidents")  # so that every text is looked up again
    path.write_bytes(resealed(path, scripted, os.urandom(32)))
    assert build(site) == warm[1]
    path.write_bytes(genuine)
    shutil.rmtree(site / CACHE / "incidents")
    path.write_bytes(resealed(path, scripted, None))
    published = build(site, "own-key")
    assert any(b"<script>alert(1)</script>" in data for data in published.values())


def test_a_sealed_file_renamed_to_another_entry_is_ignored(
    site: Path, warm: tuple[Path, dict[str, bytes]], caplog: pytest.LogCaptureFixture
) -> None:
    """Each file's name is signed too: one output cannot stand in for another."""
    outputs = files_of(site, "outputs")
    assert len(outputs) >= 2
    first = outputs[0].read_bytes()
    for path in outputs[1:]:
        path.write_bytes(first)
    packs = files_of(site, "records")
    if len(packs) >= 2:
        packs[1].write_bytes(packs[0].read_bytes())
    with caplog.at_level(logging.WARNING):
        assert build(site) == warm[1]
    assert len(warnings_in(caplog)) == 1


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    kind=st.sampled_from(sorted(KINDS)),
    cut=st.integers(min_value=0, max_value=10_000),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(1, 255)), max_size=4),
    junk=st.binary(max_size=64),
)
def test_corrupted_cache_files_never_change_the_site(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    kind: str,
    cut: int,
    flips: list[tuple[int, int]],
    junk: bytes,
) -> None:
    path = files_of(site, kind)[0]
    genuine = path.read_bytes()
    data = bytearray(genuine[: len(genuine) - cut % (len(genuine) + 1)] + junk)
    for position, mask in flips:
        if data:
            data[position % len(data)] ^= mask
    path.write_bytes(bytes(data))
    records_kept = site / "records-kept"
    if kind in READ_WITH_FOLDERS:
        shutil.copytree(site / CACHE / "incidents", records_kept)
        needed(site, kind)
    try:
        assert build(site, "corrupted") == warm[1]
    finally:
        path.write_bytes(genuine)
        if records_kept.exists():
            shutil.rmtree(site / CACHE / "incidents", ignore_errors=True)
            records_kept.rename(site / CACHE / "incidents")


@settings(max_examples=300, deadline=None)
@given(
    payload=st.binary(max_size=300),
    name=st.sampled_from(["markdown.cache", "2026-11.pack", "0" * 32]),
    position=st.integers(min_value=0),
    mask=st.integers(1, 255),
    cut=st.integers(min_value=1, max_value=400),
    extra=st.binary(min_size=1, max_size=8),
)
def test_no_change_to_a_sealed_file_verifies(
    payload: bytes, name: str, position: int, mask: int, cut: int, extra: bytes
) -> None:
    magic = b"statuspress-test 1\n"
    sealed = cachekey.CacheKey.for_build().seal(magic, name, payload)
    assert cachekey.CacheKey.for_build().unseal(sealed, magic, name) == payload
    flipped = bytearray(sealed)
    flipped[position % len(sealed)] ^= mask
    for changed in (bytes(flipped), sealed[: max(0, len(sealed) - cut)], sealed + extra):
        assert cachekey.CacheKey.for_build().unseal(changed, magic, name) is None
    assert cachekey.CacheKey.for_build().unseal(sealed, magic, name + "x") is None
    assert cachekey.CacheKey.for_build().unseal(sealed, b"statuspress-test 2\n", name) is None


def _touching(marker: Path) -> bytes:
    """A pickle that creates `marker` when loaded by any unpickler that allows it."""

    class Payload:
        def __reduce__(self):  # type: ignore[no-untyped-def]
            return (Path.touch, (marker,))

    return pickle.dumps(Payload())


def test_crafted_compiled_templates_and_pickles_run_no_code(site: Path, tmp_path: Path) -> None:
    """Jinja's bytecode cache unpickled the file before checking anything; the cache folder
    is now never a source of code, whatever its files hold or are named."""
    marker = tmp_path / "ran"
    payload = _touching(marker)
    templates = site / CACHE / "templates"
    templates.mkdir(exist_ok=True)
    names = ["base.html", "status.html", "history.html", "incident.html", "404.html"]
    env_options = repr(
        [
            ("auto_reload", False),
            ("autoescape", True),
            ("keep_trailing_newline", True),
            ("trim_blocks", False),
        ]
    )
    theme = Path(__import__("statuspress.theme", fromlist=["x"]).__file__).parent
    for name in names:
        for salted in (name, f"{jinja2.__version__}\0{env_options}\0{name}"):
            # Named as Jinja's file cache names a template's file, with and without its path.
            for suffix in ("", f"|{theme / name}"):
                key = hashlib.sha1((salted + suffix).encode()).hexdigest()
                (templates / f"{key}.jinja").write_bytes(jinja2.bccache.bc_magic + payload)
    for kind in KINDS:
        for path in files_of(site, kind):
            magic = path.read_bytes().split(b"\n", 1)[0] + b"\n"
            path.write_bytes(magic + payload)
    build(site)
    assert not marker.exists()
    # Even sealed with this machine's key (as if it had leaked), a record that holds
    # anything but statuspress's model types is refused.
    shutil.rmtree(site / CACHE)
    build(site)
    for path in files_of(site, "records") + files_of(site, "pages"):
        magic = path.read_bytes().split(b"\n", 1)[0] + b"\n"
        path.write_bytes(cachekey.CacheKey.for_build().seal(magic, path.name, payload))
    build(site, "again")
    assert not marker.exists()


def test_a_build_reads_nothing_in_the_cache_folder_but_its_sealed_files(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    original = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if CACHE in self.parts:
            opened.append(self.relative_to(site / CACHE).as_posix())
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    build(site)
    assert opened and not [name for name in opened if name.startswith("templates")]


def test_one_warning_line_from_the_command(site: Path) -> None:
    for kind in KINDS:
        for path in files_of(site, kind):
            path.write_bytes(resealed(path, lambda p: p, os.urandom(32)))
    done = subprocess.run(
        [sys.executable, "-c", "from statuspress.cli import run; run()", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(int(EXAMPLE_NOW.timestamp()))},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if WARNING in line]
    assert len(lines) == 1 and "warning:" in lines[0], done.stderr


# The key


def test_a_missing_key_is_made_readable_by_its_owner_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    path = tmp_path / "xdg" / "statuspress" / "key"
    assert cachekey.key_path() == path and not path.exists()
    key = cachekey.machine_key()
    assert len(key) == 32 and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert bytes.fromhex(path.read_text().strip()) == key
    cachekey._key_from_file.cache_clear()
    assert cachekey.machine_key() == key  # read back, not made again


def test_what_jinja_makes_of_templates_is_kept_beside_the_key_sealed_and_never_in_the_site(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert build(site) == warm[1]
    folder = tmp_path / "xdg" / "statuspress" / "templates"
    kept = sorted(folder.iterdir())
    assert len(kept) >= 8
    for part in (folder, folder.parent):
        assert stat.S_IMODE(part.stat().st_mode) == 0o700
    assert not list((site / CACHE).glob("templates/*"))
    compiled: list[str] = []
    original = jinja2.Environment.compile

    def compiling(self, source, name=None, filename=None, raw=False, defer_init=False):  # type: ignore[no-untyped-def]
        if raw:  # generating the Python, not compiling what was kept
            compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", compiling)
    assert build(site, "warm") == warm[1]
    assert compiled == []
    marker = tmp_path / "ran"
    forged = f"import pathlib\npathlib.Path({str(marker)!r}).touch()\n".encode()
    for path in kept:  # code that would run, sealed under another key
        path.write_bytes(resealed(path, lambda _: forged, os.urandom(32)))
    caplog.clear()  # the first build above ignored the site's cache: a new key
    with caplog.at_level(logging.WARNING):
        assert build(site, "forged") == warm[1]
    assert not marker.exists() and len(warnings_in(caplog)) == 1
    assert "status.html" in compiled


def test_the_key_is_kept_outside_the_site_and_its_cache(site: Path) -> None:
    key = cachekey.key_path().resolve()
    assert not key.is_relative_to(site.resolve())
    assert not any(p.name == "key" for p in (site / CACHE).rglob("*"))


def key_file(root: Path, monkeypatch: pytest.MonkeyPatch, content: str, mode: int) -> Path:
    """A key file under `root`, the cache home from now on, holding `content`."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(root))
    path = root / "statuspress" / "key"
    path.parent.mkdir(parents=True)
    path.write_text(content)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o606, 0o660])
def test_a_key_others_can_read_or_write_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, mode: int
) -> None:
    path = key_file(tmp_path, monkeypatch, "ab" * 32 + "\n", mode)
    with caplog.at_level(logging.WARNING):
        key = cachekey.machine_key()
    assert key != bytes.fromhex("ab" * 32)
    assert f"chmod 600 {path}" in caplog.text and "not used" in caplog.text


@pytest.mark.parametrize("where", ["site", "cache"])
def test_a_key_file_inside_the_site_or_its_cache_is_not_used(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    where: str,
) -> None:
    """As when CI points XDG_CACHE_HOME into the workspace: the key would travel with it."""
    home = site / ".xdg" if where == "site" else site / CACHE / "xdg"
    key = key_file(home, monkeypatch, "ef" * 32 + "\n", 0o600)
    with caplog.at_level(logging.WARNING):
        assert build(site) == warm[1]
    assert f"the key file {key} is inside the site or its cache folder" in caplog.text
    assert len(warnings_in(caplog)) == 1  # the cache sealed with the real key is ignored


@pytest.mark.parametrize("content", ["", "ab" * 31, "not a key at all\n", "AB" * 32])
def test_a_key_file_that_is_no_key_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    key_file(tmp_path, monkeypatch, content, 0o600)
    with caplog.at_level(logging.WARNING):
        cachekey.machine_key()
    assert "is not a statuspress cache key" in caplog.text


def test_a_key_file_that_is_a_link_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    real = tmp_path / "elsewhere"
    real.write_text("cd" * 32 + "\n")
    real.chmod(0o600)
    path = tmp_path / "statuspress" / "key"
    path.parent.mkdir()
    path.symlink_to(real)
    with caplog.at_level(logging.WARNING):
        assert cachekey.machine_key() != bytes.fromhex("cd" * 32)
    assert "cannot read the cache key" in caplog.text


def test_the_environment_variable_is_the_key_and_no_file_is_made(
    site: Path,
    warm: tuple[Path, dict[str, bytes]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(cachekey.ENV_VAR, "a" * 64)
    shutil.rmtree(site / CACHE)
    assert build(site, "one") == warm[1]
    assert not (tmp_path / "xdg" / "statuspress" / "key").exists()
    with caplog.at_level(logging.WARNING):
        assert build(site, "two") == warm[1]  # the same key: the cache is used quietly
        assert warnings_in(caplog) == []
        monkeypatch.setenv(cachekey.ENV_VAR, "b" * 64)  # another key: ignored, once
        assert build(site, "three") == warm[1]
    assert len(warnings_in(caplog)) == 1


def test_a_short_secret_is_not_used(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(cachekey.ENV_VAR, "password")
    with caplog.at_level(logging.WARNING):
        key = cachekey.machine_key()
    assert key != hashlib.sha256(b"password").digest()
    assert "shorter than 32 characters" in caplog.text


# Where the cache may be


def check(root: Path) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    return done.exit_code, done.output


def build_refused(root: Path) -> str:
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return "\n".join(d.render() for d in failed.value.diagnostics)


def set_cache_dir(root: Path, value: str) -> int:
    """Set cache_dir in the example's mkdocs.yml; its line."""
    config = root / "mkdocs.yml"
    lines = config.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "- statuspress:") + 1
    lines.insert(at, f"      cache_dir: {value}\n")
    config.write_text("".join(lines))
    return at + 1


@pytest.mark.parametrize("value", ["incidents/.cache", "incidents", "."])
def test_a_cache_inside_the_content_is_refused_by_check_and_build(
    tmp_path: Path, value: str
) -> None:
    root = copy_example(tmp_path / "site")
    line = set_cache_dir(root, value)
    code, output = check(root)
    assert code == 1 and f"mkdocs.yml:{line}" in output and "content folder" in output
    assert f"mkdocs.yml:{line}" in build_refused(root)
    assert not (root / "site").exists()


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("how", ["default folder", "named folder", "tracked link"])
def test_a_cache_tracked_by_git_is_refused_by_check_and_build(tmp_path: Path, how: str) -> None:
    root = copy_example(tmp_path / "site")
    git(root, "init", "-q")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)  # a real cache, committed
    shutil.rmtree(root / "site")
    if how == "default folder":
        line = 9  # the first of the plugin's options: cache_dir is not set
        git(root, "add", CACHE)
    elif how == "named folder":
        line = set_cache_dir(root, "committed-cache")
        (root / CACHE).rename(root / "committed-cache")
        git(root, "add", "committed-cache")
    else:
        line = set_cache_dir(root, "linked-cache")
        (root / "linked-cache").symlink_to(root / CACHE)
        git(root, "add", "linked-cache")
    git(root, "commit", "-qm", "cache")
    code, output = check(root)
    assert code == 1 and f"mkdocs.yml:{line}" in output and "tracked by git" in output
    assert f"mkdocs.yml:{line}" in build_refused(root)


def test_an_ignored_cache_in_a_repository_is_fine(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "site")
    git(root, "init", "-q")
    (root / ".gitignore").write_text(f"{CACHE}/\nsite/\n")
    git(root, "add", ".")
    git(root, "commit", "-qm", "site")
    first = build(root)
    assert check(root)[0] in (0, 1) and "cache_dir" not in check(root)[1]
    assert build(root) == first
