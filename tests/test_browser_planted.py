"""Planted files and URLs in a real Chromium: no file a contributor can add runs script on
the site's origin, and no image or link a contributor writes makes the browser ask another
site for anything.

Every planted file the loader accepts is published, served twice (with the type a static
host gives its suffix, and with no type at all, so that Chromium sniffs it) and opened as a
page; a script that ran would ask for /pwned. Each check is first shown to catch the same
attack when it reaches the site behind the build's back, so that it can fail.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote

import pytest
from conftest import EXAMPLE_NOW, REPO, copy_example, served
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project
from test_browser import browser  # noqa: F401 - the module's Chromium, as a fixture

pytestmark = pytest.mark.browser

PNG = (REPO / "incidents/2026-10-14-api-and-dashboard-outage/timeline.png").read_bytes()
INCIDENT = "2026-11-22-webhook-delays"
POSTMORTEM_INCIDENT = "2026-10-14-api-and-dashboard-outage"
HTML = (
    b"<!doctype html><html><body><script>fetch('/pwned')</script>"
    b"<img src=x onerror=\"fetch('/pwned')\"></body></html>"
)
CONTENTS = {
    "html": HTML,
    "xhtml": b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    b"<script>fetch('/pwned')</script></body></html>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/pwned\')">'
    b"<script>fetch('/pwned')</script></svg>",
    "png": PNG[:64] + HTML,
    "gif": b"GIF89a" + HTML,
    "pdf": b"%PDF-1.4\n" + HTML,
    "text": b"Timeline of the incident\n" + HTML,
    "padded": b"\n" * 600 + HTML,
    "plain": b"Plain notes, nothing else: p99 < 2 s\n",
}
NAMES = [
    "x.xht",
    "x.xhtml",
    "x.html",
    "x.HTM",
    "x.html.",
    "x.html\n",
    "x.svg",
    "x.xml",
    "x.atom",
    "x.txt",
    "x.csv",
    "x.png",
    "x.gif",
    "x.pdf",
    "x.jpg",
    "x",
]
# Chromium's own parts (its PDF viewer), which a page loads from the browser, not a site.
BROWSER_OWN = ("chrome://", "chrome-extension://")
# The types a static host gives by suffix (Apache's list, which maps .xht too).
HOST_TYPES = {
    ".xht": "application/xhtml+xml",
    ".xhtml": "application/xhtml+xml",
    ".svg": "image/svg+xml",
    ".atom": "application/atom+xml",
    ".xml": "application/xml",
    ".csv": "text/csv",
}
OFF_SITE = [
    "/&#9;/evil.example/p.png",
    "/&#10;/evil.example/p.png",
    "&#9;//evil.example/p.png",
    "\\\\evil.example/p.png",
    "/\\evil.example/p.png",
    "%2F%2Fevil.example/p.png",
    "/%5Cevil.example/p.png",
    "&#x2F;&#x2F;evil.example/p.png",
    "HTTPS://evil.example/p.png",
    "https:evil.example/p.png",
    "&#32;//evil.example/p.png",
]


def planted_files() -> dict[str, bytes]:
    """Every content under every name, in an incident folder and beside the folders."""
    files = {}
    for where in (f"{INCIDENT}/", ""):
        for label, data in CONTENTS.items():
            for name in NAMES:
                files[f"{where}{label}-{name}"] = data
    return files


def off_site_text(allow_raw_html: bool) -> str:
    lines = [f"![pixel {i}]({url})\n\n[link {i}]({url})\n" for i, url in enumerate(OFF_SITE)]
    if allow_raw_html:
        for i, url in enumerate(OFF_SITE):
            lines.append(f'<img src="{url}" alt="raw {i}"><img srcset="{url} 2x" alt="set {i}">\n')
            lines.append(f'<p><a href="{url}">raw link {i}</a></p>\n')
    return "\n".join(lines)


@dataclass
class Seen:
    pwned: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)


class _Handler(SimpleHTTPRequestHandler):
    """A quiet static host that gives a file the type of its suffix, as Apache would."""

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        **HOST_TYPES,
    }
    typed = True

    def send_header(self, keyword: str, value: str) -> None:
        if self.typed or keyword.lower() != "content-type":
            super().send_header(keyword, value)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Untyped(_Handler):
    typed = False  # no Content-Type: Chromium sniffs what the bytes look like


def visit(browser: Any, base: str, path: str) -> Seen:  # noqa: F811
    seen = Seen()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (seen.pwned.append(f"dialog {path}"), dialog.dismiss()))
        page.route("**/*", partial(_watch, base, seen))
        try:
            page.goto(base + path, wait_until="load", timeout=15_000)
            page.wait_for_timeout(100)
        except Exception as exc:  # a download (PDF, octet-stream) is no page: nothing ran
            if "Download" not in str(exc) and "ERR_ABORTED" not in str(exc):
                raise
    finally:
        context.close()
    return seen


def _watch(base: str, seen: Seen, route: Any) -> None:
    url = route.request.url
    if "pwned" in url:
        seen.pwned.append(url)
        route.abort()
    elif not url.startswith((base, *BROWSER_OWN)):
        seen.foreign.append(url)
        route.abort()
    else:
        route.continue_()


def url_path(relative: str) -> str:
    return quote(relative, safe="/")


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[str]]:
    """The example with every planted file the loader accepts, built: (site, accepted,
    refused)."""
    root = copy_example(tmp_path_factory.mktemp("planted") / "root")
    files = planted_files()
    for relative, data in files.items():
        (root / "incidents" / relative).write_bytes(data)
    project = load_project(root / "mkdocs.yml", EXAMPLE_NOW, lint=False)
    refused_paths = {d.path for d in project.diagnostics if d.is_error}
    refused = [
        r for r in files if f"incidents/{r}".encode("unicode_escape").decode() in refused_paths
    ]
    for relative in refused:
        (root / "incidents" / relative).unlink()
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root / "site", [r for r in files if r not in refused], refused


def test_the_dangerous_files_are_refused_and_some_are_published(
    planted: tuple[Path, list[str], list[str]],
) -> None:
    site, accepted, refused = planted
    for where in (f"{INCIDENT}/", ""):
        for label in ("html", "xhtml", "svg"):
            for name in ("x.xht", "x.html.", "x.html\n", "x.svg", "x.txt", "x.png"):
                assert f"{where}{label}-{name}" in refused
    assert f"{INCIDENT}/plain-x.txt" in accepted and "plain-x.csv" in accepted
    assert all((site / relative).is_file() for relative in accepted)


@pytest.mark.parametrize("handler", [_Handler, _Untyped], ids=["typed", "sniffed"])
def test_no_planted_file_runs_script(
    browser: Any,  # noqa: F811
    planted: tuple[Path, list[str], list[str]],
    handler: type[_Handler],
    tmp_path: Path,
) -> None:
    site, accepted, _ = planted
    control = tmp_path / "site"
    shutil.copytree(site, control)
    (control / "control.xht").write_bytes(CONTENTS["xhtml"])
    with served(control, handler) as base:
        # The check catches a script that reaches the site by another way than the build.
        assert visit(browser, base, "control.xht").pwned
        ran = {}
        for relative in [*accepted, INCIDENT + "/", ""]:
            seen = visit(browser, base, url_path(relative))
            if seen.pwned or seen.foreign:
                ran[relative] = seen
    assert ran == {}


@pytest.mark.parametrize("allow_raw_html", [False, True], ids=["markdown", "raw-html"])
def test_no_planted_image_or_link_reaches_another_site(
    browser: Any,  # noqa: F811
    tmp_path: Path,
    allow_raw_html: bool,
) -> None:
    root = copy_example(tmp_path / "root")
    if allow_raw_html:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text() + "      allow_raw_html: true\n")
    text = off_site_text(allow_raw_html)
    (root / "incidents" / INCIDENT / "20261122T0958Z-identified.md").write_text(
        "---\nat: 2026-11-22T09:58:00Z\nstatus: identified\nnext_update: 30m\n---\n" + text
    )
    postmortem = root / "incidents" / POSTMORTEM_INCIDENT / "postmortem.md"
    postmortem.write_text(postmortem.read_text() + "\n\n" + text)
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    control = root / "site" / "control.html"
    control.write_text('<!doctype html><img src="/\t/evil.example/p.png" alt="x">')
    pages = ["", f"{INCIDENT}/", f"{POSTMORTEM_INCIDENT}/postmortem/", "history/"]
    with served(root / "site", _Handler) as base:
        # The browser itself reads '/<TAB>/host' as another site: the check can fail.
        assert any("evil.example" in url for url in visit(browser, base, "control.html").foreign)
        foreign = {page: visit(browser, base, page).foreign for page in pages}
    assert foreign == {page: [] for page in pages}
    incident_page = (root / "site" / INCIDENT / "index.html").read_text()
    assert incident_page.count("<img") >= len(OFF_SITE)  # the images are there, without a src
