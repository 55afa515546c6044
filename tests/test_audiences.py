"""Audience sites, checked like the public site: pages, feeds, the API against its schema and
a real Statuspage client, badges, the calendar, and the leak guard."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_NOW, copy_example
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from jsonschema import Draft202012Validator
from statuspress.cli import main
from statuspress.model.source import split_front_matter
from statuspress.publishing import audiences
from statuspress.publishing.build import BuildFailed, build_site
from test_api import DEFINITIONS, SCHEMA, read_with_client

AUDIENCES = """\
      audiences:
        - id: merchants
          title: Acme Status for merchants
          components: [payments, api]
        - id: partners
          title: Acme Status for partners
          components: [webhooks]
        - id: operators
          title: Acme Status for operators
          components: [backups, database]
          site_dir: operators-site
          site_url: https://ops-status.acme.example/
"""


def with_audiences(root: Path, audiences: str = AUDIENCES) -> Path:
    copy_example(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + audiences, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = with_audiences(tmp_path_factory.mktemp("audiences"))
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    return root


def api(site: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((site / "api/v2" / name).read_text(encoding="utf-8"))
    return loaded


def leaf_components(site: Path) -> set[str]:
    """The ids of the components an API lists (groups aside), from their pages' links."""
    return {
        c["name"] for c in api(site, "components.json")["components"] if c.get("group") is not True
    }


def test_each_audience_has_only_its_components(built: Path) -> None:
    site = built / "site"
    assert leaf_components(site / "merchants") == {"API", "Payments"}
    assert leaf_components(site / "partners") == {"Webhooks"}
    assert leaf_components(built / "operators-site") == {"Managed databases", "Backups"}
    assert len(leaf_components(site)) == 8  # the public site is unchanged


def test_each_audience_has_its_own_overall_state(built: Path) -> None:
    site = built / "site"
    # the example's open incident delays webhooks: the public and partner banners show it
    assert api(site, "status.json")["status"]["indicator"] != "none"
    assert api(site / "partners", "status.json")["status"]["indicator"] != "none"
    assert api(site / "merchants", "status.json")["status"]["indicator"] == "none"
    page = (site / "merchants" / "index.html").read_text(encoding="utf-8")
    assert 'class="banner b-operational"' in page
    assert "Webhook" not in page


def test_incidents_are_those_touching_the_audiences_components(built: Path) -> None:
    def incidents(site: Path) -> set[str]:
        return {
            i["shortlink"].rstrip("/").rsplit("/", 1)[1]
            for i in api(site, "incidents.json")["incidents"]
        }

    site = built / "site"
    merchants = incidents(site / "merchants")
    assert merchants and merchants < incidents(site)
    assert "2026-11-17-card-payments-declined" in merchants
    assert "2026-11-22-webhook-delays" not in merchants
    for name in merchants:
        page = (site / "merchants" / name / "index.html").read_text(encoding="utf-8")
        assert "Dashboard" not in re.sub(r"<(article|section)[^>]*>.*?</\1>", "", page, flags=re.S)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
@pytest.mark.parametrize("audience", ["merchants", "partners"])
def test_every_api_file_validates_against_its_schema(built: Path, audience: str, name: str) -> None:
    schema = {"$ref": f"#/$defs/{DEFINITIONS[name]}", "$defs": SCHEMA["$defs"]}
    document = api(built / "site" / audience, name)
    assert [e.message for e in Draft202012Validator(schema).iter_errors(document)] == []


def test_links_and_feeds_are_the_audiences(built: Path) -> None:
    site = built / "site" / "merchants"
    assert (
        api(site, "summary.json")["page"]["url"].rstrip("/")
        == "https://status.acme.example/merchants"
    )
    for name in ("history.atom", "history.rss", "updates.atom", "updates.rss", "postmortems.atom"):
        feed = feedparser.parse((site / name).read_bytes())
        assert not feed.bozo, name
        for entry in feed.entries:
            assert entry.link.startswith("https://status.acme.example/merchants/"), entry.link
    operators = api(built / "operators-site", "summary.json")["page"]["url"]
    assert operators.startswith("https://ops-status.acme.example")


def test_badges_and_calendar(built: Path) -> None:
    for site in (built / "site" / "merchants", built / "operators-site"):
        assert (site / "badge.svg").read_bytes().startswith(b"<svg")
        Calendar.from_ical((site / "maintenance.ics").read_bytes())
    maintenance = (built / "operators-site" / "maintenance.ics").read_text(encoding="utf-8")
    assert "Database" in maintenance or "database" in maintenance.lower()


def test_a_separate_host_is_not_under_the_public_site(built: Path) -> None:
    assert not (built / "site" / "operators").exists()
    assert (built / "operators-site" / "index.html").is_file()


def test_a_real_statuspage_client_reads_an_audience_api(built: Path, tmp_path: Path) -> None:
    site = built / "site" / "merchants"
    read = read_with_client(site, tmp_path)
    assert read["summary"] == api(site, "summary.json")
    assert read["unresolved"]["incidents"] == []


def test_drafts_never_reach_an_audience_site(tmp_path: Path) -> None:
    root = with_audiences(tmp_path / "s")
    folder = root / "incidents" / "2026-11-17-card-payments-declined"
    (folder / "20261117T1800Z-monitoring.md").write_text(
        "---\ndraft: true\nat: 2026-11-17T18:00:00Z\nstatus: monitoring\n"
        "components: {payments: operational}\n---\nSECRET DRAFT TEXT for merchants.\n",
        encoding="utf-8",
    )
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    copies = root / ".statuspress-cache" / "audiences" / "merchants" / "incidents"
    assert not list(copies.rglob("20261117T1800Z-monitoring.md"))
    for path in (root / "site" / "merchants").rglob("*"):
        if path.is_file():
            assert b"SECRET DRAFT TEXT" not in path.read_bytes(), path


def test_the_leak_guard_scans_each_audience_site(tmp_path: Path) -> None:
    root = with_audiences(tmp_path / "s")
    update = next((root / "incidents" / "2026-11-17-card-payments-declined").glob("*.md"))
    text = update.read_text(encoding="utf-8")
    update.write_text(
        text.rstrip() + "\nSee https://grafana.corp.acme.example/d/payments\n", encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    messages = [d.message for d in failed.value.diagnostics]
    assert any("in the site for audience 'merchants'" in m for m in messages), messages
    assert not (root / "site").exists()


def test_a_rebuild_keeps_the_audience_sites(built: Path, tmp_path: Path) -> None:
    root = with_audiences(tmp_path / "s")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    first = (root / "site" / "merchants" / "index.html").read_bytes()
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    assert (root / "site" / "merchants" / "index.html").read_bytes() == first
    # an audience removed from the configuration disappears from the site
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").split("      audiences:")[0], encoding="utf-8"
    )
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    assert not (root / "site" / "merchants").exists()


def _items(*items: str) -> str:
    """An `audiences:` option of the given items, each 'id|title|components'."""
    lines = ["      audiences:"]
    for item in items:
        audience_id, title, components = item.split("|")
        lines.append(f"        - id: {audience_id}")
        if title:
            lines.append(f"          title: {title}")
        lines.append(f"          components: [{components}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("audiences", "problem"),
    [
        (_items("m|M|nosuch"), "unknown component 'nosuch'"),
        (_items("api|M|api"), "a folder the site itself uses"),
        (_items("M!|M|api"), "is not valid"),
        (_items("m||api"), "needs 'title'"),
        (_items("m|M|api", "m|N|api"), "given twice"),
    ],
)
def test_bad_audiences_are_reported_at_their_line(
    tmp_path: Path, audiences: str, problem: str
) -> None:
    root = with_audiences(tmp_path / "s", audiences)
    result = CliRunner().invoke(
        main, ["check", "-f", str(root / "mkdocs.yml"), "--now", EXAMPLE_NOW.isoformat()]
    )
    assert result.exit_code == 1
    assert problem in result.output and "option 'audiences'" in result.output
    assert re.search(r"mkdocs\.yml:\d+: error\[config-option\]", result.output)


def test_a_site_dir_inside_the_public_site_is_refused(tmp_path: Path) -> None:
    root = with_audiences(
        tmp_path / "s",
        "      audiences:\n        - id: m\n          title: M\n          components: [api]\n"
        "          site_dir: site/m\n",
    )
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    assert "inside the public site's folder" in failed.value.diagnostics[0].message


_EXAMPLE_UPDATES = sorted(
    p
    for p in (Path(__file__).parent.parent / "incidents").rglob("*.md")
    if p.name != "postmortem.md"
)
_IDS = ["api", "dashboard", "auth", "webhooks", "email", "payments", "database", "backups"]


@settings(max_examples=40, deadline=None)
@given(
    update=st.sampled_from(_EXAMPLE_UPDATES),
    shown=st.sets(st.sampled_from(_IDS)),
)
def test_an_updates_components_are_narrowed_and_nothing_else_moves(
    update: Path, shown: set[str]
) -> None:
    text = update.read_text(encoding="utf-8")
    raw, _ = split_front_matter("x", text)
    assert raw is not None
    states = raw.meta.get("components") or {}
    wanted = {k: str(v) for k, v in states.items() if k in shown}
    top = {k: line for k, line in raw.lines.items() if k in raw.meta}
    narrowed = audiences._with_components(text, top, wanted)
    again, problems = split_front_matter("x", narrowed)
    assert again is not None and not problems
    assert {k: str(v) for k, v in (again.meta.get("components") or {}).items()} == wanted
    assert {k: v for k, v in again.meta.items() if k != "components"} == {
        k: v for k, v in raw.meta.items() if k != "components"
    }
    if "components" in raw.meta:
        assert narrowed.count("\n") == text.count("\n")
        assert again.body == raw.body and again.body_line == raw.body_line
