"""The example site in a real headless Chromium: layout, colour schemes, requests, accessibility.

Set STATUSPRESS_UPDATE_SCREENSHOTS=1 to also refresh the screenshots of the README and the
documentation site, in docs/pages/screenshots/, from this run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import IN_CI, REPO, require_tool, served

pytestmark = pytest.mark.browser

TOOLS = Path(os.environ.get("STATUSPRESS_TOOLS", "/opt/statuspress-tools"))
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "pages" / "screenshots"
# Debian's chromium as root, on a machine whose network is closed: no sandbox, no GPU, and none
# of the background connections that would otherwise be refused at every start.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PAGES = {
    "status": "",
    "incident": "2026-11-22-webhook-delays/",
    "history": "history/",
    "postmortem": "2026-10-14-api-and-dashboard-outage/postmortem/",
    "component": "components/webhooks/",
}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Visit:
    """One page load: what the page asked for and complained about."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_tool("chromium", "/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if IN_CI:
            pytest.fail("playwright is not installed; .ci/run must install the test extra")
        pytest.skip("playwright is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    with served(example_site) as url:
        yield url


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Any]:
    contexts = []

    def open_page(path: str, viewport: dict[str, int] = DESKTOP, scheme: str = "light") -> Visit:
        context = browser.new_context(viewport=viewport, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        seen = Visit(page)
        page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
        page.on("pageerror", lambda error: seen.console_errors.append(str(error)))
        page.route("**/*", lambda route: _local_only(route, base_url, seen))
        page.goto(base_url + path, wait_until="load")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def _local_only(route: Any, base_url: str, seen: Visit) -> None:
    if route.request.url.startswith(base_url):
        route.continue_()
    else:
        seen.foreign_requests.append(route.request.url)
        route.abort()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_render_cleanly(
    visit: Any, name: str, viewport: dict[str, int], scheme: str, tmp_path: Path
) -> None:
    seen = visit(PAGES[name], viewport, scheme)
    assert seen.console_errors == []
    assert seen.foreign_requests == []
    width = seen.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{name} scrolls sideways at {viewport['width']} px"
    shot = tmp_path / f"{name}.png"
    seen.page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 5_000


def test_the_status_answers_above_the_fold_on_a_phone(visit: Any) -> None:
    page = visit("", PHONE, "dark").page
    banner = page.locator("section.banner").bounding_box()
    assert banner is not None and banner["y"] < 200
    assert page.get_by_text("Partial System Outage").is_visible()
    next_due = page.locator("li.next").first
    assert "Next update due" in next_due.inner_text()
    assert next_due.bounding_box()["y"] < PHONE["height"] * 1.5


def test_dark_and_light_schemes_follow_the_system(visit: Any) -> None:
    script = "getComputedStyle(document.body).backgroundColor"
    light = visit("", DESKTOP, "light").page.evaluate(script)
    dark = visit("", DESKTOP, "dark").page.evaluate(script)
    assert light != dark
    assert _luminance(light) > 0.8 > 0.2 > _luminance(dark)


def test_postmortem_prints_without_navigation(visit: Any) -> None:
    page = visit(PAGES["postmortem"]).page
    page.emulate_media(media="print")
    assert not page.locator("header.top nav").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.locator("main table").first.is_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["status", "incident", "history", "postmortem", "component"])
def test_no_wcag_aa_violations(visit: Any, name: str, scheme: str) -> None:
    axe = Path(require_tool("axe-core", str(AXE)))
    page = visit(PAGES[name], DESKTOP, scheme).page
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    problems = [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
    ]
    assert problems == []
    assert len(result["passes"]) > 10  # axe really ran


def test_screenshots_for_the_readme(visit: Any, tmp_path: Path) -> None:
    """Desktop light and phone dark status page, and a postmortem, as in the README and docs."""
    shots = {
        "status-desktop-light.png": visit("", DESKTOP, "light"),
        "status-phone-dark.png": visit("", PHONE, "dark"),
        "postmortem-desktop-light.png": visit(PAGES["postmortem"], DESKTOP, "light"),
    }
    for filename, seen in shots.items():
        seen.page.screenshot(path=str(tmp_path / filename), full_page=filename.startswith("s"))
        assert (tmp_path / filename).stat().st_size > 10_000
    if os.environ.get("STATUSPRESS_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for filename in shots:
            shutil.copy(tmp_path / filename, SCREENSHOTS / filename)


def _luminance(css_colour: str) -> float:
    """Relative brightness 0..1 of an `rgb(r, g, b)` computed colour."""
    parts = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")
    red, green, blue = (float(part) / 255 for part in parts[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
