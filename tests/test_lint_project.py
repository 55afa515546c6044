"""The linter on real files: levels in mkdocs.yml, `lint: {ignore}`, the three `check` formats,
the build gate, the example content, a generated history and the documented list of rules."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO
from docs_pages import section
from statuspress.cli import main
from statuspress.lint.linter import rules_table
from statuspress.lint.rules import RULES
from statuspress.publishing.build import BuildFailed, build_site

Tree = Callable[[dict[str, str]], Path]
NOW = "2026-11-20T15:00:00Z"
FOLDER = "incidents/2026-11-20-api-errors"
FIRST = f"{FOLDER}/20261120T1405Z-investigating.md"
UPDATE = """\
---
title: API errors
at: 2026-11-20T14:05:00Z
status: investigating
impact: minor
components:
  api: partial_outage
next_update: 1h
---
About 5% of API requests fail with HTTP 503.
We apologize for any inconvenience.
"""
RESOLVED = """\
---
at: 2026-11-20T14:40:00Z
status: resolved
---
API requests succeed again. Thank you for your patience.
"""


def check(root: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml"), *args])


def site(write_tree: Tree, update: str = UPDATE, config: str = MINIMAL_CONFIG) -> Path:
    return write_tree(
        {"mkdocs.yml": config, FIRST: update, f"{FOLDER}/20261120T1440Z-resolved.md": RESOLVED}
    )


def with_lint(levels: str) -> str:
    return MINIMAL_CONFIG + "      lint:\n" + levels


def test_a_finding_in_the_text_format(write_tree: Tree) -> None:
    result = check(site(write_tree), "--now", NOW)
    assert result.exit_code == 1
    assert result.output == (
        f"{FIRST}:11: error[rote-apology]: 'apologize for any inconvenience' is a rote "
        "apology: it names no harm\n"
        "  hint: apologize for the actual harm, e.g. \"We're sorry: since 14:05 UTC you cannot "
        'sign in to the dashboard."\n'
        "1 error in 1 file\n"
    )


def test_a_finding_in_the_json_and_github_formats(write_tree: Tree) -> None:
    root = site(write_tree)
    [row] = json.loads(check(root, "--now", NOW, "--format", "json").output)
    assert (row["path"], row["line"], row["severity"], row["rule"]) == (
        FIRST,
        11,
        "error",
        "rote-apology",
    )
    github = check(root, "--now", NOW, "--format", "github").output
    assert github.startswith(f"::error file={FIRST},line=11,title=statuspress rote-apology::")


def test_levels_from_mkdocs_yml(write_tree: Tree) -> None:
    warned = check(
        site(write_tree, config=with_lint("        rote-apology: warning\n")), "--now", NOW
    )
    assert warned.exit_code == 0
    assert "warning[rote-apology]" in warned.output


def test_a_rule_turned_off(write_tree: Tree) -> None:
    result = check(
        site(write_tree, config=with_lint("        rote-apology: off\n")), "--now", NOW, "--strict"
    )
    assert (result.exit_code, result.output) == (0, "no problems found\n")


def test_a_warning_raised_to_an_error(write_tree: Tree) -> None:
    text = UPDATE.replace("We apologize for any inconvenience.", "Rest assured.")
    assert check(site(write_tree, text), "--now", NOW).exit_code == 0
    raised = check(
        site(write_tree, text, with_lint("        generic-statement: error\n")), "--now", NOW
    )
    assert raised.exit_code == 1
    assert "error[generic-statement]" in raised.output


def test_an_unknown_rule_in_mkdocs_yml_is_a_configuration_error(write_tree: Tree) -> None:
    result = check(site(write_tree, config=with_lint("        rote-apologies: warning\n")))
    assert result.exit_code == 1
    assert result.output.startswith(
        "mkdocs.yml:19: error[config-option]: option 'lint': unknown lint rule "
        "'rote-apologies'; did you mean 'rote-apology'?\n"
    )


def test_one_update_silences_a_rule(write_tree: Tree) -> None:
    text = UPDATE.replace("next_update: 1h", "next_update: 1h\nlint:\n  ignore: [rote-apology]")
    result = check(site(write_tree, text), "--now", NOW, "--strict")
    assert (result.exit_code, result.output) == (0, "no problems found\n")


def test_a_misspelt_ignore_is_an_error(write_tree: Tree) -> None:
    text = UPDATE.replace("next_update: 1h", "next_update: 1h\nlint: {ignore: [rote-apolgy]}")
    result = check(site(write_tree, text), "--now", NOW)
    assert result.exit_code == 1
    assert (
        f"{FIRST}:9: error[unknown-rule]: 'rote-apolgy' in 'lint: ignore' is not a lint "
        "rule\n  hint: did you mean 'rote-apology'?"
    ) in result.output


def test_html_comments_and_internal_notes_are_not_linted(write_tree: Tree) -> None:
    text = UPDATE.replace(
        "We apologize for any inconvenience.", "<!-- we apologize for any inconvenience -->"
    )
    text = text.replace("next_update: 1h", "next_update: 1h\ninternal: Rest assured!")
    assert check(site(write_tree, text), "--now", NOW, "--strict").exit_code == 0


def test_timing_findings_of_closed_incidents_stay_out_of_check(write_tree: Tree) -> None:
    late = RESOLVED.replace("14:40", "15:30").replace("T1440Z", "T1530Z")
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG,
            FIRST: UPDATE.replace("We apologize for any inconvenience.", ""),
            f"{FOLDER}/20261120T1530Z-resolved.md": late,
        }
    )
    assert check(root, "--now", "2026-11-20T15:40:00Z", "--strict").exit_code == 0
    open_then = check(root, "--now", "2026-11-20T15:20:00Z", "--strict")
    assert "warning[update-overdue]" in open_then.output


def test_communication_errors_never_stop_a_build_but_fail_check(
    write_tree: Tree, tmp_path: Path
) -> None:
    root = site(write_tree)
    target = tmp_path / "out"
    result = build_site(root / "mkdocs.yml", target, EXAMPLE_NOW)
    assert (result.errors, result.warnings) == (1, 0)
    assert "1 communication error (published" in result.summary()
    assert "API errors" in (target / "index.html").read_text(encoding="utf-8")
    failed = check(root, "--now", NOW)
    assert failed.exit_code == 1 and "error[rote-apology]" in failed.output


def test_strict_and_lint_blocks_build_restore_blocking(write_tree: Tree, tmp_path: Path) -> None:
    root = site(write_tree)
    target = tmp_path / "out"
    with pytest.raises(BuildFailed) as strict:
        build_site(root / "mkdocs.yml", target, EXAMPLE_NOW, strict=True)
    assert [d.rule for d in strict.value.diagnostics] == ["rote-apology"]
    blocking = site(write_tree, config=MINIMAL_CONFIG + "      lint_blocks_build: true\n")
    with pytest.raises(BuildFailed) as failed:
        build_site(blocking / "mkdocs.yml", target, EXAMPLE_NOW)
    assert [d.rule for d in failed.value.diagnostics] == ["rote-apology"]
    assert not target.exists()
    (root / FIRST).write_text(
        UPDATE.replace("We apologize for any inconvenience.", "Rest assured."), encoding="utf-8"
    )
    with pytest.raises(BuildFailed) as warned:
        build_site(root / "mkdocs.yml", target, EXAMPLE_NOW, strict=True)
    assert [d.rule for d in warned.value.diagnostics] == ["generic-statement"]
    result = build_site(root / "mkdocs.yml", target, EXAMPLE_NOW)
    assert result.warnings == 1 and (target / "index.html").is_file()


def test_lint_blocks_build_must_be_a_boolean(write_tree: Tree) -> None:
    root = site(write_tree, config=MINIMAL_CONFIG + "      lint_blocks_build: sometimes\n")
    result = check(root, "--now", NOW)
    assert result.exit_code == 1
    assert "option 'lint_blocks_build': must be true or false" in result.output


def test_invalid_content_still_stops_the_build(write_tree: Tree, tmp_path: Path) -> None:
    root = site(write_tree, update=UPDATE.replace("status: investigating", "status: pondering"))
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", tmp_path / "out", EXAMPLE_NOW)
    assert any(d.is_error and d.rule not in RULES for d in failed.value.diagnostics)
    assert not (tmp_path / "out").exists()


def test_the_build_command_prints_and_annotates_findings_in_ci(
    write_tree: Tree, tmp_path: Path
) -> None:
    root = site(write_tree)
    args = ["build", "-f", str(root / "mkdocs.yml"), "-d", str(tmp_path / "out"), "--now", NOW]
    result = CliRunner().invoke(main, args, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 0, result.output
    assert "::error file=incidents/" in result.output
    assert "title=statuspress rote-apology::" in result.output
    assert "1 communication error" in result.output
    plain = CliRunner().invoke(main, args, env={"GITHUB_ACTIONS": ""})
    assert plain.exit_code == 0 and "::error" not in plain.output


def test_plain_mkdocs_build_publishes_despite_communication_errors(
    write_tree: Tree, tmp_path: Path
) -> None:
    import subprocess
    import sys

    root = site(write_tree)
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml")]
    built = subprocess.run(
        [*mkdocs, "-d", str(tmp_path / "a")], capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    assert "error[rote-apology]" in built.stderr and (tmp_path / "a" / "index.html").is_file()
    (root / "mkdocs.yml").write_text(
        MINIMAL_CONFIG + "      lint_blocks_build: true\n", encoding="utf-8"
    )
    blocked = subprocess.run(
        [*mkdocs, "-d", str(tmp_path / "b")], capture_output=True, text=True, check=False
    )
    assert blocked.returncode != 0 and "rote-apology" in blocked.stderr + blocked.stdout
    assert not (tmp_path / "b" / "index.html").exists()


def test_the_example_content_has_no_findings(tmp_path: Path) -> None:
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "incidents", tmp_path / "incidents")
    result = check(tmp_path, "--now", EXAMPLE_NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--strict")
    assert (result.exit_code, result.output) == (0, "no problems found\n")


def test_a_generated_history_of_300_incidents_has_no_findings(tmp_path: Path) -> None:
    """Realistic prose at scale: the benchmark corpus is written to pass every rule."""
    from benchmarks import corpus

    corpus.write_site(tmp_path, corpus.generate(300))
    result = check(tmp_path, "--now", corpus.NOW.strftime("%Y-%m-%dT%H:%M:%SZ"), "--strict")
    assert (result.exit_code, result.output) == (0, "no problems found\n")


def documented_rules() -> list[tuple[str, str]]:
    text = section("reference/lint-rules.md", "Rules")
    return re.findall(r"^\| `([a-z-]+)` \| ([^|]+?) \|", text, re.MULTILINE)


def test_the_lint_rules_reference_lists_every_rule_with_its_level_in_order() -> None:
    assert documented_rules() == [(r.id, r.level_label) for r in RULES.values()]


def test_the_lint_rules_reference_table_is_the_registry_table() -> None:
    assert rules_table() in section("reference/lint-rules.md", "Rules")
