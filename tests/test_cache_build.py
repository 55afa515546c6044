"""A build with a warm cache writes exactly the bytes of a build without one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, REPO
from statuspress.incremental import memo, outputcache, records
from statuspress.outputs import markdown as rendering
from statuspress.outputs import render
from statuspress.publishing import build
from statuspress.publishing.preparing import RECORDS_FOLDER

NEW_UPDATE = """\
---
at: 2026-11-22T09:59:00Z
status: monitoring
next_update: 20m
---
The fix is deployed in every region; error rates are back to normal and we are watching.
"""


@pytest.fixture(autouse=True)
def pinned_mkdocs_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs stamps sitemap.xml.gz with the wall clock unless SOURCE_DATE_EPOCH is set."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EXAMPLE_NOW.timestamp())))


def corpus(root: Path, incidents: int) -> Path:
    subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus", str(root), "--incidents", str(incidents)],
        cwd=REPO,
        check=True,
    )
    return root / "mkdocs.yml"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def renders_during(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Texts the Markdown converter is asked for from now on."""
    calls: list[str] = []
    original = rendering._render

    def counting(text: str, allow_raw_html: bool) -> str:
        calls.append(text)
        return original(text, allow_raw_html)

    monkeypatch.setattr(rendering, "_render", counting)
    rendering._render_memoized.cache_clear()
    return calls


def test_warm_cache_gives_identical_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = corpus(tmp_path / "root", 25)
    cache_dir = tmp_path / "root" / ".statuspress-cache"
    build.build_site(config, tmp_path / "cold", now=EXAMPLE_NOW)
    assert (cache_dir / memo.MARKDOWN_FILE).is_file()
    assert (cache_dir / memo.SOURCES_FILE).is_file()
    calls = renders_during(monkeypatch)
    build.build_site(config, tmp_path / "warm", now=EXAMPLE_NOW)
    assert calls == []  # everything came from the cache
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


def test_new_update_renders_only_its_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = corpus(tmp_path / "root", 25)
    build.build_site(config, tmp_path / "first", now=EXAMPLE_NOW)
    folder = next(
        p
        for p in sorted((tmp_path / "root" / "incidents").iterdir())
        if p.name.startswith("2026-11-22")
    )
    (folder / "20261122T0959Z-monitoring.md").write_text(NEW_UPDATE, encoding="utf-8")
    calls = renders_during(monkeypatch)
    build.build_site(config, tmp_path / "warm", now=EXAMPLE_NOW)
    assert set(calls) <= {NEW_UPDATE.split("---\n")[2].strip()}
    shutil.rmtree(tmp_path / "root" / ".statuspress-cache")
    build.build_site(config, tmp_path / "cold", now=EXAMPLE_NOW)
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


def test_damaged_cache_still_builds_the_same_site(tmp_path: Path) -> None:
    config = corpus(tmp_path / "root", 10)
    build.build_site(config, tmp_path / "first", now=EXAMPLE_NOW)
    cache_dir = tmp_path / "root" / ".statuspress-cache"
    for name in (memo.MARKDOWN_FILE, memo.SOURCES_FILE):
        data = (cache_dir / name).read_bytes()
        (cache_dir / name).write_bytes(data[: len(data) // 3] + b"\x00garbage")
    build.build_site(config, tmp_path / "second", now=EXAMPLE_NOW)
    assert tree(tmp_path / "second") == tree(tmp_path / "first")


@pytest.mark.parametrize("processes", [1, 2])
def test_a_cold_build_keeps_every_text_in_the_markdown_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, processes: int
) -> None:
    """What a helper process renders comes back to the build, which saves it."""

    def use_processes(count: int) -> None:
        threshold = 1 if count == 2 else 10**9
        monkeypatch.setattr(records, "PARALLEL_MIN_FOLDERS", threshold)
        monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", threshold)
        monkeypatch.setattr(render, "PARALLEL_MIN_INCIDENTS", threshold)

    use_processes(processes)
    config = corpus(tmp_path / "root", 25)
    build.build_site(config, tmp_path / "cold", now=EXAMPLE_NOW)
    cache_dir = tmp_path / "root" / ".statuspress-cache"
    for made in (RECORDS_FOLDER, outputcache.OutputCache.FOLDER):  # all is made again
        shutil.rmtree(cache_dir / made)
    use_processes(1)  # so that every text rendered is seen here
    calls = renders_during(monkeypatch)
    build.build_site(config, tmp_path / "warm", now=EXAMPLE_NOW)
    assert calls == []
    assert tree(tmp_path / "warm") == tree(tmp_path / "cold")


def mkdocs_build(config: Path, site_dir: Path) -> tuple[int, int]:
    """A plain `mkdocs build`, in this process: (incident folders reused, computed)."""
    from mkdocs.commands.build import build as plain_build
    from mkdocs.config import load_config

    counts: list[tuple[int, int]] = []
    original = records.IncidentRecords.load_folders

    def counting(self: records.IncidentRecords, *args: object) -> object:
        loaded = original(self, *args)  # type: ignore[arg-type]
        counts.append((self.reused, self.computed))
        return loaded

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records.IncidentRecords, "load_folders", counting)
        plain_build(load_config(config_file=str(config), site_dir=str(site_dir)))
    (found,) = counts
    return found


def test_plain_mkdocs_build_reuses_what_did_not_change(tmp_path: Path) -> None:
    """`mkdocs build` (and `mkdocs serve`) load the content through the incident records as
    `statuspress build` does: a rebuild after one change computes that incident only, and
    the site is what `statuspress build` makes, byte for byte."""
    config = corpus(tmp_path / "root", 25)
    assert mkdocs_build(config, tmp_path / "plain") == (0, 25)
    assert mkdocs_build(config, tmp_path / "plain") == (25, 0)
    open_incident = sorted((tmp_path / "root" / "incidents").iterdir())[-1]
    (open_incident / "20261122T0959Z-monitoring.md").write_text(NEW_UPDATE, encoding="utf-8")
    assert mkdocs_build(config, tmp_path / "plain") == (24, 1)
    build.build_site(config, tmp_path / "ours", now=EXAMPLE_NOW)
    assert tree(tmp_path / "plain") == tree(tmp_path / "ours")
