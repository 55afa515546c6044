"""The built example site: every page of SPEC §6 exists, links resolve, pages stay light."""

from __future__ import annotations

import gzip
import re
import time
import urllib.request
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_NOW, REPO, copy_example, served, tree_bytes, without_example_clock
from statuspress.cli import main as cli
from statuspress.publishing.build import BuildFailed, build_site

INCIDENT_IDS = sorted(p.name for p in (REPO / "incidents").iterdir() if p.is_dir())
COMPONENT_IDS = ("api", "dashboard", "auth", "webhooks", "email", "payments", "database", "backups")


class Anchors(HTMLParser):
    """Every link target and element id of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()
        self.stylesheets = 0
        self.scripts = 0
        self.times: list[tuple[str, str]] = []
        self._time: str | None = None
        self._time_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if name in values:
                self.links.append((tag, values[name]))
        if tag == "link" and values.get("rel") == "stylesheet":
            self.stylesheets += 1
        if tag == "script":
            self.scripts += 1
        if tag == "time":
            self._time, self._time_text = values.get("datetime", ""), ""

    def handle_data(self, data: str) -> None:
        if self._time is not None:
            self._time_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "time" and self._time is not None:
            self.times.append((self._time, self._time_text))
            self._time = None


def parse(path: Path) -> Anchors:
    anchors = Anchors()
    anchors.feed(path.read_text(encoding="utf-8"))
    return anchors


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def local_target(site: Path, page: Path, url: str) -> Path | None:
    """The file a relative link points at, or None for absolute and non-page links."""
    if urlsplit(url).scheme or url.startswith(("//", "mailto:", "#")):
        return None
    base = "/" + page.relative_to(site).as_posix()
    path = urlsplit(urljoin(base, url)).path
    target = site / path.lstrip("/")
    return target / "index.html" if path.endswith("/") or target.is_dir() else target


@pytest.mark.parametrize(
    "relative",
    [
        "index.html",
        "history/index.html",
        "postmortems/index.html",
        "404.html",
        "sitemap.xml",
        "history.rss",
        "history.atom",
        "updates.atom",
        "updates.rss",
        "postmortems.atom",
        "maintenance.ics",
        "badge.svg",
        "api/v2/summary.json",
        "api/v2/status.json",
        "api/v2/components.json",
        "api/v2/incidents.json",
        "api/v2/incidents/unresolved.json",
        "api/v2/scheduled-maintenances.json",
        "api/v2/scheduled-maintenances/upcoming.json",
        "api/v2/scheduled-maintenances/active.json",
        "2026-10-14-api-and-dashboard-outage/postmortem/index.html",
        "2026-10-14-api-and-dashboard-outage/timeline.png",
    ],
)
def test_every_url_of_the_spec_exists(example_site: Path, relative: str) -> None:
    assert (example_site / relative).is_file()


def test_every_incident_and_component_has_its_pages(example_site: Path) -> None:
    for incident in INCIDENT_IDS:
        assert (example_site / incident / "index.html").is_file(), incident
    for component in COMPONENT_IDS:
        for name in ("index.html", "history.atom", "badge.svg"):
            assert (example_site / "components" / component / name).is_file()


def test_every_internal_link_and_fragment_resolves(example_site: Path) -> None:
    broken = []
    for page in html_pages(example_site):
        if page.name == "404.html":
            continue  # its links are absolute from the site root; checked over HTTP below
        for tag, url in parse(page).links:
            target = local_target(example_site, page, url)
            if target is None:
                continue
            fragment = urldefrag(url).fragment
            if not target.is_file():
                broken.append(f"{page.relative_to(example_site)}: <{tag}> {url}")
            elif fragment and target.suffix == ".html" and fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(example_site)}: #{fragment} missing in {url}")
    assert not broken, "\n".join(broken)


def test_every_page_is_linked_from_somewhere(example_site: Path) -> None:
    linked = set()
    for page in html_pages(example_site):
        for _, url in parse(page).links:
            target = local_target(example_site, page, url)
            if target is not None:
                linked.add(target.resolve())
    orphans = [
        p.relative_to(example_site).as_posix()
        for p in html_pages(example_site)
        if p.resolve() not in linked and p.name != "404.html"
    ]
    assert orphans == []


def test_the_site_works_from_a_sub_path(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    config = source / "mkdocs.yml"
    text = config.read_text().replace(
        "site_url: https://status.acme.example/", "site_url: https://acme.github.io/status/"
    )
    config.write_text(without_example_clock(text))  # a real address may not pin the clock
    build_site(config, tmp_path / "www" / "status", EXAMPLE_NOW)
    with served(tmp_path / "www") as root:
        start = urljoin(root, "status/")
        seen, queue = set(), [start]
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            with urllib.request.urlopen(url) as response:
                assert response.status == 200, url
                body = response.read()
            assert url.startswith(start), f"{url} leaves the sub-path"
            if url.endswith("/") or url.endswith(".html"):
                anchors = Anchors()
                anchors.feed(body.decode())
                queue += [
                    urldefrag(urljoin(url, link)).url
                    for _, link in anchors.links
                    if not urlsplit(link).scheme and not link.startswith("mailto:")
                ]
        not_found = (tmp_path / "www/status/404.html").read_text()
        assert 'href="/status/history/"' in not_found
    assert len([u for u in seen if u.endswith("/")]) >= 20


def test_status_page_answers_in_one_look(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    assert "Partial System Outage" in html
    open_section = html[html.index('id="open-h"') : html.index('id="mnt-h"')]
    assert "Webhook deliveries delayed" in open_section
    assert "Next update due" in open_section and "(in 25 minutes)" in open_section
    assert "Expected resolution" in open_section
    assert "(1 hr, 8 min)" in open_section  # lasting since 08:52 at the 10:00 build clock
    assert "Backup storage migration" in html[html.index('id="mnt-h"') :]
    for group in ("Core platform", "Integrations", "Data"):
        assert f"<h3>{group}</h3>" in html
    assert html.count('class="bars"') == len(COMPONENT_IDS)
    assert html.count("% uptime</p>") == len(COMPONENT_IDS)
    assert "Card payments declined in Europe" in html  # recently resolved
    for link in ('href="history/"', 'href="postmortems/"', 'href="history.atom"'):
        assert link in html


def test_status_is_never_shown_by_colour_alone(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    for state in re.findall(r'<span class="state s-(\w+)">(.*?)</span></span>', html):
        name, inner = state
        assert 'class="icon"' in inner and re.search(r"</span> \w", inner), name


def test_times_are_machine_readable_and_name_the_zone(example_site: Path) -> None:
    for page in html_pages(example_site):
        for stamp, text in parse(page).times:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp):
                continue  # a calendar date (a postmortem's publication day) has no zone
            moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
            assert moment.tzinfo is not None, (page, stamp)
            assert text.endswith("UTC"), (page, text)


def test_status_page_is_one_light_response(example_site: Path) -> None:
    status = example_site / "index.html"
    assert len(gzip.compress(status.read_bytes())) < 14 * 1024
    anchors = parse(status)
    assert anchors.stylesheets == 0  # the CSS is inlined: one round trip
    assert "<style>" in status.read_text()


def test_no_page_loads_anything_from_elsewhere_or_needs_javascript(example_site: Path) -> None:
    for page in html_pages(example_site):
        anchors = parse(page)
        assert anchors.scripts == 0, page
        assert anchors.stylesheets <= 1, page
        for tag, url in anchors.links:
            if tag in ("link", "img", "script", "iframe", "source") and urlsplit(url).scheme:
                assert url.startswith("https://status.acme.example/"), (page, url)


def test_pages_advertise_the_feeds(example_site: Path) -> None:
    html = (example_site / "index.html").read_text()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert '<link rel="alternate" type="application/rss+xml"' in html
    component = (example_site / "components/api/index.html").read_text()
    assert 'href="../../components/api/history.atom"' in component


def test_postmortem_page_has_facts_timeline_and_action_items(example_site: Path) -> None:
    html = (example_site / "2026-10-14-api-and-dashboard-outage/postmortem/index.html").read_text()
    assert "<table" in html and "Action items" in html
    assert "timeline.png" in html
    assert html.count('<time datetime="2026-10-14') >= 4  # the update timeline is added
    incident = (example_site / "2026-10-14-api-and-dashboard-outage/index.html").read_text()
    assert 'href="../2026-10-14-api-and-dashboard-outage/postmortem/"' in incident


def test_history_is_paginated_by_month(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company:", "      history_page_size: 3\n      company:", 1
        )
    )
    build_site(config, tmp_path / "out", EXAMPLE_NOW)
    first = (tmp_path / "out/history/index.html").read_text()
    assert "November 2026" in first and 'href="../history/page/2/"' in first
    pages = (tmp_path / "out/history/page").glob("*/index.html")
    last_page = max(int(page.parent.name) for page in pages)
    assert last_page == 3  # 8 incidents, 3 per page
    third = (tmp_path / "out/history/page/3/index.html").read_text()
    assert "September 2026" in third


def test_a_template_in_custom_dir_overrides_the_theme(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    overrides = source / "overrides"
    overrides.mkdir()
    theme_404 = (REPO / "theme/404.html").read_text()
    (overrides / "404.html").write_text(theme_404.replace("Page not found", "Custom 404"))
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress", "  name: statuspress\n  custom_dir: overrides"
        )
    )
    build_site(config, tmp_path / "out", EXAMPLE_NOW)
    assert "Custom 404" in (tmp_path / "out/404.html").read_text()


def test_uptime_weights_are_configurable(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company:",
            "      uptime_weights: {major_outage: 0, partial_outage: 0}\n      company:",
            1,
        )
    )
    build_site(config, tmp_path / "out", EXAMPLE_NOW)
    html = (tmp_path / "out/index.html").read_text()
    assert html.count("100.00% uptime</p>") == len(COMPONENT_IDS)


def test_build_command_prints_a_summary(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(tmp_path / "out"),
            "--now",
            "2026-11-22T10:00:00Z",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.search(
        r"8 incidents, \d+ pages, 22 feeds, \d+ files, 0 warnings in [\d.]+ s", result.output
    )


def test_a_failed_build_leaves_the_site_untouched(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    out = tmp_path / "out"
    build_site(source / "mkdocs.yml", out, EXAMPLE_NOW)
    before = tree_bytes(out)
    update = next((source / "incidents/2026-11-22-webhook-delays").glob("*.md"))
    update.write_text(update.read_text().replace("status:", "status: nonsense\nstatus_:", 1))
    result = CliRunner().invoke(
        cli,
        [
            "build",
            "-f",
            str(source / "mkdocs.yml"),
            "-d",
            str(out),
            "--now",
            "2026-11-22T10:00:00Z",
        ],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{update.relative_to(source).as_posix()}:" in result.output
    assert tree_bytes(out) == before
    with pytest.raises(BuildFailed):
        build_site(source / "mkdocs.yml", out, EXAMPLE_NOW)
    assert tree_bytes(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out-")] == []


def test_build_reports_each_stage_in_order(tmp_path: Path) -> None:
    stages: list[str] = []
    build_site(REPO / "mkdocs.yml", tmp_path / "out", EXAMPLE_NOW, progress=stages.append)
    assert stages == [
        "reading and checking the content",
        "rendering pages, feeds and the API",
        "scanning every file for leaks",
        "publishing",
    ]


def test_a_slow_build_shows_its_stage_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from statuspress.commands import build as build_command

    monkeypatch.setattr(build_command, "QUIET_SECONDS", 0.0)
    with build_command.TerminalProgress(enabled=True) as progress:
        progress("rendering pages")
        time.sleep(0.6)
    assert "Building: rendering pages… 0 s" in capsys.readouterr().err


def test_loose_files_are_published_and_loose_markdown_is_not(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    (source / "incidents/robots.txt").write_text("User-agent: *\nAllow: /\n")
    (source / "incidents/README.md").write_text("# Handover notes 5521\n")
    build_site(source / "mkdocs.yml", tmp_path / "out", EXAMPLE_NOW)
    assert (tmp_path / "out/robots.txt").read_text().startswith("User-agent")
    assert not (tmp_path / "out/README").exists()
    pages = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.html"))
    assert "Handover notes 5521" not in pages


def test_strict_builds_go_on_when_only_the_clock_made_a_promise_late(tmp_path: Path) -> None:
    """An overdue update is shown on the page; blocking the deploy would keep a staler one."""
    source = copy_example(tmp_path / "src")
    day_later = EXAMPLE_NOW + timedelta(days=1)
    result = build_site(source / "mkdocs.yml", tmp_path / "out", day_later, strict=True)
    assert result.warnings >= 1
    assert "was due" in (tmp_path / "out/index.html").read_text()
    update = next((source / "incidents/2026-11-22-webhook-delays").glob("*0955Z*.md"))
    started_later = "status: identified\nstarted: 2026-11-22T08:50:00Z"
    update.write_text(update.read_text().replace("status: identified", started_later))
    with pytest.raises(BuildFailed) as failed:
        build_site(source / "mkdocs.yml", tmp_path / "out", day_later, strict=True)
    assert "started-later" in {d.rule for d in failed.value.diagnostics}


def test_a_loose_page_that_can_run_script_needs_raw_html(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    (source / "incidents/google1234.html").write_text("google-site-verification: 1234")
    with pytest.raises(BuildFailed) as failed:
        build_site(source / "mkdocs.yml", tmp_path / "out", EXAMPLE_NOW)
    assert [(d.path, d.rule) for d in failed.value.diagnostics] == [
        ("incidents/google1234.html", "active-file")
    ]
    config = source / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "      company:", "      allow_raw_html: true\n      company:", 1
        )
    )
    build_site(config, tmp_path / "out", EXAMPLE_NOW)
    assert (tmp_path / "out/google1234.html").is_file()
