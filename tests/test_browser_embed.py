"""The embed and the widget in a real Chromium, on a host page of another origin.

The status site is served on one port with the header GitHub Pages sends
(Access-Control-Allow-Origin: *), the customer's page on another. Set
STATUSPRESS_UPDATE_SCREENSHOTS=1 to refresh the documentation's screenshots of both.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLE_NOW, copy_example, require_tool, served
from statuspress.publishing.build import build_site
from test_browser import AXE, SCREENSHOTS, WCAG_AA, _luminance, browser  # noqa: F401

pytestmark = pytest.mark.browser

# What Chromium itself logs for a request that failed; no script can keep it out of the
# console, and it is not an error of the widget's.
BROWSER_NETWORK_LINES = ("Failed to load resource", "has been blocked by CORS policy")
EMBED_SIZE = {"width": 420, "height": 220}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class _Cors(_Quiet):
    """A static host that sends what GitHub Pages sends on every file."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()


@pytest.fixture(scope="module")
def status_url(example_site: Path) -> Iterator[str]:
    with served(example_site, _Cors) as url:
        yield url


def host_page(root: Path, name: str, body: str) -> None:
    page = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Shop</title>"
        "<link rel='icon' href='data:,'></head>"
        f"<body><h1>Acme Shop</h1><p>Welcome.</p>{body}</body></html>"
    )
    (root / name).write_text(page, encoding="utf-8")


@pytest.fixture(scope="module")
def customer(tmp_path_factory: pytest.TempPathFactory, status_url: str) -> Iterator[str]:
    """The customer's own site, on another origin, with pages that include the widget."""
    root = tmp_path_factory.mktemp("customer")
    widget = f"<script src='{status_url}widget.js' async"
    host_page(root, "plain.html", f"{widget}></script>")
    host_page(root, "inline.html", f"<p>Status: {widget} data-position='inline'></script></p>")
    host_page(root, "quiet.html", f"{widget} data-components='Backups'></script>")
    host_page(root, "always.html", f"{widget} data-components='backups' data-always-show></script>")
    hostile = (
        "<style>*{color:rgb(255,0,0)!important;font-size:40px!important;"
        "font-family:serif!important}statuspress-widget{display:none;opacity:0}"
        "a{display:none!important}div{border:9px solid red}</style>"
    )
    host_page(root, "hostile.html", f"{hostile}{widget}></script>")
    host_page(
        root,
        "frame.html",
        f"<iframe src='{status_url}embed/' title='Service status' width='420' height='220'>"
        "</iframe>",
    )
    with served(root) as url:
        yield url


class Visit:
    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda m: m.type in ("error", "warning") and self.console.append(m.text))
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))

    @property
    def script_errors(self) -> list[str]:
        return [line for line in self.console if not any(n in line for n in BROWSER_NETWORK_LINES)]


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:  # noqa: F811
    contexts = []

    def open_page(url: str, scheme: str = "light", motion: str = "no-preference") -> Visit:
        context = browser.new_context(color_scheme=scheme, reduced_motion=motion)
        contexts.append(context)
        seen = Visit(context.new_page())
        seen.page.goto(url, wait_until="load")
        return seen

    yield open_page
    for context in contexts:
        context.close()


def banner(page: Any) -> Any:
    """The widget's link inside its shadow root (Playwright's CSS locators pierce it)."""
    return page.locator("statuspress-widget a.b")


def test_the_widget_shows_the_open_incident_on_another_origin(
    visit: Any, customer: str, status_url: str
) -> None:
    seen = visit(customer + "plain.html")
    link = banner(seen.page)
    link.wait_for()
    assert "Webhook deliveries delayed" in link.inner_text()
    assert link.get_attribute("href") == status_url
    region = seen.page.locator("statuspress-widget [role=status]")
    assert region.get_attribute("aria-live") == "polite"
    box = link.bounding_box()
    assert box is not None and box["x"] > 500  # bottom right of a 1280 px window
    assert seen.page.evaluate("document.querySelector('statuspress-widget').shadowRoot") is not None
    assert seen.console == []


def test_the_widget_can_sit_where_its_tag_is(visit: Any, customer: str) -> None:
    page = visit(customer + "inline.html").page
    banner(page).wait_for()
    assert (
        page.evaluate(
            "document.querySelector('p > statuspress-widget') !== null"
            " && getComputedStyle(document.querySelector('statuspress-widget')).position"
        )
        == "static"
    )


def test_the_widget_is_silent_when_all_is_well_unless_asked(visit: Any, customer: str) -> None:
    quiet = visit(customer + "quiet.html")
    quiet.page.locator("statuspress-widget [role=status]").wait_for(state="attached")
    quiet.page.wait_for_timeout(200)
    assert banner(quiet.page).count() == 0
    assert quiet.console == []
    always = visit(customer + "always.html")
    banner(always.page).wait_for()
    assert "Operational" in banner(always.page).inner_text()


def test_the_host_pages_css_does_not_reach_the_widget(visit: Any, customer: str) -> None:
    page = visit(customer + "hostile.html").page
    link = banner(page)
    link.wait_for()
    style = link.evaluate(
        "a => { const s = getComputedStyle(a); return [s.color, s.fontSize, s.display] }"
    )
    assert style[0] != "rgb(255, 0, 0)" and style[1] == "14px" and style[2] == "block"
    host = page.evaluate("getComputedStyle(document.querySelector('statuspress-widget')).display")
    assert host == "block"  # the host's `statuspress-widget{display:none}` loses
    # and the widget's styles stay in its shadow root: the host's own text is untouched
    assert page.evaluate("getComputedStyle(document.querySelector('h1')).fontSize") == "40px"


def test_the_widget_respects_reduced_motion(visit: Any, customer: str) -> None:
    moving = visit(customer + "plain.html")
    still = visit(customer + "plain.html", motion="reduce")
    names = []
    for seen in (moving, still):
        banner(seen.page).wait_for()
        names.append(banner(seen.page).evaluate("a => getComputedStyle(a).animationName"))
    assert names == ["in", "none"]


@pytest.mark.parametrize("api", ["missing", "no-cors", "not-json"])
def test_the_widget_fails_silently(
    visit: Any, tmp_path: Path, example_site: Path, api: str
) -> None:
    """The status site's API cannot be read: no widget, no script error, nothing thrown."""
    site = tmp_path / "status"
    site.mkdir()
    shutil.copy(example_site / "widget.js", site / "widget.js")
    if api == "no-cors":
        shutil.copytree(example_site / "api", site / "api")
    elif api == "not-json":
        (site / "api" / "v2").mkdir(parents=True)
        (site / "api" / "v2" / "summary.json").write_text("<html>maintenance</html>")
    customer = tmp_path / "customer"
    customer.mkdir()
    handler = _Quiet if api == "no-cors" else _Cors
    with served(site, handler) as status, served(customer) as shop:
        host_page(customer, "page.html", f"<script src='{status}widget.js'></script>")
        seen = visit(shop + "page.html")
        seen.page.wait_for_timeout(500)
        assert banner(seen.page).count() == 0
        assert seen.script_errors == []


def test_the_embed_is_framed_by_another_origin(visit: Any, customer: str) -> None:
    seen = visit(customer + "frame.html")
    frame = seen.page.frame_locator("iframe")
    heading = frame.locator("h1")
    heading.wait_for()
    assert "Partial System Outage" in heading.inner_text()
    assert frame.locator("a[href*='webhook-delays']").count() == 1
    assert seen.script_errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["embed/", "embed/webhooks/", "uptime/"])
def test_embed_and_uptime_pages_have_no_wcag_aa_violations(
    visit: Any, status_url: str, path: str, scheme: str
) -> None:
    axe = Path(require_tool("axe-core", str(AXE)))
    page = visit(status_url + path, scheme).page
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    problems = [
        f"{v['id']}: {v['help']} ({v['nodes'][0]['html'][:120]})" for v in result["violations"]
    ]
    assert problems == []
    assert len(result["passes"]) > 5


@pytest.mark.parametrize(
    ("scheme", "fragment", "dark"),
    [
        ("light", "", False),
        ("dark", "", True),
        ("light", "#dark", True),
        ("dark", "#light", False),
    ],
)
def test_the_embed_follows_the_system_or_the_chosen_scheme(
    visit: Any, status_url: str, scheme: str, fragment: str, dark: bool
) -> None:
    page = visit(status_url + "embed/" + fragment, scheme).page
    background = page.evaluate("getComputedStyle(document.querySelector('main')).backgroundColor")
    assert (_luminance(background) < 0.2) is dark


def test_screenshots_for_the_docs(
    visit: Any, status_url: str, customer: str, tmp_path: Path
) -> None:
    """The embed (light, and dark by #dark) and the widget on a customer's page."""
    shots = {}
    for name, fragment in (("embed-light.png", ""), ("embed-dark.png", "#dark")):
        seen = visit(status_url + "embed/" + fragment)
        seen.page.set_viewport_size(EMBED_SIZE)
        seen.page.reload(wait_until="load")
        shots[name] = seen.page
    widget = visit(customer + "plain.html")
    widget.page.set_viewport_size({"width": 640, "height": 240})
    banner(widget.page).wait_for()
    shots["widget.png"] = widget.page
    for filename, page in shots.items():
        page.screenshot(path=str(tmp_path / filename))
        assert 3_000 < (tmp_path / filename).stat().st_size < 100_000
    if os.environ.get("STATUSPRESS_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for filename in shots:
            shutil.copy(tmp_path / filename, SCREENSHOTS / filename)


def publish(path: Path, document: dict[str, Any], version: int) -> None:
    """A new build's file, dated apart from the last (the test server's validator is its
    time to the second, which a browser revalidating with no-cache asks about)."""
    path.write_text(json.dumps(document))
    stamp = path.stat().st_mtime + 60 * version
    os.utime(path, (stamp, stamp))


def test_the_widget_follows_changes_in_the_same_live_region(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    example_site: Path,
) -> None:
    """Every 5 minutes it reads the API again; the live region stays, its words change."""
    site = tmp_path / "status"
    shutil.copytree(example_site, site)
    summary_path = site / "api" / "v2" / "summary.json"
    troubled = json.loads(summary_path.read_text())
    calm = {
        **troubled,
        "incidents": [],
        "scheduled_maintenances": [],
        "components": [{**c, "status": "operational"} for c in troubled["components"]],
    }
    customer = tmp_path / "customer"
    customer.mkdir()
    context = browser.new_context()
    try:
        with served(site, _Cors) as status, served(customer) as shop:
            host_page(customer, "page.html", f"<script src='{status}widget.js'></script>")
            page = context.new_page()
            page.clock.install()
            page.goto(shop + "page.html", wait_until="load")
            banner(page).wait_for()
            page.evaluate(
                "window.region = document.querySelector('statuspress-widget')"
                ".shadowRoot.querySelector('[role=status]')"
            )
            publish(summary_path, calm, 1)
            page.clock.run_for("05:01")
            banner(page).wait_for(state="detached")
            publish(summary_path, troubled, 2)
            page.clock.run_for("05:01")
            banner(page).wait_for()
            assert page.evaluate(
                "window.region === document.querySelector('statuspress-widget')"
                ".shadowRoot.querySelector('[role=status]')"
            )
    finally:
        context.close()


@pytest.mark.parametrize("path", ["uptime/", "embed/", "embed/webhooks/"])
def test_no_sideways_scrolling_on_a_phone(browser: Any, status_url: str, path: str) -> None:  # noqa: F811
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(status_url + path, wait_until="load")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("fr", ("Cause identifiée", "Page d'état", "ltr")),
        ("ar", ("تم تحديد السبب", "صفحة الحالة", "rtl")),
    ],
)
def test_the_widget_speaks_the_status_sites_language(
    visit: Any, tmp_path: Path, code: str, words: tuple[str, str, str]
) -> None:
    """On an English page, the widget of a French (or Arabic) status site says the open
    incident's status and the link in the status site's language, marked as such."""
    status, link_text, direction = words
    root = copy_example(tmp_path / "status")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    theme = f"  name: statuspress\n  language: {code}\n"
    config = config.replace("  name: statuspress\n", theme, 1)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    customer = tmp_path / "customer"
    customer.mkdir()
    with served(root / "site", _Cors) as site, served(customer) as shop:
        host_page(customer, "page.html", f"<script src='{site}widget.js' async></script>")
        seen = visit(shop + "page.html")
        link = banner(seen.page)
        link.wait_for()
        shown = link.inner_text()
        assert f"Webhook deliveries delayed — {status}" in shown and link_text in shown
        host = seen.page.locator("statuspress-widget")
        assert host.get_attribute("lang") == code and host.get_attribute("dir") == direction
        assert seen.console == []
