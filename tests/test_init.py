"""`statuspress init`: a new status-site repository that checks clean and builds as it is."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import REPO
from statuspress import __version__
from statuspress.cli import main
from statuspress.commands import init
from statuspress.commands.provenance import Provenance
from statuspress.publishing.build import build_site

SCAFFOLD_WORKFLOWS = REPO / "generator" / "commands" / "scaffold" / "workflows"
EXAMPLE = "incidents/2026-11-03-slow-dashboard"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def run_init(tmp_path: Path, *args: str) -> Result:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        return CliRunner().invoke(main, ["init", *args])
    finally:
        os.chdir(old)


def named_templates() -> list[str]:
    folder = SCAFFOLD_WORKFLOWS.parent / "templates" / "incidents"
    return [f"  templates/incidents/{p.name}" for p in sorted(folder.glob("*.md"))]


def workflow_names() -> list[str]:
    return sorted(p.name for p in SCAFFOLD_WORKFLOWS.glob("*.yml"))


def test_init_writes_a_site_that_checks_clean_and_builds(tmp_path: Path) -> None:
    result = run_init(
        tmp_path, "acme-status", "--company", "Acme", "--url", "https://status.acme.example"
    )
    assert result.exit_code == 0, result.output
    site = tmp_path / "acme-status"
    workflows = [f"  .github/workflows/{name}" for name in workflow_names()]
    assert result.output.split("Next:")[0].splitlines() == [
        "Created a status site in acme-status/:",
        "  .gitignore",
        "  README.md",
        f"  {EXAMPLE}/20261103T1412Z-investigating.md",
        f"  {EXAMPLE}/20261103T1438Z-identified.md",
        f"  {EXAMPLE}/20261103T1501Z-resolved.md",
        "  .github/ISSUE_TEMPLATE/report-incident.yml",
        "  mkdocs.yml",
        "  requirements.txt",
        *named_templates(),
        *workflows,
    ]
    assert "  cd acme-status" in result.output
    config = yaml.safe_load((site / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "Acme Status"
    assert config["site_url"] == "https://status.acme.example/"
    assert config["plugins"][0]["statuspress"]["company"] == "Acme"
    assert [c["id"] for c in config["plugins"][0]["statuspress"]["components"]] == [
        "api",
        "dashboard",
        "email",
    ]
    assert (site / ".gitignore").read_text(encoding="utf-8").startswith("# Build output")
    assert "# Acme Status" in (site / "README.md").read_text(encoding="utf-8")
    check = CliRunner().invoke(
        main, ["check", "-f", str(site / "mkdocs.yml"), "--strict", "--now", "2026-11-23T10:00:00Z"]
    )
    assert (check.exit_code, check.output) == (0, "no problems found\n")
    built = build_site(site / "mkdocs.yml", site / "site", NOW, strict=True)
    assert_publishes_no_incident(site / "site")
    assert built.incidents == 0


def assert_publishes_no_incident(site_dir: Path) -> None:
    """The example incident is a draft: not in any page, feed, the API or the calendar."""
    published = [p for p in site_dir.rglob("*") if p.is_file()]
    assert published
    for path in published:
        assert b"Dashboard slow" not in path.read_bytes(), path
        assert "slow-dashboard" not in path.as_posix(), path
    summary = json.loads((site_dir / "api/v2/incidents.json").read_text(encoding="utf-8"))
    assert summary["incidents"] == []


def test_a_fresh_site_teaches_with_drafts_only(tmp_path: Path) -> None:
    assert run_init(tmp_path, "site").exit_code == 0
    examples = sorted((tmp_path / "site" / "incidents").rglob("*.md"))
    assert examples
    for path in examples:
        front = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert front["draft"] is True, path


def test_init_pins_the_statuspress_that_is_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = "statuspress @ git+https://github.com/acme/statuspress@" + "a" * 40
    origin = Provenance(pinned, "statuspress 0.1.0 from https://github.com/acme/statuspress")
    monkeypatch.setattr(init, "running_provenance", lambda: origin)
    result = run_init(tmp_path, "site")
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == [pinned]
    assert "Warning" not in result.output


def test_init_says_when_ci_cannot_install_the_running_statuspress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin = Provenance(None, "statuspress 0.1.0 from an editable checkout", "file:///src")
    monkeypatch.setattr(init, "running_provenance", lambda: origin)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(
        "Warning: this is statuspress 0.1.0 from an editable checkout (file:///src): "
        "CI cannot install it from there.\n"
    )
    assert "statuspress @ git+https://github.com/OWNER/statuspress@TAG" in result.stderr
    written = (tmp_path / "site" / "requirements.txt").read_text(encoding="utf-8")
    assert "file:///src" not in written  # a local path stays on the terminal
    lines = written.splitlines()
    assert [line for line in lines if not line.startswith("#")] == [f"statuspress=={__version__}"]


def test_init_copies_every_scaffold_workflow(tmp_path: Path) -> None:
    assert run_init(tmp_path, "site").exit_code == 0
    copied = tmp_path / "site" / ".github" / "workflows"
    assert sorted(p.name for p in copied.iterdir()) == workflow_names()
    for name in workflow_names():
        assert (copied / name).read_bytes() == (SCAFFOLD_WORKFLOWS / name).read_bytes()


def test_init_works_without_workflow_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scaffold = tmp_path / "scaffold"
    shutil.copytree(init.SCAFFOLD, scaffold, ignore=shutil.ignore_patterns("*.yml"))
    assert not list((scaffold / "workflows").iterdir())
    monkeypatch.setattr(init, "SCAFFOLD", scaffold)
    result = run_init(tmp_path, "site")
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "site" / ".github").exists()
    assert result.stdout.endswith("Note: this installation has no workflow files to copy.\n")


def test_init_in_the_current_folder_keeps_a_readme_and_gitignore(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Ours\n", encoding="utf-8")
    (tmp_path / ".gitignore").write_text("*.log\n", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    result = run_init(tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Created a status site in ./:\n")
    assert "  cd " not in result.output
    assert "Kept your README.md.\n" in result.output
    assert "Kept your .gitignore: add site/ and .statuspress-cache/ to it.\n" in result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Ours\n"
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.log\n"
    assert (tmp_path / "mkdocs.yml").is_file()


def test_init_never_overwrites_a_site(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\n", encoding="utf-8")
    result = run_init(tmp_path)
    assert result.exit_code == 1
    assert result.output == (
        "Error: . already has mkdocs.yml; nothing was written\n"
        "  hint: choose an empty folder, e.g. 'statuspress init my-status'\n"
    )
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8") == "site_name: Mine\n"
    assert not (tmp_path / "incidents").exists()


def test_a_second_init_lists_what_is_in_the_way(tmp_path: Path) -> None:
    assert run_init(tmp_path, "site").exit_code == 0
    result = run_init(tmp_path, "site")
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: site already has {EXAMPLE}/20261103T1412Z-investigating.md, "
    )
    assert " more; nothing was written\n" in result.output


@pytest.mark.parametrize("url", ["status.acme.example", "ftp://status.acme.example/", "https://"])
def test_a_bad_url_is_a_usage_error(tmp_path: Path, url: str) -> None:
    result = run_init(tmp_path, "site", "--url", url)
    assert result.exit_code == 2
    assert "is not a web address; write e.g. https://status.example.com/" in result.output
    assert not (tmp_path / "site").exists()


def test_names_with_yaml_characters_are_quoted(tmp_path: Path) -> None:
    result = run_init(tmp_path, "site", "--company", "Acme: #1 'Ltd'", "--name", "- Status")
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((tmp_path / "site" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_name"] == "- Status"
    assert config["plugins"][0]["statuspress"]["company"] == "Acme: #1 'Ltd'"


def source_copy(target: Path) -> Path:
    """The package's sources outside the shared checkout, so pip leaves nothing behind in it."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "site", "build")
    for name in ("generator", "theme"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, target / name)
    return target


@pytest.mark.slow
def test_pip_install_then_init_then_build(tmp_path: Path) -> None:
    """A fresh virtual environment, a real (not editable) install, a new site, its build."""
    source = source_copy(tmp_path / "source")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python, statuspress = venv / "bin" / "python", venv / "bin" / "statuspress"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(source)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    where = subprocess.run(
        [str(python), "-c", "import statuspress; print(statuspress.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert where.startswith(str(venv)), where
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    created = subprocess.run(
        [str(statuspress), "init"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert created.returncode == 0, created.stdout + created.stderr
    assert (empty / ".github" / "workflows").is_dir() == bool(workflow_names())
    built = subprocess.run(
        [str(statuspress), "build", "--strict"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert built.stdout.startswith(f"Built {empty / 'site'}: 0 incidents")
    assert "Example Status" in (empty / "site" / "index.html").read_text(encoding="utf-8")
    new = subprocess.run(
        [str(statuspress), "new", "API errors", "-c", "api=major_outage"],
        cwd=empty,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert new.returncode == 0, new.stdout + new.stderr


@pytest.mark.parametrize(
    ("url", "warned"),
    [
        (None, True),
        ("https://status.example.org/", True),
        ("http://localhost:8000/", True),
        ("https://status.acme.com/", False),
        ("https://acme.github.io/status/", False),
    ],
)
def test_check_warns_while_site_url_is_the_placeholder(
    tmp_path: Path, url: str | None, warned: bool
) -> None:
    assert run_init(tmp_path, "site", *(["--url", url] if url else [])).exit_code == 0
    config = tmp_path / "site" / "mkdocs.yml"
    line = next(
        number
        for number, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1)
        if text.startswith("site_url:")
    )
    result = CliRunner().invoke(main, ["check", "-f", str(config)])
    if not warned:
        assert (result.exit_code, result.output) == (0, "no problems found\n")
        return
    assert result.exit_code == 0
    assert result.output.startswith(
        f"mkdocs.yml:{line}: warning[site-url-placeholder]: site_url is still the placeholder "
    )
    assert "hint: set site_url to where the site is published" in result.output
    strict = CliRunner().invoke(main, ["check", "--strict", "-f", str(config)])
    assert strict.exit_code == 1
    built = build_site(config, tmp_path / "out", NOW, strict=True)  # the build is not stopped
    assert built.incidents == 0


def test_help_examples_name_only_components_a_new_site_has() -> None:
    """Copying an example from --help into a site `init` made must not fail on its component."""
    scaffold = (init.SCAFFOLD / "mkdocs.yml.j2").read_text(encoding="utf-8")
    defined = set(re.findall(r"- id: ([a-z0-9_-]+)", scaffold))
    assert defined == {"api", "dashboard", "email"}
    named: dict[str, set[str]] = {}
    context = click.Context(main)
    for name in main.list_commands(context):
        command = main.get_command(context, name)
        assert command is not None
        found = re.findall(r"(?:-c|--component)\s+([a-z0-9_-]+)", command.help or "")
        named[name] = set(found)
    assert named["maintenance"] and named["new"]
    assert {name: ids - defined for name, ids in named.items() if ids - defined} == {}
