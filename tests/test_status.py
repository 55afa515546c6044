"""`statuspress status`: the on-call summary, and its exit code for scripts."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINIMAL_CONFIG, REPO
from statuspress.cli import main

Tree = Callable[[dict[str, str]], Path]
OPEN = """\
---
title: API errors
at: 2026-11-20T14:05:00Z
status: identified
impact: major
started: 2026-11-20T13:50:00Z
components:
  api: partial_outage
  dashboard: degraded_performance
eta: 2026-11-20T16:00:00Z
next_update: 30m
apology: We're sorry that API requests fail.
---
Requests to the API fail for 1 in 4 calls.
"""
WINDOW = """\
---
kind: maintenance
title: Database upgrade
at: 2026-11-18T09:00:00Z
status: scheduled
window:
  start: 2026-11-21T02:00:00Z
  end: 2026-11-21T03:00:00Z
components:
  email: under_maintenance
---
E-mail may be delayed during the window.
"""
RESOLVED = """\
---
title: Dashboard outage
at: 2026-11-18T09:05:00Z
status: investigating
impact: critical
components:
  dashboard: major_outage
next_update: 20m
apology: We're sorry that the dashboard is down.
---
The dashboard does not load.
"""
FIXED = """\
---
at: 2026-11-18T10:00:00Z
status: resolved
apology: We're sorry that the dashboard was down for an hour.
---
The dashboard was down from 09:00 to 10:00 UTC. Thank you for your patience.
"""
TREE = {
    "mkdocs.yml": MINIMAL_CONFIG,
    "incidents/2026-11-20-api-errors/20261120T1405Z-identified.md": OPEN,
    "incidents/2026-11-18-database-upgrade/20261118T0900Z-scheduled.md": WINDOW,
    "incidents/2026-11-18-dashboard-outage/20261118T0905Z-investigating.md": RESOLVED,
    "incidents/2026-11-18-dashboard-outage/20261118T1000Z-resolved.md": FIXED,
}


def status(root: Path, now: str) -> Result:
    return CliRunner().invoke(main, ["status", "-f", str(root / "mkdocs.yml"), "--now", now])


def test_everything_on_time(write_tree: Tree) -> None:
    result = status(write_tree(TREE), "2026-11-20T14:10:00Z")
    assert result.output == (
        "Test Status: Partial System Outage\n"
        "as of 20 November 2026, 14:10 UTC\n"
        "\n"
        "Open incidents: 1\n"
        "  2026-11-20-api-errors  API errors\n"
        "    identified · impact major · open for 20 min · ETA 16:00 UTC (in 1 h 50 min)\n"
        "    API: partial outage, Dashboard: degraded performance\n"
        "    next update due in 25 min (14:35 UTC)\n"
        "\n"
        "Maintenance\n"
        "  2026-11-18-database-upgrade  Database upgrade\n"
        "    starts in 11 h 50 min (21 Nov 02:00 UTC to 21 Nov 03:00 UTC)\n"
        "\n"
        "Postmortems due\n"
        "  2026-11-18-dashboard-outage  critical, resolved 2 d 4 h ago: due in 4 d 19 h\n"
        "\n"
        "All promises kept.\n"
    )
    assert result.exit_code == 0


def test_an_overdue_promise_fails(write_tree: Tree) -> None:
    result = status(write_tree(TREE), "2026-11-20T14:50:00Z")
    assert result.exit_code == 1
    assert "    next update OVERDUE by 15 min (was due 14:35 UTC)\n" in result.output
    assert result.output.endswith("\n1 promise overdue\n")


def test_maintenance_in_progress_then_overrun(write_tree: Tree) -> None:
    root = write_tree(
        {"mkdocs.yml": MINIMAL_CONFIG, **{k: v for k, v in TREE.items() if "database" in k}}
    )
    during = status(root, "2026-11-21T02:20:00Z")
    assert during.exit_code == 0
    assert "Test Status: Service Under Maintenance\n" in during.output
    assert "    in progress, ends in 40 min (02:00 UTC to 03:00 UTC)\n" in during.output
    after = status(root, "2026-11-21T03:20:00Z")
    assert after.exit_code == 1
    assert (
        "    OVERRAN its window by 20 min (02:00 UTC to 03:00 UTC): post an update, or "
        "'statuspress resolve 2026-11-18-database-upgrade'\n"
    ) in after.output


def test_far_maintenance_is_left_out(write_tree: Tree) -> None:
    result = status(write_tree(TREE), "2026-11-19T12:00:00Z")
    assert "Maintenance" not in result.output
    assert "Open incidents: 0\n  none\n" in result.output  # the API errors come later


def test_a_missing_promise_counts_as_overdue(write_tree: Tree) -> None:
    tree = dict(TREE)
    tree["incidents/2026-11-20-api-errors/20261120T1405Z-identified.md"] = OPEN.replace(
        "next_update: 30m\n", ""
    )
    result = status(write_tree(tree), "2026-11-20T14:10:00Z")
    assert result.exit_code == 1
    assert (
        "    NO NEXT UPDATE PROMISED: post one that says when the next will come\n" in result.output
    )


def test_a_started_postmortem_draft_is_mentioned(write_tree: Tree) -> None:
    tree = dict(TREE)
    tree["incidents/2026-11-18-dashboard-outage/postmortem.md"] = "---\ndraft: true\n---\n"
    result = status(write_tree(tree), "2026-11-26T12:00:00Z")
    assert (
        "  2026-11-18-dashboard-outage  critical, resolved 8 d 2 h ago: overdue by 1 d 2 h "
        "(a draft is started)\n"
    ) in result.output


def test_content_errors_fail_and_say_so(write_tree: Tree) -> None:
    tree = dict(TREE)
    tree["incidents/2026-11-19-broken/a.md"] = RESOLVED.replace(
        "at: 2026-11-18T09:05:00Z", "at: 2026-11-19T10:00:00Z"
    ).replace("status: investigating", "status: fixed")
    result = status(write_tree(tree), "2026-11-20T14:10:00Z")
    assert result.exit_code == 1
    assert result.output.endswith("1 error in the content: run 'statuspress check'\n")


def test_the_example_site(tmp_path: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "incidents", tmp_path / "incidents")
    result = status(tmp_path, "2026-11-22T10:00:00Z")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Acme Status: ")
    assert "  2026-11-22-webhook-delays  Webhook deliveries delayed\n" in result.output
    assert "next update due in 25 min (10:25 UTC)" in result.output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--now", "2026-11-20 14:10"], 2, "has no UTC offset"),
        (["--now", "later"], 2, "is not a time"),
    ],
)
def test_usage_errors(write_tree: Tree, args: list[str], code: int, message: str) -> None:
    root = write_tree(TREE)
    result = CliRunner().invoke(main, ["status", "-f", str(root / "mkdocs.yml"), *args])
    assert result.exit_code == code
    assert message in result.output


def test_without_a_site(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["status", "-f", str(tmp_path / "mkdocs.yml")])
    assert result.exit_code == 1
    assert "Error: no configuration file" in result.output


def test_lint_errors_count_as_content_errors(write_tree: Tree) -> None:
    tree = dict(TREE)
    tree["incidents/2026-11-20-api-errors/20261120T1405Z-identified.md"] = OPEN.replace(
        "Requests to the API fail", "We apologize for any inconvenience. Requests to the API fail"
    )
    result = status(write_tree(tree), "2026-11-20T14:10:00Z")
    assert result.exit_code == 1
    assert result.output.endswith("1 error in the content: run 'statuspress check'\n")


def test_a_broken_config_is_reported(write_tree: Tree) -> None:
    result = status(
        write_tree({"mkdocs.yml": MINIMAL_CONFIG + "      timezon: UTC\n"}), "2026-11-20T14:10:00Z"
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: the configuration cannot be used:\nmkdocs.yml:")
    assert "did you mean 'timezone'?" in result.output
