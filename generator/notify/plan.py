"""Which updates to send: new in the built site's feed, known to the model, recent enough."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ..configuration.notify import DEFAULT_REMINDER
from ..model.ids import update_entry_id
from ..model.types import Site
from .live import FEED, FeedProblem, entry_ids, new_entry_ids
from .message import Notice, notices, update_index


@dataclass(frozen=True)
class Plan:
    send: tuple[Notice, ...]  # oldest first
    too_old: tuple[Notice, ...]  # new, but older than max_age: never sent
    # new, but imported from another status page, whose subscribers heard of it there
    imported: tuple[str, ...] = ()
    # New maintenance notices overtaken by the next one (a reminder once its window started,
    # a start notice once the window ended), e.g. after scheduled runs were missed: never sent.
    overtaken: tuple[Notice, ...] = ()


def read_built_feed(site_dir: Path) -> list[str]:
    path = site_dir / FEED
    try:
        data = path.read_bytes()
    except OSError:
        raise FeedProblem(
            f"no {path}: the site has not been built there",
            "run 'statuspress build' first, or pass --site-dir",
        ) from None
    return entry_ids(data, str(path))


def plan_new(
    site: Site,
    built: list[str],
    live: list[str],
    now: datetime,
    max_age: timedelta,
    reminder: timedelta = DEFAULT_REMINDER,
) -> Plan:
    """The built feed's entries that are not live, as notices; old ones are held back, and
    maintenance notices that the clock has overtaken."""
    fresh = new_entry_ids(built, live)
    known = set(update_index(site, now, reminder).values())
    unknown = [entry for entry in fresh if entry not in known]
    if unknown:
        raise FeedProblem(
            f"the built feed has an update that is not in the content: {unknown[0]}",
            "build the site from this checkout, then notify",
        )
    imported = imported_entry_ids(site)
    found = notices(site, [entry for entry in fresh if entry not in imported], now, reminder)
    since = now - max_age
    overtaken = tuple(n for n in found if n.stale_after is not None and now >= n.stale_after)
    current = [n for n in found if n not in overtaken]
    return Plan(
        send=tuple(n for n in current if n.at >= since),
        too_old=tuple(n for n in current if n.at < since),
        imported=tuple(entry for entry in fresh if entry in imported),
        overtaken=overtaken,
    )


def imported_entry_ids(site: Site) -> set[str]:
    """The feed ids of updates `statuspress import` wrote (they carry `imported_from`)."""
    return {
        update_entry_id(site.settings, update)
        for incident in site.incidents
        for update in incident.updates
        if update.imported_from
    }


def plan_chosen(
    site: Site,
    update_ids: tuple[str, ...],
    now: datetime,
    reminder: timedelta = DEFAULT_REMINDER,
) -> Plan:
    """The updates named with --update (`<incident id>/<file name>`), whatever is live."""
    index = update_index(site, now, reminder)
    chosen = []
    for update_id in update_ids:
        key = update_id.removesuffix(".md").strip("/")
        if key not in index:
            close = difflib.get_close_matches(key, list(index), n=1)
            raise FeedProblem(
                f"no published update '{update_id}'",
                f"did you mean '{close[0]}'?"
                if close
                else "name it <incident folder>/<file name>, e.g. "
                "2026-11-20-api-errors/20261120T1405Z-investigating",
            )
        chosen.append(index[key])
    found = notices(site, list(dict.fromkeys(chosen)), now, reminder)
    return Plan(send=tuple(sorted(found, key=lambda n: (n.at, n.update_id))), too_old=())
