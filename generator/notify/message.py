"""One notice per published update, built from the public model, as text and as HTML.

Only `Site` reaches this module, and the model holds no drafts and no internal text, so no
channel can send what the page would not show.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..configuration.notify import DEFAULT_REMINDER
from ..language.core import Formatter, Language, site_language
from ..language.marker import N_
from ..model.ids import update_entry_id
from ..model.milestones import LABELS, MilestoneUpdate, is_milestone, milestone_updates
from ..model.types import ComponentState, Impact, Incident, Site, Update, Window
from ..outputs.markdown import render_inline, render_markdown
from ..outputs.pages import impact_label
from ..outputs.pages import status_label as translated_status
from ..outputs.promises import Promise, promises


@dataclass(frozen=True)
class ComponentNote:
    id: str
    name: str
    state: ComponentState


@dataclass(frozen=True)
class Notice:
    """Everything any channel says about one update, as of that update."""

    key: str  # the update's feed entry id: the idempotency key of every delivery
    thread_key: str  # the feed id of the incident's first update: the root of its thread
    site_name: str
    site_url: str
    authority: str  # feed_id_authority, for Message-IDs
    incident_id: str
    kind: str  # incident | maintenance
    title: str
    impact: Impact
    incident_url: str
    started: datetime
    window: Window | None
    update_id: str  # <incident id>/<file name without .md>
    status: str
    status_label: str
    at: datetime
    url: str  # the update on the incident page
    text: str  # Markdown
    apology: str | None
    cause: str | None
    workaround: str | None
    eta: datetime | str | None
    next_update: datetime | None
    components: tuple[ComponentNote, ...]
    fmt: Formatter
    promised: tuple[Promise, ...] = ()  # what the update promised, as the page says it
    affected: tuple[str, ...] = ()  # every component the incident named up to this update
    peak_impact: Impact = Impact.NONE  # the worst impact the incident reached up to this update
    milestone: str = ""  # a maintenance notice of the clock's: reminder | started | ended
    stale_after: datetime | None = None  # such a notice is not sent after this

    def reaches(self, components: tuple[str, ...] | None, min_impact: Impact | None) -> bool:
        """Whether a channel limited to `components` and `min_impact` gets this notice; an
        impact limit holds for incidents (a maintenance is announced, not rated)."""
        if components is not None and not set(components) & set(self.affected):
            return False
        return (
            min_impact is None
            or self.kind != "incident"
            or self.peak_impact.rank >= min_impact.rank
        )

    @property
    def is_first(self) -> bool:
        return self.key == self.thread_key

    @property
    def closing(self) -> bool:
        return self.status in ("resolved", "completed")

    @property
    def lang(self) -> Language:
        return self.fmt.lang

    def _(self, message: str, **values: str) -> str:
        return self.lang.gettext(message, **values)

    @property
    def headline(self) -> str:
        return self._("%(status)s: %(title)s", status=self.status_label, title=self.title)

    def when(self, moment: datetime) -> str:
        return self.fmt.when(moment)

    @property
    def promise_text(self) -> str:
        """The promises as sentences ("Next update by …"), as feeds and the API say them."""
        return " ".join(promise.sentence for promise in self.promised)

    @property
    def components_text(self) -> str:
        return ", ".join(
            self._("%(component)s: %(state)s", component=c.name, state=self._(c.state.label))
            for c in self.components
        )

    def facts(self) -> list[tuple[str, str]]:
        """Short labelled values shown beside the text: impact, components, times."""
        _ = self._
        impact = impact_label(self.lang, self.impact.value)
        rows = [(_("Impact"), impact)] if self.kind == "incident" else []
        if self.window:
            start, end = self.when(self.window.start), self.when(self.window.end)
            rows.append((_("Window"), f"{start} – {end}"))
        if self.components:
            rows.append((_("Components"), self.components_text))
        rows += [(promise.label, promise.value) for promise in self.promised]
        return rows

    def extras(self) -> list[tuple[str, str]]:
        """Optional Markdown fields after the text: cause, workaround."""
        return [
            (self._(label), value)
            for label, value in ((N_("Cause"), self.cause), (N_("Workaround"), self.workaround))
            if value
        ]

    @property
    def details(self) -> str:
        return self._("Details and every update")

    @property
    def read_more(self) -> str:
        return self._("Read more")


def notices(
    site: Site, entry_ids: list[str], zone_now: datetime, reminder: timedelta = DEFAULT_REMINDER
) -> list[Notice]:
    """Notices for feed entry ids, in the given order; unknown ids raise KeyError."""
    fmt = Formatter(site.settings.timezone, zone_now, site_language(site.settings))
    by_id = {update_entry_id(site.settings, u): (i, u) for i, u in _published(site, fmt, reminder)}
    return [notice(site, *by_id[entry_id], fmt) for entry_id in entry_ids]


def update_index(
    site: Site, now: datetime, reminder: timedelta = DEFAULT_REMINDER
) -> dict[str, str]:
    """Feed entry id by `<incident id>/<file stem>` (or `<incident id>/<notice>` for a
    maintenance's reminder, start or end), for `--update`."""
    fmt = Formatter(site.settings.timezone, now)
    return {u.uid: update_entry_id(site.settings, u) for _, u in _published(site, fmt, reminder)}


def _published(site: Site, fmt: Formatter, reminder: timedelta) -> list[tuple[Incident, Update]]:
    """Every update, and every maintenance notice due by the formatter's clock."""
    updates = [(i, u) for i in site.incidents for u in i.updates]
    return updates + list(milestone_updates(site, fmt.now, reminder, fmt.when, fmt.lang))


def notice(site: Site, incident: Incident, update: Update, fmt: Formatter) -> Notice:
    settings = site.settings
    incident_url = f"{settings.site_url.rstrip('/')}/{incident.id}/"
    components = tuple(
        ComponentNote(cid, (settings.component(cid) or _unnamed(cid)).name, state)
        for cid, state in update.components.items()
    )
    so_far = [u for u in incident.updates if u.at <= update.at] or [incident.first]
    anchor = "" if is_milestone(update) else f"#{update.file.removesuffix('.md')}"
    return Notice(
        key=update_entry_id(settings, update),
        thread_key=update_entry_id(settings, incident.first),
        site_name=settings.site_name,
        site_url=settings.site_url,
        authority=settings.feed_id_authority,
        incident_id=incident.id,
        kind=incident.kind.value,
        title=update.title,
        impact=update.impact,
        incident_url=incident_url,
        started=incident.started,
        window=update.window,
        update_id=update.uid,
        status=update.status,
        status_label=_status_label(update, fmt.lang),
        at=update.at,
        url=f"{incident_url}{anchor}",
        text=update.body.strip(),
        apology=update.apology,
        cause=update.cause,
        workaround=update.workaround,
        eta=update.eta,
        next_update=update.next_update,
        components=components,
        fmt=fmt,
        promised=tuple(promises(update, fmt.when, fmt.lang)),
        affected=tuple(dict.fromkeys(c for u in so_far for c in u.components)),
        peak_impact=max((u.impact for u in so_far), key=lambda i: i.rank),
        milestone=getattr(update, "milestone", ""),
        stale_after=getattr(update, "stale_after", None),
    )


def _unnamed(component_id: str) -> ComponentNote:
    return ComponentNote(component_id, component_id, ComponentState.OPERATIONAL)


# ---------------------------------------------------------------------------------------------
# Renderings shared by several channels.


def plain_text(notice: Notice) -> str:
    """The update as plain text: e-mail, dry runs."""
    parts = [notice.headline, f"{notice.site_name} · {notice.when(notice.at)}"]
    if notice.text:
        parts.append(notice.text)
    parts += [f"{label}: {value}" for label, value in notice.extras()]
    if notice.apology:
        parts.append(notice.apology)
    facts = "\n".join(f"{label}: {value}" for label, value in notice.facts())
    if facts:
        parts.append(facts)
    parts.append(f"{notice.details}: {notice.url}")
    return "\n\n".join(parts) + "\n"


def markdown_text(notice: Notice) -> str:
    """The update in Markdown, for channels that render it (Mattermost, Discord, Teams)."""
    parts = [notice.text] if notice.text else []
    parts += [f"**{label}:** {value}" for label, value in notice.extras()]
    if notice.apology:
        parts.append(f"*{notice.apology}*")
    return "\n\n".join(parts)


def html_body(notice: Notice) -> str:
    """The update as an HTML e-mail: sanitized Markdown, escaped values, one link."""
    esc = html.escape
    facts = "".join(
        f'<tr><th align="left" style="padding-right:1em">{esc(label)}</th>'
        f"<td>{esc(value)}</td></tr>"
        for label, value in notice.facts()
    )
    extras = "".join(
        f"<p><strong>{esc(label)}:</strong> {render_inline(value)}</p>"
        for label, value in notice.extras()
    )
    apology = f"<p><em>{render_inline(notice.apology)}</em></p>" if notice.apology else ""
    body = render_markdown(notice.text) if notice.text else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{notice.lang.tag}" dir="{notice.lang.direction}"><head>'
        '<meta charset="utf-8">'
        f'<title>{esc(notice.headline)}</title></head>\n<body style="font-family:sans-serif;'
        'line-height:1.5;max-width:40em">\n'
        f'<h1 style="font-size:1.3em">{esc(notice.headline)}</h1>\n'
        f'<p style="color:#555">{esc(notice.site_name)} · {esc(notice.when(notice.at))}</p>\n'
        f"{body}\n{extras}{apology}\n"
        f"<table>{facts}</table>\n"
        f'<p><a href="{esc(notice.url)}">{esc(notice.details)}</a></p>\n'
        "</body></html>\n"
    )


_SPACE = re.compile(r"\s+")


def one_line(text: str) -> str:
    """Text safe for a header or a title: no line breaks, no runs of spaces."""
    return _SPACE.sub(" ", text).strip()


def shorten(text: str, limit: int, more: str = "…") -> str:
    """At most `limit` characters, cut at a word where possible."""
    if len(text) <= limit:
        return text
    cut = text[: max(0, limit - len(more))]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip() + more


def _status_label(update: Update, lang: Language) -> str:
    """A maintenance notice of the clock's says what it is (Reminder, Started, Ended)."""
    if isinstance(update, MilestoneUpdate):
        return lang.gettext(LABELS[update.milestone])
    return translated_status(lang, update.status)
