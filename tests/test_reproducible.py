"""Reproducible builds: the same content and clock give the same bytes in every file, whatever
the folder, the order the files were written in, their times, the hash seed or the zone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, REPO

NOW = "2026-11-22T10:00:00Z"
EPOCH = str(int(EXAMPLE_NOW.timestamp()))


def example_files() -> list[Path]:
    files = [REPO / "mkdocs.yml"]
    files += sorted(p for p in (REPO / "incidents").rglob("*") if p.is_file())
    return files


def copy_example(root: Path, reverse: bool, mtime: int) -> Path:
    """The example, written file by file in the given order, every file stamped `mtime`."""
    for source in sorted(example_files(), reverse=reverse):
        target = root / source.relative_to(REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        os.utime(target, (mtime, mtime))
    return root


def build(root: Path, *args: str, **env: str) -> Path:
    """`statuspress build` in its own process, run from `root`."""
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "from statuspress.cli import main; main()", "build", *args],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def tree(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def differences(first: dict[str, bytes], second: dict[str, bytes]) -> list[str]:
    names = sorted(set(first) | set(second))
    return [name for name in names if first.get(name) != second.get(name)]


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """Four builds of the example: two with --now, two with SOURCE_DATE_EPOCH, each pair in
    different folders, written in opposite orders, with different hash seeds and zones."""
    made = {}
    for name, reverse, clock in (
        ("now-a", False, "now"),
        ("now-b", True, "now"),
        ("epoch-a", True, "epoch"),
        ("epoch-b", False, "epoch"),
    ):
        root = copy_example(
            tmp_path_factory.mktemp(name),
            reverse,
            mtime=1_700_000_000 if reverse else 1_600_000_000,
        )
        args = ("--now", NOW) if clock == "now" else ()
        env = {
            "PYTHONHASHSEED": "1" if reverse else "2",
            "TZ": "Pacific/Auckland" if reverse else "America/Los_Angeles",
            **({"SOURCE_DATE_EPOCH": EPOCH} if clock == "epoch" else {}),
        }
        made[name] = tree(build(root, *args, **env))
    return made


def test_every_output_type_is_compared(builds: dict[str, dict[str, bytes]]) -> None:
    suffixes = {Path(name).suffix for name in builds["now-a"]}
    assert {".html", ".atom", ".rss", ".json", ".svg", ".ics", ".xml", ".gz"} <= suffixes


@pytest.mark.parametrize(
    "first, second", [("now-a", "now-b"), ("epoch-a", "epoch-b"), ("now-a", "epoch-a")]
)
def test_same_content_and_clock_give_the_same_bytes(
    builds: dict[str, dict[str, bytes]], first: str, second: str
) -> None:
    assert differences(builds[first], builds[second]) == []


def test_a_second_build_in_place_gives_the_same_bytes(tmp_path: Path) -> None:
    """The second build reads the cache the first one left, and writes the same site."""
    root = copy_example(tmp_path, reverse=False, mtime=1_600_000_000)
    first = tree(build(root, "--now", NOW))
    assert (root / ".statuspress-cache").is_dir()
    second = tree(build(root, "--now", NOW))
    assert differences(first, second) == []


def test_a_different_clock_gives_different_bytes(
    builds: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    """The comparison can fail: an hour later the open incident has lasted longer."""
    root = copy_example(tmp_path, reverse=False, mtime=1_600_000_000)
    later = tree(build(root, "--now", "2026-11-22T11:00:00Z"))
    assert "index.html" in differences(builds["now-a"], later)


def test_a_larger_history_builds_the_same_twice(tmp_path: Path) -> None:
    """150 generated incidents: postmortems, maintenances, pagination, every component."""
    sites = []
    for name, seed in (("one", "3"), ("two", "4")):
        root = tmp_path / name
        subprocess.run(
            [sys.executable, "-m", "benchmarks.corpus", str(root), "--incidents", "150"],
            cwd=REPO,
            check=True,
            capture_output=True,
            timeout=300,
        )
        sites.append(tree(build(root, "--now", NOW, PYTHONHASHSEED=seed)))
    assert len(sites[0]) > 200
    assert differences(*sites) == []
