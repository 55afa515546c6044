"""In a real Chromium: times in the reader's own zone (option local_times) and the favicon of
the current state.

The example site is built with `local_times: true` and read under several time zones; with
scripts off the page is byte for byte the one the build wrote. A Content-Security-Policy of
`script-src 'self'` lets the script run. The favicon is read from small sites built at clocks
where they are operational, degraded, in an outage and under maintenance.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timezone
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, copy_example, served, write_files
from statuspress.publishing.build import build_site
from test_browser import AXE, WCAG_AA, browser  # noqa: F401 - the module's Chromium, as a fixture

pytestmark = pytest.mark.browser

INCIDENT = "2026-11-22-webhook-delays/"
CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'"


class _CspHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_example(tmp_path_factory.mktemp("local-times"))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      timezone: UTC\n", "      timezone: UTC\n      local_times: true\n"),
        encoding="utf-8",
    )
    assert "local_times: true" in config.read_text(encoding="utf-8")
    build_site(config, root / "site", EXAMPLE_NOW)
    return root / "site"


@pytest.fixture(scope="module")
def local_url(local_site: Path) -> Iterator[str]:
    with served(local_site, _CspHandler) as url:
        yield url


def _open(chrome: Any, url: str, **options: Any) -> tuple[Any, list[str]]:
    context = chrome.new_context(**options)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("response", lambda r: r.status >= 400 and errors.append(f"{r.status} {r.url}"))
    page.goto(url, wait_until="load")
    return page, errors


def _times(page: Any) -> list[tuple[str, str, str]]:
    found = page.eval_on_selector_all(
        "time[datetime]", "els => els.map(e => [e.dateTime, e.textContent, e.title])"
    )
    # CLDR's English puts a narrow no-break space before AM/PM, in Babel and in the browser.
    return [tuple(part.replace("\u202f", " ") for part in row) for row in found]


@pytest.mark.parametrize(
    ("zone", "locale", "clock", "name"),
    [
        ("Asia/Tokyo", "ja-JP", "7:00 PM", "JST"),
        ("America/New_York", "en-US", "5:00 AM", "EST"),
        ("Europe/Berlin", "de-DE", "11:00 AM", "MEZ"),
    ],
)
def test_times_are_shown_in_the_readers_zone(
    browser: Any,  # noqa: F811
    local_url: str,
    zone: str,
    locale: str,
    clock: str,
    name: str,
) -> None:
    page, errors = _open(browser, local_url, timezone_id=zone, locale=locale)
    times = _times(page)
    assert times, "the page has no times"
    for _, text, title in times:
        assert text.endswith(f" your time ({name})") or not re.search(r"\d:\d\d", title), text
        assert title.endswith(" UTC"), title  # the site's own text, kept as the tooltip
    generated = page.locator("footer time").last
    shown = generated.text_content().replace("\u202f", " ")
    assert shown == f"Nov 22, 2026, {clock} your time ({name})"  # the page's language, en
    note = page.locator("#zone-note").text_content()
    assert note == f"Times are shown in your time zone, {zone}."
    assert errors == []  # the CSP allowed the script, and nothing was missing


def test_a_time_across_midnight_changes_its_date(
    browser: Any,  # noqa: F811
    local_url: str,
) -> None:
    page, _ = _open(browser, local_url + INCIDENT, timezone_id="Pacific/Auckland", locale="en-NZ")
    texts = [text for _, text, _ in _times(page)]
    # 22 Nov 2026, 09:04 UTC is 22:04 the same day in Auckland (NZDT, UTC+13).
    assert any(t.startswith("Nov 22, 2026, 10:04 PM your time (NZDT)") for t in texts), texts


def test_in_the_sites_own_zone_nothing_changes(
    browser: Any,  # noqa: F811
    local_url: str,
    local_site: Path,
) -> None:
    page, _ = _open(browser, local_url, timezone_id="UTC")
    assert all(text == title or not title for _, text, title in _times(page))
    assert all(" your time " not in text for _, text, _ in _times(page))


def test_without_scripts_the_page_is_the_built_one(
    browser: Any,  # noqa: F811
    local_url: str,
    local_site: Path,
) -> None:
    page, errors = _open(browser, local_url, timezone_id="Asia/Tokyo", java_script_enabled=False)
    built = (local_site / "index.html").read_text(encoding="utf-8")
    shown = [text for _, text, _ in _times(page)]
    written = [
        text.replace("\u202f", " ")
        for text in re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", built)
    ]
    assert shown == written
    assert all(text.endswith(" UTC") for text in shown)
    assert page.locator("#zone-note").text_content() == "Times are shown in UTC."
    assert errors == []


def test_the_rewritten_page_passes_axe(
    browser: Any,  # noqa: F811
    local_url: str,
) -> None:
    page, _ = _open(
        browser, local_url + INCIDENT, timezone_id="Asia/Tokyo", locale="ja-JP", bypass_csp=True
    )
    assert "your time" in page.locator("time").first.text_content()
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    assert [v["id"] for v in result["violations"]] == []


# ---------------------------------------------------------------------------------------------
# The favicon

SMALL_SITE = {
    "incidents/2026-11-20-db/20261120T1000Z-scheduled.md": """\
        ---
        at: 2026-11-20T10:00:00Z
        kind: maintenance
        status: scheduled
        title: Database upgrade
        window:
          start: 2026-12-01T02:00:00Z
          end: 2026-12-01T04:00:00Z
        components:
          api: under_maintenance
        ---
        We upgrade the database; the API answers read-only for up to 2 hours.
        """,
    "incidents/2026-12-02-slow/20261202T1000Z-investigating.md": """\
        ---
        at: 2026-12-02T10:00:00Z
        status: investigating
        title: Slow dashboard
        impact: minor
        next_update: 1h
        components:
          dashboard: degraded_performance
        ---
        The dashboard loads slowly for some customers; we are looking into it.
        """,
    "incidents/2026-12-02-slow/20261202T1100Z-identified.md": """\
        ---
        at: 2026-12-02T11:00:00Z
        status: identified
        impact: major
        next_update: 1h
        components:
          dashboard: major_outage
        ---
        The dashboard does not load at all: a failed deploy; we are rolling it back.
        """,
    "incidents/2026-12-02-slow/20261202T1200Z-resolved.md": """\
        ---
        at: 2026-12-02T12:00:00Z
        status: resolved
        components:
          dashboard: operational
        ---
        The dashboard works again for everyone since 11:50 UTC. We are sorry that for two hours
        you could not see your dashboards; we will publish a postmortem by 9 December.
        """,
    "incidents/2026-11-20-db/20261201T0400Z-completed.md": """\
        ---
        at: 2026-12-01T04:00:00Z
        status: completed
        components:
          api: operational
        ---
        The upgrade is done and the API answers as before.
        """,
}
MAINTENANCE = "incidents/2026-11-20-db/"
SLOW = "incidents/2026-12-02-slow/"
# Each state: the clock, and the files published by then.
STATES = {
    "operational": (datetime(2026, 12, 3, tzinfo=timezone.utc), tuple(SMALL_SITE)),
    "maintenance": (
        datetime(2026, 12, 1, 3, tzinfo=timezone.utc),
        (f"{MAINTENANCE}20261120T1000Z-scheduled.md",),
    ),
    "degraded": (
        datetime(2026, 12, 2, 10, 30, tzinfo=timezone.utc),
        (f"{SLOW}20261202T1000Z-investigating.md",),
    ),
    "outage": (
        datetime(2026, 12, 2, 11, 30, tzinfo=timezone.utc),
        (f"{SLOW}20261202T1000Z-investigating.md", f"{SLOW}20261202T1100Z-identified.md"),
    ),
}


@pytest.mark.parametrize("state", sorted(STATES))
def test_the_favicon_follows_the_state(
    browser: Any,  # noqa: F811
    state: str,
    tmp_path: Path,
) -> None:
    clock, published = STATES[state]
    files = {name: SMALL_SITE[name] for name in published}
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, **files})
    site = tmp_path / "site"
    build_site(tmp_path / "mkdocs.yml", site, clock)
    with served(site, partial(_CspHandler)) as url:
        for path in ("", "history/", "404.html"):
            page, errors = _open(browser, url + path)
            icons = page.eval_on_selector_all(
                "link[rel=icon]", "els => els.map(e => [e.href, e.type])"
            )
            assert {href.rsplit("/", 1)[1] for href, _ in icons} == {"favicon.ico", "favicon.svg"}
            svg = next(href for href, kind in icons if kind == "image/svg+xml")
            answer = page.request.get(svg)
            assert answer.ok and f'data-state="{state}"' in answer.text()
            ico = page.request.get(url + "favicon.ico")
            assert ico.ok and ico.body()[:4] == b"\x00\x00\x01\x00"
            assert errors == []
