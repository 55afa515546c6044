"""Feeds read by a real parser and followed by a real feed reader across rebuilds."""

from __future__ import annotations

import re
import time
from datetime import datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from conftest import EXAMPLE_NOW, REPO, copy_example, served
from reader import make_reader
from statuspress.publishing.build import build_site

FEEDS = ["history.atom", "history.rss", "updates.atom", "updates.rss", "postmortems.atom"]
STATUSPAGE_ENTRY = re.compile(
    r"<p><small>[A-Z][a-z]{2} \d{1,2}, \d{1,2}:\d\d\u202f[AP]M UTC</small><br ?/?>"
    r"<strong>[A-Z][a-z ]+</strong> - "
)


def parsed(site: Path, name: str) -> feedparser.FeedParserDict:
    feed = feedparser.parse((site / name).read_bytes())
    assert not feed.bozo, f"{name}: {feed.get('bozo_exception')}"
    return feed


@pytest.mark.parametrize(
    "name", [*FEEDS, "components/api/history.atom", "components/webhooks/history.atom"]
)
def test_every_feed_parses_without_errors(example_site: Path, name: str) -> None:
    feed = parsed(example_site, name)
    assert feed.version == ("rss20" if name.endswith(".rss") else "atom10")
    assert feed.entries, name
    for entry in feed.entries:
        assert entry.id.startswith("tag:status.acme.example,2005:")
        assert entry.link.startswith("https://status.acme.example/")
        assert entry.title


def test_history_feed_has_statuspage_shape(example_site: Path) -> None:
    feed = parsed(example_site, "history.atom")
    assert len(feed.entries) == 8  # one per incident or maintenance
    updated = [entry.updated_parsed for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)  # newest activity first
    outage = next(e for e in feed.entries if "/2026-10-14-api-and-dashboard-outage/" in e.link)
    assert outage.title == "API and dashboard unavailable"  # unchanged on resolution
    content = outage.content[0].value
    assert STATUSPAGE_ENTRY.match(content), content[:200]
    newest, oldest = "<strong>Resolved</strong>", "<strong>Investigating</strong>"
    assert content.index(newest) < content.index(oldest)
    maintenance = next(e for e in feed.entries if "backup-storage-migration" in e.link)
    assert "THIS IS A SCHEDULED EVENT Nov 26, 3:00\u202fAM UTC - Nov 26, 5:00\u202fAM UTC" in (
        maintenance.content[0].value
    )


def test_rss_guid_is_the_atom_id(example_site: Path) -> None:
    for base in ("history", "updates"):
        atom_ids = [e.id for e in parsed(example_site, f"{base}.atom").entries]
        rss_ids = [e.id for e in parsed(example_site, f"{base}.rss").entries]
        assert atom_ids == rss_ids
        assert all(not e.guidislink for e in parsed(example_site, f"{base}.rss").entries)


def test_update_entries_are_titled_by_status(example_site: Path) -> None:
    titles = [entry.title for entry in parsed(example_site, "updates.atom").entries]
    assert titles[0] == "Identified: Webhook deliveries delayed"
    assert "Resolved: Card payments declined in Europe" in titles


def test_feed_time_is_the_newest_entry_not_the_clock(example_site: Path) -> None:
    for name in FEEDS:
        feed = parsed(example_site, name)
        newest = max(entry.updated_parsed for entry in feed.entries)
        assert feed.feed.updated_parsed == newest, name


def test_component_feed_holds_only_that_component(example_site: Path) -> None:
    links = {e.link for e in parsed(example_site, "components/payments/history.atom").entries}
    assert links == {"https://status.acme.example/2026-11-17-card-payments-declined/"}


def test_a_feed_id_authority_keeps_ids_after_a_domain_move(tmp_path: Path) -> None:
    source = copy_example(tmp_path / "src")
    text = (REPO / "mkdocs.yml").read_text()
    text = text.replace(
        "site_url: https://status.acme.example/", "site_url: https://status.acme-new.example/"
    )
    text = text.replace(
        "      company:", "      feed_id_authority: status.acme.example\n      company:", 1
    )
    (source / "mkdocs.yml").write_text(text)
    build_site(source / "mkdocs.yml", tmp_path / "out", EXAMPLE_NOW)
    moved = parsed(tmp_path / "out", "history.atom")
    assert all(e.id.startswith("tag:status.acme.example,2005:") for e in moved.entries)
    assert all(e.link.startswith("https://status.acme-new.example/") for e in moved.entries)


def test_a_feed_reader_sees_no_duplicates_and_each_change_once(tmp_path: Path) -> None:
    """The example at 10:00, again at 10:00, then at 10:30 with its 10:25 draft published."""
    source, site = copy_example(tmp_path / "src"), tmp_path / "site"
    config = source / "mkdocs.yml"
    build_site(config, site, EXAMPLE_NOW)
    reader = make_reader(str(tmp_path / "reader.sqlite"))
    with served(site) as root:
        urls = {name: root + name for name in ("history.atom", "updates.atom", "history.rss")}
        for url in urls.values():
            reader.add_feed(url)
        first = _update(reader)
        assert {url: result.new for url, result in first.items()} == {
            urls["history.atom"]: 8,
            urls["updates.atom"]: _update_count(site),
            urls["history.rss"]: 8,
        }
        build_site(config, site, EXAMPLE_NOW)
        again = _update(reader)
        assert all(
            result is None or (result.new, result.modified) == (0, 0) for result in again.values()
        ), again
        time.sleep(1.1)  # the test server's Last-Modified has one-second resolution
        draft = source / "incidents/2026-11-22-webhook-delays/20261122T1025Z-monitoring.md"
        draft.write_text(draft.read_text().replace("draft: true\n", ""))
        build_site(config, site, EXAMPLE_NOW + timedelta(minutes=30))
        later = _update(reader)
    assert (later[urls["history.atom"]].new, later[urls["history.atom"]].modified) == (0, 1)
    assert (later[urls["history.rss"]].new, later[urls["history.rss"]].modified) == (0, 1)
    assert (later[urls["updates.atom"]].new, later[urls["updates.atom"]].modified) == (1, 0)
    newest = next(iter(reader.get_entries(feed=urls["updates.atom"], sort="recent")))
    assert newest.title == "Monitoring: Webhook deliveries delayed"
    reader.close()


def _update(reader: object) -> dict[str, object]:
    results = {}
    for result in reader.update_feeds_iter(scheduled=False):  # type: ignore[attr-defined]
        assert not isinstance(result.value, Exception), result.value
        results[result.url] = result.value
    return results


def _update_count(site: Path) -> int:
    return len(parsed(site, "updates.atom").entries)


def test_drafts_and_internal_text_never_reach_a_feed(tmp_path: Path, write_tree) -> None:
    from conftest import MINIMAL_CONFIG

    write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md": """\
            ---
            at: 2026-11-20T14:05:00Z
            status: investigating
            title: Elevated API error rates
            impact: minor
            components: {api: degraded_performance}
            next_update: 30m
            internal: CANARY-INTERNAL-7731 customer acme-bank opened a ticket
            ---
            We are looking into errors on the API. <!-- CANARY-COMMENT-7731 -->
            """,
            "incidents/2026-11-20-api-errors/20261120T1420Z-identified.md": """\
            ---
            at: 2026-11-20T14:20:00Z
            status: identified
            draft: true
            ---
            CANARY-DRAFT-7731 not ready to publish.
            """,
        }
    )
    build_site(
        tmp_path / "mkdocs.yml",
        tmp_path / "out",
        datetime.fromisoformat("2026-11-20T14:30:00+00:00"),
    )
    for feed in (tmp_path / "out").rglob("*.*"):
        if feed.suffix in (".atom", ".rss", ".ics", ".json"):
            assert "CANARY" not in feed.read_text(), feed
    assert len(parsed(tmp_path / "out", "updates.atom").entries) == 1


def test_the_newest_updates_and_components_last_touched_match_a_full_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both stop scanning early, from the most recently active incidents back: they must find
    what a pass over every update finds, ties in time included."""
    import heapq

    monkeypatch.syspath_prepend(str(REPO))
    from statuspress.configuration.settings import load_settings
    from statuspress.model import load_site
    from statuspress.outputs import api, feeds

    from benchmarks import corpus

    config = corpus.write_site(tmp_path, corpus.generate(400, seed=7))
    settings, _ = load_settings(config)
    site, _ = load_site(tmp_path, settings)
    pairs = [(i, u) for i in site.incidents for u in i.updates]
    newest = heapq.nlargest(feeds.LIMIT, pairs, key=lambda pair: (pair[1].at, pair[1].uid))
    assert feeds.update_items(feeds.most_recent_first(site)) == newest
    touched: dict[str, datetime] = {}
    for _, update in pairs:
        for component_id in update.components:
            touched[component_id] = max(update.at, touched.get(component_id, update.at))
    found = api._last_touched(site)
    assert {c: found.get(c) for c in settings.component_ids} == {
        c: touched.get(c) for c in settings.component_ids
    }
