"""Pure queries on the model at a given moment: current states, open incidents, uptime."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from ..language.marker import N_
from .types import (
    CLOSING_STATUSES,
    STATE_SEVERITY,
    ComponentState,
    Impact,
    Incident,
    Kind,
    Phase,
    Site,
    Window,
)

Interval = tuple[datetime, datetime, ComponentState]
_Query = TypeVar("_Query", bound=Callable[..., Any])


def _remembered(query: _Query) -> _Query:
    """The answers of a query of the whole site at a moment, for the last site asked about:
    one build asks the same ones for its pages, API and badges, each a pass over the history.
    Callers get a copy, which they may change."""
    # The last site and its answers. Holding the site keeps any other from taking its
    # identity; the pair is replaced whole, so a thread asking about another site meanwhile
    # never mixes the two.
    last: list[tuple[Site, dict[Any, Any]] | None] = [None]

    @functools.wraps(query)
    def remembering(site: Site, now: datetime, *args: Any) -> Any:
        held = last[0]
        if held is None or held[0] is not site:
            held = last[0] = (site, {})
        answers = held[1]
        if (now, args) not in answers:
            answers[now, args] = query(site, now, *args)
        return copy.copy(answers[now, args])

    return remembering  # type: ignore[return-value]


def maintenance_phase(incident: Incident, now: datetime) -> Phase:
    """A maintenance's phase from its updates and its window (the window of its series that is
    under way at `now`, else the next one). A status written by hand (`in_progress`,
    `verifying`) holds for the window it was written for."""
    latest = incident.latest
    if latest.status == "completed":
        return Phase.COMPLETED
    window = incident.window
    by_hand = latest.status in ("in_progress", "verifying")
    if window is None:
        return Phase.IN_PROGRESS if by_hand else Phase.UPCOMING
    current = window.at(now)
    if by_hand and window.at(latest.at) == current:
        return Phase.OVERDUE if now >= current.end else Phase.IN_PROGRESS
    if now < current.start:
        return Phase.UPCOMING
    return Phase.IN_PROGRESS if now < current.end else Phase.OVERDUE


def upcoming_windows(site: Site, now: datetime) -> list[tuple[Incident, Window]]:
    """Every window still to begin, soonest first: a maintenance's own, and each later window
    of a series, also of one under way now."""
    found = []
    open_phases = (Phase.UPCOMING, Phase.IN_PROGRESS, Phase.OVERDUE)
    for incident in maintenances(site, now, *open_phases):
        window = incident.window
        if window is None:
            continue
        current = window.at(now)
        under_way = maintenance_phase(incident, now) is not Phase.UPCOMING
        found += [
            (incident, w)
            for w in window.upcoming(now)
            if w.start > current.start or (w == current and not under_way)
        ]
    return sorted(found, key=lambda pair: (pair[1].start, pair[0].id))


def series(incident: Incident, now: datetime) -> list[tuple[Window, str]]:
    """Each window of a repeating maintenance with where it stands at `now`: past, now, next,
    later, or cancelled (after a `completed` update ended the series)."""
    window = incident.window
    if window is None or not window.repeat:
        return []
    completed = incident.latest.at if incident.latest.status == "completed" else None
    current = window.at(now)
    rows = []
    for occurrence in window.occurrences:
        if completed is not None and occurrence.start >= completed:
            label = "cancelled"
        elif occurrence.end <= now:
            label = "past"
        elif occurrence.start <= now:
            label = "now"
        else:
            label = "next" if occurrence == current else "later"
        rows.append((occurrence, label))
    return rows


def current_window(incident: Incident, now: datetime) -> Window | None:
    """The window of a maintenance under way at `now`, else its next, else its last."""
    return incident.window.at(now) if incident.window else None


def current_status(incident: Incident, now: datetime) -> str:
    """The status a reader sees now; a scheduled maintenance whose window began is in progress."""
    if incident.is_maintenance and incident.latest.status == "scheduled":
        phase = maintenance_phase(incident, now)
        if phase in (Phase.IN_PROGRESS, Phase.OVERDUE):
            return "in_progress"
    return incident.latest.status


def is_open(incident: Incident, now: datetime) -> bool:
    """An unresolved incident, or a maintenance that is under way (or overran its window)."""
    if incident.kind is Kind.INCIDENT:
        return not incident.is_closed
    return maintenance_phase(incident, now) in (Phase.IN_PROGRESS, Phase.OVERDUE)


def visible_at(incident: Incident, now: datetime) -> bool:
    """Updates published after `now` do not exist yet for this build."""
    return incident.first.at <= now


def site_at(site: Site, now: datetime) -> Site:
    """The site as it stood at `now`: later updates and postmortems do not exist yet.

    The one cut of the model at the clock: the project loader hands every output (pages,
    feeds, API, badges, calendar, notifications) this site, never the one as written."""
    at_now = tuple(incident_at(incident, now) for incident in site.incidents)
    if all(cut is whole for cut, whole in zip(at_now, site.incidents, strict=True)):
        return site  # nothing lies ahead: the site as written, and the answers it remembers
    return replace(site, incidents=tuple(i for i in at_now if i is not None))


def whole_at(incident: Incident, now: datetime) -> bool:
    """Nothing of the incident lies after `now`: it is published as it is written."""
    return incident_at(incident, now) is incident


@dataclass(frozen=True)
class Scheduled:
    """An update or postmortem written with a time after the clock: published by a build at
    or after `at`."""

    path: str
    line: int
    at: datetime
    what: str  # "update" | "postmortem"


def scheduled(site: Site, now: datetime) -> list[Scheduled]:
    """What is written but not published at `now`, soonest first."""
    found = []
    for incident in site.incidents:
        if whole_at(incident, now):
            continue
        found += [
            Scheduled(u.path, u.line_of("at"), u.at, "update")
            for u in incident.updates
            if u.at > now
        ]
        postmortem = incident.postmortem
        if postmortem and postmortem.published and postmortem.published > now:
            line = postmortem.lines.get("published", 1)
            found.append(Scheduled(postmortem.path, line, postmortem.published, "postmortem"))
    return sorted(found, key=lambda s: (s.at, s.path))


def incident_at(incident: Incident, now: datetime) -> Incident | None:
    """The incident as it stood at `now`; None before its first update."""
    postmortem = incident.postmortem
    future_postmortem = bool(postmortem and postmortem.published and postmortem.published > now)
    if incident.latest.at <= now and not future_postmortem:
        return incident  # the usual case: nothing of it lies ahead of `now`
    updates = tuple(u for u in incident.updates if u.at <= now)
    if not updates:
        return None
    return replace(incident, updates=updates, postmortem=None if future_postmortem else postmortem)


@_remembered
def open_incidents(site: Site, now: datetime) -> list[Incident]:
    """Unresolved incidents, most severe first, then newest."""
    found = [i for i in site.incidents if i.kind is Kind.INCIDENT and not i.is_closed]
    return sorted(found, key=lambda i: (-i.impact.rank, -i.latest.at.timestamp(), i.id))


@_remembered
def maintenances(site: Site, now: datetime, *phases: Phase) -> list[Incident]:
    """Maintenances in the given phases, soonest window first."""
    found = [i for i in site.incidents if i.is_maintenance and maintenance_phase(i, now) in phases]
    return sorted(found, key=lambda i: (_window_start(i, now), i.id))


def _window_start(incident: Incident, now: datetime) -> datetime:
    window = current_window(incident, now)
    return window.start if window else incident.first.at


def incident_states(incident: Incident, now: datetime) -> dict[str, ComponentState]:
    """What this incident or maintenance does to each component right now."""
    if incident.is_closed:
        return lingering(incident)
    if incident.kind is Kind.INCIDENT:
        return dict(incident.latest.components)
    if maintenance_phase(incident, now) is Phase.UPCOMING:
        return {}
    states = dict(incident.latest.components)
    if incident.latest.status == "scheduled":
        states = {
            c: ComponentState.UNDER_MAINTENANCE if s is ComponentState.OPERATIONAL else s
            for c, s in states.items()
        }
    return states


def lingering(incident: Incident) -> dict[str, ComponentState]:
    """States a closing update explicitly left non-operational (all others returned to normal)."""
    return {
        c: s for c, s in incident.latest.components.items() if s is not ComponentState.OPERATIONAL
    }


def worst(states: Iterable[ComponentState]) -> ComponentState:
    return max(states, key=lambda s: STATE_SEVERITY[s], default=ComponentState.OPERATIONAL)


@_remembered
def component_states(site: Site, now: datetime) -> dict[str, ComponentState]:
    """Every configured component's state now: the worst any open incident gives it."""
    states = dict.fromkeys(site.settings.component_ids, ComponentState.OPERATIONAL)
    for incident in site.incidents:
        for component_id, state in incident_states(incident, now).items():
            if component_id in states:
                states[component_id] = worst((states[component_id], state))
    return states


@dataclass(frozen=True)
class Overall:
    """The banner: the worst current component state, and Statuspage's indicator."""

    state: ComponentState
    indicator: str  # none | minor | major | critical | maintenance
    description: str


# The banner's words (pages translate them; the API keeps Statuspage's English).
_DESCRIPTIONS = {
    ComponentState.OPERATIONAL: N_("All Systems Operational"),
    ComponentState.UNDER_MAINTENANCE: N_("Service Under Maintenance"),
    ComponentState.DEGRADED_PERFORMANCE: N_("Degraded Performance"),
    ComponentState.PARTIAL_OUTAGE: N_("Partial System Outage"),
    ComponentState.MAJOR_OUTAGE: N_("Major System Outage"),
}
_INDICATOR_DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Minor Service Outage",
    "major": "Partial System Outage",
    "critical": "Major Service Outage",
    "maintenance": "Service Under Maintenance",
}


@_remembered
def overall(site: Site, now: datetime) -> Overall:
    states = component_states(site, now)
    state = worst(states.values())
    unresolved = open_incidents(site, now)
    impact = max((i.impact for i in unresolved), key=lambda i: i.rank, default=Impact.NONE)
    if impact is not Impact.NONE:
        indicator = impact.value
    elif maintenances(site, now, Phase.IN_PROGRESS, Phase.OVERDUE):
        indicator = "maintenance"
    elif unresolved:
        indicator = "minor"
    else:
        indicator = "none"
    if state is ComponentState.OPERATIONAL and indicator == "maintenance":
        state = ComponentState.UNDER_MAINTENANCE
    return Overall(state=state, indicator=indicator, description=_DESCRIPTIONS[state])


def state_description(state: ComponentState) -> str:
    return _DESCRIPTIONS[state]


def indicator_description(indicator: str) -> str:
    return _INDICATOR_DESCRIPTIONS[indicator]


def closed_statuses() -> frozenset[str]:
    return CLOSING_STATUSES


def component_intervals(
    site: Site, now: datetime, since: datetime | None = None
) -> dict[str, list[Interval]]:
    """Per component, the spans of time it spent in a non-operational state (one pass);
    with `since`, only incidents with a span that may reach it (older ones are skipped)."""
    spans: dict[str, list[Interval]] = {c: [] for c in site.settings.component_ids}
    for incident in site.incidents:
        if since is not None and not may_reach(incident, since):
            continue
        for start, end, states in _incident_spans(incident, now):
            for component_id, state in states.items():
                if state is not ComponentState.OPERATIONAL and component_id in spans:
                    spans[component_id].append((start, end, state))
    return spans


def _maintenance_spans(
    incident: Incident, now: datetime
) -> Iterator[tuple[datetime, datetime, dict[str, ComponentState]]]:
    """Each window that has begun, until its end or `now`; a `completed` update ends the work
    (a single window's even when it runs over, a series' from then on)."""
    window = incident.window
    completed = incident.latest.at if incident.latest.status == "completed" else None
    if window is None or (completed is None and now < window.start):
        return
    states = {c: ComponentState.UNDER_MAINTENANCE for c in incident.affected}
    if not window.repeat:
        end = completed or min(now, window.end)
        if window.start < end:
            yield window.start, end, states
        return
    for occurrence in window.occurrences:
        end = min(occurrence.end, now, completed or occurrence.end)
        if occurrence.start >= end:
            break
        yield occurrence.start, end, states


def may_reach(incident: Incident, since: datetime) -> bool:
    """Whether a span of `_incident_spans` can end at `since` or later."""
    if incident.latest.at >= since:
        return True
    if incident.is_maintenance:
        window = incident.window
        ongoing = incident.latest.status != "completed"
        return ongoing and window is not None and window.last.end >= since
    return not incident.is_closed or bool(lingering(incident))


def _incident_spans(
    incident: Incident, now: datetime
) -> Iterator[tuple[datetime, datetime, dict[str, ComponentState]]]:
    """(start, end, states) for each stretch between updates, clipped to `now`."""
    if incident.is_maintenance:
        yield from _maintenance_spans(incident, now)
        return
    updates = incident.updates
    last = len(updates) - 1
    for index, update in enumerate(updates):
        start = incident.started if index == 0 else update.at
        if index < last:
            end = updates[index + 1].at
        else:  # the last update: a closing one ends the stretch, unless it leaves a state
            end = update.at if update.is_closing and not lingering(incident) else now
        if start < end:
            yield start, min(end, now), update.components
