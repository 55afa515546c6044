"""The public content model: frozen dataclasses and enums. Nothing internal ever gets here."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import Enum
from functools import cached_property
from typing import Any

from ..language.marker import N_
from . import recurrence


class Impact(str, Enum):
    NONE = "none"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return list(Impact).index(self)


class ComponentState(str, Enum):
    OPERATIONAL = "operational"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"
    UNDER_MAINTENANCE = "under_maintenance"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]

    @property
    def severity(self) -> int:
        """How bad it is for a reader; maintenance ranks below any outage."""
        return STATE_SEVERITY[self]


# English, and the msgids of the catalogs: pages, feeds and notices show them translated.
STATE_LABELS = {
    ComponentState.OPERATIONAL: N_("Operational"),
    ComponentState.DEGRADED_PERFORMANCE: N_("Degraded performance"),
    ComponentState.PARTIAL_OUTAGE: N_("Partial outage"),
    ComponentState.MAJOR_OUTAGE: N_("Major outage"),
    ComponentState.UNDER_MAINTENANCE: N_("Under maintenance"),
}
STATE_SEVERITY = {
    ComponentState.OPERATIONAL: 0,
    ComponentState.UNDER_MAINTENANCE: 1,
    ComponentState.DEGRADED_PERFORMANCE: 2,
    ComponentState.PARTIAL_OUTAGE: 3,
    ComponentState.MAJOR_OUTAGE: 4,
}


class Kind(str, Enum):
    INCIDENT = "incident"
    MAINTENANCE = "maintenance"


INCIDENT_STATUSES = ("investigating", "identified", "monitoring", "resolved")
MAINTENANCE_STATUSES = ("scheduled", "in_progress", "verifying", "completed")
CLOSING_STATUSES = frozenset({"resolved", "completed"})
STATUS_LABELS = {
    "investigating": N_("Investigating"),
    "identified": N_("Identified"),
    "monitoring": N_("Monitoring"),
    "resolved": N_("Resolved"),
    "scheduled": N_("Scheduled"),
    "in_progress": N_("In progress"),
    "verifying": N_("Verifying"),
    "completed": N_("Completed"),
}
IMPACT_LABELS = {
    "none": N_("None"),
    "minor": N_("Minor"),
    "major": N_("Major"),
    "critical": N_("Critical"),
    "maintenance": N_("Maintenance"),
}


class Phase(str, Enum):
    """Where a maintenance stands at a given moment."""

    UPCOMING = "upcoming"
    IN_PROGRESS = "in_progress"
    OVERDUE = "overdue"  # the window has ended without a `completed` update
    COMPLETED = "completed"


@dataclass(frozen=True)
class Component:
    id: str
    name: str
    group: str | None = None
    description: str | None = None
    position: int = 0
    start_date: date | None = None


@dataclass(frozen=True)
class Window:
    """A maintenance window; with `repeat` (an RFC 5545 RRULE) the first of a series. With
    `zone` (written `2026-11-29T02:00 Europe/Berlin`) every window of the series keeps that
    zone's wall time across daylight-saving changes."""

    start: datetime
    end: datetime
    zone: str | None = None
    repeat: str | None = None

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    @cached_property
    def occurrences(self) -> tuple[Window, ...]:
        """Every window of the series, in order; just this one when it does not repeat."""
        if not self.repeat:
            return (self,)
        found = recurrence.occurrences(self.start, self.end, self.zone, self.repeat)
        return tuple(Window(start, end, self.zone) for start, end in found)

    @property
    def last(self) -> Window:
        return self.occurrences[-1]

    @cached_property
    def _ends(self) -> list[datetime]:
        return [w.end for w in self.occurrences]

    def at(self, moment: datetime) -> Window:
        """The window under way at `moment`, else the next one, else the last."""
        windows = self.occurrences
        index = bisect.bisect_right(self._ends, moment)
        return windows[min(index, len(windows) - 1)]

    def upcoming(self, moment: datetime) -> tuple[Window, ...]:
        """The windows that have not ended at `moment`."""
        return tuple(w for w in self.occurrences if w.end > moment)


ETA_UNKNOWN = "unknown"


@dataclass(frozen=True)
class UpdateText:
    """An update's words in another language: a sibling file `<update>.<language>.md`."""

    language: str  # normal form: fr, pt_BR
    path: str  # relative to the site root
    body: str
    title: str | None = None
    apology: str | None = None
    cause: str | None = None
    workaround: str | None = None
    explicit: frozenset[str] = frozenset()
    lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


TRANSLATED_FIELDS = ("title", "apology", "cause", "workaround")


@dataclass(frozen=True)
class Update:
    """One published update, with the carried-forward values already applied."""

    incident_id: str
    file: str  # file name inside the incident folder, e.g. 20261120T1405Z-investigating.md
    path: str  # relative to the site root, e.g. incidents/<id>/<file>
    at: datetime
    status: str
    title: str
    impact: Impact
    components: dict[str, ComponentState]  # the states this update sets (carried forward)
    body: str  # public Markdown: no internal notes, no HTML comments
    eta: datetime | str | None = None  # a time, ETA_UNKNOWN, or None
    next_update: datetime | None = None
    apology: str | None = None
    cause: str | None = None
    workaround: str | None = None
    author: str | None = None
    started: datetime | None = None  # first update only
    window: Window | None = None  # maintenance: carried forward
    # `<source>:<incident id>[/<update id>]` when `statuspress import` wrote it: the ids are
    # public on the old page, kept so its links can be redirected and its history not re-sent
    imported_from: str | None = None
    explicit: frozenset[str] = frozenset()  # frontmatter keys written in this file
    lint_ignore: frozenset[str] = frozenset()
    lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line in the file
    body_line: int = 1  # line where the body starts
    translations: tuple[UpdateText, ...] = ()
    # Set on the updates of a language's tree: the language its words are in ("" for the
    # site's own); a page in another language marks them as shown untranslated.
    text_language: str = ""

    def translation(self, language: str) -> UpdateText | None:
        return next((t for t in self.translations if t.language == language), None)

    @property
    def is_closing(self) -> bool:
        return self.status in CLOSING_STATUSES

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.replace("_", " ").capitalize())

    @property
    def uid(self) -> str:
        """Stable identity of the update: incident id and file name without `.md`."""
        return f"{self.incident_id}/{self.file.removesuffix('.md')}"

    def line_of(self, key: str) -> int:
        return self.lines.get(key, 1)


@dataclass(frozen=True)
class ActionItem:
    what: str
    owner: str | None
    due: date | None
    status: str  # open | done
    line: int = 1


@dataclass(frozen=True)
class Postmortem:
    incident_id: str
    path: str
    title: str
    published: datetime | None
    authors: tuple[str, ...]
    summary: str | None
    action_items: tuple[ActionItem, ...]
    body: str
    lines: dict[str, int] = field(default_factory=dict)
    body_line: int = 1
    lint_ignore: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Incident:
    """An incident or a maintenance: its public updates in order, and what follows from them."""

    id: str
    kind: Kind
    path: str  # incidents/<id>
    updates: tuple[Update, ...]  # chronological: by `at`, then file name
    postmortem: Postmortem | None = None
    assets: tuple[str, ...] = ()  # other files in the folder, published beside the page

    @property
    def is_maintenance(self) -> bool:
        return self.kind is Kind.MAINTENANCE

    # The pages, feeds, API and linter ask these of every incident, often many times over:
    # each is worked out once (the updates never change).
    @cached_property
    def first(self) -> Update:
        return self.updates[0]

    @cached_property
    def latest(self) -> Update:
        return self.updates[-1]

    @property
    def title(self) -> str:
        return self.latest.title

    @property
    def impact(self) -> Impact:
        return self.latest.impact

    @property
    def status(self) -> str:
        return self.latest.status

    @cached_property
    def started(self) -> datetime:
        """When customer impact began: `started`, else the window start, else the first update."""
        if self.first.started:
            return self.first.started
        if self.window:
            return self.window.start
        return self.first.at

    @property
    def window(self) -> Window | None:
        return self.latest.window

    @cached_property
    def is_closed(self) -> bool:
        return self.latest.is_closing

    @property
    def closed_at(self) -> datetime | None:
        return self.latest.at if self.is_closed else None

    @property
    def last_activity(self) -> datetime:
        return self.latest.at

    @cached_property
    def affected(self) -> tuple[str, ...]:
        """Every component any update of this incident named, in order of first mention."""
        seen: dict[str, None] = {}
        for update in self.updates:
            for component_id in update.components:
                seen.setdefault(component_id, None)
        return tuple(seen)

    def duration(self, now: datetime) -> timedelta:
        end = self.closed_at or now
        return max(timedelta(0), end - self.started)


@dataclass(frozen=True)
class UptimeWeights:
    """How much of a day in each state counts as downtime."""

    major_outage: float = 1.0
    partial_outage: float = 0.3
    degraded_performance: float = 0.0
    under_maintenance: float = 0.0

    def of(self, state: ComponentState) -> float:
        return float(getattr(self, state.value, 0.0))


@dataclass(frozen=True)
class Settings:
    """The plugin's options from mkdocs.yml, validated."""

    site_name: str = "Status"
    site_url: str = ""
    company: str = ""
    timezone: str = "UTC"
    uptime_days: int = 90
    components: tuple[Component, ...] = ()
    lint: dict[str, str] = field(default_factory=dict)
    lint_thresholds: dict[str, Any] = field(default_factory=dict)  # validated overrides
    lint_blocks_build: bool = False  # communication errors stop `build` too, not only `check`
    forbidden_patterns: tuple[str, ...] = ()
    private_emails: tuple[str, ...] = ()
    uptime_weights: UptimeWeights = UptimeWeights()
    uptime_exclude_maintenance: bool = True  # maintenance time is left out of uptime
    feed_id_authority: str = ""  # host used in tag: URIs; defaults to site_url's host
    recent_days: int = 14  # resolved incidents shown on the status page
    history_page_size: int = 50
    postmortem_due_days: int = 7
    max_file_bytes: int = 1_000_000
    allow_raw_html: bool = False
    local_times: bool = False  # a script shows the pages' times in the reader's own zone
    docs_dir: str = "incidents"
    cache_dir: str = ".statuspress-cache"
    notify: dict[str, object] = field(default_factory=dict)
    alerts: tuple[Any, ...] = ()  # model.extras.AlertRoute
    vendors: tuple[Any, ...] = ()  # model.extras.Vendor
    vendor_timeout: float = 5.0  # seconds for each vendor's summary
    audiences: tuple[Any, ...] = ()  # model.extras.Audience
    # `redirects:`: the old page's incident path per import source, e.g. /incidents/{id}
    redirects: dict[str, str] = field(default_factory=dict)
    # An example site's clock (`example: {as_of: ...}`): pages say they are an example as of then.
    example_as_of: datetime | None = None
    # The site's language (MkDocs' `theme: language:`), the others it is also built in
    # (`languages:`, each under /<code>/), and whether every update needs a translation.
    language: str = "en"
    languages: tuple[str, ...] = ()
    require_translations: bool = False
    locale_dir: str = ""  # <custom_dir>/locales: the site's own catalogs, when it has them

    @property
    def component_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.components)

    def component(self, component_id: str) -> Component | None:
        return next((c for c in self.components if c.id == component_id), None)

    @property
    def groups(self) -> tuple[tuple[str | None, tuple[Component, ...]], ...]:
        """Components by group, in configuration order; ungrouped ones in a group of None."""
        order: dict[str | None, list[Component]] = {}
        for component in self.components:
            order.setdefault(component.group, []).append(component)
        return tuple((name, tuple(members)) for name, members in order.items())


@dataclass(frozen=True)
class Site:
    settings: Settings
    incidents: tuple[Incident, ...]  # sorted by first update `at`, then id

    def incident(self, incident_id: str) -> Incident | None:
        return next((i for i in self.incidents if i.id == incident_id), None)
