"""The example built at a fixed clock equals tests/golden/site/ byte for byte, cold and warm.

A change that alters output on both the cold and the incremental path shows here as a diff;
after an intended change, run `python tests/golden/update.py` and review the diff.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW
from golden.update import GOLDEN, build_example
from statuspress.publishing.build import build_site

UPDATE = "python tests/golden/update.py"


def _files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _first_difference(name: str, expected: bytes, actual: bytes) -> str:
    try:
        lines = difflib.unified_diff(
            expected.decode().splitlines(), actual.decode().splitlines(), "golden", "built", n=1
        )
        return "\n".join(list(lines)[:20])
    except UnicodeDecodeError:
        return f"{name}: {len(expected)} bytes expected, {len(actual)} built"


def assert_golden(site: Path) -> None:
    expected, actual = _files(GOLDEN), _files(site)
    missing, extra = sorted(expected.keys() - actual), sorted(actual.keys() - expected)
    assert not missing and not extra, f"missing {missing}, extra {extra}; if intended: {UPDATE}"
    changed = [name for name in expected if expected[name] != actual[name]]
    if changed:
        detail = _first_difference(changed[0], expected[changed[0]], actual[changed[0]])
        pytest.fail(
            f"{len(changed)} files differ, first {changed[0]}:\n{detail}\nIf intended: {UPDATE}"
        )


def test_the_golden_site_is_there() -> None:
    assert len(_files(GOLDEN)) > 40, f"tests/golden/site/ is missing: {UPDATE}"


def test_a_cold_build_equals_the_golden_site(tmp_path: Path) -> None:
    assert_golden(build_example(tmp_path))


def test_a_warm_build_equals_the_golden_site(tmp_path: Path) -> None:
    site = build_example(tmp_path)  # fills the cache and records
    build_site(tmp_path / "mkdocs.yml", site, EXAMPLE_NOW)
    assert_golden(site)
