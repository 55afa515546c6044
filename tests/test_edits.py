"""`check --since REV` on a real temporary git repository: published words are corrected
openly, not rewritten."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINIMAL_CONFIG, require_tool
from statuspress.cli import main
from statuspress.commands.edits import adds_correction, edited_since

Tree = Callable[[dict[str, str]], Path]
NOW = "2026-11-20T15:00:00Z"
FOLDER = "incidents/2026-11-20-api-errors"
FIRST = f"{FOLDER}/20261120T1405Z-investigating.md"
PM = f"{FOLDER}/postmortem.md"
UPDATE = """\
---
title: API errors
at: 2026-11-20T14:05:00Z
status: investigating
impact: minor
components:
  api: partial_outage
next_update: 1h
internal: pager 4312
---
About 5% of API requests fail with HTTP 503. Retrying is safe.
"""
POSTMORTEM = """\
---
published: 2026-11-20T14:50:00Z
summary: For 35 minutes, 5% of API requests failed.
action_items:
  - what: Alert when the API error rate passes 2% for 5 minutes
    owner: Platform team
    due: 2026-12-15
    status: open
---
## What happened

A deploy raised error rates.

## Root cause

A missing index.

## What we are changing

The action item above.
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.fixture
def repo(write_tree: Tree) -> Path:
    """A site committed once (tag `published`), with git identity local to the repository."""
    require_tool("git")
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG, FIRST: UPDATE, PM: POSTMORTEM})
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "Test")
    commit(root, "publish")
    git(root, "tag", "published")
    return root


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def edit(root: Path, path: str, old: str, new: str) -> None:
    target = root / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")


def since(root: Path, rev: str = "published") -> list[str]:
    return [d.render() for d in edited_since(root / "mkdocs.yml", rev)]


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), "--now", NOW, *args])


def test_an_untouched_history_is_clean(repo: Path) -> None:
    assert since(repo) == []
    assert check(repo, "--since", "published", "--strict").exit_code == 0


def test_rewriting_published_text_is_flagged(repo: Path) -> None:
    edit(repo, FIRST, "About 5%", "About 2%")
    assert since(repo) == [
        f"{FIRST}:11: warning[silent-edit]: published content changed since it was published: "
        "the text\n  hint: keep the published text and add a paragraph starting with "
        '"Correction (date):" that says what changed, or post a new update'
    ]


def test_a_committed_rewrite_is_flagged_too(repo: Path) -> None:
    edit(repo, FIRST, "impact: minor", "impact: major")
    commit(repo, "downgrade")
    [finding] = edited_since(repo / "mkdocs.yml", "published")
    assert (finding.line, finding.message) == (
        5,
        "published content changed since it was published: 'impact'",
    )


def test_a_correction_note_makes_the_edit_open(repo: Path) -> None:
    edit(
        repo,
        FIRST,
        "Retrying is safe.\n",
        "Retrying is safe.\n\n**Correction (20 November, "
        "15:10 UTC):** about 2% of requests failed, not 5%.\n",
    )
    assert since(repo) == []
    assert check(repo, "--since", "published", "--strict").exit_code == 0


@pytest.mark.parametrize(
    "note",
    [
        "Correction: the affected component was the dashboard, not the API.",
        "_Corrected on 21 November: the error code was 503._",
        "Update (2026-11-21): the rollback finished at 14:40 UTC.",
        "**Edited 21 Nov:** fixed the time of the rollback.",
    ],
)
def test_correction_conventions(note: str) -> None:
    assert adds_correction("Requests fail.", f"Requests fail.\n\n{note}")


@pytest.mark.parametrize(
    "note",
    [
        "Updates will follow every 30 minutes.",
        "We corrected nothing.",
        "Update: requests fail.",  # "Update" needs a date
    ],
)
def test_not_correction_notes(note: str) -> None:
    assert not adds_correction("Requests fail.", f"Requests fail.\n\n{note}")


def test_an_existing_correction_does_not_cover_a_new_rewrite(repo: Path) -> None:
    edit(repo, FIRST, "Retrying is safe.\n", "Retrying is safe.\n\nCorrection: 2%, not 5%.\n")
    commit(repo, "correct")
    git(repo, "tag", "corrected")
    edit(repo, FIRST, "HTTP 503", "HTTP 502")
    assert len(since(repo, "corrected")) == 1


def test_rewrapping_internal_notes_and_lint_settings_are_not_edits(repo: Path) -> None:
    edit(repo, FIRST, "HTTP 503. Retrying", "HTTP 503.\nRetrying")
    edit(
        repo,
        FIRST,
        "internal: pager 4312",
        "internal: pager 4312, see PR 88\nlint: {ignore: [vague-scope]}",
    )
    edit(repo, FIRST, "Retrying is safe.", "Retrying is safe. <!-- checked by Ana -->")
    assert since(repo) == []


def test_action_item_progress_is_not_an_edit_but_the_summary_is(repo: Path) -> None:
    edit(repo, PM, "status: open", "status: done")
    assert since(repo) == []
    edit(repo, PM, "For 35 minutes", "For 30 minutes")
    [finding] = since(repo)
    assert finding.startswith(f"{PM}:3: warning[silent-edit]:")
    assert "'summary'" in finding


def test_deleting_a_published_update_is_flagged(repo: Path) -> None:
    (repo / FIRST).unlink()
    [finding] = edited_since(repo / "mkdocs.yml", "published")
    assert (finding.path, finding.line, finding.message) == (
        FIRST,
        0,
        "a published file was deleted",
    )


def test_new_files_and_drafts_at_rev_were_never_published(repo: Path) -> None:
    draft = f"{FOLDER}/20261120T1430Z-identified.md"
    text = "---\nat: 2026-11-20T14:30:00Z\nstatus: identified\ndraft: true\n---\nDraft.\n"
    (repo / draft).write_text(text, encoding="utf-8")
    commit(repo, "draft")
    git(repo, "tag", "with-draft")
    edit(repo, draft, "Draft.", "We found the cause.")
    edit(repo, draft, "draft: true\n", "")
    (repo / f"{FOLDER}/20261120T1440Z-resolved.md").write_text(
        "---\nat: 2026-11-20T14:40:00Z\nstatus: resolved\n---\nFixed. Thank you.\n",
        encoding="utf-8",
    )
    assert since(repo, "with-draft") == []


def test_silencing_and_levels(repo: Path) -> None:
    edit(repo, FIRST, "About 5%", "About 2%")
    edit(repo, FIRST, "internal:", "lint: {ignore: [silent-edit]}\ninternal:")
    assert since(repo) == []
    edit(repo, FIRST, "lint: {ignore: [silent-edit]}\n", "")
    (repo / "mkdocs.yml").write_text(
        MINIMAL_CONFIG + "      lint:\n        silent-edit: error\n", encoding="utf-8"
    )
    result = check(repo, "--since", "published")
    assert result.exit_code == 1
    assert "error[silent-edit]" in result.output


def test_an_unknown_revision_is_a_clear_error(repo: Path) -> None:
    result = check(repo, "--since", "no-such-branch")
    assert result.exit_code == 1
    assert result.output.startswith(
        "mkdocs.yml: error[since]: 'no-such-branch' is not a known git revision\n"
        "  hint: use a commit, branch or tag that exists here, e.g. origin/main;"
    )
    assert "Traceback" not in result.output
    assert since(repo, "--output=x") == [
        "mkdocs.yml: error[since]: '--output=x' is not a git revision\n  hint: use a commit, "
        "branch or tag that exists here, e.g. origin/main; in CI, fetch the history "
        "(actions/checkout with fetch-depth: 0)"
    ]


def test_outside_a_repository_is_a_clear_error(write_tree: Tree, tmp_path: Path) -> None:
    require_tool("git")
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG, FIRST: UPDATE})
    result = check(root, "--since", "HEAD~1")
    assert result.exit_code == 1
    assert "error[since]:" in result.output
    assert "is not in a git repository" in result.output
    assert "hint: run it inside a git checkout, or leave out --since" in result.output


def test_a_file_dated_later_is_not_published_yet_so_editing_it_is_no_silent_edit(
    repo: Path,
) -> None:
    later = repo / FOLDER / "20261120T1600Z-identified.md"
    later.write_text(
        UPDATE.replace("2026-11-20T14:05:00Z", "2026-11-20T16:00:00Z").replace(
            "status: investigating", "status: identified"
        ),
        encoding="utf-8",
    )
    commit(repo, "schedule an update for 16:00")
    git(repo, "tag", "scheduled")
    later.write_text(later.read_text().replace("Retrying is safe.", "Retry after a second."))
    commit(repo, "reword it before it goes live")
    # At 15:00 the version at REV (dated 16:00) was never published: rewording it is fine.
    assert "silent-edit" not in check(repo, "--since", "scheduled").output
    # At 16:30 the version at REV went live at 16:00: changing it now is a silent edit.
    config = str(repo / "mkdocs.yml")
    later_check = CliRunner().invoke(
        main, ["check", "-f", config, "--now", "2026-11-20T16:30:00Z", "--since", "scheduled"]
    )
    assert "silent-edit" in later_check.output
