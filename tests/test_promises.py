"""The promise sentence: one function words an update's `eta` and `next_update` for every
channel, in the site's time zone."""

from __future__ import annotations

from dataclasses import replace

from statuspress.model.types import ETA_UNKNOWN
from statuspress.outputs.pages import site_when
from statuspress.outputs.promises import promise_text, promises
from test_lint_phrases import SETTINGS, at, make_update

BERLIN = site_when(replace(SETTINGS, timezone="Europe/Berlin", language="en_GB"))  # 24-hour


def test_next_update_and_eta_in_the_sites_zone() -> None:
    update = make_update(30, "identified", eta=at(120))  # next_update 10:30 UTC
    assert promise_text(update, BERLIN) == (
        "Expected resolution by 22 Nov 2026, 12:00 CET. Next update by 22 Nov 2026, 11:30 CET."
    )
    assert [(p.label, p.value) for p in promises(update, BERLIN)] == [
        ("Expected resolution", "22 Nov 2026, 12:00 CET"),
        ("Next update", "by 22 Nov 2026, 11:30 CET"),
    ]


def test_an_unknown_eta_is_said_as_such() -> None:
    update = make_update(30, "identified", next_in=None, eta=ETA_UNKNOWN)
    assert promise_text(update, BERLIN) == (
        "Expected resolution: not known yet — we will not guess."
    )


def test_a_closing_update_promises_no_next_update() -> None:
    assert promise_text(make_update(60, "resolved", next_in=30), BERLIN) == ""
    assert promise_text(make_update(0, next_in=None), BERLIN) == ""


def test_summer_time_is_named() -> None:
    from datetime import datetime, timezone

    update = replace(make_update(0), next_update=datetime(2026, 7, 1, 8, 0, tzinfo=timezone.utc))
    assert promise_text(update, BERLIN) == "Next update by 1 Jul 2026, 10:00 CEST."
