"""The example content in incidents/ is clean and shows every field and every situation."""

from __future__ import annotations

import re
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, REPO
from statuspress.model import Impact, Incident, Site
from statuspress.model.derive import maintenance_phase, open_incidents
from statuspress.model.fields import ACTION_ITEM_KEYS, POSTMORTEM_KEYS, UPDATE_KEYS
from statuspress.model.source import decode, split_front_matter
from statuspress.publishing.loading import load_project

FILE_NAME = re.compile(r"^(\d{8}T\d{4}Z)-([a-z_]+)\.md$")
ACKNOWLEDGE_WITHIN = {Impact.CRITICAL: 10, Impact.MAJOR: 15, Impact.MINOR: 30, Impact.NONE: 30}
CADENCE = {  # minutes by impact, for investigating / identified / monitoring (COMMS_RULES.md)
    Impact.CRITICAL: (20, 20, 30),
    Impact.MAJOR: (30, 30, 60),
    Impact.MINOR: (60, 60, 60),
    Impact.NONE: (60, 60, 60),
}
STATUSES = ("investigating", "identified", "monitoring")


@pytest.fixture(scope="module")
def site() -> Site:
    project = load_project(REPO / "mkdocs.yml", EXAMPLE_NOW)
    assert project.diagnostics == ()
    return project.site


def raw_files() -> list[Path]:
    return sorted((REPO / "incidents").glob("*/*.md"))


def front_matter(path: Path) -> dict[str, object]:
    text, _ = decode(path.name, path.read_bytes())
    assert text is not None
    raw, problems = split_front_matter(path.name, text)
    assert raw is not None, problems
    return raw.meta


def test_every_front_matter_key_is_used() -> None:
    updates = [front_matter(p) for p in raw_files() if p.name != "postmortem.md"]
    postmortems = [front_matter(p) for p in raw_files() if p.name == "postmortem.md"]
    by_import = {"imported_from"}  # written by `statuspress import`, never by hand
    assert {key for meta in updates for key in meta} == set(UPDATE_KEYS) - by_import
    assert {key for meta in postmortems for key in meta} >= set(POSTMORTEM_KEYS) - {
        "draft",
        "lint",
        *by_import,
    }
    items = [item for meta in postmortems for item in meta["action_items"]]  # type: ignore
    assert {key for item in items for key in item} == set(ACTION_ITEM_KEYS)
    values = {str(meta.get(key)) for meta in updates for key in ("eta", "next_update")}
    assert {"unknown", "30m", "1h"} <= values  # eta unknown and relative durations
    assert any(str(v).endswith("Z") for v in values)  # absolute times too


def test_components_in_three_groups(site: Site) -> None:
    assert len(site.settings.components) == 8
    assert [name for name, _ in site.settings.groups] == ["Core platform", "Integrations", "Data"]


def test_one_open_incident_with_promises_in_the_future(site: Site) -> None:
    (incident,) = open_incidents(site, EXAMPLE_NOW)
    latest = incident.latest
    assert latest.status == "identified"
    assert latest.next_update is not None and latest.next_update > EXAMPLE_NOW
    assert latest.eta not in (None, "unknown") and latest.eta > EXAMPLE_NOW  # type: ignore
    assert all(u.at <= EXAMPLE_NOW for u in incident.updates)


def test_resolved_incidents_of_every_impact_one_reopened(site: Site) -> None:
    resolved = [i for i in site.incidents if not i.is_maintenance and i.is_closed]
    assert {i.impact for i in resolved} == set(Impact)
    reopened = [
        i
        for i in resolved
        if any(a.status == "resolved" and b.status != "resolved" for a, b in pairwise(i.updates))
    ]
    assert len(reopened) == 1
    first, last = min(i.first.at for i in resolved), max(i.first.at for i in resolved)
    assert last - first > timedelta(days=60) and EXAMPLE_NOW - first < timedelta(days=90)


def test_an_upcoming_and_a_completed_maintenance(site: Site) -> None:
    phases = {maintenance_phase(i, EXAMPLE_NOW).value for i in site.incidents if i.is_maintenance}
    assert phases == {"upcoming", "completed"}


def test_critical_incident_has_a_postmortem_with_an_image(site: Site) -> None:
    (critical,) = [i for i in site.incidents if i.impact is Impact.CRITICAL]
    postmortem = critical.postmortem
    assert postmortem is not None and postmortem.summary and postmortem.published
    assert {item.status for item in postmortem.action_items} == {"open", "done"}
    assert all(item.owner and item.due for item in postmortem.action_items)
    assert all(
        item.due > EXAMPLE_NOW.date()
        for item in postmortem.action_items  # type: ignore
        if item.status == "open"
    )
    assert "](timeline.png)" in postmortem.body and critical.assets == ("timeline.png",)


def test_internal_text_comments_and_drafts_exist_but_stay_out(site: Site) -> None:
    raw = "\n".join(p.read_text(encoding="utf-8") for p in raw_files())
    assert "internal: |" in raw and "<!--" in raw and "draft: true" in raw
    public = repr(site)
    assert "inc-7021" in raw and "inc-7021" not in public
    assert ".corp.acme.example" in raw and ".corp.acme.example" not in public
    assert "Prepared for when the backlog is cleared" not in public


def test_file_and_folder_names_follow_the_convention(site: Site) -> None:
    for incident in site.incidents:
        assert incident.id[:10] == incident.first.at.strftime("%Y-%m-%d")
        for update in incident.updates:
            match = FILE_NAME.match(update.file)
            assert match, update.file
            assert match.groups() == (update.at.strftime("%Y%m%dT%H%MZ"), update.status)


def _acknowledged(incident: Incident) -> timedelta:
    assert incident.first.started is not None, incident.id
    return incident.first.at - incident.first.started


def test_acknowledged_fast_and_promises_kept(site: Site) -> None:
    for incident in (i for i in site.incidents if not i.is_maintenance):
        limit = ACKNOWLEDGE_WITHIN[incident.first.impact]
        assert _acknowledged(incident) <= timedelta(minutes=limit), incident.id
        for update, following in pairwise(incident.updates):
            if update.status in STATUSES:
                cadence = CADENCE[update.impact][STATUSES.index(update.status)]
                assert update.next_update is not None, update.uid
                assert update.next_update - update.at <= timedelta(minutes=cadence), update.uid
                assert following.at <= update.next_update, update.uid
