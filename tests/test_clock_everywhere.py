"""One clock for every output: the same content built at several clocks around each promise.

Every file a build writes (pages, feeds, API, badges, calendar, sitemap, search index) is
walked: what is dated after the clock is in none of them, what is published is in each
channel that carries it, and each channel says the same promise in the same words. The
notification plan of a scheduled rebuild at each clock sends exactly what went live since
the previous one.
"""

from __future__ import annotations

import gzip
import html
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_files
from statuspress.cli import main
from statuspress.model.types import Site
from statuspress.notify.message import plain_text
from statuspress.notify.plan import plan_new, read_built_feed
from statuspress.outputs.pages import site_when
from statuspress.outputs.promises import promise_text
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project

CONFIG = """\
site_name: Clock Status
site_url: https://status.clock.example/
docs_dir: incidents
theme:
  name: statuspress
plugins:
  - statuspress:
      company: Clock
      timezone: Europe/Berlin
      components:
        - id: api
          name: API
        - id: search
          name: Search
"""


def t(text: str) -> datetime:
    return datetime.fromisoformat(f"2026-11-20T{text}+00:00")


A = "2026-11-20-api-errors"
B = "2026-11-20-zebra-search-outage"
M = "2026-11-20-database-upgrade"
# marker -> (when it is published, file)
PUBLISHED_AT = {
    "MARKERA1": (t("10:00"), f"{A}/20261120T1000Z-investigating.md"),
    "MARKERA2": (t("10:20"), f"{A}/20261120T1020Z-identified.md"),
    "MARKERA3": (t("11:40"), f"{A}/20261120T1140Z-resolved.md"),
    "MARKERB1": (t("12:00"), f"{B}/20261120T1200Z-investigating.md"),
    "MARKERM1": (t("09:00"), f"{M}/20261120T0900Z-scheduled.md"),
    "MARKERPM": (datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc), f"{A}/postmortem.md"),
}
FILES = {
    f"incidents/{A}/20261120T1000Z-investigating.md": """\
        ---
        title: API errors
        at: 2026-11-20T10:00:00Z
        status: investigating
        impact: major
        components:
          api: partial_outage
        started: 2026-11-20T09:55:00Z
        next_update: 2026-11-20T10:30:00Z
        apology: We're sorry that one in five API requests fails for you.
        ---
        One in five API requests fails with a 503 error. MARKERA1
        """,
    f"incidents/{A}/20261120T1020Z-identified.md": """\
        ---
        at: 2026-11-20T10:20:00Z
        status: identified
        eta: 2026-11-20T11:30:00Z
        next_update: 2026-11-20T10:50:00Z
        cause: A full disk on one database replica.
        ---
        We are replacing the replica. MARKERA2
        """,
    f"incidents/{A}/20261120T1140Z-resolved.md": """\
        ---
        at: 2026-11-20T11:40:00Z
        status: resolved
        components:
          api: operational
        ---
        Every API request succeeds again. Thank you for your patience. MARKERA3
        """,
    f"incidents/{A}/postmortem.md": """\
        ---
        title: "Postmortem: API errors"
        published: 2026-11-21T09:00:00Z
        authors: [Platform team]
        summary: We are sorry for the failed requests. A replica ran out of disk. MARKERPM
        action_items:
          - what: Alert on replica disk use above 80%
            owner: Platform team
            due: 2026-12-01
            status: open
        ---
        ## What happened

        A replica's disk filled up.

        ## Root cause

        Logs were kept on the data disk.

        ## What we are changing

        We alert before a disk fills up.
        """,
    f"incidents/{B}/20261120T1200Z-investigating.md": """\
        ---
        title: Zebra search outage
        at: 2026-11-20T12:00:00Z
        status: investigating
        impact: critical
        components:
          search: major_outage
        next_update: 2026-11-20T12:20:00Z
        apology: We're sorry that search returns nothing for you.
        ---
        Search returns no results for any query. MARKERB1
        """,
    f"incidents/{M}/20261120T0900Z-scheduled.md": """\
        ---
        kind: maintenance
        title: Database upgrade
        at: 2026-11-20T09:00:00Z
        status: scheduled
        impact: minor
        window:
          start: 2026-11-20T13:00:00Z
          end: 2026-11-20T14:00:00Z
        components:
          api: under_maintenance
        next_update: 2026-11-20T13:00:00Z
        ---
        We upgrade the main database; API writes may be slow. MARKERM1
        """,
}
# Before the second update; at it; after its next_update; around its ETA; at resolution;
# when the future incident starts; when the postmortem is published.
CLOCKS = [
    t("10:10"),
    t("10:20"),
    t("10:55"),
    t("11:29"),
    t("11:31"),
    t("11:40"),
    t("12:00"),
    datetime(2026, 11, 21, 9, 0, tzinfo=timezone.utc),
]
INDICATOR = {  # the worst open incident's impact, as status.json says it
    t("10:10"): "major",
    t("10:20"): "major",
    t("10:55"): "major",
    t("11:29"): "major",
    t("11:31"): "major",
    t("11:40"): "none",
    t("12:00"): "critical",
}


def _outputs(site_dir: Path) -> dict[str, str]:
    """Every file of the built site as text (gzipped ones unpacked), by path."""
    found = {}
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        found[str(path.relative_to(site_dir))] = data.decode("utf-8", "replace")
    return found


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[datetime, Path, Site]]:
    root = write_files(tmp_path_factory.mktemp("clock"), {"mkdocs.yml": CONFIG, **FILES})
    built = []
    for index, clock in enumerate(CLOCKS):
        site_dir = root / f"site-{index}"
        build_site(root / "mkdocs.yml", site_dir, clock)
        built.append((clock, site_dir, load_project(root / "mkdocs.yml", clock).site))
    return built


def test_nothing_dated_after_the_clock_is_in_any_output(builds: list) -> None:
    for clock, site_dir, _ in builds:
        outputs = _outputs(site_dir)
        assert len(outputs) > 20
        for marker, (published, _) in PUBLISHED_AT.items():
            holding = [name for name, text in outputs.items() if marker in text]
            if published > clock:
                assert not holding, f"{marker} at {clock}: in {holding}"
            else:
                assert holding, f"{marker} at {clock}: in no output"
        if clock < t("12:00"):  # the future incident: not even its id, title or page
            leaks = [n for n, text in outputs.items() if B in n or B in text or "Zebra" in text]
            assert not leaks, f"{B} at {clock}: in {leaks}"


def test_each_channel_carries_what_is_published(builds: list) -> None:
    for clock, site_dir, _ in builds:
        out = _outputs(site_dir)
        for marker, (published, file) in PUBLISHED_AT.items():
            if published > clock or marker == "MARKERPM":
                continue
            incident = file.split("/")[0]
            assert marker in out[f"{incident}/index.html"], (marker, clock)
            assert marker in out["updates.atom"] and marker in out["updates.rss"], (marker, clock)
            assert marker in out["history.atom"], (marker, clock)
            api = out["api/v2/incidents.json"] + out["api/v2/scheduled-maintenances.json"]
            assert marker in api, (marker, clock)
        postmortem_live = clock >= PUBLISHED_AT["MARKERPM"][0]
        assert (f"{A}/postmortem/index.html" in out) is postmortem_live
        assert ("MARKERPM" in out.get("postmortems.atom", "")) is postmortem_live


def test_status_badges_and_banner_agree_at_every_clock(builds: list) -> None:
    for clock, site_dir, _ in builds:
        if clock not in INDICATOR:
            continue
        out = _outputs(site_dir)
        indicator = json.loads(out["api/v2/status.json"])["status"]["indicator"]
        assert indicator == INDICATOR[clock], clock
        summary = json.loads(out["api/v2/summary.json"])
        unresolved = {i["name"] for i in summary["incidents"]}
        assert ("API errors" in unresolved) is (clock < t("11:40")), clock
        assert ("Zebra search outage" in unresolved) is (clock >= t("12:00")), clock
        search_state = next(c for c in summary["components"] if c["name"] == "Search")["status"]
        assert search_state == ("major_outage" if clock >= t("12:00") else "operational")
        search_badge = out["components/search/badge.svg"]
        assert ("Major outage" in search_badge) is (clock >= t("12:00")), clock
        api_badge = out["components/api/badge.svg"]
        assert ("Partial outage" in api_badge) is (clock < t("11:40")), clock
        site_badge = out["badge.svg"]
        assert ("Operational" in site_badge) is (INDICATOR[clock] == "none"), clock
        banner = out["index.html"]
        assert ("All Systems Operational" in banner) is (INDICATOR[clock] == "none"), clock


def test_every_channel_says_the_same_promise(builds: list) -> None:
    for clock, site_dir, site in builds:
        out = _outputs(site_dir)
        when = site_when(site.settings)
        incident = site.incident(A)
        assert incident is not None
        for update in incident.updates:
            sentence = promise_text(update, when)
            if not sentence:
                continue
            assert "CET" in sentence  # the site's zone, as the page shows it
            entry_text = html.unescape(html.unescape(out["updates.atom"]))
            assert sentence in entry_text, (update.uid, clock)
            assert sentence in html.unescape(out["updates.rss"]).replace("&amp;", "&")
            api = json.loads(out["api/v2/incidents.json"])
            bodies = [u["body"] for i in api["incidents"] for u in i["incident_updates"]]
            assert any(body.endswith(sentence) for body in bodies), (update.uid, clock)
            page = out[f"{A}/index.html"]
            if update.next_update and not update.is_closing:
                assert when(update.next_update) in page
        maintenance = site.incident(M)
        assert maintenance is not None
        promised = promise_text(maintenance.latest, when)
        assert promised == "Next update by Nov 20, 2026, 2:00\u202fPM CET."
        calendar = out["maintenance.ics"].replace("\r\n ", "").replace("\\,", ",")
        assert promised in calendar


def test_the_scheduled_rebuilds_notify_each_update_once_with_its_promise(builds: list) -> None:
    live: list[str] = []
    sent: list[str] = []
    milestones: list[str] = []  # the maintenance's reminder and start/end notices
    for clock, site_dir, site in builds:
        built = read_built_feed(site_dir)
        plan = plan_new(site, built, live, clock, timedelta(days=7)) if live else None
        live = built
        for notice in plan.send if plan else ():
            assert notice.at <= clock
            if notice.milestone:
                milestones.append(notice.update_id)
                continue
            sent.append(notice.update_id)
            text = plain_text(notice)
            for promise in notice.promised:
                assert f"{promise.label}: {promise.value}" in text
            update = next(u for i in site.incidents for u in i.updates if u.uid == notice.update_id)
            assert notice.promise_text == promise_text(update, site_when(site.settings))
    assert sent == [
        f"{A}/20261120T1020Z-identified",
        f"{A}/20261120T1140Z-resolved",
        f"{B}/20261120T1200Z-investigating",
    ]
    assert len(milestones) == len(set(milestones))


def test_check_and_build_say_when_each_goes_live(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"mkdocs.yml": CONFIG, **FILES})
    runner = CliRunner()
    check = runner.invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", "2026-11-20T10:10:00Z"]
    )
    lines = check.output.splitlines()
    goes_live = [line for line in lines if "info[scheduled]" in line]
    assert goes_live == [
        f"incidents/{A}/20261120T1020Z-identified.md:2: info[scheduled]: this update is "
        "dated 2026-11-20T10:20:00Z: it is published by the first build at or after then, "
        "not before",
        f"incidents/{A}/20261120T1140Z-resolved.md:2: info[scheduled]: this update is dated "
        "2026-11-20T11:40:00Z: it is published by the first build at or after then, not "
        "before",
        f"incidents/{A}/postmortem.md:3: info[scheduled]: this postmortem is dated "
        "2026-11-21T09:00:00Z: it is published by the first build at or after then, not "
        "before",
        f"incidents/{B}/20261120T1200Z-investigating.md:3: info[scheduled]: this update is "
        "dated 2026-11-20T12:00:00Z: it is published by the first build at or after then, "
        "not before",
    ]
    assert check.exit_code == 0, check.output
    assert lines[-1].endswith("; 4 notes")
    strict = runner.invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", "2026-11-20T10:10:00Z", "--strict"]
    )
    assert strict.exit_code == 0, strict.output  # a note is no problem
    build = runner.invoke(
        main,
        ["build", "-f", str(root / "mkdocs.yml"), "--now", "2026-11-20T10:10:00Z", "--strict"],
    )
    assert build.exit_code == 0, build.output
    assert sum("info[scheduled]" in line for line in build.output.splitlines()) == 4
    late = runner.invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", "2026-11-22T00:00:00Z"]
    )
    assert "info[scheduled]" not in late.output and "note" not in late.output.splitlines()[-1]


def test_a_rebuild_at_a_later_clock_reuses_nothing_stale(tmp_path: Path) -> None:
    """Records and cached outputs of a build at one clock never stand in for another's."""
    root = write_files(tmp_path, {"mkdocs.yml": CONFIG, **FILES})
    config = root / "mkdocs.yml"
    for clock in (t("12:00"), t("10:10"), t("11:40"), t("10:10")):
        build_site(config, root / "site", clock)
        out = _outputs(root / "site")
        for marker, (published, _) in PUBLISHED_AT.items():
            assert any(marker in text for text in out.values()) is (published <= clock), (
                marker,
                clock,
            )


def test_an_update_written_for_later_waits_for_its_time(tmp_path: Path) -> None:
    """`new --at` a month ahead: the command says when it goes live; until then the page, the
    API and the badge stay as they were."""
    root = write_files(tmp_path, {"mkdocs.yml": CONFIG})
    config = str(root / "mkdocs.yml")
    runner = CliRunner()
    written = runner.invoke(
        main,
        [
            "new",
            "Planned outage",
            "-c",
            "api=major_outage",
            "-f",
            config,
            "--at",
            "2027-01-01T02:00:00Z",
            "--now",
            "2026-12-07T10:00:00Z",
        ],
    )
    assert written.exit_code == 0, written.output
    assert (
        "It is dated 2027-01-01T02:00:00Z: no build publishes it before then; the first build "
        "at or after then does (the scheduled rebuild, every 15 minutes)."
    ) in written.output
    for clock, outage in (("2026-12-07T10:00:00Z", False), ("2027-01-01T02:00:00Z", True)):
        build = runner.invoke(main, ["build", "-f", config, "--now", clock])
        assert build.exit_code == 0, build.output
        assert ("info[scheduled]" in build.output) is not outage
        out = _outputs(root / "site")
        status = json.loads(out["api/v2/status.json"])["status"]["indicator"]
        assert status == ("critical" if outage else "none")
        assert ("Planned outage" in out["index.html"]) is outage
        assert ("Major outage" in out["components/api/badge.svg"]) is outage
