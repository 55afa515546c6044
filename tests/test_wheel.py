"""The built wheel carries the theme, templates and scaffold, and builds the example site."""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(REPO)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (built,) = out.glob("statuspress-*.whl")
    return built


def test_the_wheel_ships_the_theme_and_package_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (
        "base.html",
        "status.html",
        "incident.html",
        "postmortem.html",
        "history.html",
        "component.html",
        "404.html",
        "statuspress.css",
        "mkdocs_theme.yml",
        "partials/macros.html",
        "partials/vendors.html",
        "sitemap.xml",
    ):
        assert f"statuspress/theme/{template}" in names, template
    assert "statuspress/py.typed" in names
    assert any(name.startswith("statuspress/lint/rules/") for name in names)
    for folder in ("commands/templates", "commands/scaffold"):
        source = REPO / "generator" / folder
        assert source.is_dir(), source
        for path in source.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                relative = path.relative_to(REPO / "generator").as_posix()
                assert f"statuspress/{relative}" in names, relative
    catalogs = REPO / "generator" / "language" / "catalogs"
    shipped = sorted(catalogs.glob("*.po")) + sorted(catalogs.glob("*.glossary.yml"))
    assert len(shipped) >= 24  # twelve languages, each with its glossary
    for path in [*shipped, catalogs / "statuspress.pot"]:
        assert f"statuspress/language/catalogs/{path.name}" in names, path.name
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "statuspress = statuspress.theme" in text
    assert "statuspress = statuspress.publishing.plugin:StatusPressPlugin" in text


def test_the_installed_wheel_builds_the_example(wheel: Path, tmp_path: Path) -> None:
    """A fresh venv with the wheel and its dependencies, from wherever this machine's pip gets
    them. (Not --system-site-packages: run from a venv, that sees the base interpreter's
    packages, not the running environment's.)"""
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    where = subprocess.run(
        [str(python), "-c", "import statuspress; print(statuspress.__file__)"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(env_dir)), where
    result = subprocess.run(
        [
            str(env_dir / "bin" / "statuspress"),
            "build",
            "-f",
            str(REPO / "mkdocs.yml"),
            "-d",
            str(tmp_path / "site"),
            "--now",
            "2026-11-22T10:00:00Z",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 incidents" in result.stdout
    assert "Partial System Outage" in (tmp_path / "site/index.html").read_text()
    # The wheel's catalogs are what a site in another language runs on.
    german = tmp_path / "german"
    shutil.copytree(REPO / "incidents", german / "incidents")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  name: statuspress\n", "  name: statuspress\n  language: de\n", 1)
    (german / "mkdocs.yml").write_text(config, encoding="utf-8")
    built = subprocess.run(
        [str(env_dir / "bin" / "statuspress"), "build", "-f", str(german / "mkdocs.yml")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=german,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    page = (german / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page and "Teilweiser Systemausfall" in page
