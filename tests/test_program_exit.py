"""The `statuspress` program leaves at once after a build, with the right code and output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_example, tree_bytes

PROGRAM = [sys.executable, "-c", "from statuspress.cli import run; run()"]


def program(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*PROGRAM, *args], cwd=root, capture_output=True, text=True, timeout=120)


def test_a_build_prints_its_summary_and_writes_everything_before_leaving(tmp_path: Path) -> None:
    root = copy_example(tmp_path / "a")
    done = program(root, "build", "--now", "2026-11-22T10:00:00Z")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Built ") and "8 incidents" in done.stdout
    reference = copy_example(tmp_path / "b")
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from statuspress.cli import main; main()",
            "build",
            "--now",
            "2026-11-22T10:00:00Z",
        ],
        cwd=reference,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert tree_bytes(root / "site") == tree_bytes(reference / "site")
    assert (root / ".statuspress-cache" / "published.json").is_file()


def test_a_failed_build_and_other_commands_exit_as_before(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    (root / "incidents" / "2026-09-08-backups-finished-late" / "x.md").write_text("no front")
    failed = program(root, "build")
    assert failed.returncode == 1 and "Build failed" in failed.stderr
    assert program(root, "--version").returncode == 0
    assert program(root, "check").returncode == 1
