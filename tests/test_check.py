"""`statuspress check` through Click: exit codes, the three formats, --strict and --now."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO
from statuspress.cli import main

Tree = Callable[[dict[str, str]], Path]
NOW = EXAMPLE_NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
FOLDER = "incidents/2026-11-20-api-errors"
GOOD = """\
---
title: API errors
at: 2026-11-20T14:05:00Z
status: resolved
impact: minor
components:
  api: degraded_performance
apology: We're sorry that API requests were slow for an hour.
---
API requests were slow from 13:05 to 14:05 UTC. Thank you for your patience.
"""
BROKEN = {
    "mkdocs.yml": MINIMAL_CONFIG,
    f"{FOLDER}/a.md": GOOD.replace("apology:", "apolgy:"),
    "incidents/2026-11-21-naive/a.md": GOOD.replace(
        "at: 2026-11-20T14:05:00Z", "at: 2026-11-21 09:00"
    ),
    "incidents/2026-11-22-unclosed/a.md": GOOD.replace("---\nAPI", "API"),
    "incidents/2026-11-23-state/a.md": GOOD.replace("degraded_performance", "slow").replace(
        "2026-11-20T14", "2026-11-23T14"
    ),
    "incidents/not-a-date/a.md": GOOD,
}


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), *args])


def test_clean_example_exits_zero(tmp_path: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "incidents", tmp_path / "incidents")
    result = check(tmp_path, "--now", NOW, "--strict")
    assert (result.exit_code, result.output) == (0, "no problems found\n")


def test_every_problem_of_every_file_is_reported_in_one_run(write_tree: Tree) -> None:
    result = check(write_tree(BROKEN), "--now", NOW)
    assert result.exit_code == 1
    assert result.output == (
        "incidents/2026-11-20-api-errors/a.md:8: error[unknown-key]: unknown key 'apolgy'\n"
        "  hint: did you mean 'apology'?\n"
        "incidents/2026-11-21-naive/a.md:3: error[time-offset]: 'at' has no UTC offset: "
        "'2026-11-21 09:00'\n"
        "  hint: write 2026-11-20T14:05:00Z (UTC) or add an offset such as +02:00\n"
        "incidents/2026-11-22-unclosed/a.md:1: error[front-matter]: the front matter is never "
        "closed\n"
        "  hint: add a '---' line after the last YAML key; without it the keys would be "
        "published as text\n"
        "incidents/2026-11-23-state/a.md:3: info[scheduled]: this update is dated "
        "2026-11-23T14:05:00Z: it is published by the first build at or after then, not before\n"
        "  hint: the deploy workflow's scheduled rebuild (every 15 minutes, and GitHub may "
        "start it a few minutes late) publishes it; to publish it now, set its time to now\n"
        "incidents/2026-11-23-state/a.md:7: error[unknown-state]: 'slow' is not a component "
        "state (component 'api')\n"
        "  hint: use one of: operational, degraded_performance, partial_outage, major_outage, "
        "under_maintenance\n"
        "incidents/not-a-date: error[bad-folder]: 'not-a-date' is not a valid incident id\n"
        "  hint: name the folder YYYY-MM-DD-slug, with a real date and a lower-case slug of "
        "letters, digits and hyphens, e.g. 2026-11-20-api-errors\n"
        "5 errors in 5 files; 1 note\n"
    )


def test_github_annotations(write_tree: Tree) -> None:
    result = check(write_tree(BROKEN), "--now", NOW, "--format", "github")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == (
        "::error file=incidents/2026-11-20-api-errors/a.md,line=8,title=statuspress "
        "unknown-key::unknown key 'apolgy'%0Adid you mean 'apology'?"
    )
    assert lines[3].startswith(
        "::notice file=incidents/2026-11-23-state/a.md,line=3,title=statuspress "
        "scheduled::this update is dated 2026-11-23T14:05:00Z"
    )
    assert lines[5] == (
        "::error file=incidents/not-a-date,title=statuspress bad-folder::'not-a-date' is not a "
        "valid incident id%0Aname the folder YYYY-MM-DD-slug, with a real date and a lower-case "
        "slug of letters, digits and hyphens, e.g. 2026-11-20-api-errors"
    )
    assert lines[6] == "5 errors in 5 files; 1 note"


def test_json_output(write_tree: Tree) -> None:
    result = check(write_tree(BROKEN), "--now", NOW, "--format", "json")
    assert result.exit_code == 1
    rows = json.loads(result.output)
    assert len(rows) == 6
    assert [row["rule"] for row in rows if row["severity"] == "info"] == ["scheduled"]
    assert rows[0] == {
        "path": "incidents/2026-11-20-api-errors/a.md",
        "line": 8,
        "severity": "error",
        "rule": "unknown-key",
        "message": "unknown key 'apolgy'",
        "hint": "did you mean 'apology'?",
    }
    assert all(list(row) == ["path", "line", "severity", "rule", "message", "hint"] for row in rows)


def test_strict_turns_warnings_into_failure(write_tree: Tree) -> None:
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG, "incidents/2026-11-19-api-errors/a.md": GOOD})
    relaxed = check(root, "--now", NOW)
    assert relaxed.exit_code == 0
    assert relaxed.output.startswith(
        "incidents/2026-11-19-api-errors: warning[folder-date]: the folder's date 2026-11-19 "
        "is not the date of the first update (2026-11-20)\n"
    )
    assert check(root, "--now", NOW, "--strict").exit_code == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--now", "2026-11-22 10:00"], "has no UTC offset"),
        (["--now", "tomorrow"], "is not a time"),
        (["--strictly"], "Did you mean '--strict'?"),
    ],
)
def test_usage_errors_exit_two(write_tree: Tree, args: list[str], message: str) -> None:
    result = check(write_tree({"mkdocs.yml": MINIMAL_CONFIG}), *args)
    assert result.exit_code == 2
    assert message in result.output


def test_broken_config_is_reported_not_raised(write_tree: Tree) -> None:
    root = write_tree(
        {"mkdocs.yml": MINIMAL_CONFIG + "      timezon: UTC\n", "incidents/.keep": ""}
    )
    result = check(root, "--now", NOW)
    assert (result.exit_code, result.output) == (
        1,
        (
            "mkdocs.yml:18: error[config-option]: unknown statuspress option 'timezon'\n"
            "  hint: did you mean 'timezone'?\n"
            "1 error in 1 file\n"
        ),
    )


def test_missing_config_file(tmp_path: Path) -> None:
    result = check(tmp_path, "--now", NOW)
    assert result.exit_code == 1
    assert result.output.startswith("mkdocs.yml: error[config]: cannot read ")
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_now_defaults_to_source_date_epoch(
    write_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "not a number")
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG, f"{FOLDER}/a.md": GOOD})
    assert check(root).exit_code == 0
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(EXAMPLE_NOW.timestamp())))
    assert check(root).exit_code == 0
