"""Uptime against a history computed by hand, in Europe/Berlin: an outage across midnight and
the end of daylight saving time (a 25-hour day), one across the end of a month, a maintenance
overlapped by an outage and by a lesser incident, a component whose history starts late.
The status page's bars, /uptime/, uptime.csv and uptime.json must all give those figures."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import MINIMAL_CONFIG
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.model import ComponentState, Site, load_site
from statuspress.model.uptime import Calendar, _distribute, _worst_segments, uptime_report
from statuspress.publishing.build import build_site

Tree = Callable[[dict[str, str]], Path]
NOW = datetime(2026, 11, 10, 12, tzinfo=timezone.utc)  # 13:00 in Berlin
H = 3600.0

CONFIG = (
    MINIMAL_CONFIG.replace(
        "      company: Test\n",
        "      company: Test\n      timezone: Europe/Berlin\n      uptime_days: 30\n",
    )
    + "          start_date: 2026-11-01\n"  # the last component's, e-mail's
)


def incident(at: str, components: str, resolved: str, title: str = "Trouble") -> dict[str, str]:
    first = (
        f"---\ntitle: {title}\nimpact: major\nat: {at}\nstatus: investigating\n"
        f"components:\n{components}---\nWe are looking into it.\n"
    )
    last = f"---\nat: {resolved}\nstatus: resolved\n---\nFixed.\n"
    return {"a.md": first, "z.md": last}


def maintenance(at: str, start: str, end: str) -> dict[str, str]:
    first = (
        f"---\nkind: maintenance\ntitle: Upgrade\nat: {at}\nstatus: scheduled\n"
        f"window:\n  start: {start}\n  end: {end}\ncomponents:\n  api: under_maintenance\n"
        "---\nWe will upgrade.\n"
    )
    done = f"---\nat: {end}\nstatus: completed\n---\nDone.\n"
    return {"a.md": first, "z.md": done}


HISTORY = {
    # 23:00 CEST on 24 Oct to 04:00 CET on 25 Oct: 1 h on the 24th, 5 h on the 25-hour 25th
    "2026-10-24-dst": incident(
        "2026-10-24T21:00:00Z", "  api: major_outage\n", "2026-10-25T03:00:00Z"
    ),
    # 23:00 on 31 Oct to 02:00 on 1 Nov (CET): a partial outage, 1 h in October, 2 h in November
    "2026-10-31-month-end": incident(
        "2026-10-31T22:00:00Z", "  api: partial_outage\n", "2026-11-01T01:00:00Z"
    ),
    # Maintenance 11:00-13:00 CET on 3 Nov; a major outage 12:00-14:00 overlaps its second
    # hour, and a degraded incident 12:30-13:30 lies inside the outage: 1 h of maintenance, 2 h
    # down, nothing counted twice
    "2026-11-01-upgrade": maintenance(
        "2026-11-01T09:00:00Z", "2026-11-03T10:00:00Z", "2026-11-03T12:00:00Z"
    ),
    "2026-11-03-outage": incident(
        "2026-11-03T11:00:00Z", "  api: major_outage\n", "2026-11-03T13:00:00Z"
    ),
    "2026-11-03-slow": incident(
        "2026-11-03T11:30:00Z", "  api: degraded_performance\n", "2026-11-03T12:30:00Z"
    ),
    # 21:00 CET on 31 Oct to 01:00 on 1 Nov, but e-mail's history starts on 1 Nov: 1 h counts
    "2026-10-31-email": incident(
        "2026-10-31T20:00:00Z", "  email: major_outage\n", "2026-11-01T00:00:00Z"
    ),
}

# By hand. October in Berlin: 31 days and the extra hour of 25 Oct.
OCTOBER = 31 * 24 + 1
# 1 Nov 00:00 CET to 10 Nov 13:00 CET
NOVEMBER_SO_FAR = 9 * 24 + 13
API_OCTOBER = 100 * (1 - (6 + 0.3 * 1) / OCTOBER)
API_NOVEMBER = 100 * (1 - (0.3 * 2 + 2) / (NOVEMBER_SO_FAR - 1))
API_NOVEMBER_WITH_MAINTENANCE = 100 * (1 - (0.3 * 2 + 2) / NOVEMBER_SO_FAR)
# The last 30 days: 12 Oct 00:00 CEST (11 Oct 22:00 UTC) to now, 29 days 14 hours, less the
# hour of maintenance; the last 90 from 13 Aug, the last 365 from 11 Nov 2025 (CET).
API_DOWN = 6 + 0.3 + 0.6 + 2
API_30 = 100 * (1 - API_DOWN / (29 * 24 + 14 - 1))
API_90 = 100 * (1 - API_DOWN / (89 * 24 + 14 - 1))
API_365 = 100 * (1 - API_DOWN / (364 * 24 + 13 - 1))
EMAIL_NOVEMBER = 100 * (1 - 1 / NOVEMBER_SO_FAR)


def write_history(write_tree: Tree, config: str = CONFIG) -> Path:
    files = {"mkdocs.yml": config}
    for folder, updates in HISTORY.items():
        for name, text in updates.items():
            files[f"incidents/{folder}/{name}"] = text
    return write_tree(files)


def load(root: Path) -> Site:
    settings, problems = load_settings(root / "mkdocs.yml")
    assert settings is not None, problems
    site, diagnostics = load_site(root, settings)
    assert diagnostics == []
    return site


def test_the_figures_are_those_computed_by_hand(write_tree: Tree) -> None:
    report = uptime_report(load(write_history(write_tree)), NOW)
    api = report["api"]
    months = dict(api.months)
    assert list(months) == [date(2026, 10, 1), date(2026, 11, 1)]
    october, november = months[date(2026, 10, 1)], months[date(2026, 11, 1)]
    assert october.counted == OCTOBER * H
    assert october.downtime == pytest.approx(6.3 * H)
    assert october.percent == pytest.approx(API_OCTOBER)
    assert october.seconds[ComponentState.MAJOR_OUTAGE] == 6 * H
    assert november.counted == (NOVEMBER_SO_FAR - 1) * H
    assert november.seconds == {
        ComponentState.PARTIAL_OUTAGE: 2 * H,
        ComponentState.UNDER_MAINTENANCE: 1 * H,
        ComponentState.MAJOR_OUTAGE: 2 * H,
    }
    assert november.percent == pytest.approx(API_NOVEMBER)
    assert api.rolling(30).percent == pytest.approx(API_30)
    assert api.rolling(90).percent == pytest.approx(API_90)
    assert api.rolling(365).percent == pytest.approx(API_365)


def test_days_have_their_real_length_in_the_sites_zone(write_tree: Tree) -> None:
    ledger = uptime_report(load(write_history(write_tree)), NOW)["api"].ledger
    dst_day = ledger.day(date(2026, 10, 25))
    assert (dst_day.counted, dst_day.downtime) == (25 * H, 5 * H)
    assert ledger.day(date(2026, 10, 24)).downtime == 1 * H
    upgrade_day = ledger.day(date(2026, 11, 3))
    assert (upgrade_day.counted, upgrade_day.downtime) == (23 * H, 2 * H)
    assert upgrade_day.worst is ComponentState.MAJOR_OUTAGE
    today = ledger.day(date(2026, 11, 10))
    assert today.counted == 13 * H  # up to the clock, not the whole day


def test_history_starts_at_the_components_start_date(write_tree: Tree) -> None:
    report = uptime_report(load(write_history(write_tree)), NOW)
    email = report["email"]
    assert [(first, tally.downtime) for first, tally in email.months] == [
        (date(2026, 11, 1), 1 * H)
    ]
    assert email.rolling(30).counted == NOVEMBER_SO_FAR * H
    assert email.rolling(365).percent == pytest.approx(EMAIL_NOVEMBER)
    dashboard = report["dashboard"]  # no incidents: the months of the site's history
    assert [first for first, _ in dashboard.months] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert all(tally.percent == 100.0 for _, tally in dashboard.months)


def test_maintenance_can_be_counted(write_tree: Tree) -> None:
    config = CONFIG.replace(
        "      uptime_days: 30\n",
        "      uptime_days: 30\n      uptime_exclude_maintenance: false\n",
    )
    november = dict(uptime_report(load(write_history(write_tree, config)), NOW)["api"].months)
    assert november[date(2026, 11, 1)].counted == NOVEMBER_SO_FAR * H
    assert november[date(2026, 11, 1)].percent == pytest.approx(API_NOVEMBER_WITH_MAINTENANCE)


def test_every_output_gives_the_same_figures(write_tree: Tree, tmp_path: Path) -> None:
    root = write_history(write_tree)
    build_site(root / "mkdocs.yml", tmp_path / "site", NOW)
    site = tmp_path / "site"

    rows = list(csv.DictReader(io.StringIO((site / "uptime.csv").read_text())))
    api_rows = {row["month"]: row for row in rows if row["component_id"] == "api"}
    assert list(api_rows) == ["2026-10", "2026-11"]
    assert float(api_rows["2026-10"]["uptime_percent"]) == pytest.approx(API_OCTOBER, abs=1e-4)
    assert float(api_rows["2026-11"]["uptime_percent"]) == pytest.approx(API_NOVEMBER, abs=1e-4)
    assert float(api_rows["2026-10"]["major_outage_seconds"]) == 6 * H
    for days, expected in ((30, API_30), (90, API_90), (365, API_365)):
        assert float(api_rows["2026-11"][f"uptime_{days}_days"]) == pytest.approx(
            expected, abs=1e-4
        )
    assert [row["month"] for row in rows if row["component_id"] == "email"] == ["2026-11"]

    document = json.loads((site / "uptime.json").read_text())
    api = document["components"][0]
    assert api["id"] == "api"
    assert api["rolling"]["30_days"]["uptime_percent"] == pytest.approx(API_30, abs=1e-4)
    assert [m["month"] for m in api["months"]] == ["2026-10", "2026-11"]
    assert api["months"][0]["start"] == "2026-10-01T00:00:00+02:00"
    assert api["months"][0]["end"] == "2026-11-01T00:00:00+01:00"
    assert api["months"][1]["seconds"]["under_maintenance"] == 1 * H
    assert document["exclude_maintenance"] is True

    page = (site / "uptime" / "index.html").read_text()
    assert f"{API_OCTOBER:.2f}%" in page and f"{API_NOVEMBER:.2f}%" in page
    assert f"<td>{API_90:.2f}%</td>" in page
    status = (site / "index.html").read_text()
    api_line = re.search(r'href="components/api/">API</a>.*?class="pct">([0-9.]+)%', status, re.S)
    assert api_line is not None and api_line.group(1) == f"{API_30:.2f}"  # uptime_days: 30
    # e-mail starts on 1 Nov: of its 30 bars (from 12 Oct) the first 20 are not drawn
    email_bars = status[status.index('href="components/email/"') :]
    assert '<rect class="ok" x="80" width="40" height="20"/>' in email_bars.split("</svg>")[0]


def test_two_incidents_at_once_count_once(write_tree: Tree) -> None:
    config = CONFIG
    files = {"mkdocs.yml": config}
    for folder in ("2026-11-05-one", "2026-11-05-two"):
        for name, text in incident(
            "2026-11-05T10:00:00Z", "  api: major_outage\n", "2026-11-05T12:00:00Z"
        ).items():
            files[f"incidents/{folder}/{name}"] = text
    report = uptime_report(load(write_tree(files)), NOW)
    assert report["api"].ledger.day(date(2026, 11, 5)).downtime == 2 * H


# ---------------------------------------------------------------------------------------------
# The sweep against a brute force: any overlapping spans, minute by minute.

BERLIN = ZoneInfo("Europe/Berlin")
ORIGIN = datetime(2026, 10, 20, tzinfo=timezone.utc)  # the end of summer time lies ahead
STATES = [s for s in ComponentState if s is not ComponentState.OPERATIONAL]
spans = st.lists(
    st.tuples(
        st.integers(0, 14 * 24 * 60),
        st.integers(1, 2 * 24 * 60),
        st.sampled_from(STATES),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None)
@given(spans=spans)
def test_days_and_months_match_a_minute_by_minute_count(
    spans: list[tuple[int, int, ComponentState]],
) -> None:
    intervals = [
        (ORIGIN + timedelta(minutes=start), ORIGIN + timedelta(minutes=start + length), state)
        for start, length, state in spans
    ]
    days, months = _distribute(_worst_segments(intervals), Calendar(BERLIN), None)
    expected_days: dict[date, dict[ComponentState, float]] = {}
    expected_months: dict[date, dict[ComponentState, float]] = {}
    for minute in range(17 * 24 * 60):
        moment = ORIGIN + timedelta(minutes=minute, seconds=30)
        covering = [s for a, b, s in intervals if a <= moment < b]
        if not covering:
            continue
        state = max(covering, key=lambda s: s.severity)
        day = moment.astimezone(BERLIN).date()
        for table, key in ((expected_days, day), (expected_months, day.replace(day=1))):
            table.setdefault(key, {}).setdefault(state, 0.0)
            table[key][state] += 60.0
    assert days == expected_days
    assert months == expected_months
