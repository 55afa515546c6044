"""Notices from the example content: texts, each channel's limits, Message-IDs, what is new."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
from conftest import EXAMPLE_NOW, REPO
from docs_pages import section
from statuspress.configuration.notify import CHANNEL_KEYS, CHANNEL_TYPES, NOTIFY_KEYS
from statuspress.notify.delivery import RetryPolicy, parse_retry_after
from statuspress.notify.live import FeedProblem, entry_ids, new_entry_ids
from statuspress.notify.mail import message_id
from statuspress.notify.message import Notice, notices, plain_text, shorten
from statuspress.notify.payloads import (
    DISCORD_CONTENT,
    DISCORD_EMBED_TOTAL,
    PAYLOADS,
    defuse_mentions,
    discord,
    generic,
    mattermost,
    slack,
    slack_mrkdwn,
    teams,
)
from statuspress.publishing.loading import load_project

TAG = "tag:status.acme.example,2005:update/"
LONG = " ".join(f"word{n}" for n in range(3000))  # about 26,000 characters


@pytest.fixture(scope="module")
def example() -> dict[str, Notice]:
    site = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW).site
    keys = [TAG + u.uid for i in site.incidents for u in i.updates]
    return {n.update_id: n for n in notices(site, keys, EXAMPLE_NOW)}


def test_every_public_update_becomes_a_notice(example: dict[str, Notice]) -> None:
    assert len(example) == 28  # the 29th file is a draft
    assert "2026-11-22-webhook-delays/20261122T1025Z-monitoring" not in example


def test_plain_text_of_an_update_with_cause_and_workaround(example: dict[str, Notice]) -> None:
    notice = example["2026-11-22-webhook-delays/20261122T0930Z-identified"]
    assert plain_text(notice) == (
        "Identified: Webhook deliveries delayed\n\n"
        "Acme Status · Nov 22, 2026, 9:30\u202fAM UTC\n\n"
        "We have found the cause and are rolling the workers back to the previous version. We "
        "will\ngive an expected time for the backlog to clear in our next update, once the "
        "rollback is done.\n\n"
        "Cause: A software update to our delivery workers this morning halved how many events "
        "each worker sends at once.\n\n"
        "Workaround: To see an event right away, fetch it from the events API; the event id in "
        "a late webhook matches.\n\n"
        "Impact: Major\n"
        "Components: Webhooks: Partial outage\n"
        "Expected resolution: Not known yet — we will not guess\n"
        "Next update: by Nov 22, 2026, 10:00\u202fAM UTC\n\n"
        "Details and every update: https://status.acme.example/2026-11-22-webhook-delays/"
        "#20261122T0930Z-identified\n"
    )


def test_a_first_update_is_its_own_thread_root(example: dict[str, Notice]) -> None:
    first = example["2026-11-22-webhook-delays/20261122T0904Z-investigating"]
    later = example["2026-11-22-webhook-delays/20261122T0955Z-identified"]
    assert first.is_first and not later.is_first
    assert later.thread_key == first.key
    assert "We're sorry — webhook events are reaching your endpoints" in plain_text(first)


def test_a_maintenance_shows_its_window_not_an_impact(example: dict[str, Notice]) -> None:
    notice = next(n for n in example.values() if n.kind == "maintenance" and n.window)
    labels = [label for label, _ in notice.facts()]
    assert "Window" in labels and "Impact" not in labels


def test_a_resolution_sets_every_component_back_to_operational(
    example: dict[str, Notice],
) -> None:
    notice = next(n for n in example.values() if n.status == "resolved")
    assert {c.state.value for c in notice.components} == {"operational"}
    assert slack(notice)["blocks"][0]["text"]["text"].startswith("Resolved: ")
    assert mattermost(notice)["attachments"][0]["color"] == "#2da44e"


@pytest.mark.parametrize("shape", sorted(PAYLOADS))
def test_every_payload_is_json_and_names_the_update_page(
    example: dict[str, Notice], shape: str
) -> None:
    for notice in example.values():
        text = json.dumps(PAYLOADS[shape](notice))
        assert notice.url in text


def test_discord_stays_within_its_limits(example: dict[str, Notice]) -> None:
    notice = replace(
        example["2026-11-22-webhook-delays/20261122T0955Z-identified"], text=LONG, title="T" * 400
    )
    payload = discord(notice)
    embed = payload["embeds"][0]
    assert len(payload["content"]) <= DISCORD_CONTENT
    assert len(embed["title"]) <= 256
    assert len(embed["description"]) <= 4096
    assert embed["description"].endswith(f"… [Read more]({notice.url})")
    total = (
        len(embed["title"])
        + len(embed["description"])
        + len(embed["footer"]["text"])
        + sum(len(f["name"]) + len(f["value"]) for f in embed["fields"])
    )
    assert total <= DISCORD_EMBED_TOTAL


def test_slack_and_teams_stay_within_their_limits(example: dict[str, Notice]) -> None:
    notice = replace(
        example["2026-11-22-webhook-delays/20261122T0955Z-identified"], text=LONG, title="T" * 400
    )
    blocks = slack(notice)["blocks"]
    assert len(blocks[0]["text"]["text"]) <= 150
    assert len(blocks[1]["text"]["text"]) <= 3000
    assert blocks[1]["text"]["text"].endswith(
        f"… <{notice.url}|Details and every update on Acme Status>"
    )
    assert len(slack(notice)["text"]) <= 3000
    assert len(json.dumps(teams(notice)).encode()) < 28_000


def test_update_text_cannot_ping_everyone(example: dict[str, Notice]) -> None:
    notice = replace(
        example["2026-11-22-webhook-delays/20261122T0955Z-identified"],
        text="Hello <!channel> @channel @here @all @everyone <@U123> & co",
    )
    assert slack(notice)["blocks"][1]["text"]["text"] == (
        "Hello &lt;!channel&gt; @channel @here @all @everyone &lt;@U123&gt; &amp; co"
    )
    assert "@\u200bchannel @\u200bhere @\u200ball" in mattermost(notice)["attachments"][0]["text"]
    assert discord(notice)["allowed_mentions"] == {"parse": []}


def test_slack_mrkdwn() -> None:
    assert slack_mrkdwn("**Bold** and [the docs](https://docs.acme.example/x) a<b") == (
        "*Bold* and <https://docs.acme.example/x|the docs> a&lt;b"
    )
    assert defuse_mentions("mail ops@channel.example") == "mail ops@channel.example"


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"
    assert len(shorten("x" * 50, 10)) == 10


def test_message_ids_are_stable_distinct_and_valid() -> None:
    key = TAG + "2026-11-22-webhook-delays/20261122T0955Z-identified"
    first = message_id(key, "status.acme.example")
    assert first == message_id(key, "status.acme.example")
    assert first.startswith("<update.2026-11-22-webhook-delays.20261122T0955Z-identified.")
    assert first.endswith("@status.acme.example>")
    odd = message_id(TAG + "a/b c", "ops@acme.example")
    assert odd != message_id(TAG + "a/b.c", "ops@acme.example")
    assert odd.startswith("<update.a.b.c.") and odd.endswith("@acme.example>")


def test_retry_after_in_seconds_or_as_a_date() -> None:
    now = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
    later = format_datetime(datetime(2026, 11, 22, 10, 0, 30, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after("12", now.timestamp()) == 12.0
    assert parse_retry_after(later, now.timestamp()) == 30.0
    assert parse_retry_after("soon", now.timestamp()) is None
    assert parse_retry_after(None) is None


def test_backoff_doubles_up_to_a_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=5.0)
    assert [policy.delay(n, None) for n in range(1, 5)] == [1.0, 2.0, 4.0, 5.0]
    assert policy.delay(1, 3600) == 5.0  # a Retry-After past the ceiling waits the ceiling


def test_new_entries_are_those_not_live_oldest_first() -> None:
    assert new_entry_ids(["c", "b", "a"], ["b", "a"]) == ["c"]
    assert new_entry_ids(["d", "c", "b", "a"], ["b", "a"]) == ["c", "d"]
    assert new_entry_ids(["b", "a"], ["b", "a"]) == []
    with pytest.raises(FeedProblem, match="none of the 2 entries of the live feed"):
        new_entry_ids(["x", "y"], ["b", "a"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"<html><body>Not found</body></html>",
            "live is not an Atom feed (its root element is <html>)",
        ),
        (b"\x00garbage", "live is not an Atom feed: "),
    ],
)
def test_a_live_page_that_is_not_a_feed_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(FeedProblem) as problem:
        entry_ids(data, "live")
    assert problem.value.message.startswith(message)


def test_the_notifications_guide_documents_the_generic_payload_as_sent(
    example: dict[str, Notice],
) -> None:
    payload = section("guides/notifications.md", "The generic webhook payload")
    documented = payload.split("```json\n", 1)[1].split("\n```", 1)[0]
    notice = example["2026-11-22-webhook-delays/20261122T0930Z-identified"]
    assert json.loads(documented) == generic(notice)


def test_the_reference_documents_every_channel_option_and_flag() -> None:
    configuration = section("reference/configuration.md", "`notify`")
    for name in (
        *CHANNEL_TYPES,
        *NOTIFY_KEYS,
        *{k for keys in CHANNEL_KEYS.values() for k in keys},
    ):
        assert f"`{name}`" in configuration, name
    command = section("reference/commands.md", "statuspress notify")
    for flag in (
        "--config-file",
        "--site-dir",
        "--live-url",
        "--live-feed",
        "--save-live",
        "--update",
        "--channel",
        "--dry-run",
        "--now",
    ):
        assert f"`{flag}" in command or f"`-d`, `{flag}`" in command, flag
