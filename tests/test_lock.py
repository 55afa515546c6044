"""`statuspress lock`: the site's statuspress and every dependency pinned with their hashes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import require_tool
from statuspress.cli import main
from statuspress.commands import lock
from test_init import source_copy

HEADER = "# What CI installs.\n# (written by statuspress init)\n"


def run_lock(site: Path, *args: str) -> tuple[int, str]:
    old = Path.cwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(main, ["lock", *args])
    finally:
        os.chdir(old)
    return result.exit_code, result.output


def test_requirement_lines_join_continuations_and_drop_hashes_and_comments() -> None:
    text = (
        "# top\nclick==8.1.7 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n"
        "    # via x\nstatuspress==1.0.0  # pinned\n"
    )
    assert lock.requirement_lines(text) == ["click==8.1.7", "statuspress==1.0.0"]


@pytest.mark.parametrize(
    "line", ["statuspress==1.0.0", "Statuspress == 1.2.3", "statuspress[extra]==2.0.0rc1"]
)
def test_a_released_version_is_what_gets_locked(line: str) -> None:
    assert lock.statuspress_requirement(f"{HEADER}{line}\n", Path("r.txt")) == line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("statuspress @ git+https://github.com/acme/statuspress@v1\n", "is not a released version"),
        ("statuspress>=1.0\n", "is not a released version"),
        ("statuspress @ file:///src/statuspress\n", "is not a released version"),
        ("click==8.1.7\n", "names statuspress 0 times"),
        ("statuspress==1.0.0\nStatusPress==1.0.1\n", "names statuspress 2 times"),
    ],
)
def test_what_cannot_be_locked_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "requirements.txt").write_text(text, encoding="utf-8")
    code, output = run_lock(tmp_path)
    assert code == 1
    assert message in output
    assert "hint: " in output
    assert (tmp_path / "requirements.txt").read_text(encoding="utf-8") == text


def test_without_a_requirements_file_it_says_where_one_comes_from(tmp_path: Path) -> None:
    code, output = run_lock(tmp_path)
    assert (code, output) == (
        1,
        "Error: there is no requirements.txt here\n"
        "  hint: run the command in the site folder, or pass -r PATH; a new site gets one "
        "from 'statuspress init'\n",
    )


def test_without_uv_it_says_how_to_get_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "requirements.txt").write_text("statuspress==1.0.0\n", encoding="utf-8")
    monkeypatch.setattr(lock.shutil, "which", lambda *args, **kwargs: None)
    code, output = run_lock(tmp_path)
    assert code == 1
    assert output.startswith("Error: statuspress lock needs uv, which is not installed\n")


def test_the_lock_keeps_the_files_own_comments_and_replaces_an_older_lock() -> None:
    first = lock.locked_file(HEADER + "statuspress==1.0.0\n", "statuspress==1.0.0", "A\n")
    assert first.startswith(HEADER + lock.LOCKED_MARK)
    again = lock.locked_file(first.replace("A", "statuspress==1.1.0"), "statuspress==1.1.0", "B\n")
    assert again.startswith(HEADER + lock.LOCKED_MARK)
    assert again.endswith("\nB\n")
    assert again.count(lock.LOCKED_MARK) == 1


@pytest.mark.slow
def test_a_locked_site_installs_exactly_the_locked_files(tmp_path: Path) -> None:
    """Real uv over a folder standing in for the index, then pip in hash-checking mode."""
    uv = require_tool("uv", str(Path(sys.executable).parent / "uv"))
    index = tmp_path / "index"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--outdir",
            str(index),
            str(source_copy(tmp_path / "source")),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run(  # statuspress's dependencies as wheels, from this machine's pip indexes
        [
            *(sys.executable, "-m", "pip", "wheel", "-q", "-w", str(index)),
            *("--find-links", str(index), f"statuspress=={lock_version()}"),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "requirements.txt").write_text(f"{HEADER}statuspress=={lock_version()}\n")
    env_path = f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}"
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "statuspress"),
            "lock",
            "--",
            "--no-index",
            "--find-links",
            str(index),
        ],
        cwd=site,
        env={**os.environ, "PATH": env_path},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    locked = (site / "requirements.txt").read_text(encoding="utf-8")
    assert locked.startswith(HEADER + lock.LOCKED_MARK)
    assert f"statuspress=={lock_version()} \\\n    --hash=sha256:" in locked
    assert all("--hash=sha256:" in block for block in locked.split(" \\\n")[1:])
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index"]
    installed = subprocess.run(
        [*pip, "--find-links", str(index), "-r", str(site / "requirements.txt")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    wheel = next(index.glob("statuspress-*.whl"))
    wheel.write_bytes(wheel.read_bytes() + b"\0")  # a file that is not the one locked
    refused = subprocess.run(
        [
            *pip,
            "--force-reinstall",
            "--find-links",
            str(index),
            "-r",
            str(site / "requirements.txt"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert refused.returncode != 0
    assert "THESE PACKAGES DO NOT MATCH THE HASHES" in refused.stderr


def lock_version() -> str:
    from statuspress import __version__

    return __version__
