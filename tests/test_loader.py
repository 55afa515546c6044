"""What the loader makes of content: carry-forward, times, reopening, drafts, internal text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from statuspress.configuration.settings import load_settings
from statuspress.model import ComponentState, Impact, Kind, Site, load_site
from statuspress.model.types import ETA_UNKNOWN, Window

Tree = Callable[[dict[str, str]], Path]
FOLDER = "incidents/2026-11-20-api-errors"
T = datetime(2026, 11, 20, 14, 5, tzinfo=timezone.utc)


def load(write_tree: Tree, files: dict[str, str]) -> Site:
    """Load a tree with the minimal config; the test content must be free of problems."""
    from conftest import MINIMAL_CONFIG

    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG, **files})
    settings, problems = load_settings(root / "mkdocs.yml")
    assert settings is not None, problems
    site, diagnostics = load_site(root, settings)
    assert diagnostics == []
    return site


def update(at: str, status: str, extra: str = "", body: str = "Text.") -> str:
    return f"---\nat: {at}\nstatus: {status}\n{extra}---\n{body}\n"


FIRST = update(
    "2026-11-20T14:05:00Z",
    "investigating",
    "title: API errors\nimpact: major\ncomponents:\n  api: major_outage\n"
    "  dashboard: degraded_performance\nstarted: 2026-11-20T13:52:00Z\n"
    "next_update: 30m\n",
)


def test_title_impact_and_components_carry_forward(write_tree: Tree) -> None:
    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST,
            f"{FOLDER}/b.md": update(
                "2026-11-20T14:30:00Z", "identified", "components:\n  api: partial_outage\n"
            ),
            f"{FOLDER}/c.md": update(
                "2026-11-20T15:00:00Z", "monitoring", "title: API errors in Europe\nimpact: minor\n"
            ),
        },
    )
    _, second, third = site.incidents[0].updates
    assert (second.title, second.impact) == ("API errors", Impact.MAJOR)
    assert second.components == {
        "api": ComponentState.PARTIAL_OUTAGE,
        "dashboard": ComponentState.DEGRADED_PERFORMANCE,
    }
    assert (third.title, third.impact) == ("API errors in Europe", Impact.MINOR)
    assert third.components == second.components
    assert second.explicit == {"at", "status", "components"}
    assert site.incidents[0].title == "API errors in Europe"


def test_updates_are_ordered_by_time_then_file_name(write_tree: Tree) -> None:
    site = load(
        write_tree,
        {
            f"{FOLDER}/z.md": FIRST,
            f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "monitoring"),
            f"{FOLDER}/a.md": update("2026-11-20T15:00:00Z", "identified"),
        },
    )
    assert [u.file for u in site.incidents[0].updates] == ["z.md", "a.md", "b.md"]
    assert site.incidents[0].updates[1].uid == "2026-11-20-api-errors/a"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("next_update: 30m", T + timedelta(minutes=30)),
        ("next_update: 1h30m", T + timedelta(minutes=90)),
        ("next_update: 2h", T + timedelta(hours=2)),
        ("next_update: 1d", T + timedelta(days=1)),
        ("next_update: 2026-11-20T17:00:00+02:00", datetime(2026, 11, 20, 15, tzinfo=timezone.utc)),
        ("eta: 45m", T + timedelta(minutes=45)),
        ("eta: unknown", ETA_UNKNOWN),
        ("eta: 2026-11-20T16:00:00Z", datetime(2026, 11, 20, 16, tzinfo=timezone.utc)),
    ],
)
def test_relative_and_absolute_times(write_tree: Tree, written: str, expected: object) -> None:
    text = FIRST.replace("next_update: 30m", written)
    site = load(write_tree, {f"{FOLDER}/a.md": text})
    first = site.incidents[0].first
    key = written.split(":")[0]
    assert getattr(first, key) == expected


def test_an_update_after_resolved_reopens(write_tree: Tree) -> None:
    from statuspress.model.derive import component_states, open_incidents

    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST,
            f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved"),
            f"{FOLDER}/c.md": update(
                "2026-11-20T16:00:00Z", "investigating", "components:\n  api: partial_outage\n"
            ),
        },
    )
    incident = site.incidents[0]
    resolved, reopened = incident.updates[1:]
    assert resolved.components == dict.fromkeys(["api", "dashboard"], ComponentState.OPERATIONAL)
    assert reopened.components["api"] is ComponentState.PARTIAL_OUTAGE
    assert reopened.components["dashboard"] is ComponentState.OPERATIONAL
    now = T + timedelta(hours=3)
    assert not incident.is_closed and open_incidents(site, now) == [incident]
    assert component_states(site, now)["api"] is ComponentState.PARTIAL_OUTAGE


def test_resolving_returns_components_to_operational_unless_it_says_otherwise(
    write_tree: Tree,
) -> None:
    from statuspress.model.derive import component_states

    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST,
            f"{FOLDER}/b.md": update(
                "2026-11-20T15:00:00Z",
                "resolved",
                "components:\n  dashboard: degraded_performance\n",
            ),
        },
    )
    states = component_states(site, T + timedelta(hours=2))
    assert states["api"] is ComponentState.OPERATIONAL
    assert states["dashboard"] is ComponentState.DEGRADED_PERFORMANCE


def test_whole_site_queries_are_asked_once_per_site_and_moment_and_answer_copies(
    write_tree: Tree,
) -> None:
    from statuspress.model.derive import component_states, open_incidents

    site = load(write_tree, {f"{FOLDER}/a.md": FIRST})
    now = T + timedelta(hours=1)
    states = component_states(site, now)
    states["api"] = ComponentState.OPERATIONAL  # a caller's change stays its own
    assert component_states(site, now)["api"] is ComponentState.MAJOR_OUTAGE
    open_incidents(site, now).clear()
    assert open_incidents(site, now) == list(site.incidents)
    resolved = load(
        write_tree,
        {f"{FOLDER}/a.md": FIRST, f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved")},
    )
    assert resolved is not site and open_incidents(resolved, now) == []
    assert open_incidents(site, now) == list(site.incidents)


def test_drafts_are_left_out(write_tree: Tree) -> None:
    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST,
            f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved", "draft: true\n"),
            "incidents/2026-11-21-only-drafts/a.md": FIRST.replace(
                "at: 2026-11-20T14:05:00Z", "at: 2026-11-21T14:05:00Z\ndraft: true"
            ),
        },
    )
    assert [i.id for i in site.incidents] == ["2026-11-20-api-errors"]
    assert [u.status for u in site.incidents[0].updates] == ["investigating"]


def test_internal_notes_and_html_comments_never_enter_the_model(write_tree: Tree) -> None:
    text = FIRST.replace("next_update: 30m", "next_update: 30m\ninternal: |\n  SECRET-NOTE\n")
    body = "Public text. <!-- SECRET-COMMENT -->\n\nMore. <!-- SECRET-UNCLOSED"
    site = load(write_tree, {f"{FOLDER}/a.md": text.replace("Text.", body)})
    assert site.incidents[0].first.body == "Public text. \n\nMore."
    assert "SECRET" not in repr(site)


MAINTENANCE = update(
    "2026-11-18T09:00:00Z",
    "scheduled",
    "kind: maintenance\ntitle: Database upgrade\nwindow:\n  start: 2026-11-22T02:00:00Z\n"
    "  end: 2026-11-22T03:00:00Z\ncomponents:\n  email: under_maintenance\n",
)
MAINT = "incidents/2026-11-18-database-upgrade"


@pytest.mark.parametrize(
    ("hour", "phase", "status", "state"),
    [
        (1, "upcoming", "scheduled", "operational"),
        (2, "in_progress", "in_progress", "under_maintenance"),
        (4, "overdue", "in_progress", "under_maintenance"),
    ],
)
def test_maintenance_phase_follows_the_window(
    write_tree: Tree, hour: int, phase: str, status: str, state: str
) -> None:
    from statuspress.model.derive import component_states, current_status, maintenance_phase

    site = load(write_tree, {f"{MAINT}/a.md": MAINTENANCE})
    now = datetime(2026, 11, 22, hour, 30, tzinfo=timezone.utc)
    maintenance = site.incidents[0]
    assert maintenance.kind is Kind.MAINTENANCE and maintenance.impact is Impact.NONE
    assert maintenance.window == Window(
        datetime(2026, 11, 22, 2, tzinfo=timezone.utc),
        datetime(2026, 11, 22, 3, tzinfo=timezone.utc),
    )
    assert maintenance_phase(maintenance, now).value == phase
    assert current_status(maintenance, now) == status
    assert component_states(site, now)["email"].value == state


def test_completed_maintenance(write_tree: Tree) -> None:
    from statuspress.model.derive import component_states, maintenance_phase, overall

    site = load(
        write_tree,
        {
            f"{MAINT}/a.md": MAINTENANCE,
            f"{MAINT}/b.md": update("2026-11-22T02:40:00Z", "completed"),
        },
    )
    now = datetime(2026, 11, 22, 2, 50, tzinfo=timezone.utc)
    maintenance = site.incidents[0]
    assert maintenance_phase(maintenance, now).value == "completed"
    assert maintenance.latest.components == {"email": ComponentState.OPERATIONAL}
    assert component_states(site, now)["email"] is ComponentState.OPERATIONAL
    assert overall(site, now).indicator == "none"


def test_overall_banner(write_tree: Tree) -> None:
    from statuspress.model.derive import overall

    during = datetime(2026, 11, 22, 2, 30, tzinfo=timezone.utc)
    quiet = overall(load(write_tree, {f"{MAINT}/a.md": MAINTENANCE}), during)
    assert (quiet.indicator, quiet.description) == ("maintenance", "Service Under Maintenance")
    busy = overall(load(write_tree, {f"{FOLDER}/a.md": FIRST}), during)
    assert (busy.state, busy.indicator) == (ComponentState.MAJOR_OUTAGE, "major")
    assert busy.description == "Major System Outage"
    calm = overall(
        load(write_tree, {f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved")}),
        during - timedelta(days=1),
    )
    assert (calm.indicator, calm.description) == ("none", "All Systems Operational")


def test_uptime_days_weigh_each_state(write_tree: Tree) -> None:
    from statuspress.model.uptime import uptime_report

    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST.replace("started: 2026-11-20T13:52:00Z\n", "").replace(
                "at: 2026-11-20T14:05:00Z", "at: 2026-11-20T10:00:00Z"
            ),
            f"{FOLDER}/b.md": update(
                "2026-11-20T12:00:00Z", "identified", "components:\n  api: partial_outage\n"
            ),
            f"{FOLDER}/c.md": update("2026-11-20T22:00:00Z", "resolved"),
        },
    )
    now = datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    report = uptime_report(site, now)
    days = report["api"].ledger.bars(3)
    assert [d.day.isoformat() for d in days] == ["2026-11-19", "2026-11-20", "2026-11-21"]
    # 2 h of major outage (weight 1) and 10 h of partial outage (weight 0.3): 5 h down
    assert days[1].downtime == timedelta(hours=5)
    assert days[1].worst is ComponentState.MAJOR_OUTAGE
    assert days[0].downtime == days[2].downtime == timedelta(0)
    # two whole days and today's first 12 hours
    assert report["api"].rolling(3).percent == pytest.approx(100 * (1 - 5 / 60))
    dashboard = report["dashboard"].ledger.bars(3)
    assert dashboard[1].downtime == timedelta(0)  # degraded performance weighs 0


def test_incident_duration_counts_from_started(write_tree: Tree) -> None:
    site = load(
        write_tree,
        {f"{FOLDER}/a.md": FIRST, f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved")},
    )
    incident = site.incidents[0]
    assert incident.started == datetime(2026, 11, 20, 13, 52, tzinfo=timezone.utc)
    assert incident.duration(T + timedelta(days=1)) == timedelta(hours=1, minutes=8)


def test_site_at_a_moment_leaves_out_what_came_later(write_tree: Tree) -> None:
    from statuspress.model.derive import open_incidents, site_at

    site = load(
        write_tree,
        {
            f"{FOLDER}/a.md": FIRST,
            f"{FOLDER}/b.md": update("2026-11-20T15:00:00Z", "resolved"),
            "incidents/2026-11-21-later/a.md": FIRST.replace(
                "2026-11-20T14:05", "2026-11-21T14:05"
            ),
        },
    )
    earlier = site_at(site, T + timedelta(minutes=30))
    assert [i.id for i in earlier.incidents] == ["2026-11-20-api-errors"]
    assert [u.status for u in earlier.incidents[0].updates] == ["investigating"]
    assert open_incidents(earlier, T) == [earlier.incidents[0]]
    assert site_at(site, T + timedelta(days=2)) == site
