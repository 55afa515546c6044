"""What is new: entries of the freshly built `updates.atom` that the live site does not have yet."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path
from xml.etree import ElementTree

from .. import __version__

ATOM = "{http://www.w3.org/2005/Atom}"
FEED = "updates.atom"
MAX_FEED_BYTES = 20_000_000
USER_AGENT = f"statuspress/{__version__} (+notify)"


class FeedProblem(Exception):
    """The feeds cannot be compared; nothing may be sent. `hint` says what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def live_feed_url(base_url: str) -> str:
    return base_url.rstrip("/") + "/" + FEED


def fetch_live_feed(base_url: str, timeout: float) -> bytes | None:
    """The live site's updates feed; None when the site has none yet (404 or 410)."""
    url = live_feed_url(base_url)
    if not url.startswith(("https://", "http://")):
        raise FeedProblem(
            f"cannot fetch the live feed from '{base_url}': not an http(s) URL",
            "set site_url in mkdocs.yml, or pass --live-url https://...",
        )
    # A query string makes caches in front of the site (GitHub Pages keeps files for 10 min)
    # return the current feed; a stale one would make already-sent updates look new.
    request = urllib.request.Request(
        f"{url}?fresh={int(time.time())}",
        headers={
            "User-Agent": USER_AGENT,
            "Cache-Control": "no-cache",
            "Accept": "application/atom+xml",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body: bytes = response.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise FeedProblem(
            f"cannot fetch the live feed {url}: HTTP {exc.code} {exc.reason}", _UNREACHABLE_HINT
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedProblem(
            f"cannot fetch the live feed {url}: {reason}", _UNREACHABLE_HINT
        ) from None
    if len(body) > MAX_FEED_BYTES:
        raise FeedProblem(
            f"the live feed {url} is larger than {MAX_FEED_BYTES} bytes",
            "check that --live-url points at the status site",
        )
    return body


_UNREACHABLE_HINT = (
    "check site_url in mkdocs.yml (or --live-url) and that the site is up; "
    "nothing was sent, so run notify again once it answers"
)


def read_saved_feed(path: Path) -> bytes | None:
    """A live feed saved with --save-live; an empty file means nothing was live."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FeedProblem(
            f"cannot read the saved live feed {path}: {exc.strerror}",
            f"save it before deploying with 'statuspress notify --save-live {path}'",
        ) from None
    return data or None


def entry_ids(feed: bytes, source: str) -> list[str]:
    """The `<id>` of every entry of an Atom feed, in feed order (newest first)."""
    try:
        root = ElementTree.fromstring(feed)
    except ElementTree.ParseError as exc:
        raise FeedProblem(
            f"{source} is not an Atom feed: {exc}",
            "check that it is the statuspress site's updates.atom",
        ) from None
    if root.tag != f"{ATOM}feed":
        raise FeedProblem(
            f"{source} is not an Atom feed (its root element is <{root.tag.rpartition('}')[2]}>)",
            "check that it is the statuspress site's updates.atom",
        )
    return [(entry.findtext(f"{ATOM}id") or "").strip() for entry in root.iter(f"{ATOM}entry")]


def new_entry_ids(built: list[str], live: list[str]) -> list[str]:
    """Entries of the new build that are not live yet, oldest first.

    When something is live but shares no entry with the new build, the ids themselves have
    changed (a new `feed_id_authority` or `site_url`): every update would look new, so nothing
    is sent rather than the whole history.
    """
    known = set(live)
    if built and live and known.isdisjoint(built):
        raise FeedProblem(
            f"none of the {len(live)} entries of the live feed is in the new build, so their "
            "ids have changed (feed_id_authority or site_url); nothing was sent",
            "after this deploy the live feed has the new ids, and the next run sends only new "
            "updates again; set feed_id_authority once and never change it",
        )
    return [entry for entry in reversed(built) if entry not in known]
