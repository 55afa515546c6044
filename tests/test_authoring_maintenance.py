"""`statuspress maintenance`, and a maintenance's later updates through `update` and `resolve`."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_authoring import assert_publishable, in_site, read, run

NOW = "2026-11-21T10:00:00Z"
FOLDER = "incidents/2026-11-21-database-upgrade"
FIRST = f"{FOLDER}/20261121T1000Z-scheduled.md"
_site = pytest.fixture(in_site, name="site")


def schedule(root: Path, *extra: str) -> None:
    result = run(
        root,
        "maintenance",
        "Database upgrade",
        "--start",
        "2026-11-28T02:00:00Z",
        "--end",
        "1h30m",
        "-c",
        "api",
        "-c",
        "dashboard=degraded_performance",
        "--now",
        NOW,
        *extra,
    )
    assert result.exit_code == 0, result.output


def test_maintenance_writes_a_scheduled_window(site: Path) -> None:
    result = run(
        site,
        "maintenance",
        "Database upgrade",
        "--start",
        "2026-11-28T02:00:00Z",
        "--end",
        "1h30m",
        "-c",
        "api",
        "-c",
        "dashboard=degraded_performance",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote {FIRST}\n"
        "Next: read it over (preview with 'statuspress serve'), then publish it:\n"
        f"  git add {FOLDER} && git commit -m 'Maintenance scheduled: Database upgrade' "
        "&& git push\n"
        "When it begins: statuspress update 2026-11-21-database-upgrade -s in_progress; when "
        "it is done: statuspress resolve 2026-11-21-database-upgrade\n"
    )
    assert (site / FIRST).read_text(encoding="utf-8") == (
        "---\n"
        "kind: maintenance\n"
        "title: Database upgrade\n"
        "at: 2026-11-21T10:00:00Z\n"
        "status: scheduled\n"
        "impact: none\n"
        "window:\n"
        "  start: 2026-11-28T02:00:00Z\n"
        "  end: 2026-11-28T03:30:00Z\n"
        "components:\n"
        "  api: under_maintenance\n"
        "  dashboard: degraded_performance\n"
        "next_update: 2026-11-28T02:00:00Z\n"
        "---\n"
        "<!-- Say why, what customers will notice during the window, and what they can do "
        "before it.\nThis comment is never published. -->\n"
        "We will carry out maintenance on API and Dashboard on 28 November 2026,\n"
        "from 02:00 UTC to 03:30 UTC (1 hour and 30 minutes).\n"
        "During the window, API may be unavailable at times and Dashboard may respond more "
        "slowly than usual.\n"
        "We will post an update when the maintenance begins and when it is complete.\n"
    )
    assert_publishable(site, NOW)


def test_a_maintenance_from_announcement_to_completion(site: Path) -> None:
    schedule(
        site,
        "--author",
        "Data team",
        "--workaround",
        "Export reports you need during the window before 02:00 UTC.",
    )
    begun = run(site, "update", "database", "-s", "in_progress", "--now", "2026-11-28T02:01:00Z")
    assert begun.exit_code == 0, begun.output
    meta, body = read(site, f"{FOLDER}/20261128T0201Z-in_progress.md")
    assert meta == {
        "at": "2026-11-28T02:01:00Z",
        "status": "in_progress",
        "next_update": "2026-11-28T03:30:00Z",
        "author": "Data team",
    }
    assert "The maintenance has begun, and we plan to finish by 03:30 UTC." in body
    done = run(site, "resolve", "--now", "2026-11-28T03:10:00Z")  # the only open one
    assert done.exit_code == 0, done.output
    meta, body = read(site, f"{FOLDER}/20261128T0310Z-completed.md")
    assert meta == {"at": "2026-11-28T03:10:00Z", "status": "completed", "author": "Data team"}
    assert body.endswith(
        "The maintenance is complete, and everything affected works normally "
        "again. Thank you for\nyour patience.\n"
    )
    assert "postmortem" not in done.output
    assert_publishable(site, "2026-11-28T03:10:00Z")


def test_an_upcoming_maintenance_is_not_the_open_incident(site: Path) -> None:
    schedule(site)
    result = run(site, "update", "--now", NOW)
    assert result.exit_code == 2
    assert "no incident is open" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--start", "2026-11-28T02:00:00Z", "--end", "2026-11-28T01:00:00Z", "-c", "api"],
            "2026-11-28T01:00:00Z is not after --start (2026-11-28T02:00:00Z)",
        ),
        (["--start", "2026-11-28 02:00", "--end", "1h", "-c", "api"], "has no UTC offset"),
        (["--end", "1h", "-c", "api"], "Missing option '--start'"),
        (
            ["--start", "2026-11-28T02:00:00Z", "--end", "1h"],
            "name at least one affected component with -c, e.g. -c api (known:",
        ),
        (["--start", "2026-11-28T02:00:00Z", "--end", "1h", "-c", "db"], "unknown component 'db'"),
        (
            ["--start", "2026-11-28T02:00:00Z", "--end", "1h", "-c", "api=closed"],
            "'closed' is not a component state",
        ),
        (
            ["--start", "2026-11-20T02:00:00Z", "--end", "2026-11-20T04:00:00Z", "-c", "api"],
            "2026-11-20T04:00:00Z is already past: it is not after now;",
        ),
        (
            ["--start", "2026-11-21T08:00:00Z", "--end", "2h", "-c", "api"],
            "2026-11-21T10:00:00Z is already past: it is not after now;",
        ),
        (
            [
                *("--start", "2026-11-10T08:00:00Z", "--end", "1h", "-c", "api"),
                *("--at", "2026-11-10T09:30:00Z"),
            ],
            "it is not after the announcement (--at 2026-11-10T09:30:00Z)",
        ),
    ],
)
def test_bad_windows_and_components_are_usage_errors(
    site: Path, args: list[str], message: str
) -> None:
    result = run(site, "maintenance", "Database upgrade", *args, "--now", NOW)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not any((site / "incidents").iterdir())


def test_a_maintenance_status_for_an_incident_kind_is_refused(site: Path) -> None:
    schedule(site)
    result = run(site, "update", "database", "-s", "identified", "--now", NOW)
    assert result.exit_code == 2
    assert (
        "'identified' is not a status of a maintenance; use one of: scheduled, "
        "in_progress, verifying"
    ) in result.output


def test_a_window_under_way_can_still_be_announced(site: Path) -> None:
    result = run(
        site,
        "maintenance",
        "Database upgrade",
        "--start",
        "2026-11-21T09:00:00Z",
        "--end",
        "2h",
        "-c",
        "api",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Wrote incidents/2026-11-21-database-upgrade/")
