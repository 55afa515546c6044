"""Right-to-left and multi-language sites in a real headless Chromium, checked with axe-core.

Set STATUSPRESS_UPDATE_SCREENSHOTS=1 to refresh the Languages guide's screenshots in
docs/pages/screenshots/ from this run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_NOW, copy_example, require_tool, served
from statuspress.publishing.build import build_site
from test_browser import AXE, DESKTOP, LAUNCH_ARGS, PHONE, SCREENSHOTS, WCAG_AA

pytestmark = pytest.mark.browser


def _built(root: Path, theme: str = "", options: str = "") -> Path:
    copy_example(root)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  name: statuspress\n", f"  name: statuspress\n{theme}", 1)
    config = config.replace("      timezone: UTC\n", f"      timezone: UTC\n{options}", 1)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = require_tool("chromium", "/usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def arabic_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site in Arabic: one of the right-to-left sites, and the one the guide shows."""
    site = _built(tmp_path_factory.mktemp("ar"), "  language: ar\n")
    with served(site) as url:
        yield url


@pytest.fixture(scope="module", params=["ar", "he"])
def rtl_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    code = request.param
    if code == "ar":
        yield request.getfixturevalue("arabic_site")
        return
    site = _built(tmp_path_factory.mktemp(code), f"  language: {code}\n")
    with served(site) as url:
        yield url


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = _built(tmp_path_factory.mktemp("multi"), options="      languages: [fr, ja]\n")
    with served(site) as url:
        yield url


def _open(browser: Any, url: str, viewport: dict[str, int] = DESKTOP) -> Any:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url, wait_until="load")
    assert errors == []
    return page


def _axe_problems(page: Any) -> list[str]:
    axe = Path(require_tool("axe-core", str(AXE)))
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    assert len(result["passes"]) > 10  # axe really ran
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['html'][:120]})"
        for v in result["violations"]
    ]


def test_a_right_to_left_site_mirrors_its_layout(browser: Any, rtl_site: str) -> None:
    page = _open(browser, rtl_site)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    brand = page.locator("header .brand").bounding_box()
    nav = page.locator("header nav").first.bounding_box()
    assert brand["x"] > nav["x"]  # the site's name starts the header, on the right
    incident = page.locator("article.incident").first
    border = incident.evaluate("e => getComputedStyle(e).borderRightWidth")
    assert border == "4px"  # the incident's accent is on its reading-start side
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= DESKTOP["width"]


def test_uptime_bars_read_oldest_to_newest_from_right_to_left(browser: Any, rtl_site: str) -> None:
    page = _open(browser, rtl_site)
    bar = page.locator("li:has(a[href='components/dashboard/']) svg.bars")
    days = bar.locator("rect[class^=d-]")
    assert days.count() == 2  # 14 October, then 29 October
    older, newer = (days.nth(i).bounding_box() for i in range(2))
    assert older["x"] > newer["x"]
    svg = bar.bounding_box()
    assert newer["x"] > svg["x"]  # within the bar, the newest nearer its left end


@pytest.mark.parametrize(
    "path", ["", "2026-11-22-webhook-delays/", "history/", "components/webhooks/"]
)
def test_a_right_to_left_site_has_no_wcag_aa_violations(
    browser: Any, rtl_site: str, path: str
) -> None:
    assert _axe_problems(_open(browser, rtl_site + path)) == []


@pytest.mark.parametrize("path", ["fr/", "ja/2026-11-22-webhook-delays/", ""])
def test_language_trees_and_their_switcher_have_no_wcag_aa_violations(
    browser: Any, multilingual: str, path: str
) -> None:
    assert _axe_problems(_open(browser, multilingual + path)) == []


def test_the_switcher_leads_to_the_same_page_in_another_language(
    browser: Any, multilingual: str
) -> None:
    page = _open(browser, multilingual + "history/")
    page.locator("nav.languages a[hreflang=ja]").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/ja/history/") or page.url.endswith("ja/history/")
    assert page.evaluate("document.documentElement.lang") == "ja"
    assert page.locator("nav.languages [aria-current=true]").inner_text() == "日本語"
    stylesheet = page.evaluate("getComputedStyle(document.body).maxWidth")
    assert stylesheet == "800px"  # the site's one stylesheet reached from the tree


def test_screenshots_for_the_languages_guide(
    browser: Any, arabic_site: str, multilingual: str, tmp_path: Path
) -> None:
    rtl = _open(browser, arabic_site, PHONE)
    assert rtl.evaluate("document.documentElement.lang") == "ar"
    shots = {
        "languages-rtl-phone.png": rtl,
        "languages-switcher-phone.png": _open(browser, multilingual + "fr/", PHONE),
    }
    for filename, page in shots.items():
        page.screenshot(path=str(tmp_path / filename))
        assert (tmp_path / filename).stat().st_size > 10_000
    if os.environ.get("STATUSPRESS_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for filename in shots:
            shutil.copy(tmp_path / filename, SCREENSHOTS / filename)
