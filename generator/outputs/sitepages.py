"""Every site-level page, from the modules that define them: what the build renders, the
sitemap lists and content may not take (`publishing/reserved.py`), as one list."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING

from ..model import derive
from ..model.types import Site
from . import embed, pages, registry, uptime
from .markdown import Markdown
from .pages import common_context, newest_first, uptime_rows
from .registry import Page, SiteInputs, SitePages

if TYPE_CHECKING:
    from ..incremental.outputcache import OutputCache
    from .vendors import VendorStatus

# The modules with `@site_page` functions, in the order the sitemap lists their pages.
# Importing them here registers every page, whichever module the process imported first.
PAGE_MODULES: tuple[ModuleType, ...] = (pages, uptime, embed)


class UnlistedPageModule(RuntimeError):
    """A `@site_page` function in a module that PAGE_MODULES does not list."""


def site_pages() -> list[SitePages]:
    """Every `@site_page` function: module by module, as PAGE_MODULES lists them, each
    module's in the order it defines them."""
    registered = registry.SITE_PAGES
    listed = [module.__name__ for module in PAGE_MODULES]
    unlisted = sorted({make.__module__ for make in registered} - set(listed))
    if unlisted:
        raise UnlistedPageModule(
            f"site pages are defined in {', '.join(unlisted)}, which "
            "statuspress.outputs.sitepages.PAGE_MODULES does not list: add it there, where "
            "its pages go in the sitemap"
        )
    return [make for name in listed for make in registered if make.__module__ == name]


def build_pages(
    site: Site,
    now: datetime,
    rendered: Collection[str] = (),
    stored: OutputCache | None = None,
    md: Markdown | None = None,
    vendors: Sequence[VendorStatus] = (),
) -> list[Page]:
    """Every generated page of the site, in a stable order: what each `site_page` makes.

    The pages of the incidents in `rendered` are already rendered: they come without context.
    With `stored`, a page that lists only resolved incidents comes from it when an earlier
    build rendered the same list, else with the key to keep it under once rendered. `md`
    renders the Markdown (with the build's memo); `vendors` are the third-party services
    as the build read them.
    """
    inputs = SiteInputs(
        site,
        now,
        common_context(site.settings, now),
        newest_first(site),
        derive.component_states(site, now),
        uptime_rows(site, now),
        md or Markdown(),
        stored,
        rendered,
        list(vendors),
    )
    return [page for make in site_pages() for page in make(inputs)]
