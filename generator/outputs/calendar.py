"""`/maintenance.ics`: every maintenance window as an RFC 5545 event, with stable UIDs."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING

from ..incremental.outputcache import cached_output
from ..model.types import Incident, Site

if TYPE_CHECKING:
    from icalendar import Event

    from ..incremental.outputcache import OutputCache

PRODID = "-//statuspress//maintenance calendar//EN"
FILE = "maintenance.ics"
LIMIT = 200  # the most recent windows: calendars need what is coming, not ten years back


def _window_order(incident: Incident) -> tuple[datetime, str]:
    assert incident.window is not None  # only maintenance with a window is listed
    return incident.window.start, incident.id


def _name(site: Site, component_id: str) -> str:
    component = site.settings.component(component_id)
    return component.name if component else component_id


def render(site: Site, now: datetime, cache: OutputCache | None = None) -> dict[str, bytes]:
    """The calendar; from `cache` when none of its windows changed since an earlier build."""
    windows = [i for i in site.incidents if i.is_maintenance and i.window is not None]
    windows.sort(key=_window_order, reverse=True)
    recent = {incident.id for incident in windows[:LIMIT]}
    shown = [incident for incident in site.incidents if incident.id in recent]
    data = cached_output(
        cache, "maintenance", "ics", [(i, None) for i in shown], partial(_calendar, site, shown)
    )
    return {FILE: data}


def _calendar(site: Site, shown: list[Incident]) -> bytes:
    from icalendar import Calendar  # only when the calendar changed: a rebuild rarely needs it

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{site.settings.site_name} – scheduled maintenance")
    for incident in shown:
        calendar.add_component(_event(site, incident))
    return bytes(calendar.to_ical())


def is_cancelled(incident: Incident) -> bool:
    """Completed before its window even started: the work did not happen in that window."""
    window = incident.window
    return bool(
        window and incident.latest.status == "completed" and incident.latest.at < window.start
    )


def _event(site: Site, incident: Incident) -> Event:
    from icalendar import Event

    window = incident.window
    assert window is not None
    event = Event()
    event.add("uid", f"maintenance-{incident.id}@{site.settings.feed_id_authority}")
    event.add("summary", incident.title)
    event.add("dtstart", window.start.astimezone(timezone.utc))
    event.add("dtend", window.end.astimezone(timezone.utc))
    event.add("dtstamp", incident.latest.at.astimezone(timezone.utc))
    event.add("created", incident.first.at.astimezone(timezone.utc))
    event.add("last-modified", incident.latest.at.astimezone(timezone.utc))
    event.add("sequence", len(incident.updates) - 1)
    event.add("status", "CANCELLED" if is_cancelled(incident) else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("url", f"{site.settings.site_url.rstrip('/')}/{incident.id}/")
    names = [_name(site, cid) for cid in incident.affected]
    description = incident.first.body.strip()
    if names:
        description += f"\n\nAffected: {', '.join(names)}"
    event.add("description", description)
    return event
