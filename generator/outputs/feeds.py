"""RSS and Atom feeds with feedgen: one table of feed specs, rendered by one function."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache as cache_result
from functools import partial
from html import escape
from itertools import islice

from feedgen.feed import FeedGenerator

from .. import __version__
from ..configuration.notify import reminder_lead
from ..incremental.outputcache import OutputCache, cached_output
from ..language.core import Formatter, Language, site_language
from ..language.marker import N_
from ..model.ids import incident_entry_id, postmortem_entry_id, tag_uri, update_entry_id
from ..model.milestones import is_milestone, milestone_updates
from ..model.types import Incident, Site, Update
from .markdown import Markdown
from .pages import site_when, status_label
from .promises import promise_text

LIMIT = 100  # entries per feed: the most recent activity
EMPTY_FEED_TIME = datetime(2000, 1, 1, tzinfo=timezone.utc)
_PARAGRAPH = re.compile(r"</p>\s*<p>")


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: datetime
    published: datetime
    content: str  # HTML


Item = tuple[Incident, Update | None]  # an incident, and the update when an entry is one


@dataclass(frozen=True)
class FeedSpec:
    path: str  # without extension
    title: str
    formats: tuple[str, ...]  # "atom", "rss"
    choose: Callable[[Site], list[Item]]  # what the feed shows, newest first, at most LIMIT
    make: Callable[[Site, list[Item]], list[Entry]]

    def output_name(self, kind: str) -> str:
        return f"{self.path}.{kind}"


def render_feed(site: Site, spec: FeedSpec, cache: OutputCache | None = None) -> dict[str, bytes]:
    """One feed in each of its formats, from `cache` when what it shows is unchanged; times
    come from the data, never from the clock."""
    items = spec.choose(site)
    entries = cache_result(partial(spec.make, site, items))  # made once, if a format needs it
    outputs = {}
    for kind in spec.formats:
        formatted = partial(_format_entries, site, spec, entries, kind)
        outputs[spec.output_name(kind)] = cached_output(cache, spec.path, kind, items, formatted)
    return outputs


def _format_entries(
    site: Site, spec: FeedSpec, entries: Callable[[], list[Entry]], kind: str
) -> bytes:
    return _render_feed(site, spec, entries(), kind)


@dataclass(frozen=True)
class Feed:
    """A feed of the site: where it is, what it is called, and what it shows."""

    path: str  # without extension
    label: str  # what a page's link to it says, e.g. "Incident history"
    title: str  # what the feed calls itself after the site's name
    formats: tuple[str, ...]  # "atom", "rss"
    # What it shows, newest first, at most LIMIT: from the site, its incidents, most
    # recently active first (most_recent_first, found once for every feed), and the clock.
    choose: Callable[[Site, list[Incident], datetime | None], list[Item]]
    # Its entries; the dict holds the incidents' contents, written once for all feeds, and
    # the Markdown renderer is the build's.
    make: Callable[[Site, list[Item], dict[str, str], Markdown], list[Entry]]


SITE_FEEDS = (
    Feed(
        "history",
        N_("Incident history"),
        N_("incident history"),
        ("atom", "rss"),
        lambda site, recent, now: history_items(recent),
        lambda site, items, contents, md: _history_entries(site, items, contents, md),
    ),
    Feed(
        "updates",
        N_("Every update"),
        N_("every update"),
        ("atom", "rss"),
        lambda site, recent, now: update_items(recent, milestone_items(site, now)),
        lambda site, items, contents, md: update_entries(site, items, md),
    ),
    Feed(
        "postmortems",
        N_("Postmortems"),
        N_("postmortems"),
        ("atom",),
        lambda site, recent, now: postmortem_items(site),
        lambda site, items, contents, md: postmortem_entries(site, items, md),
    ),
)
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMAT_NAMES = {"atom": "Atom", "rss": "RSS"}


def component_feed(component_id: str, name: str) -> Feed:
    """The incident history of one component, linked from that component's page (its name is
    the site's own words, not translated)."""
    return Feed(
        f"components/{component_id}/history",
        name,
        name,
        ("atom",),
        lambda site, recent, now: history_items(recent, component_id),
        _history_entries,
    )


def page_links(
    lang: Language, component: tuple[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(media type, title, path) of the feeds a page links to: the site's, and on a
    component's page (`component`: its id and name) the component's."""
    links = [(_label(lang, feed.label), feed) for feed in SITE_FEEDS]
    if component:
        links.append((component[1], component_feed(*component)))
    return [
        (MEDIA_TYPES[kind], f"{label} ({FORMAT_NAMES[kind]})", f"{feed.path}.{kind}")
        for label, feed in links
        for kind in feed.formats
    ]


def _label(lang: Language, text: str) -> str:
    return lang.gettext(text)


def feed_specs(
    site: Site, now: datetime | None = None, md: Markdown | None = None
) -> list[FeedSpec]:
    """Every feed of the site, ready to render; with `now`, the maintenance notices due by
    then are among the updates; `md` renders the Markdown."""
    recent = most_recent_first(site)
    contents: dict[str, str] = {}
    components = [component_feed(c.id, c.name) for c in site.settings.components]
    md = md or Markdown()
    return [_spec(site, feed, recent, contents, now, md) for feed in (*SITE_FEEDS, *components)]


def _spec(
    site: Site,
    feed: Feed,
    recent: list[Incident],
    contents: dict[str, str],
    now: datetime | None,
    md: Markdown,
) -> FeedSpec:
    own = feed.path.startswith("components/")  # a component's name is the site's own words
    title = feed.title if own else site_language(site.settings).gettext(feed.title)
    return FeedSpec(
        feed.path,
        f"{site.settings.site_name} – {title}",
        feed.formats,
        lambda s: feed.choose(s, recent, now),
        lambda s, items: feed.make(s, items, contents, md),
    )


def milestone_items(site: Site, now: datetime | None) -> list[tuple[Incident, Update]]:
    """The maintenance notices due by `now` (reminders, starts, ends), oldest first."""
    if now is None:
        return []
    lead = reminder_lead(site.settings.notify)
    fmt = Formatter(site.settings.timezone, now, site_language(site.settings))
    return list(milestone_updates(site, now, lead, fmt.when, fmt.lang))


def _render_feed(site: Site, spec: FeedSpec, entries: list[Entry], kind: str) -> bytes:
    settings = site.settings
    base = settings.site_url.rstrip("/") + "/"
    fg = FeedGenerator()
    # A language's copy of a feed is another feed (its entries are the same updates).
    tree = settings.language if settings.language in settings.languages else ""
    fg.id(tag_uri(settings, "feed", f"{tree}/{spec.path}" if tree else spec.path))
    fg.title(spec.title)
    fg.link(href=f"{base}{spec.path}.{kind}", rel="self")
    fg.link(href=base, rel="alternate")  # last, so RSS takes it as the channel link
    lang = site_language(settings)
    name = settings.company or settings.site_name
    fg.description(lang.gettext("Status updates from %(name)s", name=name))
    fg.language(lang.tag)
    fg.generator("statuspress", __version__)
    newest = max((e.updated for e in entries), default=EMPTY_FEED_TIME)
    fg.updated(newest)
    fg.lastBuildDate(newest)
    for entry in entries:
        fe = fg.add_entry(order="append")
        fe.id(entry.id)
        fe.guid(entry.id, permalink=False)
        fe.title(entry.title)
        fe.link(href=entry.link)
        fe.updated(entry.updated)
        fe.published(entry.published)
        fe.pubDate(entry.updated if kind == "rss" else entry.published)
        if kind == "atom":
            fe.content(entry.content, type="html")
        else:
            fe.description(entry.content)
    return fg.atom_str(pretty=True) if kind == "atom" else fg.rss_str(pretty=True)


def _incident_link(site: Site, incident: Incident) -> str:
    return f"{site.settings.site_url.rstrip('/')}/{incident.id}/"


def _short_time(site: Site, moment: datetime) -> str:
    return _formatter(site.settings.timezone, site_language(site.settings)).short(moment)


@cache_result
def _formatter(zone: str, lang: Language) -> Formatter:
    return Formatter(zone, EMPTY_FEED_TIME, lang)  # times only: no relative ones, no clock


def _flat_html(markdown_text: str, md: Markdown) -> str:
    """Rendered Markdown as one paragraph's worth of inline HTML, as Statuspage writes it."""
    html = md(markdown_text).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = _PARAGRAPH.sub("<br><br>", html[3:-4])
    return html


def incident_content(site: Site, incident: Incident, md: Markdown) -> str:
    """Every update newest first: `<p><small>time</small><br><strong>Status</strong> - text</p>`."""
    lang = site_language(site.settings)
    parts = []
    when = site_when(site.settings)
    for update in reversed(incident.updates):
        text = _flat_html(update.body, md) if update.body else ""
        promised = promise_text(update, when, lang)
        text += f"<br><br>{escape(promised)}" if text and promised else escape(promised)
        parts.append(
            f"<p><small>{_short_time(site, update.at)}</small><br>"
            f"<strong>{escape(status_label(lang, update.status))}</strong> - {text}</p>"
        )
    if incident.is_maintenance and incident.window:
        window = incident.window
        scheduled = lang.gettext(
            "THIS IS A SCHEDULED EVENT %(start)s - %(end)s",
            start=_short_time(site, window.start),
            end=_short_time(site, window.end),
        )
        parts.append(f"<p><strong>{escape(scheduled)}</strong></p>")
        if window.repeat:
            repeats = lang.gettext(
                "Windows in this series: %(count)s; the last %(start)s – %(end)s",
                count=lang.number(len(window.occurrences)),
                start=_short_time(site, window.last.start),
                end=_short_time(site, window.last.end),
            )
            parts.append(f"<p>{escape(repeats)}</p>")
    return "".join(parts)


def most_recent_first(site: Site) -> list[Incident]:
    return sorted(site.incidents, key=lambda i: (i.last_activity, i.id), reverse=True)


def history_items(recent: list[Incident], component_id: str | None = None) -> list[Item]:
    """The newest incidents of `recent` (from most_recent_first), or those of one component."""
    if component_id is None:
        return [(i, None) for i in recent[:LIMIT]]
    return [(i, None) for i in islice((i for i in recent if component_id in i.affected), LIMIT)]


def _history_entries(
    site: Site, items: list[Item], contents: dict[str, str], md: Markdown
) -> list[Entry]:
    entries = []
    for incident, _ in items:
        content = contents.get(incident.id)
        if content is None:
            content = contents[incident.id] = incident_content(site, incident, md)
        entries.append(
            Entry(
                incident_entry_id(site.settings, incident.id),
                incident.title,
                _incident_link(site, incident),
                incident.last_activity,
                incident.first.at,
                content,
            )
        )
    return entries


def update_items(
    recent: list[Incident], milestones: list[tuple[Incident, Update]] | None = None
) -> list[Item]:
    """The newest updates: those of the incidents most recently active (`recent`, from
    most_recent_first), until no other incident's latest update is as new as the oldest of
    the newest so far; and the newest of the maintenance notices (`milestones`)."""
    pairs: list[tuple[Incident, Update]] = list(milestones or [])
    floor = None
    for incident in recent:
        if floor is not None and incident.latest.at < floor:
            break  # neither its updates nor any after it are among the newest
        pairs += [(incident, update) for update in incident.updates]
        if len(pairs) >= LIMIT:
            floor = heapq.nlargest(LIMIT, (update.at for _, update in pairs))[-1]
    newest = heapq.nlargest(LIMIT, pairs, key=lambda pair: (pair[1].at, pair[1].uid))
    return list[Item](newest)


def update_entries(site: Site, items: list[Item], md: Markdown) -> list[Entry]:
    lang = site_language(site.settings)
    labelled = (N_("Cause: %(text)s"), N_("Workaround: %(text)s"))
    entries = []
    when = site_when(site.settings)
    for incident, update in items:
        assert update is not None
        content = md(update.body) if update.body else ""
        for label, value in zip(labelled, (update.cause, update.workaround), strict=True):
            if value:
                head, _, tail = lang.gettext(label).partition("%(text)s")
                content += f"<p><strong>{escape(head.strip())}</strong> {_flat_html(value, md)}"
                content += f"{escape(tail)}</p>"
        if update.apology:
            content += f"<p>{_flat_html(update.apology, md)}</p>"
        promised = promise_text(update, when, lang)
        if promised:  # last, as the page and the API put it
            content += f"<p>{escape(promised)}</p>"
        anchor = "" if is_milestone(update) else f"#{update.file.removesuffix('.md')}"
        link = f"{_incident_link(site, incident)}{anchor}"
        entries.append(
            Entry(
                update_entry_id(site.settings, update),
                lang.gettext(
                    "%(status)s: %(title)s",
                    status=status_label(lang, update.status),
                    title=update.title,
                ),
                link,
                update.at,
                update.at,
                content,
            )
        )
    return entries


def postmortem_items(site: Site) -> list[Item]:
    found = [i for i in site.incidents if i.postmortem is not None]
    found.sort(
        key=lambda i: (_published(i), postmortem_entry_id(site.settings, i.id)), reverse=True
    )
    return [(i, None) for i in found[:LIMIT]]


def postmortem_entries(site: Site, items: list[Item], md: Markdown) -> list[Entry]:
    lang = site_language(site.settings)
    entries = []
    for incident, _ in items:
        postmortem = incident.postmortem
        assert postmortem is not None
        published = _published(incident)
        summary = f"<p>{_flat_html(postmortem.summary, md)}</p>" if postmortem.summary else ""
        entries.append(
            Entry(
                postmortem_entry_id(site.settings, incident.id),
                postmortem.title or lang.gettext("Postmortem: %(title)s", title=incident.title),
                f"{_incident_link(site, incident)}postmortem/",
                published,
                published,
                summary + md(postmortem.body),
            )
        )
    entries.sort(key=lambda e: (e.updated, e.id), reverse=True)
    return entries


def _published(incident: Incident) -> datetime:
    assert incident.postmortem is not None
    return incident.postmortem.published or incident.latest.at
