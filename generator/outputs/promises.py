"""What an update promised, in the words every channel uses: the page, the feeds, the API,
notifications and the maintenance calendar all say it through `promises`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..language.core import SOURCE_LANGUAGE, Language, language
from ..language.marker import N_
from ..model.types import ETA_UNKNOWN, Update

NEXT_UPDATE = N_("Next update")
EXPECTED_RESOLUTION = N_("Expected resolution")


@dataclass(frozen=True)
class Promise:
    """One promise: a label and its value (for a list of facts), and the same as a sentence."""

    label: str
    value: str
    sentence: str


def promises(
    update: Update, when: Callable[[datetime], str], lang: Language | None = None
) -> list[Promise]:
    """The update's expected resolution and next update, in `lang` (English by default);
    `when` writes a time (in the site's zone, as `Formatter.when` does, or as the page's
    `<time>` element)."""
    _ = (lang or language(SOURCE_LANGUAGE)).gettext
    found = []
    if update.eta == ETA_UNKNOWN:
        found.append(
            Promise(
                _(EXPECTED_RESOLUTION),
                _("Not known yet — we will not guess"),
                _("Expected resolution: not known yet — we will not guess."),
            )
        )
    elif isinstance(update.eta, datetime):
        value = when(update.eta)
        found.append(
            Promise(
                _(EXPECTED_RESOLUTION), value, _("Expected resolution by %(time)s.", time=value)
            )
        )
    if update.next_update and not update.is_closing:
        value = when(update.next_update)
        found.append(
            Promise(
                _(NEXT_UPDATE),
                _("by %(time)s", time=value),
                _("Next update by %(time)s.", time=value),
            )
        )
    return found


def promise_text(
    update: Update, when: Callable[[datetime], str], lang: Language | None = None
) -> str:
    """The promises as plain sentences ("Expected resolution by 7 Dec 2026, 09:00 UTC. Next
    update by 7 Dec 2026, 07:05 UTC."); empty when the update promised nothing."""
    return " ".join(promise.sentence for promise in promises(update, when, lang))
