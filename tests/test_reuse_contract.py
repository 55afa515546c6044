"""The reuse contract: a resolved incident's pages are rendered once, with that build's clock
and a site of that incident alone, and every later build publishes them as they are while
the incident's record key holds (incremental.records.reusable_pages says what they may
depend on). A page that showed the time or other incidents would go stale silently, so a
rebuild at a much later clock, with other incidents added, must publish exactly what a cold
build at that clock publishes."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import statuspress.theme
from conftest import EXAMPLE_NOW, copy_example, tree_bytes, write_files
from test_records import as_a_real_site, build, spy

THEME = Path(statuspress.theme.__file__).parent
LATER = EXAMPLE_NOW + timedelta(days=400)  # past every uptime window and "recent" list


def first_update(title: str, at: str, text: str) -> str:
    """An incident's first update: minor, the API degraded, the next update within the hour."""
    return (
        f"---\ntitle: {title}\nat: {at}\nstatus: investigating\nimpact: minor\n"
        f"components:\n  api: degraded_performance\nnext_update: 1h\n---\n{text}\n"
    )


# Incidents between the two clocks: one resolved, one still open at LATER.
ADDED = {
    "incidents/2027-06-02-search-slow/20270602T0900Z-investigating.md": first_update(
        "Search is slow",
        "2027-06-02T09:00:00Z",
        "Searches take up to ten seconds. We are finding out why.",
    ),
    "incidents/2027-06-02-search-slow/20270602T0940Z-resolved.md": (
        "---\nat: 2027-06-02T09:40:00Z\nstatus: resolved\n---\n"
        "Searches are fast again: a slow index rebuild is finished. Thank you for your patience.\n"
    ),
    "incidents/2027-12-27-login-errors/20271227T0930Z-investigating.md": first_update(
        "Some sign-ins fail",
        "2027-12-27T09:30:00Z",
        "Some sign-ins fail with an error. We are looking into it.",
    ),
}


def site_root(root: Path, example_clock: bool) -> Path:
    copy_example(root)
    return root if example_clock else as_a_real_site(root)


@pytest.mark.parametrize("example_clock", [False, True], ids=["site", "example site"])
def test_pages_reused_at_a_later_clock_are_what_a_cold_build_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_clock: bool
) -> None:
    warm_root = site_root(tmp_path / "warm", example_clock)
    build(warm_root, now=EXAMPLE_NOW)
    write_files(warm_root, ADDED)
    made = spy(monkeypatch)
    warm = tree_bytes(build(warm_root, now=LATER))

    cold_root = site_root(tmp_path / "cold", example_clock)
    write_files(cold_root, ADDED)
    cold = tree_bytes(build(cold_root, now=LATER, clean=True))

    assert {name for name in warm if warm[name] != cold.get(name)} == set()
    assert warm.keys() == cold.keys()
    reused = made[0]
    if example_clock:  # the note on every page shows the clock: nothing is reused across clocks
        assert reused.reused == 0
    else:  # the resolved incidents' records (and pages) were reused, not made again
        assert reused.reused >= 5 and reused.computed == len({p.split("/")[1] for p in ADDED})
        assert any(name.startswith("2026-09-08-") for name in reused.pages)


def test_the_comparison_catches_a_page_that_shows_the_clock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A theme whose incident page shows the build time breaks the contract: its reused
    pages then differ from a cold build's, and the comparison above says which."""
    roots = {}
    for kind in ("warm", "cold"):
        root = roots[kind] = site_root(tmp_path / kind, example_clock=False)
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        config.write_text(
            text.replace("name: statuspress", "name: statuspress\n  custom_dir: overrides", 1)
        )
        page = (THEME / "incident.html").read_text(encoding="utf-8")
        write_files(
            root,
            {"overrides/incident.html": page.replace("</h1>", "</h1><p>{{ now | iso }}</p>", 1)},
        )
    build(roots["warm"], now=EXAMPLE_NOW)
    write_files(roots["warm"], ADDED)
    warm = tree_bytes(build(roots["warm"], now=LATER))
    write_files(roots["cold"], ADDED)
    cold = tree_bytes(build(roots["cold"], now=LATER, clean=True))
    stale = {name for name in warm if warm[name] != cold.get(name)}
    assert stale and all(
        name.endswith("/index.html") and "-" in name.split("/")[0] for name in stale
    )
