"""Named incident templates: `new --template`, `update --template`, and `check` of templates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_files
from test_authoring import NOW, read, run

GOOD = """\
---
title: Card payments failing
impact: major
components:
  api: partial_outage
next_update: 20m
eta: unknown
apology: We're sorry that card payments are failing for some of you.
workaround: Retry the payment after a minute; it is safe to retry.
internal: runbook https://wiki.corp.example/payments
---
Some card payments are being declined with an error. We are investigating the cause.
"""


@pytest.fixture
def site(site_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(site_root)
    write_files(site_root, {"templates/incidents/card-payments.md": GOOD})
    return site_root


def _written(root: Path) -> str:
    (path,) = (root / "incidents").rglob("*.md")
    return path.relative_to(root).as_posix()


def test_new_from_a_template_prefills_every_key(site: Path) -> None:
    result = run(site, "new", "--template", "card-payments", "--now", NOW)
    assert result.exit_code == 0, result.output
    meta, body = read(site, _written(site))
    assert meta["title"] == "Card payments failing"
    assert meta["components"] == {"api": "partial_outage"}
    assert meta["impact"] == "major"
    assert (meta["next_update"], meta["eta"]) == ("20m", "unknown")
    assert meta["workaround"].startswith("Retry the payment")
    assert meta["internal"] == "runbook https://wiki.corp.example/payments"
    assert body.strip().startswith("Some card payments are being declined")


def test_command_line_options_win_over_the_template(site: Path) -> None:
    result = run(
        site,
        "new",
        "Payments down",
        "--template",
        "card-payments",
        "-c",
        "api=major_outage",
        "-c",
        "dashboard=degraded_performance",
        "--impact",
        "critical",
        "-m",
        "All card payments fail. We are working on it.",
        "--now",
        NOW,
    )
    assert result.exit_code == 0, result.output
    meta, body = read(site, _written(site))
    assert meta["title"] == "Payments down"
    assert meta["components"] == {"api": "major_outage", "dashboard": "degraded_performance"}
    assert meta["impact"] == "critical"
    assert body.strip() == "All card payments fail. We are working on it."


def test_update_takes_a_template(site: Path) -> None:
    opened = run(site, "new", "Slow", "-c", "api=degraded_performance", "--now", NOW)
    assert opened.exit_code == 0, opened.output
    write_files(
        site,
        {
            "templates/incidents/fix-applied.md": """\
            ---
            status: monitoring
            components:
              api: operational
            ---
            We have applied a fix and are watching closely to confirm that it holds.
            """
        },
    )
    result = run(site, "update", "--template", "fix-applied", "--now", "2026-11-20T14:30:00Z")
    assert result.exit_code == 0, result.output
    (update,) = [p for p in (site / "incidents").rglob("*monitoring.md")]
    meta, body = read(site, update.relative_to(site).as_posix())
    assert meta["components"] == {"api": "operational"}
    assert "applied a fix" in body


def test_unknown_template_names_the_known_ones(site: Path) -> None:
    result = run(site, "new", "X", "--template", "card-paymnts", "--now", NOW)
    assert result.exit_code == 1
    assert "no template named 'card-paymnts'" in result.output
    assert "did you mean 'card-payments'?" in result.output
    assert not list((site / "incidents").iterdir())


BROKEN = """\
---
title: Broken
status: resolved
impact: huge
components:
  nosuch: partial_outage
at: 2026-11-20T14:05:00Z
next_update: 2026-11-20T15:00:00Z
colour: red
---
Things are being looked into.
"""


def test_check_reports_each_template_problem_at_its_line(site: Path) -> None:
    write_files(site, {"templates/incidents/broken.md": BROKEN})
    result = run(site, "check", "--format", "json", "--now", NOW)
    assert result.exit_code == 1
    found = {
        (d["line"], d["rule"])
        for d in json.loads(result.output)
        if d["path"] == "templates/incidents/broken.md"
    }
    assert {
        (3, "bad-value"),  # a closing status
        (4, "unknown-impact"),
        (6, "unknown-component"),
        (7, "template"),  # 'at'
        (8, "bad-value"),  # an absolute next_update
        (9, "unknown-key"),
    } <= found, found
    refused = run(site, "new", "--template", "broken", "--now", NOW)
    assert refused.exit_code == 1 and "cannot be used" in refused.output
    assert not list((site / "incidents").iterdir())


def test_check_lints_a_template_at_its_body_lines(site: Path) -> None:
    write_files(
        site,
        {
            "templates/incidents/leaky.md": """\
            ---
            components:
              api: major_outage
            ---
            The server db3.prod.internal is down.
            """
        },
    )
    result = run(site, "check", "--format", "json", "--now", NOW)
    found = [d for d in json.loads(result.output) if d["path"] == "templates/incidents/leaky.md"]
    assert [(d["line"], d["rule"]) for d in found] == [(5, "internal-detail")], found


def test_the_good_template_and_scaffold_examples_check_clean(site: Path, tmp_path: Path) -> None:
    result = run(site, "check", "--strict", "--now", NOW)
    assert (result.exit_code, result.output) == (0, "no problems found\n"), result.output
    from statuspress.commands.init import SCAFFOLD

    examples = sorted((SCAFFOLD / "templates" / "incidents").glob("*.md"))
    assert len(examples) >= 2
    init = tmp_path / "fresh"
    from click.testing import CliRunner
    from statuspress.cli import main

    made = CliRunner().invoke(main, ["init", str(init)])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["check", "-f", str(init / "mkdocs.yml"), "--now", NOW])
    assert "templates/incidents" not in checked.output, checked.output


def test_a_stray_file_in_the_template_folder_is_reported(site: Path) -> None:
    write_files(site, {"templates/incidents/notes.txt": "x"})
    result = run(site, "check", "--now", NOW)
    assert result.exit_code == 1
    assert "templates/incidents/notes.txt" in result.output


def test_jinja_overrides_and_named_templates_coexist(site: Path) -> None:
    bundled = Path(__file__).parent.parent / "generator/commands/templates/new.md.j2"
    text = bundled.read_text(encoding="utf-8").replace("{{ message }}", "OVERRIDE {{ message }}")
    write_files(site, {"templates/new.md.j2": text})
    result = run(site, "new", "--template", "card-payments", "--now", NOW)
    assert result.exit_code == 0, result.output
    _, body = read(site, _written(site))
    assert body.strip().startswith("OVERRIDE Some card payments")
    assert run(site, "check", "--now", NOW).exit_code == 0
