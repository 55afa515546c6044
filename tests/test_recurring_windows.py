"""Repeating maintenance windows (`window.repeat`, an RFC 5545 RRULE) and windows written in a
named zone: the loader, the pages, the calendar, the API and the phase at several clocks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_files
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from statuspress.cli import main
from statuspress.model import derive
from statuspress.model.recurrence import MAX_OCCURRENCES, RecurrenceError, check_rule, occurrences
from statuspress.model.types import Phase, Window
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.loading import load_project

BERLIN = ZoneInfo("Europe/Berlin")
FOLDER = "incidents/2026-11-20-weekly-db"
ANNOUNCED = datetime(2026, 11, 20, 10, tzinfo=timezone.utc)


def announcement(window: str, status: str = "scheduled") -> str:
    return f"""\
        ---
        at: 2026-11-20T10:00:00Z
        kind: maintenance
        status: {status}
        title: Weekly database maintenance
        window:
{window}
        components:
          api: under_maintenance
        ---
        Every Sunday we tune the database; the API answers read-only for up to 90 minutes.
        """


# Sundays 10:00-11:30 in Berlin, across the start of summer time on 28 March 2027.
WEEKLY = """\
          start: 2027-03-14T10:00 Europe/Berlin
          end: 2027-03-14T11:30 Europe/Berlin
          repeat: FREQ=WEEKLY;BYDAY=SU;COUNT=4"""


def site_with(root: Path, window: str, *more: tuple[str, str]) -> Path:
    files = {
        "mkdocs.yml": MINIMAL_CONFIG,
        f"{FOLDER}/20261120T1000Z-scheduled.md": announcement(window),
    }
    files.update(dict(more))
    return write_files(root, files)


def build(root: Path, now: datetime) -> Path:
    target = root / f"site-{now:%Y%m%dT%H%M}"
    build_site(root / "mkdocs.yml", target, now)
    return target


def test_a_weekly_series_keeps_its_wall_time_across_daylight_saving(tmp_path: Path) -> None:
    project = load_project(site_with(tmp_path, WEEKLY) / "mkdocs.yml", ANNOUNCED)
    window = project.site.incidents[0].window
    assert window is not None and window.zone == "Europe/Berlin" and window.repeat
    local = [(w.start.astimezone(BERLIN), w.end.astimezone(BERLIN)) for w in window.occurrences]
    assert [(s.hour, s.minute, e.hour, e.minute) for s, e in local] == [(10, 0, 11, 30)] * 4
    assert [s.day for s, _ in local] == [14, 21, 28, 4]
    utc = [w.start.astimezone(timezone.utc).hour for w in window.occurrences]
    assert utc == [9, 9, 8, 8]  # CET before 28 March, CEST after
    assert all(w.duration == timedelta(minutes=90) for w in window.occurrences)


@pytest.mark.parametrize(
    ("window", "message"),
    [
        (WEEKLY.replace(";COUNT=4", ""), "never ends: a series needs COUNT or UNTIL"),
        (WEEKLY.replace("FREQ=WEEKLY", "FREQ=FORTNIGHTLY"), "is not a valid RRULE"),
        (WEEKLY.replace("BYDAY=SU", "BYDAY=MO"), "start is not an occurrence"),
        (WEEKLY.replace("FREQ=WEEKLY;BYDAY=SU", "FREQ=HOURLY"), "overlap"),
        (
            WEEKLY.replace("COUNT=4", f"COUNT={MAX_OCCURRENCES + 1}").replace(
                "WEEKLY;BYDAY=SU", "DAILY"
            ),
            f"more than {MAX_OCCURRENCES} windows",
        ),
        (WEEKLY.replace("Europe/Berlin", "Europe/Berlim", 1), "unknown time zone 'Europe/Berlim'"),
        (
            WEEKLY.replace("2027-03-14T10:00 Europe/Berlin", "2027-03-28T02:30 Europe/Berlin"),
            "does not exist in Europe/Berlin",
        ),
        (
            WEEKLY.replace(
                "2027-03-14T10:00 Europe/Berlin", "2027-03-14T10:00+01:00 Europe/Berlin"
            ),
            "both an offset and a zone",
        ),
        (
            WEEKLY.replace(
                "end: 2027-03-14T11:30 Europe/Berlin", "end: 2027-03-14T11:30 Europe/Paris"
            ),
            "starts in Europe/Berlin and ends in Europe/Paris",
        ),
        (WEEKLY + "\n          every: week", "may have 'repeat'"),
    ],
)
def test_a_bad_rule_or_zone_is_an_error_at_its_line(
    tmp_path: Path, window: str, message: str
) -> None:
    root = site_with(tmp_path, window)
    project = load_project(root / "mkdocs.yml", ANNOUNCED)
    errors = [d for d in project.diagnostics if d.is_error]
    assert len(errors) == 1, errors
    (found,) = errors
    assert message in found.message
    assert found.path.endswith("20261120T1000Z-scheduled.md")
    text = (root / FOLDER / "20261120T1000Z-scheduled.md").read_text().splitlines()
    line = text[found.line - 1]
    assert line.strip().startswith(("window", "start", "end", "repeat")), (found.line, line)
    with pytest.raises(BuildFailed):
        build(root, ANNOUNCED)


def test_an_until_rule_and_a_window_without_zone(tmp_path: Path) -> None:
    window = """\
          start: 2026-12-01T02:00:00Z
          end: 2026-12-01T03:00:00Z
          repeat: FREQ=MONTHLY;BYMONTHDAY=1;UNTIL=20270301T000000Z"""
    project = load_project(site_with(tmp_path, window) / "mkdocs.yml", ANNOUNCED)
    found = project.site.incidents[0].window
    assert found is not None and found.zone is None
    assert [w.start.month for w in found.occurrences] == [12, 1, 2]


def test_phases_follow_each_window_of_the_series(tmp_path: Path) -> None:
    site = load_project(site_with(tmp_path, WEEKLY) / "mkdocs.yml", ANNOUNCED).site
    incident = site.incidents[0]
    second = datetime(2027, 3, 21, 9, tzinfo=timezone.utc)  # 10:00 in Berlin
    cases = {
        second - timedelta(hours=1): Phase.UPCOMING,
        second + timedelta(minutes=30): Phase.IN_PROGRESS,
        second + timedelta(hours=2): Phase.UPCOMING,  # between two windows
        datetime(2027, 4, 4, 8, 30, tzinfo=timezone.utc): Phase.IN_PROGRESS,  # the last
        datetime(2027, 4, 4, 10, tzinfo=timezone.utc): Phase.OVERDUE,  # over, not completed
    }
    for now, phase in cases.items():
        assert derive.maintenance_phase(incident, now) is phase, now


def test_pages_calendar_and_api_agree_on_the_windows(tmp_path: Path) -> None:
    root = site_with(tmp_path, WEEKLY)
    now = datetime(2027, 3, 21, 9, 30, tzinfo=timezone.utc)  # in the second window
    site = build(root, now)
    windows = [
        (
            datetime(2027, 3, d, h, tzinfo=timezone.utc),
            datetime(2027, 3, d, h, 30, tzinfo=timezone.utc) + timedelta(hours=1),
        )
        for d, h in ((14, 9), (21, 9), (28, 8))
    ] + [
        (
            datetime(2027, 4, 4, 8, tzinfo=timezone.utc),
            datetime(2027, 4, 4, 9, 30, tzinfo=timezone.utc),
        )
    ]

    page = (site / "2026-11-20-weekly-db" / "index.html").read_text(encoding="utf-8")
    assert '<li>Window: <time datetime="2027-03-21T09:00:00Z">' in page
    listed = page[page.index("<h2>Every window</h2>") :]
    for start, _ in windows:
        assert f'datetime="{start:%Y-%m-%dT%H:%M:%SZ}"' in listed
    assert "(past)" in listed and "(now)" in listed and "Europe/Berlin" in listed
    status = (site / "index.html").read_text(encoding="utf-8")
    assert "In progress" in status and "windows left: 3 of 4" in status

    calendar = Calendar.from_ical((site / "maintenance.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Berlin"
    rule = rrulestr(event["RRULE"].to_ical().decode(), dtstart=event.decoded("DTSTART"))
    assert [s.astimezone(timezone.utc) for s in rule] == [s for s, _ in windows]
    length = event.decoded("DTEND") - event.decoded("DTSTART")
    assert length == timedelta(minutes=90)

    api = site / "api" / "v2" / "scheduled-maintenances"
    upcoming = json.loads((api / "upcoming.json").read_text())["scheduled_maintenances"]
    assert [(m["scheduled_for"], m["status"]) for m in upcoming] == [
        (f"{s:%Y-%m-%dT%H:%M:%S}.000Z", "scheduled") for s, _ in windows[2:]
    ]
    assert len({m["id"] for m in upcoming}) == 2
    (active,) = json.loads((api / "active.json").read_text())["scheduled_maintenances"]
    assert (active["status"], active["scheduled_for"]) == (
        "in_progress",
        "2027-03-21T09:00:00.000Z",
    )


def test_a_completed_update_ends_the_series(tmp_path: Path) -> None:
    completed = """\
        ---
        at: 2027-03-21T10:30:00Z
        status: completed
        components:
          api: operational
        ---
        We have finished the series early: the database needs no more weekly tuning.
        """
    root = site_with(tmp_path, WEEKLY, (f"{FOLDER}/20270321T1030Z-completed.md", completed))
    site = build(root, datetime(2027, 3, 22, tzinfo=timezone.utc))
    page = (site / "2026-11-20-weekly-db" / "index.html").read_text(encoding="utf-8")
    assert page.count("(cancelled)") == 2 and page.count("(past)") == 2
    (event,) = Calendar.from_ical((site / "maintenance.ics").read_bytes()).walk("VEVENT")
    assert event["RRULE"]["COUNT"] == [2] and "UNTIL" not in event["RRULE"]
    upcoming = json.loads((site / "api/v2/scheduled-maintenances/upcoming.json").read_text())
    assert upcoming["scheduled_maintenances"] == []


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Tokyo"]),
    day=st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2030, 1, 1).date()),
    hour=st.sampled_from([0, 4, 9, 13, 20]),
    minutes=st.integers(min_value=15, max_value=6 * 60),
    freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY"]),
    count=st.integers(min_value=1, max_value=60),
)
def test_every_window_starts_at_the_first_ones_wall_time(
    zone: str, day: object, hour: int, minutes: int, freq: str, count: int
) -> None:
    tz = ZoneInfo(zone)
    start = datetime.combine(day, datetime.min.time(), tz).replace(hour=hour)  # type: ignore[arg-type]
    end = start + timedelta(minutes=minutes)
    rule = f"FREQ={freq};COUNT={count}"
    try:
        check_rule(start.astimezone(timezone.utc), end.astimezone(timezone.utc), zone, rule)
    except RecurrenceError as exc:
        assert "overlap" in exc.message or "not an occurrence" in exc.message
        return
    found = occurrences(start.astimezone(timezone.utc), end.astimezone(timezone.utc), zone, rule)
    assert len(found) == count
    for begin, finish in found:
        local = begin.astimezone(tz)
        assert (local.hour, local.minute) == (hour, 0)  # no zone here skips these hours
        assert finish > begin
    window = Window(found[0][0], found[0][1], zone, rule)
    for begin, _ in found:
        assert window.at(begin).start == begin


def test_the_maintenance_command_writes_a_repeating_window_in_local_time(tmp_path: Path) -> None:
    root = write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG})
    (root / "incidents").mkdir()
    args = [
        *("maintenance", "Weekly tuning", "-f", str(root / "mkdocs.yml")),
        *("--start", "2027-03-14T09:00:00Z", "--end", "90m", "-c", "api"),
        *("--zone", "Europe/Berlin", "--repeat", "FREQ=WEEKLY;BYDAY=SU;COUNT=4"),
        *("--now", "2026-11-20T10:00:00Z", "-m", "Every Sunday we tune the database."),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    (written,) = (root / "incidents").glob("*/*.md")
    text = written.read_text(encoding="utf-8")
    assert (
        "  start: 2027-03-14T10:00 Europe/Berlin\n  end: 2027-03-14T11:30 Europe/Berlin\n" in text
    )
    assert "  repeat: FREQ=WEEKLY;BYDAY=SU;COUNT=4\n" in text
    window = load_project(root / "mkdocs.yml", ANNOUNCED).site.incidents[0].window
    assert window is not None and len(window.occurrences) == 4
    assert {w.start.astimezone(BERLIN).hour for w in window.occurrences} == {10}


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--repeat", "FREQ=WEEKLY;BYDAY=SU", "never ends"),
        ("--repeat", "FREQ=WEEKLY;BYDAY=MO;COUNT=2", "not an occurrence"),
        ("--zone", "Europe/Berlim", "unknown time zone"),
    ],
)
def test_the_maintenance_command_refuses_a_bad_rule_or_zone(
    tmp_path: Path, option: str, value: str, message: str
) -> None:
    root = write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG})
    (root / "incidents").mkdir()
    args = [
        *("maintenance", "Weekly tuning", "-f", str(root / "mkdocs.yml"), option, value),
        *("--start", "2027-03-14T09:00:00Z", "--end", "90m", "-c", "api"),
        *("--now", "2026-11-20T10:00:00Z"),
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output and message in result.output
    assert list((root / "incidents").iterdir()) == []
