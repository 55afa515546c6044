"""The maintenance calendar read by a real iCalendar parser, and the status badges."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO
from icalendar import Calendar
from statuspress.model import Kind
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project

SVG = "{http://www.w3.org/2000/svg}"


def events(site: Path) -> dict[str, object]:
    calendar = Calendar.from_ical((site / "maintenance.ics").read_bytes())
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_calendar_round_trips_every_window_exactly(example_site: Path) -> None:
    project = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW)
    maintenances = [i for i in project.site.incidents if i.kind is Kind.MAINTENANCE]
    found = events(example_site)
    assert len(found) == len(maintenances) == 2
    for maintenance in maintenances:
        event = found[f"maintenance-{maintenance.id}@status.acme.example"]
        assert maintenance.window is not None
        assert event.decoded("DTSTART") == maintenance.window.start
        assert event.decoded("DTEND") == maintenance.window.end
        assert str(event["SUMMARY"]) == maintenance.title
        assert str(event["URL"]) == f"https://status.acme.example/{maintenance.id}/"
        assert str(event["STATUS"]) == "CONFIRMED"


def test_a_maintenance_completed_before_its_window_is_cancelled(write_tree) -> None:
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            "incidents/2026-11-20-db-upgrade/20261120T0900Z-scheduled.md": """\
            ---
            at: 2026-11-20T09:00:00Z
            kind: maintenance
            status: scheduled
            title: Database upgrade
            window: {start: 2026-11-25T02:00:00Z, end: 2026-11-25T03:00:00Z}
            components: {api: under_maintenance}
            ---
            We will upgrade the database during this window.
            """,
            "incidents/2026-11-20-db-upgrade/20261121T0900Z-completed.md": """\
            ---
            at: 2026-11-21T09:00:00Z
            status: completed
            ---
            We have called off this maintenance; we will schedule it again.
            """,
        }
    )
    build_site(root / "mkdocs.yml", root / "out", datetime(2026, 11, 22, tzinfo=timezone.utc))
    (event,) = events(root / "out").values()
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1  # calendar clients replace the event they already have


@pytest.mark.parametrize(
    "path", ["badge.svg", "components/webhooks/badge.svg", "components/api/badge.svg"]
)
def test_badges_are_accessible_svg(example_site: Path, path: str) -> None:
    svg = ET.parse(example_site / path).getroot()
    assert svg.tag == f"{SVG}svg" and svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    assert title is not None and title.text == svg.get("aria-label")
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    expected = "Operational" if path.startswith("components/api") else "Partial outage"
    assert expected in texts and expected in (title.text or "")
