"""What an update promised, in the words every channel uses: the page, the feeds, the API,
notifications and the maintenance calendar all say it through `promises`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..model.types import ETA_UNKNOWN, Update

NEXT_UPDATE = "Next update"
EXPECTED_RESOLUTION = "Expected resolution"
ETA_NOT_KNOWN = "Not known yet — we will not guess"


@dataclass(frozen=True)
class Promise:
    """One promise: a label and its value (for a list of facts), and the same as a sentence."""

    label: str
    value: str
    sentence: str


def promises(update: Update, when: Callable[[datetime], str]) -> list[Promise]:
    """The update's expected resolution and next update; `when` writes a time (in the site's
    zone, as `Formatter.when` does, or as the page's `<time>` element)."""
    found = []
    if update.eta == ETA_UNKNOWN:
        found.append(
            Promise(
                EXPECTED_RESOLUTION,
                ETA_NOT_KNOWN,
                f"{EXPECTED_RESOLUTION}: not known yet — we will not guess.",
            )
        )
    elif isinstance(update.eta, datetime):
        value = when(update.eta)
        found.append(Promise(EXPECTED_RESOLUTION, value, f"Expected resolution by {value}."))
    if update.next_update and not update.is_closing:
        value = when(update.next_update)
        found.append(Promise(NEXT_UPDATE, f"by {value}", f"Next update by {value}."))
    return found


def promise_text(update: Update, when: Callable[[datetime], str]) -> str:
    """The promises as plain sentences ("Expected resolution by 7 Dec 2026, 09:00 UTC. Next
    update by 7 Dec 2026, 07:05 UTC."); empty when the update promised nothing."""
    return " ".join(promise.sentence for promise in promises(update, when))
