"""One notice shaped for each kind of webhook: one function per channel type, in a table.

Every text is cut to the receiver's documented limits, so a long update is shortened with a
link to the page rather than refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..clock import iso
from ..model.types import Impact
from ..outputs.markdown import render_markdown
from .message import Notice, markdown_text, one_line, shorten

PAYLOAD_VERSION = 1
COLOURS = {  # by impact; a closing update is green
    Impact.NONE: 0x6B7280,
    Impact.MINOR: 0xD4A017,
    Impact.MAJOR: 0xE8590C,
    Impact.CRITICAL: 0xD1242F,
}
RESOLVED_COLOUR = 0x2DA44E
MAINTENANCE_COLOUR = 0x3B82F6


def colour(notice: Notice) -> int:
    if notice.closing:
        return RESOLVED_COLOUR
    return MAINTENANCE_COLOUR if notice.kind == "maintenance" else COLOURS[notice.impact]


def hex_colour(notice: Notice) -> str:
    return f"#{colour(notice):06x}"


# ---------------------------------------------------------------------------------------------
# Generic JSON webhook: the documented, versioned payload.


def generic(notice: Notice) -> dict[str, Any]:
    """Version 1 of the `update.published` payload (documented in the Notifications guide)."""
    window = notice.window
    eta = notice.eta if isinstance(notice.eta, str) or notice.eta is None else iso(notice.eta)
    return {
        "version": PAYLOAD_VERSION,
        "type": f"maintenance.{notice.milestone}" if notice.milestone else "update.published",
        "idempotency_key": notice.key,
        "site": {"name": notice.site_name, "url": notice.site_url},
        "incident": {
            "id": notice.incident_id,
            "kind": notice.kind,
            "title": notice.title,
            "impact": notice.impact.value,
            "url": notice.incident_url,
            "started_at": iso(notice.started),
            "window": {"start": iso(window.start), "end": iso(window.end)} if window else None,
            "components": [
                {"id": c.id, "name": c.name, "status": c.state.value} for c in notice.components
            ],
        },
        "update": {
            "id": notice.update_id,
            "feed_id": notice.key,
            "status": notice.status,
            "status_label": notice.status_label,
            "at": iso(notice.at),
            "url": notice.url,
            "text": notice.text,
            "html": render_markdown(notice.text) if notice.text else "",
            "apology": notice.apology,
            "cause": notice.cause,
            "workaround": notice.workaround,
            "eta": eta,
            "next_update": iso(notice.next_update) if notice.next_update else None,
            "promise": notice.promise_text,
        },
    }


# ---------------------------------------------------------------------------------------------
# Slack: Block Kit with a plain `text` fallback for notifications.

SLACK_HEADER = 150  # header block text
SLACK_SECTION = 3000  # section text
SLACK_FIELD = 2000
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")


def slack_mrkdwn(markdown: str) -> str:
    """Markdown to Slack's mrkdwn: escapes `&<>` (so no `<!channel>`), bold, links."""
    text = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _BOLD.sub(lambda m: f"*{m[1] or m[2]}*", text)
    return _LINK.sub(lambda m: f"<{m[2]}|{m[1]}>", text)


def slack(notice: Notice) -> dict[str, Any]:
    words = notice._("Details and every update on %(site)s", site=notice.site_name)
    link = f"<{notice.url}|{slack_mrkdwn(words)}>"
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": shorten(one_line(notice.headline), SLACK_HEADER),
                "emoji": False,
            },
        },
    ]
    body = slack_mrkdwn(markdown_text(notice))
    if body:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": shorten(body, SLACK_SECTION, f"… {link}")},
            }
        )
    fields = [
        {"type": "mrkdwn", "text": shorten(f"*{label}*\n{slack_mrkdwn(value)}", SLACK_FIELD)}
        for label, value in notice.facts()
    ]
    if fields:
        blocks.append({"type": "section", "fields": fields[:10]})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"{link} · {slack_mrkdwn(notice.when(notice.at))}"}
            ],
        }
    )
    summary = f"{notice.headline} — {notice.text}" if notice.text else notice.headline
    return {"text": shorten(slack_mrkdwn(summary), SLACK_SECTION), "blocks": blocks}


# ---------------------------------------------------------------------------------------------
# Mattermost: Markdown `text` and one Slack-style attachment.

MATTERMOST_TEXT = 4000  # the lowest post size limit across Mattermost versions
_MENTION = re.compile(r"(?<![\w.])@(?=(?:all|channel|here)\b)", re.IGNORECASE)


def defuse_mentions(text: str) -> str:
    """`@all`, `@channel`, `@here` would notify everyone in the channel: break them."""
    return _MENTION.sub("@\u200b", text)


def mattermost(notice: Notice) -> dict[str, Any]:
    body = defuse_mentions(markdown_text(notice))
    more = _read_more(notice)
    return {
        "text": defuse_mentions(
            f"**{one_line(notice.headline)}** · [{notice.site_name}]({notice.url})"
        ),
        "attachments": [
            {
                "fallback": shorten(
                    defuse_mentions(one_line(f"{notice.headline}: {notice.text}")), 300
                ),
                "color": hex_colour(notice),
                "title": one_line(notice.headline),
                "title_link": notice.url,
                "text": shorten(body, MATTERMOST_TEXT, more),
                "fields": [
                    {"short": len(value) < 40, "title": label, "value": defuse_mentions(value)}
                    for label, value in notice.facts()
                ],
                "footer": f"{notice.site_name} · {notice.when(notice.at)}",
            }
        ],
    }


# ---------------------------------------------------------------------------------------------
# Discord: a short `content` (2000 characters at most) and one embed.

DISCORD_CONTENT = 2000
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_FIELD_VALUE = 1024
DISCORD_EMBED_TOTAL = 6000


def discord(notice: Notice) -> dict[str, Any]:
    facts = [(label, shorten(value, DISCORD_FIELD_VALUE)) for label, value in notice.facts()]
    fields = [{"name": label, "value": value, "inline": True} for label, value in facts[:25]]
    title = shorten(one_line(notice.headline), DISCORD_TITLE)
    footer = notice.site_name
    room = (
        DISCORD_EMBED_TOTAL
        - len(title)
        - len(footer)
        - sum(len(label) + len(value) for label, value in facts[:25])
    )
    more = _read_more(notice)
    description = shorten(markdown_text(notice), min(DISCORD_DESCRIPTION, room), more)
    return {
        "content": shorten(f"**{one_line(notice.headline)}** · <{notice.url}>", DISCORD_CONTENT),
        "embeds": [
            {
                "title": title,
                "url": notice.url,
                "description": description,
                "color": colour(notice),
                "timestamp": iso(notice.at),
                "fields": fields,
                "footer": {"text": footer},
            }
        ],
        # Text such as "@everyone" in an update must never ping anyone.
        "allowed_mentions": {"parse": []},
    }


# ---------------------------------------------------------------------------------------------
# Microsoft Teams workflow webhooks: an Adaptive Card in `attachments`.

TEAMS_TEXT = 20_000  # the whole message must stay under 28 KB
ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
TEAMS_COLOURS = {Impact.CRITICAL: "Attention", Impact.MAJOR: "Warning"}


def teams(notice: Notice) -> dict[str, Any]:
    headline_colour = "Good" if notice.closing else TEAMS_COLOURS.get(notice.impact, "Default")
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": one_line(notice.headline),
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
            "style": "heading",
            "color": headline_colour,
        },
        {
            "type": "TextBlock",
            "text": f"{notice.site_name} · {notice.when(notice.at)}",
            "isSubtle": True,
            "spacing": "None",
            "wrap": True,
        },
    ]
    text = markdown_text(notice)
    if text:
        more = _read_more(notice)
        body.append({"type": "TextBlock", "text": shorten(text, TEAMS_TEXT, more), "wrap": True})
    facts = [{"title": label, "value": value} for label, value in notice.facts()]
    if facts:
        body.append({"type": "FactSet", "facts": facts})
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "msteams": {"width": "Full"},
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": notice.details, "url": notice.url}],
    }
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD, "contentUrl": None, "content": card}],
    }


PAYLOADS: dict[str, Callable[[Notice], dict[str, Any]]] = {
    "webhook": generic,
    "slack": slack,
    "mattermost": mattermost,
    "discord": discord,
    "teams": teams,
}


def _read_more(notice: Notice) -> str:
    """What ends a shortened text: a link to the whole update."""
    return f"… [{notice.read_more}]({notice.url})"
