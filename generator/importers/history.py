"""What every source is read into: components, incidents and maintenances with their updates,
already in statuspress's own vocabulary (statuses, component states, impacts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from ..model.types import ComponentState, Impact, Kind, Window


class SourceError(Exception):
    """Input that cannot be imported: where, what is wrong, and what to do."""

    def __init__(self, where: str, message: str, hint: str = "") -> None:
        super().__init__(f"{where}: {message}")
        self.where, self.message, self.hint = where, message, hint


@dataclass(frozen=True)
class SourceComponent:
    key: str  # the source's own id, e.g. a Statuspage component id or a cState system name
    name: str
    group: str | None = None
    description: str | None = None
    start_date: date | None = None  # when the component started being used


@dataclass(frozen=True)
class SourceUpdate:
    key: str  # the source's id of this update, unique within its incident
    at: datetime
    status: str  # a statuspress status of the incident's kind
    body: str  # public Markdown
    components: dict[str, ComponentState] = field(default_factory=dict)  # source key -> state
    title: str | None = None  # a rename, when the source records one


@dataclass(frozen=True)
class SourcePostmortem:
    body: str  # public Markdown
    published: datetime | None


@dataclass(frozen=True)
class SourceIncident:
    key: str  # the source's incident id
    kind: Kind
    title: str
    impact: Impact
    updates: tuple[SourceUpdate, ...]  # oldest first
    started: datetime | None = None
    window: Window | None = None
    postmortem: SourcePostmortem | None = None

    @property
    def is_maintenance(self) -> bool:
        return self.kind is Kind.MAINTENANCE


@dataclass
class History:
    source: str  # statuspage | cstate | upptime | instatus
    components: list[SourceComponent] = field(default_factory=list)
    incidents: list[SourceIncident] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    notes: list[str] = field(default_factory=list)  # what the reader should know of the source
    _incident_index: dict[str, int] = field(default_factory=dict, repr=False)
    _component_index: dict[str, int] = field(default_factory=dict, repr=False)
    _named_only: set[str] = field(default_factory=set, repr=False)

    def add_incident(self, incident: SourceIncident) -> None:
        """Keeps the newest copy when an incident appears in two files (summary, incidents)."""
        index = self._incident_index.get(incident.key)
        if index is None:
            self._incident_index[incident.key] = len(self.incidents)
            self.incidents.append(incident)
        elif _last(incident) >= _last(self.incidents[index]):
            self.incidents[index] = incident

    def add_component(self, component: SourceComponent, named_only: bool = False) -> None:
        """A component; one only named in an incident gives way to its full definition."""
        index = self._component_index.get(component.key)
        if index is None:
            self._component_index[component.key] = len(self.components)
            self.components.append(component)
            if named_only:
                self._named_only.add(component.key)
        elif not named_only and component.key in self._named_only:
            self.components[index] = component
            self._named_only.discard(component.key)

    def has_component(self, key: str) -> bool:
        return key in self._component_index


def _last(incident: SourceIncident) -> datetime:
    return max(u.at for u in incident.updates)
