"""Generated pages: what each one shows, as plain data for the theme's templates."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..language.core import Formatter, Language, formatter, language, site_language
from ..model import derive
from ..model.types import (
    IMPACT_LABELS,
    STATE_LABELS,
    STATUS_LABELS,
    ComponentState,
    Incident,
    Phase,
    Settings,
    Site,
    Update,
)
from ..model.uptime import uptime_report
from . import vendors
from .markdown import Markdown, rebase_relative_urls
from .registry import Page, SiteInputs, site_page

if TYPE_CHECKING:
    from ..incremental.outputcache import OutputCache

UPTIME_UNKNOWN = None


_NO_CLOCK = datetime(1970, 1, 1, tzinfo=timezone.utc)


def site_when(settings: Settings) -> Callable[[datetime], str]:
    """A time as every page writes it, in the site's zone and language, for channels that
    need no clock (feeds, the API): `when` never reads the formatter's clock."""
    return Formatter(settings.timezone, _NO_CLOCK, site_language(settings)).when


def state_icon(state: ComponentState) -> str:
    return _ICONS[state]


_ICONS = {
    ComponentState.OPERATIONAL: "✓",
    ComponentState.DEGRADED_PERFORMANCE: "◐",
    ComponentState.PARTIAL_OUTAGE: "▲",
    ComponentState.MAJOR_OUTAGE: "✕",
    ComponentState.UNDER_MAINTENANCE: "⚙",
}


def markdown(site: Site, text: str | None, md: Markdown) -> str:
    return md(text, site.settings.allow_raw_html) if text else ""


def inline(text: str | None, md: Markdown) -> str:
    return md.inline(text) if text else ""


@dataclass(frozen=True)
class UpdateView:
    update: Update
    body: str
    apology: str
    cause: str
    workaround: str
    # The BCP 47 tag of the language its words are in, when not the page's: a language's
    # page shows an update nobody translated as written, marked as such.
    original_language: str = ""


def update_views(site: Site, incident: Incident, md: Markdown) -> list[UpdateView]:
    """Every update, newest first, with its Markdown rendered once."""
    return [
        UpdateView(
            u,
            markdown(site, u.body, md),
            inline(u.apology, md),
            inline(u.cause, md),
            inline(u.workaround, md),
            u.text_language.replace("_", "-"),
        )
        for u in reversed(incident.updates)
    ]


def history_months(incidents: list[Incident], fmt: Formatter) -> list[tuple[str, list[Incident]]]:
    """Incidents grouped by the month of their start, newest first."""
    months: dict[str, list[Incident]] = {}
    for incident in incidents:
        months.setdefault(fmt.month(incident.started), []).append(incident)
    return list(months.items())


def newest_first(site: Site) -> list[Incident]:
    return sorted(site.incidents, key=lambda i: (i.started, i.id), reverse=True)


def paginate(items: list[Incident], size: int) -> Iterator[tuple[int, list[Incident]]]:
    for number, start in enumerate(range(0, max(len(items), 1), size), start=1):
        yield number, items[start : start + size]


def history_path(number: int) -> str:
    return "history/" if number == 1 else f"history/page/{number}/"


def uptime_rows(site: Site, now: datetime) -> dict[str, dict[str, Any]]:
    """Per component: the bars of the last `uptime_days` days (oldest first) and their
    percentage, from the one uptime computation (model/uptime.py)."""
    count = site.settings.uptime_days
    rows = {}
    for component_id, uptime in uptime_report(site, now).items():
        days = uptime.ledger.bars(count)
        start = uptime.component.start_date
        rows[component_id] = {
            "days": days,
            # days before the component's start_date: no bar is drawn for them
            "unknown_days": sum(1 for d in days if start is not None and d.day < start),
            "percent": uptime.rolling(count).percent,
            "bad_days": [
                (i, d) for i, d in enumerate(days) if d.worst is not ComponentState.OPERATIONAL
            ],
        }
    return rows


def common_context(settings: Settings, now: datetime) -> dict[str, Any]:
    """What every template is given besides its page's own data, in the site's language: the
    i18n extension's gettext functions, labels translated, CLDR's formats."""
    lang = site_language(settings)
    return {
        **lang.jinja_functions(),
        "lang": lang,
        "fmt": formatter(settings.timezone, now, settings.language, settings.locale_dir),
        "settings": settings,
        "now": now,
        "derive": derive,
        "Phase": Phase,
        "state_labels": {state: lang.gettext(label) for state, label in STATE_LABELS.items()},
        "status_label": partial(status_label, lang),
        "impact_label": partial(impact_label, lang),
        "banner": partial(banner, lang),
        "state_icon": state_icon,
        "as_of": None,
    }


def status_label(lang: Language, status: str) -> str:
    """An update's status as a reader of `lang` reads it."""
    label = STATUS_LABELS.get(status)
    return lang.gettext(label) if label else status.replace("_", " ").capitalize()


def impact_label(lang: Language, impact: str) -> str:
    return lang.gettext(IMPACT_LABELS[impact])


def banner(lang: Language, description: str) -> Markup:
    return Markup.escape(lang.gettext(description))


def _status_page(
    site: Site,
    now: datetime,
    ordered: list[Incident],
    states: dict[str, ComponentState],
    uptime: dict[str, Any],
    common: dict[str, Any],
    md: Markdown,
    found: list[vendors.VendorStatus],
) -> Page:
    settings = site.settings
    recent_since = now - timedelta(days=settings.recent_days)
    open_ = derive.open_incidents(site, now)
    recent = list(
        islice(
            (
                i
                for i in ordered
                if not i.is_maintenance and i.is_closed and (i.closed_at or now) >= recent_since
            ),
            10,
        )
    )
    context = {
        **common,
        "overall": vendors.with_vendors(derive.overall(site, now), found),
        "vendors": found,
        "open_incidents": [(i, update_views(site, i, md)[0]) for i in open_],
        "active_maintenance": derive.maintenances(site, now, Phase.IN_PROGRESS, Phase.OVERDUE),
        "upcoming_maintenance": derive.maintenances(site, now, Phase.UPCOMING),
        "states": states,
        "uptime": uptime,
        "recent": recent,
    }
    return Page("", "status.html", context, settings.site_name)


# Headings of the section that says what changes after an incident ("What we are changing",
# "Action items", "Next steps" ...): the linter counts it as that section, and the
# postmortem page puts the action items there.
CHANGES_HEADINGS = (
    r"what we(?: are|'re| will| have)? chang(?:e|ed|ing)",
    r"what we(?: are|'re)? doing",
    r"changes?",
    r"action items?",
    "next steps",
    r"follow[- ]?ups?",
    r"prevent\w*",
    "remediation",
    r"lessons(?: learned)?",
    r"what(?: is|'s) next",
    "improvements",
    r"corrective (?:actions?|measures?)",
    r"going forward",
)
_CHANGES_HEADING = re.compile(
    r"(?<![\w@])(?:" + "|".join(h.replace(" ", r"\s+") for h in CHANGES_HEADINGS) + r")(?![\w])",
    re.IGNORECASE,
)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def split_after_changes(body: str) -> tuple[str, str | None]:
    """The rendered body up to the end of its first "What we are changing" section, and the
    rest (None when it has no such section)."""
    headings = list(_HTML_HEADING.finditer(body))
    for index, heading in enumerate(headings):
        if not _CHANGES_HEADING.search(_TAG.sub("", heading.group(2))):
            continue
        level = int(heading.group(1))
        end = next(
            (h.start() for h in headings[index + 1 :] if int(h.group(1)) <= level), len(body)
        )
        return body[:end], body[end:]
    return body, None


def incident_page_names(
    incident: Incident, lang: Language | None = None
) -> list[tuple[str, str, str]]:
    """(path, template, title) of the incident's page and of its postmortem's."""
    names = [(f"{incident.id}/", "incident.html", incident.title)]
    postmortem = incident.postmortem
    if postmortem is not None:
        lang = lang or language("en")
        title = postmortem.title or lang.gettext("Postmortem: %(title)s", title=incident.title)
        names.append((f"{incident.id}/postmortem/", "postmortem.html", title))
    return names


def incident_pages(
    site: Site, incident: Incident, common: dict[str, Any], md: Markdown
) -> list[Page]:
    """The incident's page and its postmortem's.

    A resolved incident's pages say when it was last updated instead of when the site was
    built, so they stay the same from build to build and a rebuild reuses them: their
    context must hold nothing that changes with the clock or with other incidents (see
    `incremental.records.reusable_pages`, the reuse contract).
    """
    (path, template, title), *postmortem_name = incident_page_names(incident, common["lang"])
    as_of = incident.latest.at if incident.is_closed else None
    context = {
        **common,
        "incident": incident,
        "updates": update_views(site, incident, md),
        "as_of": as_of,
    }
    pages = [Page(path, template, context, title)]
    postmortem = incident.postmortem
    if postmortem is not None:
        pm_path, pm_template, pm_title = postmortem_name[0]
        body = rebase_relative_urls(markdown(site, postmortem.body, md), "../")
        # The action items go into the author's own "What we are changing" section, if any,
        # at its end: the page shows that section once.
        body_after_changes = None
        if postmortem.action_items:
            body, body_after_changes = split_after_changes(body)
        pm_context = {
            **context,
            "postmortem": postmortem,
            "body": body,
            "body_after_changes": body_after_changes,
            "summary": inline(postmortem.summary, md),
            "as_of": settled_as_of([incident]),
        }
        pages.append(Page(pm_path, pm_template, pm_context, pm_title))
    return pages


def _history_pages(
    site: Site, ordered: list[Incident], common: dict[str, Any], stored: OutputCache | None
) -> list[Page]:
    size = site.settings.history_page_size
    chunks = list(paginate(ordered, size))
    total = len(chunks)
    pages = []
    for number, chunk in chunks:
        lang = common["lang"]
        title = (
            lang.gettext("Incident history — page %(number)s", number=lang.number(number))
            if number > 1
            else lang.gettext("Incident history")
        )
        context = partial(_history_context, chunk, number, total, common["fmt"])
        pages.append(
            _list_page(
                history_path(number),
                "history.html",
                title,
                chunk,
                context,
                common,
                stored,
                f"{number}/{total}",
            )
        )
    return pages


def _history_context(
    chunk: list[Incident], number: int, total: int, fmt: Formatter
) -> dict[str, Any]:
    return {
        "months": history_months(chunk, fmt),
        "number": number,
        "total": total,
        "history_path": history_path,
    }


def _list_page(
    path: str,
    template: str,
    title: str,
    incidents: list[Incident],
    own: dict[str, Any] | Callable[[], dict[str, Any]],
    common: dict[str, Any],
    stored: OutputCache | None,
    variant: str = "",
) -> Page:
    """A page listing `incidents`. Once they are all resolved it says when they last changed
    rather than when the site was built, as their own pages do: it stays the same from build
    to build, and comes from `stored` when an earlier build rendered it. `own` is the page's
    own context, or what makes it (only called when the page is rendered); `variant`, what
    else besides the incidents tells two renderings of the page apart."""
    as_of = settled_as_of(incidents)
    key = (
        stored.key(path, f"page {template} {variant}", [(i, None) for i in incidents])
        if stored is not None and as_of is not None
        else None
    )
    data = stored.get(key) if stored is not None and key is not None else None
    if data is not None:
        return Page(path, template, title=title, data=data)
    context = {**common, **(own() if callable(own) else own), "as_of": as_of}
    return Page(path, template, context, title, cache_key=key)


def settled_as_of(incidents: list[Incident]) -> datetime | None:
    """When the last of `incidents` last changed, its postmortem included, once all are
    resolved; None while one is open (or for none at all)."""
    if not incidents or not all(incident.is_closed for incident in incidents):
        return None
    return max(_last_change(incident) for incident in incidents)


def _last_change(incident: Incident) -> datetime:
    at = incident.latest.at
    published = incident.postmortem.published if incident.postmortem is not None else None
    return max(at, published) if published is not None else at


def _component_pages(
    site: Site,
    ordered: list[Incident],
    states: dict[str, ComponentState],
    uptime: dict[str, Any],
    common: dict[str, Any],
) -> list[Page]:
    by_component: dict[str, list[Incident]] = {c: [] for c in site.settings.component_ids}
    for incident in ordered:
        for component_id in incident.affected:
            if component_id in by_component:
                by_component[component_id].append(incident)
    pages = []
    for component in site.settings.components:
        context = {
            **common,
            "component": component,
            "state_value": states[component.id],
            "uptime": uptime[component.id],
            "incidents": by_component[component.id][: site.settings.history_page_size],
        }
        pages.append(Page(f"components/{component.id}/", "component.html", context, component.name))
    return pages


# The site's pages, in the order the sitemap lists them (before those of the other modules in
# `sitepages.PAGE_MODULES`). A new site-level page is one more function marked @site_page,
# here or in a module of its own listed there, and its template in theme/.


@site_page
def status_page(inputs: SiteInputs) -> list[Page]:
    i = inputs
    return [_status_page(i.site, i.now, i.ordered, i.states, i.uptime, i.common, i.md, i.vendors)]


@site_page
def incidents_pages(inputs: SiteInputs) -> list[Page]:
    """Each incident's page and its postmortem's, newest first."""
    pages = []
    for incident in inputs.ordered:
        if incident.id in inputs.rendered:
            pages += [
                Page(path, template, title=title, rendered=True)
                for path, template, title in incident_page_names(incident, inputs.common["lang"])
            ]
        else:
            pages += incident_pages(inputs.site, incident, inputs.common, inputs.md)
    return pages


@site_page
def history_pages(inputs: SiteInputs) -> list[Page]:
    return _history_pages(inputs.site, inputs.ordered, inputs.common, inputs.stored)


@site_page
def postmortems_page(inputs: SiteInputs) -> list[Page]:
    with_postmortem = [i for i in inputs.ordered if i.postmortem is not None]
    own = {"incidents": with_postmortem}
    return [
        _list_page(
            "postmortems/",
            "postmortems.html",
            inputs.common["lang"].gettext("Postmortems"),
            with_postmortem,
            own,
            inputs.common,
            inputs.stored,
        )
    ]


@site_page
def component_pages(inputs: SiteInputs) -> list[Page]:
    i = inputs
    return _component_pages(i.site, i.ordered, i.states, i.uptime, i.common)


@site_page
def not_found_page(inputs: SiteInputs) -> list[Page]:
    not_found = inputs.common["lang"].gettext("Page not found")
    return [Page("404.html", "404.html", dict(inputs.common), not_found, in_sitemap=False)]
