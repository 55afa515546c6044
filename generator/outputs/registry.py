"""What a site-level page is made of, and the register of the functions that make them.

A site-level page is one function marked `@site_page`, taking the `SiteInputs` and returning
its `Page`s, in any module listed in `sitepages.PAGE_MODULES`, plus its template in theme/.
This module sits below every page module, so each registers its own pages without importing
another; `sitepages` imports them all, and puts their pages in order.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..model.types import ComponentState, Incident, Site
from .markdown import Markdown

if TYPE_CHECKING:
    from ..incremental.outputcache import OutputCache
    from .vendors import VendorStatus


@dataclass(frozen=True)
class Page:
    """One output page: where it goes, which template renders it, and its context."""

    path: str  # directory URL relative to the site root: "" for /, "history/page/2/"
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    in_sitemap: bool = True
    rendered: bool = False  # rendered earlier (a resolved incident's page, reused)
    data: bytes | None = None  # the page as an earlier build rendered it, from the cache
    cache_key: bytes | None = None  # where the cache keeps the page once rendered

    @property
    def depth(self) -> int:
        return self.path.count("/")

    @property
    def output(self) -> str:
        return f"{self.path}index.html" if not self.path.endswith(".html") else self.path


@dataclass(frozen=True)
class SiteInputs:
    """What the site-level pages are made from, worked out once per build."""

    site: Site
    now: datetime
    common: dict[str, Any]  # what every template is given (pages.common_context)
    ordered: list[Incident]  # newest first
    states: dict[str, ComponentState]  # each component's, now
    uptime: dict[str, dict[str, Any]]  # each component's bars and percentage (pages.uptime_rows)
    md: Markdown  # renders Markdown, with the build's memo when there is one
    stored: OutputCache | None  # lists of resolved incidents rendered by earlier builds
    rendered: Collection[str]  # incidents whose pages earlier builds rendered
    vendors: list[VendorStatus]  # the third-party services, as this build read them


SitePages = Callable[[SiteInputs], list[Page]]

# Filled as the page modules are imported, never during a build; `sitepages.site_pages` is
# the ordered, complete list.
SITE_PAGES: list[SitePages] = []


def site_page(make: SitePages) -> SitePages:
    """Makes `make` one of the site's pages: the build renders what it returns, the sitemap
    lists it, and content may not take its address. A module's pages come in the order it
    defines them; the modules, in the order of `sitepages.PAGE_MODULES`."""
    SITE_PAGES.append(make)
    return make
