"""The alert-to-draft and issue-to-draft workflows and the "Report an incident" issue form that
`statuspress init` writes: actionlint, the schemas, least privilege, and their scripts run."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from statuspress.cli import main
from test_workflows import REPO, actionlint, pins, steps, triggers

SCAFFOLD = REPO / "generator" / "commands" / "scaffold"
ALERT = SCAFFOLD / "workflows" / "alert-draft.yml"
ISSUE = SCAFFOLD / "workflows" / "issue-draft.yml"
FORM = SCAFFOLD / "issue_forms" / "report-incident.yml"
SAMPLES = Path(__file__).parent / "data" / "alerts"
CHECKOUT = SCAFFOLD / "workflows" / "check.yml"


def load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("path", [ALERT, ISSUE], ids=["alert", "issue"])
def test_actionlint_finds_nothing(path: Path) -> None:
    assert actionlint([path]) == []


def test_actionlint_would_catch_the_payload_in_the_script(tmp_path: Path) -> None:
    unsafe = tmp_path / "unsafe.yml"
    text = ALERT.read_text(encoding="utf-8").replace(
        "statuspress new --from-alert",
        'echo "${{ github.event.issue.title }}"\n          statuspress new --from-alert',
    )
    unsafe.write_text(text, encoding="utf-8")
    assert any("potentially untrusted" in f for f in actionlint([unsafe]))


def test_workflows_and_the_issue_form_match_their_schemas() -> None:
    for schema, paths in (
        ("vendor.github-workflows", [ALERT, ISSUE]),
        ("vendor.github-issue-forms", [FORM]),
    ):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "check_jsonschema",
                "--builtin-schema",
                schema,
                *map(str, paths),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_triggers() -> None:
    alert = triggers(load(ALERT))
    assert alert["repository_dispatch"] == {"types": ["alert"]}
    assert alert["workflow_dispatch"]["inputs"]["payload"]["required"] is True
    assert triggers(load(ISSUE)) == {"issues": {"types": ["opened"]}}


@pytest.mark.parametrize("path", [ALERT, ISSUE], ids=["alert", "issue"])
def test_least_privilege_pins_and_timeouts(path: Path) -> None:
    workflow = load(path)
    assert workflow["permissions"] == {"contents": "read"}
    (job,) = workflow["jobs"].values()
    assert set(job["permissions"]) <= {"contents", "pull-requests", "actions", "issues"}
    assert 1 <= job["timeout-minutes"] <= 15
    assert {(a, s) for _, a, s, _ in pins(path)} == {(a, s) for _, a, s, _ in pins(CHECKOUT)}
    for step in steps(workflow, next(iter(workflow["jobs"]))):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        # what a sender controls reaches a script only through the environment
        assert not re.search(r"\$\{\{[^}]*(client_payload|inputs|issue\.body)", step.get("run", ""))


def test_only_people_with_write_access_get_a_draft_from_an_issue() -> None:
    (job,) = load(ISSUE)["jobs"].values()
    assert "author_association" in job["if"] and "incident-report" in job["if"]
    assert "incident-report" in load(FORM)["labels"]


def test_init_writes_the_workflows_and_the_issue_form(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    github = tmp_path / "s" / ".github"
    assert (github / "workflows" / "alert-draft.yml").read_bytes() == ALERT.read_bytes()
    assert (github / "workflows" / "issue-draft.yml").read_bytes() == ISSUE.read_bytes()
    assert (github / "ISSUE_TEMPLATE" / "report-incident.yml").read_bytes() == FORM.read_bytes()


def _run_step(workflow: Path, name: str, site: Path, env: dict[str, str]) -> dict[str, str]:
    """Run one step's script with bash in `site`, as the runner would; its outputs."""
    wf = load(workflow)
    (step,) = [s for s in steps(wf, next(iter(wf["jobs"]))) if s.get("name") == name]
    outputs = site / "github_output"
    outputs.write_text("")
    bin_dir = str(Path(sys.executable).parent)
    done = subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=site,
        env={
            **os.environ,
            "PATH": f"{bin_dir}:{os.environ['PATH']}",
            "RUNNER_TEMP": str(site.parent),
            "GITHUB_OUTPUT": str(outputs),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = outputs.read_text().splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def new_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    assert CliRunner().invoke(main, ["init", str(site)]).exit_code == 0
    config = site / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + "      alerts:\n        - match: {alertname: ProbeFailure}\n"
        "          components: {api: major_outage}\n",
        encoding="utf-8",
    )
    subprocess.run(["git", "init", "-q"], cwd=site, check=True)
    subprocess.run(["git", "add", "-A"], cwd=site, check=True)
    return site


def test_the_alert_step_writes_a_draft_from_a_dispatched_payload(new_site: Path) -> None:
    payload = (SAMPLES / "alertmanager-v4.json").read_text(encoding="utf-8")
    out = _run_step(
        ALERT,
        "Write the draft",
        new_site,
        {"GITHUB_EVENT_NAME": "repository_dispatch", "DISPATCHED": payload, "TYPED": ""},
    )
    assert out["publish"] == "false"
    assert out["file"].startswith("incidents/") and out["file"].endswith("-investigating.md")
    assert "draft: true" in (new_site / out["file"]).read_text(encoding="utf-8")


def test_the_issue_step_writes_a_draft_from_the_forms_body(new_site: Path) -> None:
    body = (
        "### Title\n\nCard payments failing\n\n### Components\n\napi=partial_outage\n\n"
        "### Impact\n\nmajor\n\n### Template\n\n_No response_\n\n### Message\n\n_No response_\n"
    )
    out = _run_step(ISSUE, "Write the draft", new_site, {"BODY": body})
    text = (new_site / out["file"]).read_text(encoding="utf-8")
    assert "title: Card payments failing" in text and "draft: true" in text
