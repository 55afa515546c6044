"""Options beyond the site's own content: alert routes, third-party vendors, audiences."""

from __future__ import annotations

from dataclasses import dataclass, field

from .types import ComponentState, Impact


@dataclass(frozen=True)
class AlertRoute:
    """`alerts:` item: which alerts it takes (every `match` key equal to one of its values)
    and the draft it writes; nothing else of an alert is ever published."""

    match: tuple[tuple[str, tuple[str, ...]], ...]
    components: tuple[tuple[str, ComponentState], ...]
    template: str | None = None
    title: str | None = None
    impact: Impact | None = None
    publish: bool = False

    @property
    def states(self) -> dict[str, ComponentState]:
        return dict(self.components)


@dataclass(frozen=True)
class Vendor:
    """`vendors:` item: a provider's Statuspage-shaped summary, read at build time."""

    name: str
    summary: str  # the summary.json URL
    components: tuple[str, ...] = ()  # names (or ids) of the vendor's components to show
    page: str | None = None  # the vendor's status page for readers; default: the summary's site
    counts: bool = False  # counted in the site's own overall state


@dataclass(frozen=True)
class Audience:
    """`audiences:` item: a site of its own for some of the components."""

    id: str
    title: str
    components: tuple[str, ...] = field(default_factory=tuple)
    site_dir: str | None = None  # a separate folder; default: <site>/<id>/
    site_url: str | None = None
