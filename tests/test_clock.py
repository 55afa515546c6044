"""The build clock and the time values of content."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.clock import format_duration, iso, parse_duration, parse_time, resolve_now

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("2h", 120),
        ("1h30m", 90),
        ("1d", 1440),
        ("1d2h", 1560),
        (" 45M ", 45),
        ("0m", 0),
    ],
)
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "30", "30 m", "m", "1.5h", "-5m", "30m1h", "PT30M", "soon"])
def test_not_durations(text: str) -> None:
    assert parse_duration(text) is None


def test_times_keep_their_offset_and_naive_times_stay_naive() -> None:
    assert parse_time("2026-11-20T14:05:00Z") == datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
    assert parse_time("2026-11-20T16:05+02:00") == datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
    naive = parse_time("2026-11-20 14:05")
    assert naive is not None and naive.tzinfo is None
    assert parse_time("yesterday") is None


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (45, "45 min"),
        (60, "1 h"),
        (130, "2 h 10 min"),
        (1440, "1 d"),
        (1440 + 240, "1 d 4 h"),
        (-5, "0 min"),
    ],
)
def test_format_duration(minutes: int, text: str) -> None:
    assert format_duration(timedelta(minutes=minutes)) == text


def test_iso_is_utc_to_the_second() -> None:
    moment = datetime(2026, 11, 20, 16, 5, 7, 999, tzinfo=timezone(timedelta(hours=2)))
    assert iso(moment) == "2026-11-20T14:05:07Z"


def test_now_prefers_the_option_then_source_date_epoch() -> None:
    pinned = datetime(2026, 11, 22, 11, tzinfo=timezone(timedelta(hours=1)))
    assert resolve_now(pinned, {"SOURCE_DATE_EPOCH": "0"}) == datetime(2026, 11, 22, 10, tzinfo=UTC)
    assert resolve_now(None, {"SOURCE_DATE_EPOCH": "1795341600"}) == datetime(
        2026, 11, 22, 10, tzinfo=UTC
    )
    real = resolve_now(None, {"SOURCE_DATE_EPOCH": "garbage"})
    assert real.tzinfo is UTC and abs(real - datetime.now(UTC)) < timedelta(seconds=5)


ZONES = [
    UTC,
    timezone(timedelta(hours=5, minutes=30)),
    ZoneInfo("Europe/Berlin"),
    ZoneInfo("America/New_York"),
]


@settings(max_examples=500, deadline=None)
@given(
    moment=st.datetimes(
        min_value=datetime(1970, 1, 1),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from(ZONES),
    ),
    zone=st.sampled_from(["UTC", "Europe/Berlin", "America/Los_Angeles", "Asia/Kolkata"]),
)
def test_time_formatting_matches_strftime(moment: datetime, zone: str) -> None:
    """iso writes the fields itself, for speed, as strftime would; the pages' English times
    are CLDR's for `en` (month, day, year, 12-hour clock), in the zone."""
    from statuspress.outputs.pages import Formatter

    assert iso(moment) == moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    local = moment.astimezone(ZoneInfo(zone))
    hour = local.hour % 12 or 12
    expected = (
        f"{local:%b} {local.day}, {local.year}, {hour}:{local:%M}\u202f{local:%p} {local.tzname()}"
    )
    assert Formatter(zone, moment).when(moment) == expected
