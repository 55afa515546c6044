"""`/maintenance.ics`: every maintenance window as an RFC 5545 event, with stable UIDs; and
`/components/<id>/maintenance.ics`, the windows of one component, beside its feed."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..incremental.outputcache import cached_output
from ..language.core import site_language
from ..model.types import Incident, Site
from .pages import site_when
from .promises import promise_text

if TYPE_CHECKING:
    from icalendar import Event, vRecur

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


def component_file(component_id: str) -> str:
    """Where one component's calendar is: beside its feed, `components/<id>/history.atom`."""
    return f"components/{component_id}/{FILE}"


def file_names(site: Site) -> list[str]:
    return [FILE, *(component_file(c.id) for c in site.settings.components)]


def render(site: Site, now: datetime, cache: OutputCache | None = None) -> dict[str, bytes]:
    """The site's calendar and each component's (the windows that name it); each from
    `cache` when none of its windows changed since an earlier build."""
    windows = [i for i in site.incidents if i.is_maintenance and i.window is not None]
    outputs = {FILE: _render_one(site, windows, "maintenance", "", cache)}
    for component in site.settings.components:
        own = [i for i in windows if component.id in i.affected]
        path = component_file(component.id)
        outputs[path] = _render_one(
            site, own, path.removesuffix(".ics"), f" – {component.name}", cache
        )
    return outputs


def _render_one(
    site: Site, windows: list[Incident], key: str, title: str, cache: OutputCache | None
) -> bytes:
    recent = {i.id for i in sorted(windows, key=_window_order, reverse=True)[:LIMIT]}
    shown = [incident for incident in windows if incident.id in recent]
    make = partial(_calendar, site, shown, title)
    return cached_output(cache, key, "ics", [(i, None) for i in shown], make)


def _calendar(site: Site, shown: list[Incident], title: str = "") -> bytes:
    from icalendar import Calendar  # only when the calendar changed: a rebuild rarely needs it

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    lang = site_language(site.settings)
    name = site.settings.site_name + title
    calendar.add("x-wr-calname", lang.gettext("%(site)s – scheduled maintenance", site=name))
    for incident in shown:
        calendar.add_component(_event(site, incident))
    calendar.add_missing_timezones()  # a VTIMEZONE for each zone a window is written in
    return bytes(calendar.to_ical())


def is_cancelled(incident: Incident) -> bool:
    """Completed before its window even started: the work did not happen in that window."""
    window = incident.window
    return bool(
        window and incident.latest.status == "completed" and incident.latest.at < window.start
    )


def held_windows(incident: Incident) -> int:
    """How many windows of a series took place: a `completed` update ends the series."""
    window = incident.window
    assert window is not None
    if incident.latest.status != "completed":
        return len(window.occurrences)
    return sum(1 for w in window.occurrences if w.start < incident.latest.at)


def _rule(incident: Incident) -> vRecur:
    """The series' RRULE; one that a `completed` update cut short ends with the last window
    that took place."""
    from icalendar import vRecur

    window = incident.window
    assert window is not None and window.repeat
    rule = vRecur.from_ical(window.repeat.strip().removeprefix("RRULE:"))
    held = held_windows(incident)
    if held < len(window.occurrences):
        rule.pop("UNTIL", None)
        rule["COUNT"] = [held]
    return rule


def _event(site: Site, incident: Incident) -> Event:
    from icalendar import Event

    window = incident.window
    assert window is not None
    event = Event()
    event.add("uid", f"maintenance-{incident.id}@{site.settings.feed_id_authority}")
    event.add("summary", incident.title)
    zone = ZoneInfo(window.zone) if window.zone else timezone.utc
    event.add("dtstart", window.start.astimezone(zone))
    event.add("dtend", window.end.astimezone(zone))
    if window.repeat and not is_cancelled(incident):
        event.add("rrule", _rule(incident))
    event.add("dtstamp", incident.latest.at.astimezone(timezone.utc))
    event.add("created", incident.first.at.astimezone(timezone.utc))
    event.add("last-modified", incident.latest.at.astimezone(timezone.utc))
    event.add("sequence", len(incident.updates) - 1)
    event.add("status", "CANCELLED" if is_cancelled(incident) else "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    event.add("url", f"{site.settings.site_url.rstrip('/')}/{incident.id}/")
    names = [_name(site, cid) for cid in incident.affected]
    description = incident.first.body.strip()
    promised = promise_text(incident.latest, site_when(site.settings), site_language(site.settings))
    if promised:
        description += f"\n\n{promised}"
    if names:
        affected = site_language(site.settings).gettext(
            "Affected: %(components)s", components=", ".join(names)
        )
        description += f"\n\n{affected}"
    event.add("description", description)
    return event
