"""Every stage of the leak guard is linear in its input: twenty times the input takes about
twenty times as long, never four hundred (100 KB of "<" once took 19 s to scan)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from statuspress.model import Settings
from statuspress.publishing.leakguard import build_scanner, readable_text_of, scan_tree, text_view
from statuspress.publishing.publictext import Segment, segment_leaks
from statuspress.publishing.readable import markup_view, plain

GUARDED = Settings(
    forbidden_patterns=(r"INC-\d{4}",), private_emails=("ops@acme.example", "@hr.acme.example")
)
SCANNER = build_scanner(GUARDED)
UNITS = [
    "<",
    "<!--",
    "<a ",
    "<<>",
    "&#",
    "&",
    "&amp;",
    '="',
    "\\u",
    "\\",
    "%",
    "\r\n ",
    "\u00ad",
    "password=",
    "password:",
    'api_key":',
    "-----",
    "Bearer ",
    "://a:",
    "@",
    "ops@",
    "AKIA",
    "(",
    "[",
]
NAMES = ["index.html", "history.atom", "calendar.ics", "api.json"]
SMALL, LARGE = 50_000, 1_000_000


def fastest(work: Callable[[], object]) -> float:
    """The best of three runs: other work on the machine only ever adds time."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def assert_linear(work: Callable[[int], object]) -> None:
    small = fastest(lambda: work(SMALL))
    large = fastest(lambda: work(LARGE))
    # Linear: about 20 times; quadratic: about 400 times. The floor keeps timer noise on
    # short runs, and other work on a shared machine, from deciding.
    assert large < max(60 * small, 2.0), (small, large)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("name", NAMES)
def test_scanning_an_output_file_is_linear(unit: str, name: str) -> None:
    def scan(size: int) -> object:
        data = (unit * (size // len(unit))).encode()
        return SCANNER.hits(readable_text_of(data, name))

    assert_linear(scan)


@pytest.mark.parametrize("unit", UNITS)
def test_reading_public_text_is_linear(unit: str) -> None:
    def read(size: int) -> object:
        text = unit * (size // len(unit))
        fields = [Segment("a.md", 2, text), Segment("a.md", 3, text, body=True)]
        return (
            SCANNER.hits(text_view(text)),
            SCANNER.hits(plain(markup_view(text))),
            segment_leaks(SCANNER, "a.md", fields, allow_raw_html=False),
        )

    assert_linear(read)


def test_naming_the_source_of_many_hits_is_linear(tmp_path: Path) -> None:
    """Thousands of different keys in one update: each is matched to its line by lookup."""

    def keys(count: int) -> str:
        return "\n".join(f"AKIA{index:016d}" for index in range(count))

    def scan(size: int) -> object:
        count = size // 100
        root = tmp_path / str(size)
        (root / "incidents/2026-11-20-x").mkdir(parents=True, exist_ok=True)
        (root / "incidents/2026-11-20-x/a.md").write_text(f"---\ntitle: x\n---\n{keys(count)}\n")
        stage = root / ".site-build-x"
        stage.mkdir(exist_ok=True)
        (stage / "index.html").write_text(f"<pre>{keys(count)}</pre>")
        found = scan_tree(stage, root, GUARDED)
        assert len(found) == count
        return found

    assert_linear(scan)
