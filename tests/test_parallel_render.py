"""Rendering pages in a forked helper process writes exactly what one process writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, tree_bytes
from statuspress import render
from statuspress.build import build_site

from benchmarks.corpus import generate, write_site


def test_parallel_and_serial_builds_are_byte_identical(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_site(tmp_path / "src", generate(60))
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 10**9)
    build_site(config, tmp_path / "serial", EXAMPLE_NOW)
    monkeypatch.setattr(render, "PARALLEL_MIN_PAGES", 1)
    build_site(config, tmp_path / "parallel", EXAMPLE_NOW)
    serial, parallel = tree_bytes(tmp_path / "serial"), tree_bytes(tmp_path / "parallel")
    assert len(serial) > 100
    assert serial.keys() == parallel.keys()
    assert [name for name in serial if serial[name] != parallel[name]] == []
