"""Shared fixtures: small content trees, the example site, and real external tools."""

from __future__ import annotations

import os
import shutil
import textwrap
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLE_NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

MINIMAL_CONFIG = """\
site_name: Test Status
site_url: https://status.test.example/
docs_dir: incidents
theme:
  name: statuspress
plugins:
  - statuspress:
      company: Test
      components:
        - id: api
          name: API
          group: Core
        - id: dashboard
          name: Dashboard
          group: Core
        - id: email
          name: E-mail
"""


def require_tool(name: str, path: str | None = None) -> str:
    """The tool's path; a skip on a laptop without it, a failure in CI (never a silent skip)."""
    found = path if path and Path(path).exists() else shutil.which(name)
    if found:
        return found
    message = f"{name} is not installed"
    if IN_CI:
        pytest.fail(f"{message}; .ci/run must install it")
    pytest.skip(message)


def write_files(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def without_example_clock(config: str) -> str:
    """The example's mkdocs.yml without its `example:` option (and the comment above it), as
    a real site's would be."""
    lines = config.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "example:")
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    end = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("as_of:"))
    return "".join(lines[:start] + lines[end + 1 :])


def copy_example(root: Path) -> Path:
    """A copy of the example site root (mkdocs.yml and incidents/) at `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "incidents", root / "incidents")
    return root


def calls_of(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    note: Callable[..., object] = lambda *args: args,
) -> list[object]:
    """From now on, `note(*args)` of every call of `owner.name`, which still runs as before."""
    seen: list[object] = []
    original = getattr(owner, name)

    def noting(*args: object, **kwargs: object) -> object:
        seen.append(note(*args, **kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noting)
    return seen


def tree_bytes(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` by its relative path, with its bytes."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def write_tree(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write {relative path: text} under tmp_path (text is dedented); returns tmp_path."""
    return lambda files: write_files(tmp_path, files)


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """An empty site: the minimal config and an empty incidents/ folder."""
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG})
    (tmp_path / "incidents").mkdir()
    return tmp_path


@pytest.fixture
def chromium() -> str:
    return require_tool("chromium", "/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The build cache's key lives in a folder of this test run, not in the user's."""
    home = tmp_path_factory.mktemp("xdg-cache")
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "STATUSPRESS_CACHE_KEY")}
    os.environ["XDG_CACHE_HOME"] = str(home)
    os.environ.pop("STATUSPRESS_CACHE_KEY", None)
    yield home
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site built once per test run with the example clock (read-only!)."""
    from statuspress.publishing.build import build_site

    target = tmp_path_factory.mktemp("example") / "site"
    build_site(REPO / "mkdocs.yml", target, EXAMPLE_NOW)
    return target


@contextmanager
def served(directory: Path, handler: type[SimpleHTTPRequestHandler] | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 on a free port (with `handler`, a quiet one by
    default); yields the base URL."""
    make = partial(handler or _QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), make)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass
