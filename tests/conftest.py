"""Shared fixtures: small content trees, the example site, and real external tools."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from datetime import datetime, timezone
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
