"""Permanent identities: feed entry ids (tag: URIs) and Statuspage-style short ids.

Never derived from titles, dates of builds or order, so they survive renames and rebuilds.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from .types import Settings, Update


def tag_uri(settings: Settings, *parts: str) -> str:
    """`tag:status.acme.example,2005:<parts>` (RFC 4151); the authority is configurable."""
    return f"tag:{settings.feed_id_authority},2005:" + "/".join(parts)


def incident_entry_id(settings: Settings, incident_id: str) -> str:
    return tag_uri(settings, "incident", incident_id)


def update_entry_id(settings: Settings, update: Update) -> str:
    """An update's id; a notice of the clock's (a maintenance reminder, start or end) has one
    of its own kind, `maintenance/<incident>/<what>-<window start>`."""
    kind = "maintenance" if getattr(update, "milestone", "") else "update"
    return tag_uri(settings, kind, update.incident_id, update.file.removesuffix(".md"))


def postmortem_entry_id(settings: Settings, incident_id: str) -> str:
    return tag_uri(settings, "postmortem", incident_id)


@lru_cache(maxsize=4096)  # a build asks for each component's and incident's again and again
def short_id(*parts: str) -> str:
    """A 12-character lower-case id, stable for the same parts (Statuspage-like)."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    number = int.from_bytes(digest[:10], "big")
    chars = []
    for _ in range(12):
        number, rest = divmod(number, 36)
        chars.append(alphabet[rest])
    return "".join(chars)
