"""Atomic publishing: a build that fails, raises, is interrupted or is killed leaves the
previous site/ exactly as it was; a build that succeeds replaces it in one step."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_NOW, REPO, copy_example
from statuspress.cli import main as cli
from statuspress.publishing.build import build_site
from statuspress.publishing.publish import staging, sweep_stale

NOW = "2026-11-22T10:00:00Z"
WEBHOOK_UPDATE = "incidents/2026-11-22-webhook-delays"


def snapshot(directory: Path) -> dict[str, object]:
    """Names, bytes and modes of every entry, and the directory's own identity."""
    entries = {
        p.relative_to(directory).as_posix(): (
            p.read_bytes() if p.is_file() else None,
            p.stat().st_mode,
        )
        for p in sorted(directory.rglob("*"))
    }
    return {"inode": directory.stat().st_ino, "entries": entries}


def stages(root: Path) -> list[Path]:
    return sorted(root.glob(".site-build-*"))


def append_to(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def break_content(root: Path) -> None:
    update = sorted((root / WEBHOOK_UPDATE).glob("*.md"))[-1]
    update.write_text(update.read_text().replace("status:", "status: nonsense\nstatus_:", 1))


def leak_a_secret(root: Path) -> None:
    append_to(
        sorted((root / WEBHOOK_UPDATE).glob("*.md"))[0],  # the last one is a draft
        "\nThe key AKIAIOSFODNN7EXAMPLE was rotated.\n",
    )


def override_template(text: str) -> Callable[[Path], None]:
    def override(root: Path) -> None:
        (root / "overrides").mkdir()
        (root / "overrides" / "incident.html").write_text(text, encoding="utf-8")
        config = root / "mkdocs.yml"
        config.write_text(
            config.read_text().replace(
                "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
            )
        )

    return override


def break_mkdocs_config(root: Path) -> None:
    append_to(root / "mkdocs.yml", "use_directory_urls: perhaps\n")


FAILURES: dict[str, Callable[[Path], None]] = {
    "content-error": break_content,
    "leak": leak_a_secret,
    "template-syntax-error": override_template("{{ broken( }}"),
    "template-runtime-error": override_template(
        '{% extends "base.html" %}{% block content %}{{ incident.nope.deeper }}{% endblock %}'
    ),
    "mkdocs-config-error": break_mkdocs_config,
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failed_build_leaves_the_old_site_exactly(tmp_path: Path, failure: str) -> None:
    root = copy_example(tmp_path / "src")
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    before = snapshot(root / "site")
    FAILURES[failure](root)
    with pytest.raises(Exception) as raised:  # any failure at all
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert not isinstance(raised.value, AssertionError)
    assert snapshot(root / "site") == before
    assert stages(root) == []


@pytest.mark.parametrize("failure", ["content-error", "leak", "mkdocs-config-error"])
def test_a_failed_build_says_so_without_a_traceback(tmp_path: Path, failure: str) -> None:
    root = copy_example(tmp_path / "src")
    FAILURES[failure](root)
    result = CliRunner().invoke(cli, ["build", "-f", str(root / "mkdocs.yml"), "--now", NOW])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "nothing was published" in result.output
    assert not (root / "site").exists()


@pytest.mark.parametrize("failure", ["template-syntax-error", "template-runtime-error"])
def test_a_broken_theme_template_is_reported_without_a_traceback(
    tmp_path: Path, failure: str
) -> None:
    root = copy_example(tmp_path / "src")
    FAILURES[failure](root)
    result = subprocess.run(
        [sys.executable, "-c", "from statuspress.cli import main; main()", "build", "--now", NOW],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "overrides/incident.html" in result.stdout


def test_a_successful_build_replaces_the_site_in_one_step(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "src")
    (root / "site").mkdir()
    (root / "site" / "stale.html").write_text("from an old build")
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert not (root / "site" / "stale.html").exists()
    assert (root / "site" / "index.html").is_file()
    assert stages(root) == [] and not list(root.glob(".site-old-*"))


def test_the_published_site_has_the_usual_permissions(tmp_path: Path) -> None:
    """Not the 0700 of a private temporary directory: a web server must read it."""
    root = copy_example(tmp_path / "src")
    build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    umask = os.umask(0o022)
    os.umask(umask)
    assert (root / "site").stat().st_mode & 0o777 == 0o777 & ~umask


def test_stale_staging_directories_of_dead_builds_are_swept(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    for name in (f".site-build-{dead.pid}-abc", ".site-build-xyz"):  # killed; older naming
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("half a site")
    sweep_stale(site)
    assert stages(tmp_path) == []


def test_a_build_running_beside_keeps_its_staging_directory(tmp_path: Path) -> None:
    """Two builds of one site at once: neither sweeps away the other's work."""
    site = tmp_path / "site"
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as other:
        try:
            (tmp_path / f".site-build-{other.pid}-abc").mkdir()
            with staging(site) as mine:
                sweep_stale(site)
                assert mine.path.is_dir() and mine.made.is_dir()
                assert (tmp_path / f".site-build-{other.pid}-abc").is_dir()
        finally:
            other.kill()


# --- killed and interrupted builds of a big site ------------------------------------------


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,000 incidents: a build of several seconds, long enough to stop it half-way."""
    root = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus", str(root), "--incidents", "1000"],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


@pytest.fixture
def old_site(big_site: Path) -> Path:
    """A previous site that is not what this build would write. The cache and the spare site
    an earlier test's build left go too: a warm build can end before a signal reaches it."""
    for left in ("site", ".statuspress-cache", ".site-spare"):
        shutil.rmtree(big_site / left, ignore_errors=True)
    for stale in stages(big_site):
        shutil.rmtree(stale)
    (big_site / "site" / "history").mkdir(parents=True)
    (big_site / "site" / "index.html").write_text("<p>yesterday's site</p>")
    (big_site / "site" / "history" / "index.html").write_text("<p>yesterday's history</p>")
    return big_site / "site"


def start_build(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", "from statuspress.cli import main; main()", "build", "--now", NOW],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until_half_way(root: Path, build: subprocess.Popen[str]) -> Path:
    """The staging directory, once the build has begun writing into it."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = stages(root)
        if found and any(found[0].iterdir()):
            return found[0]
        assert build.poll() is None, build.communicate()
        time.sleep(0.005)
    build.kill()
    pytest.fail("the build never began writing its staging directory")


def test_a_killed_build_leaves_the_old_site_and_the_next_build_sweeps(
    big_site: Path, old_site: Path
) -> None:
    before = snapshot(old_site)
    build = start_build(big_site)
    stage = wait_until_half_way(big_site, build)
    build.send_signal(signal.SIGKILL)
    assert build.wait(timeout=60) == -signal.SIGKILL
    build.communicate()
    assert snapshot(old_site) == before
    assert stage.is_dir()  # killed mid-build: nothing could clean up

    result = build_site(big_site / "mkdocs.yml", now=EXAMPLE_NOW)
    assert result.incidents > 900
    assert not stage.exists() and stages(big_site) == []
    assert "yesterday" not in (old_site / "index.html").read_text()


def test_ctrl_c_leaves_the_old_site_and_says_so(big_site: Path, old_site: Path) -> None:
    before = snapshot(old_site)
    build = start_build(big_site)
    wait_until_half_way(big_site, build)
    build.send_signal(signal.SIGINT)
    out, err = build.communicate(timeout=60)
    assert build.returncode == 130
    assert "Traceback" not in out + err
    assert "Build interrupted: nothing was published" in err
    assert snapshot(old_site) == before
    assert stages(big_site) == []  # the interrupted build removed its own staging directory
