"""Each component's maintenance calendar, beside its feed: the windows that name it."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE_NOW, REPO
from icalendar import Calendar
from statuspress.publishing.loading import load_project


def _uids(path: Path) -> set[str]:
    calendar = Calendar.from_ical(path.read_bytes())
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def test_each_component_has_a_calendar_of_its_own_windows(example_site: Path) -> None:
    site = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW).site
    everything = _uids(example_site / "maintenance.ics")
    assert everything
    covered: set[str] = set()
    for component in site.settings.components:
        path = example_site / "components" / component.id / "maintenance.ics"
        own = _uids(path)
        expected = {
            f"maintenance-{i.id}@{site.settings.feed_id_authority}"
            for i in site.incidents
            if i.is_maintenance and component.id in i.affected
        }
        assert own == expected, component.id
        name = Calendar.from_ical(path.read_bytes())["X-WR-CALNAME"]
        assert component.name in str(name)
        page = (example_site / "components" / component.id / "index.html").read_text("utf-8")
        assert f'components/{component.id}/maintenance.ics">its maintenance calendar' in page
        covered |= own
    assert covered == everything  # every window names a component, so every one is somewhere
