"""RSS and Atom feeds with feedgen: one table of feed specs, rendered by one function."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache as cache_result
from functools import partial
from itertools import islice
from zoneinfo import ZoneInfo

from feedgen.feed import FeedGenerator

from .. import __version__
from ..incremental.outputcache import OutputCache, cached_output
from ..model.ids import incident_entry_id, postmortem_entry_id, tag_uri, update_entry_id
from ..model.types import Incident, Site, Update
from .markdown import Markdown

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
    # What it shows, newest first, at most LIMIT: from the site and its incidents, most
    # recently active first (most_recent_first, found once for every feed).
    choose: Callable[[Site, list[Incident]], list[Item]]
    # Its entries; the dict holds the incidents' contents, written once for all feeds, and
    # the Markdown renderer is the build's.
    make: Callable[[Site, list[Item], dict[str, str], Markdown], list[Entry]]


SITE_FEEDS = (
    Feed(
        "history",
        "Incident history",
        "incident history",
        ("atom", "rss"),
        lambda site, recent: history_items(recent),
        lambda site, items, contents, md: _history_entries(site, items, contents, md),
    ),
    Feed(
        "updates",
        "Every update",
        "every update",
        ("atom", "rss"),
        lambda site, recent: update_items(recent),
        lambda site, items, contents, md: update_entries(site, items, md),
    ),
    Feed(
        "postmortems",
        "Postmortems",
        "postmortems",
        ("atom",),
        lambda site, recent: postmortem_items(site),
        lambda site, items, contents, md: postmortem_entries(site, items, md),
    ),
)
MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}
FORMAT_NAMES = {"atom": "Atom", "rss": "RSS"}


def component_feed(component_id: str, name: str) -> Feed:
    """The incident history of one component, linked from that component's page."""
    return Feed(
        f"components/{component_id}/history",
        name,
        name,
        ("atom",),
        lambda site, recent: history_items(recent, component_id),
        _history_entries,
    )


def page_links(component: tuple[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(media type, title, path) of the feeds a page links to: the site's, and on a
    component's page (`component`: its id and name) the component's."""
    feeds = [*SITE_FEEDS, *([component_feed(*component)] if component else [])]
    return [
        (MEDIA_TYPES[kind], f"{feed.label} ({FORMAT_NAMES[kind]})", f"{feed.path}.{kind}")
        for feed in feeds
        for kind in feed.formats
    ]


def feed_specs(site: Site, md: Markdown | None = None) -> list[FeedSpec]:
    """Every feed of the site, ready to render; `md` renders the Markdown."""
    recent = most_recent_first(site)
    contents: dict[str, str] = {}
    components = [component_feed(c.id, c.name) for c in site.settings.components]
    md = md or Markdown()
    return [_spec(site, feed, recent, contents, md) for feed in (*SITE_FEEDS, *components)]


def _spec(
    site: Site, feed: Feed, recent: list[Incident], contents: dict[str, str], md: Markdown
) -> FeedSpec:
    return FeedSpec(
        feed.path,
        f"{site.settings.site_name} – {feed.title}",
        feed.formats,
        lambda s: feed.choose(s, recent),
        lambda s, items: feed.make(s, items, contents, md),
    )


def _render_feed(site: Site, spec: FeedSpec, entries: list[Entry], kind: str) -> bytes:
    settings = site.settings
    base = settings.site_url.rstrip("/") + "/"
    fg = FeedGenerator()
    fg.id(tag_uri(settings, "feed", spec.path))
    fg.title(spec.title)
    fg.link(href=f"{base}{spec.path}.{kind}", rel="self")
    fg.link(href=base, rel="alternate")  # last, so RSS takes it as the channel link
    fg.description(f"Status updates from {settings.company or settings.site_name}")
    fg.language("en")
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
    local = moment.astimezone(ZoneInfo(site.settings.timezone))
    return f"{local:%b} {local.day:>2}, {local:%H:%M} {local.tzname()}"


def _flat_html(markdown_text: str, md: Markdown) -> str:
    """Rendered Markdown as one paragraph's worth of inline HTML, as Statuspage writes it."""
    html = md(markdown_text).strip()
    if html.startswith("<p>") and html.endswith("</p>"):
        html = _PARAGRAPH.sub("<br><br>", html[3:-4])
    return html


def incident_content(site: Site, incident: Incident, md: Markdown) -> str:
    """Every update newest first: `<p><small>time</small><br><strong>Status</strong> - text</p>`."""
    parts = []
    for update in reversed(incident.updates):
        text = _flat_html(update.body, md) if update.body else ""
        parts.append(
            f"<p><small>{_short_time(site, update.at)}</small><br>"
            f"<strong>{update.status_label}</strong> - {text}</p>"
        )
    if incident.is_maintenance and incident.window:
        window = incident.window
        parts.append(
            f"<p><strong>THIS IS A SCHEDULED EVENT {_short_time(site, window.start)}"
            f" - {_short_time(site, window.end)}</strong></p>"
        )
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


def update_items(recent: list[Incident]) -> list[Item]:
    """The newest updates: those of the incidents most recently active (`recent`, from
    most_recent_first), until no other incident's latest update is as new as the oldest of
    the newest so far."""
    pairs: list[tuple[Incident, Update]] = []
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
    entries = []
    for incident, update in items:
        assert update is not None
        content = md(update.body) if update.body else ""
        for label, value in (("Cause", update.cause), ("Workaround", update.workaround)):
            if value:
                content += f"<p><strong>{label}:</strong> {_flat_html(value, md)}</p>"
        if update.apology:
            content += f"<p>{_flat_html(update.apology, md)}</p>"
        link = f"{_incident_link(site, incident)}#{update.file.removesuffix('.md')}"
        entries.append(
            Entry(
                update_entry_id(site.settings, update),
                f"{update.status_label}: {update.title}",
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
    entries = []
    for incident, _ in items:
        postmortem = incident.postmortem
        assert postmortem is not None
        published = _published(incident)
        summary = f"<p>{_flat_html(postmortem.summary, md)}</p>" if postmortem.summary else ""
        entries.append(
            Entry(
                postmortem_entry_id(site.settings, incident.id),
                postmortem.title or f"Postmortem: {incident.title}",
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
