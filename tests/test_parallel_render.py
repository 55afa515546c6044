"""Rendering in a forked helper process writes exactly what one process writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, calls_of, tree_bytes
from statuspress.outputs import render
from statuspress.publishing.build import build_site

from benchmarks.corpus import generate, write_site


def test_parallel_and_serial_builds_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_site(tmp_path / "src", generate(60))
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 10**9)
    monkeypatch.setattr(render, "PARALLEL_MIN_INCIDENTS", 10**9)
    build_site(config, tmp_path / "serial", EXAMPLE_NOW)
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    build_site(config, tmp_path / "parallel", EXAMPLE_NOW)
    serial, parallel = tree_bytes(tmp_path / "serial"), tree_bytes(tmp_path / "parallel")
    assert len(serial) > 100
    assert serial.keys() == parallel.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []


def test_output_cache_entries_made_by_the_helper_are_kept_for_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever process formats the feeds, the next build finds them in the cache."""
    import os
    import time

    from statuspress.incremental import forking
    from statuspress.outputs import feeds

    config = write_site(tmp_path / "src", generate(60))
    parent = os.getpid()
    original_take = forking.SharedCounter.take

    def helper_first(self, count):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 30
        while os.getpid() == parent and self.taken == 0 and time.monotonic() < deadline:
            time.sleep(0.001)  # the helper takes the first item: the feeds
        return original_take(self, count)

    monkeypatch.setattr(forking.SharedCounter, "take", helper_first)
    monkeypatch.setattr(render, "PARALLEL_MIN_INCIDENTS", 1)
    build_site(config, tmp_path / "first", EXAMPLE_NOW)
    formatted = calls_of(monkeypatch, feeds, "_render_feed")
    monkeypatch.setattr(render, "PARALLEL_MIN_INCIDENTS", 10**9)  # formatting here is seen
    build_site(config, tmp_path / "second", EXAMPLE_NOW)
    assert formatted == []
    assert tree_bytes(tmp_path / "first") == tree_bytes(tmp_path / "second")


def test_a_leak_is_reported_alike_whichever_process_rendered_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statuspress.publishing.build import BuildFailed

    config = write_site(tmp_path / "src", generate(60))
    newest = max((config.parent / "incidents").iterdir())
    update = sorted(newest.glob("*.md"))[0]
    update.write_text(update.read_text() + "\nThe old key AKIAIOSFODNN7EXAMPLE is revoked.\n")
    reports = []
    for threshold in (10**9, 1):
        monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", threshold)
        monkeypatch.setattr(render, "PARALLEL_MIN_INCIDENTS", threshold)
        with pytest.raises(BuildFailed) as failure:
            build_site(config, tmp_path / "site", EXAMPLE_NOW)
        reports.append(failure.value.diagnostics)
    serial, parallel = reports
    assert [d.rule for d in serial] == ["secret"]
    assert parallel == serial
    assert not (tmp_path / "site").exists()
