"""The workflows' own `run:` commands, run as GitHub would on a clean copy of the repository.

GitHub's parts of each job are stood in for: a copy of the files a push would publish for
actions/checkout, a fresh virtual environment for actions/setup-python, no build cache (a
cold start) for actions/cache, and a look into `site/` for the Pages upload. Every `run:`
step is then executed exactly as written in the workflow, in order, with bash as GitHub runs
it and with the workflow's `env:`; no clock is imposed, so this repository's jobs run at the
example time they pin themselves, and a new site's at the real time, as its schedule would.

This repository's jobs run in a virtual environment created with --system-site-packages, so
that statuspress's dependencies, when the interpreter has them, satisfy pip without
downloading them again: the install steps still build and install statuspress itself from
the clean copy. A new site's workflows install what its requirements.txt pins from the
package index; here a folder holding a wheel built from the clean copy stands in for the
index (pip's --find-links). A user installs that "release" into a clean environment and makes
the site with its `statuspress init`; the site's jobs then run in another clean environment,
their install step as written, and must get the very same statuspress.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pytest
import yaml
from conftest import REPO, require_tool
from test_workflows import INSTALLS, SCAFFOLD, WORKFLOWS, run_commands

pytestmark = pytest.mark.slow

BAD_KEY = "nxt_update: 30m\n"
Run = subprocess.CompletedProcess[str]
Done = list[Run]
VERSION = version("statuspress")
INIT = "statuspress init acme-status --company Acme --url https://status.acme.example/"

# What `statuspress init` writes into .github/workflows/ (test_workflows_alert.py: the two drafts).
SCAFFOLD_WORKFLOWS = ["alert-draft.yml", "check.yml", "deploy.yml", "issue-draft.yml"]


@dataclass(frozen=True)
class Runner:
    """A stand-in for a GitHub runner: a clean checkout and a Python environment."""

    checkout: Path
    venv: Path
    env: dict[str, str]

    def run(self, command: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
        """One `run:` step as GitHub runs it on Linux (bash -e, pipefail, no profiles)."""
        return subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
            cwd=cwd,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    def run_job(self, workflow: Path, job: str, cwd: Path) -> Done:
        """Every `run:` step of one job, with the workflow's, job's and step's `env:`, in order,
        stopping at the first failure."""
        parsed = yaml.safe_load(workflow.read_text(encoding="utf-8"))
        outer = {**parsed.get("env", {}), **parsed["jobs"][job].get("env", {})}
        done = []
        for step in parsed["jobs"][job]["steps"]:
            if "run" not in step:
                continue
            env = {key: str(value) for key, value in {**outer, **step.get("env", {})}.items()}
            done.append(self.run(step["run"], cwd, env))
            if done[-1].returncode != 0:
                break
        return done


def job_commands(workflow: Path, job: str) -> list[str]:
    return run_commands(yaml.safe_load(workflow.read_text(encoding="utf-8")), job)


def copy_published_files(target: Path) -> Path:
    """What a push would publish: tracked and new files, nothing git ignores."""
    git = require_tool("git")
    listed = subprocess.run(
        [git, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():  # a file deleted but not yet committed is still listed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runner]:
    checkout = copy_published_files(tmp_path_factory.mktemp("checkout"))
    venv = tmp_path_factory.mktemp("python") / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
        check=True,
        timeout=120,
    )
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "GITHUB_STEP_SUMMARY": str(tmp_path_factory.mktemp("summary") / "step_summary.md"),
    }
    for inherited in ("PYTHONPATH", "SOURCE_DATE_EPOCH"):
        env.pop(inherited, None)
    runner = Runner(checkout, venv, env)
    # Installed once here, so each test below also works on its own.
    runner.run("python -m pip install .", checkout).check_returncode()
    assert shutil.which("statuspress", path=env["PATH"]) == str(venv / "bin" / "statuspress")
    yield runner


def clean_runner(place: Path, checkout: Path, index: Path) -> Runner:
    """A fresh virtual environment (nothing but pip) whose pip also looks in `index`."""
    venv = place / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_FIND_LINKS": str(index),
        "GITHUB_STEP_SUMMARY": str(place / "step_summary.md"),
    }
    for inherited in ("PYTHONPATH", "SOURCE_DATE_EPOCH", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(inherited, None)
    return Runner(checkout, venv, env)


@pytest.fixture(scope="module")
def package_index(runner: Runner, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel of the clean checkout, in a folder standing in for the package index."""
    index = tmp_path_factory.mktemp("index")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(index), str(runner.checkout)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert len(list(index.glob("statuspress-*.whl"))) == 1
    return index


@pytest.fixture(scope="module")
def released(package_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Runner:
    """A user's machine with statuspress installed from the index, as the README says."""
    user = clean_runner(tmp_path_factory.mktemp("user"), package_index, package_index)
    installed = user.run(f"python -m pip install statuspress=={VERSION}", package_index)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return user


@pytest.fixture
def new_site(released: Runner, tmp_path: Path) -> Path:
    """A new status-site repository, made by the released `statuspress init` as a user would."""
    made = released.run(INIT, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    assert made.stderr == ""  # no warning: CI can install this statuspress
    return tmp_path / "acme-status"


@pytest.fixture
def site_runner(new_site: Path, package_index: Path, tmp_path: Path) -> Runner:
    """A clean GitHub runner for the new site: nothing installed yet."""
    return clean_runner(tmp_path / "runner", new_site, package_index)


def installed_files(runner: Runner) -> set[str]:
    """RECORD lines (path, hash, size) of the statuspress installed in the runner's venv."""
    record = runner.run(
        "python -c 'from importlib.metadata import distribution as d; "
        'print(d("statuspress").read_text("RECORD"))\'',
        runner.checkout,
    )
    assert record.returncode == 0, record.stderr
    return {line for line in record.stdout.splitlines() if ".dist-info/" not in line}


def wheel_files(index: Path) -> set[str]:
    (wheel,) = index.glob("statuspress-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/RECORD"))
        lines = archive.read(name).decode().splitlines()
    return {line for line in lines if line and ".dist-info/" not in line}


def assert_succeeded(done: Done, workflow: Path, job: str) -> None:
    for step in done:
        assert step.returncode == 0, f"{step.args[-1]!r} failed:\n{step.stdout}\n{step.stderr}"
    assert len(done) == len(job_commands(workflow, job))


def assert_built_site(root: Path) -> None:
    """What actions/upload-pages-artifact would publish: site/ with the status page in it."""
    assert (root / "site" / "index.html").is_file()
    assert (root / "site" / "api" / "v2" / "summary.json").is_file()


def test_this_repositorys_deploy_steps_install_from_source_and_build(runner: Runner) -> None:
    done = runner.run_job(WORKFLOWS["deploy"], INSTALLS["deploy"], runner.checkout)
    assert_succeeded(done, WORKFLOWS["deploy"], INSTALLS["deploy"])
    assert_built_site(runner.checkout)
    summary = Path(runner.env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "### Communication findings" in summary and "no problems found" in summary


def new_api_errors_update(site_runner: Runner, new_site: Path) -> Path:
    """The first update of a new incident, made with `statuspress new` as a user would."""
    made = site_runner.run('statuspress new "API errors" -c api=major_outage', new_site)
    assert made.returncode == 0, made.stdout + made.stderr
    return next(p for p in (new_site / "incidents").glob("*/*.md") if "api-errors" in str(p))


def test_a_deploy_publishes_despite_a_communication_error_and_lists_it(
    site_runner: Runner, new_site: Path
) -> None:
    update = new_api_errors_update(site_runner, new_site)
    text = update.read_text(encoding="utf-8")
    update.write_text(text.rstrip() + "\n\nWe apologize for any inconvenience.\n", "utf-8")
    workflow = new_site / ".github" / "workflows" / "deploy.yml"
    assert_succeeded(site_runner.run_job(workflow, "build", new_site), workflow, "build")
    assert_built_site(new_site)
    summary = Path(site_runner.env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "error[rote-apology]" in summary


def test_this_repositorys_pull_request_steps_pass(runner: Runner) -> None:
    done = runner.run_job(WORKFLOWS["check"], INSTALLS["check"], runner.checkout)
    assert_succeeded(done, WORKFLOWS["check"], INSTALLS["check"])
    assert done[-2].stdout == "no problems found\n"


def test_the_installed_package_carries_the_workflows_init_copies(runner: Runner) -> None:
    listing = runner.run(
        "python -c 'import importlib.resources as r; "
        'scaffold = r.files("statuspress") / "commands" / "scaffold"; '
        'print(*sorted(p.name for p in (scaffold / "workflows").iterdir()))\'',
        runner.checkout,
    )
    assert listing.stdout.split() == SCAFFOLD_WORKFLOWS
    assert (
        str(runner.venv)
        in runner.run(
            "python -c 'import statuspress; print(statuspress.__file__)'", runner.checkout
        ).stdout
    )


def test_init_writes_the_workflows_unchanged(new_site: Path) -> None:
    written = new_site / ".github" / "workflows"
    assert sorted(path.name for path in written.iterdir()) == SCAFFOLD_WORKFLOWS
    for path in written.iterdir():
        assert path.read_bytes() == (SCAFFOLD / path.name).read_bytes()


def test_init_pins_the_released_version_it_was_installed_as(new_site: Path) -> None:
    lines = (new_site / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [f"statuspress=={VERSION}"]
    assert "from the package index" in lines[2]


def test_a_new_sites_deploy_and_check_steps_install_the_same_statuspress_and_pass(
    site_runner: Runner, new_site: Path, package_index: Path
) -> None:
    workflows = new_site / ".github" / "workflows"
    for workflow, job in ((workflows / "deploy.yml", "build"), (workflows / "check.yml", "check")):
        assert_succeeded(site_runner.run_job(workflow, job, new_site), workflow, job)
    assert installed_files(site_runner) >= wheel_files(package_index)
    assert_built_site(new_site)
    for path in (new_site / "site").rglob("*"):  # the example incident is a draft
        assert not path.is_file() or b"Dashboard slow" not in path.read_bytes(), path
    incidents = json.loads((new_site / "site/api/v2/incidents.json").read_text(encoding="utf-8"))
    assert incidents["incidents"] == []


def test_a_bad_update_is_annotated_on_its_line_and_fails_the_check(
    site_runner: Runner, new_site: Path
) -> None:
    update = new_api_errors_update(site_runner, new_site)
    lines = update.read_text(encoding="utf-8").splitlines(keepends=True)
    update.write_text("".join([lines[0], BAD_KEY, *lines[1:]]), encoding="utf-8")
    workflow = new_site / ".github" / "workflows" / "check.yml"
    done = site_runner.run_job(workflow, "check", new_site)
    assert done[-1].args[-1] == "statuspress check --format github"
    assert done[-1].returncode == 1
    relative = update.relative_to(new_site).as_posix()
    assert f"::error file={relative},line=2,title=statuspress unknown-key::" in done[-1].stdout


# ---------------------------------------------------------------------------------------------
# The release: its build and test jobs' own steps, as GitHub runs them on a tag.


def run_release_job(job: str, runner: Runner, runner_temp: Path, tag: str = f"v{VERSION}") -> Done:
    """Every `run:` step of a job of release.yml, with GitHub's RUNNER_TEMP, GITHUB_PATH (a
    step adds to PATH for the next ones) and working-directory, stopping at a failure."""
    workflow = yaml.safe_load(WORKFLOWS["release"].read_text(encoding="utf-8"))
    github_path = runner_temp / "github_path"
    github_path.touch()
    expressions = {"${{ github.ref_name }}": tag, "${{ runner.temp }}": str(runner_temp)}
    done: Done = []
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            continue
        added = [line for line in github_path.read_text().splitlines() if line]
        step_env = {
            "RUNNER_TEMP": str(runner_temp),
            "GITHUB_PATH": str(github_path),
            "PATH": os.pathsep.join([*reversed(added), runner.env["PATH"]]),
            **{k: _expand(str(v), expressions) for k, v in step.get("env", {}).items()},
        }
        cwd = Path(_expand(step.get("working-directory", str(runner.checkout)), expressions))
        done.append(runner.run(step["run"], cwd, step_env))
        if done[-1].returncode != 0:
            break
    return done


def _expand(text: str, expressions: dict[str, str]) -> str:
    for expression, value in expressions.items():
        text = text.replace(expression, value)
    assert "${{" not in text, f"no stand-in for an expression in {text!r}"
    return text


def test_the_release_builds_once_and_its_wheel_passes_the_test_job(
    runner: Runner, tmp_path: Path
) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(runner.checkout, checkout, ignore=shutil.ignore_patterns("site", "build"))
    built = run_release_job("build", clean_runner(tmp_path / "build", checkout, tmp_path), tmp_path)
    for step in built:
        assert step.returncode == 0, f"{step.args[-1]!r}:\n{step.stdout}\n{step.stderr}"
    assert sorted(p.name for p in (checkout / "dist").iterdir()) == [
        f"statuspress-{VERSION}-py3-none-any.whl",
        f"statuspress-{VERSION}.tar.gz",
    ]
    # The test job on a second runner, with the built files as the artifact download leaves them.
    second = tmp_path / "test-runner"
    tested_checkout = second / "checkout"
    shutil.copytree(runner.checkout, tested_checkout, ignore=shutil.ignore_patterns("site"))
    shutil.copytree(checkout / "dist", tested_checkout / "dist")
    tested = run_release_job("test", clean_runner(second, tested_checkout, tmp_path), second)
    for step in tested:
        assert step.returncode == 0, f"{step.args[-1]!r}:\n{step.stdout}\n{step.stderr}"
    assert len(tested) == len(job_commands(WORKFLOWS["release"], "test"))
    assert (second / "new-site" / "site" / "index.html").is_file()
    assert (second / "example" / "index.html").is_file()


def test_a_tag_that_is_not_the_version_stops_the_release(runner: Runner, tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    shutil.copytree(runner.checkout, checkout, ignore=shutil.ignore_patterns("site", "build"))
    builder = clean_runner(tmp_path / "build", checkout, tmp_path)
    built = run_release_job("build", builder, tmp_path, tag="v99.0.0")
    assert built[-1].returncode == 1
    assert "::error::tag v99.0.0 does not match the version built" in built[-1].stdout
