"""`statuspress postmortem`: a draft with every required section and the facts already known."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_authoring import FOLDER, assert_publishable, in_site, open_incident, read, run

PATH = f"{FOLDER}/postmortem.md"
NOW = "2026-11-22T09:00:00Z"
_site = pytest.fixture(in_site, name="site")


def resolved_incident(root: Path) -> None:
    open_incident(root, "--author", "Platform team")
    for step in (
        (
            "update",
            "-s",
            "identified",
            "--cause",
            "A configuration change sent traffic | to servers that were not ready.",
            "--now",
            "2026-11-20T14:20:00Z",
        ),
        ("resolve", "--now", "2026-11-20T15:01:00Z"),
    ):
        assert run(root, *step).exit_code == 0


def test_the_scaffold_has_every_section_and_the_known_facts(site: Path) -> None:
    resolved_incident(site)
    result = run(site, "postmortem", "elevated", "--now", NOW)
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote {PATH}\n"
        "Next: write each section and the action items, set 'published', remove 'draft: true', "
        "then run 'statuspress check'. It is not published before.\n"
    )
    meta, body = read(site, PATH)
    assert meta == {
        "title": "Postmortem: Elevated API error rates (20 November 2026)",
        "published": "2026-11-22T09:00:00Z",
        "draft": "true",
        "authors": ["Platform team"],
        "summary": "On 20 November 2026, from 13:55 UTC to 15:01 UTC (1 hour and 6 minutes), "
        "customers saw an outage of API and degraded performance of Dashboard. A "
        "configuration change sent traffic | to servers that were not ready.",
        "action_items": [
            {
                "what": "Replace this with the first change",
                "owner": "Platform team",
                "due": "2026-12-22",
                "status": "open",
            }
        ],
    }
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings == [
        "## What happened",
        "## Impact",
        "## Root cause",
        "## Resolution",
        "## What went well",
        "## What went wrong",
        "## What we are changing",
    ]
    assert (
        "| time (UTC) | event |\n"
        "| --- | --- |\n"
        "| 20 Nov 13:55 | Customer impact began |\n"
        "| 20 Nov 14:05 | Public update, investigating: We are investigating an outage of API "
        "and degraded performance of Dashboard, which began at 13:55 UTC. |\n"
        "| 20 Nov 14:20 | Public update, identified: We have found the cause of the outage of API "
        "and the degraded performance of Dashboard and are working on a fix. |\n"
        "| 20 Nov 15:01 | Public update, resolved: The outage of API and the degraded performance "
        "of Dashboard are resolved, and everything affected works normally again. |\n"
    ) in body
    assert (
        "- **Duration**: 1 hour and 6 minutes, on 20 November 2026 from 13:55 UTC to 15:01 UTC.\n"
        "- **API**: major outage at worst.\n"
        "- **Dashboard**: degraded performance at worst.\n"
        "- **Impact level**: critical.\n"
    ) in body
    assert (
        "## Root cause\n\nA configuration change sent traffic | to servers that were not ready.\n"
    ) in body
    assert_publishable(site, NOW)  # a draft: never published, never a finding


def test_the_finished_postmortem_passes_the_checks(site: Path) -> None:
    """What the author does: write the action item, publish; the scaffold's shape holds."""
    resolved_incident(site)
    run(site, "postmortem", "elevated", "--now", NOW)
    path = site / PATH
    text = path.read_text(encoding="utf-8")
    text = text.replace("draft: true\n", "").replace(
        "Replace this with the first change",
        "Roll configuration changes out one region at a time, with automatic rollback",
    )
    text = text.replace(
        "<!-- How it was fixed, and how we confirmed the recovery. -->",
        "We rolled the change back region by region. We're sorry: for 40 minutes, most API "
        "requests failed.",
    )
    text = text.replace(
        "<!-- What helped: detection, tools, decisions, communication. -->",
        "Alerts fired within two minutes.",
    )
    text = text.replace(
        "<!-- What made it worse or longer, including our communication. -->",
        "The rollback waited for a manual approval.",
    )
    path.write_text(text, encoding="utf-8")
    assert_publishable(site, NOW)
    built = (
        site / "site" / "2026-11-20-elevated-api-error-rates" / "postmortem" / "index.html"
    ).read_text(encoding="utf-8")
    assert "We rolled the change back region by region." in built
    assert "never published" not in built


def test_an_existing_postmortem_is_never_overwritten(site: Path) -> None:
    resolved_incident(site)
    run(site, "postmortem", "elevated", "--now", NOW)
    before = (site / PATH).read_bytes()
    result = run(site, "postmortem", "elevated", "--now", "2026-11-23T09:00:00Z")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {PATH} already exists; nothing was written\n"
        "  hint: edit the postmortem that is there\n"
    )
    assert (site / PATH).read_bytes() == before


def test_authors_and_an_open_incident(site: Path) -> None:
    open_incident(site)
    result = run(
        site,
        "postmortem",
        "elevated",
        "--author",
        "Platform team",
        "--author",
        "Support",
        "--now",
        "2026-11-20T14:30:00Z",
    )
    assert result.exit_code == 0, result.output
    assert "is still open; the duration counts up to now" in result.output
    meta, _ = read(site, PATH)
    assert meta["authors"] == ["Platform team", "Support"]


def test_the_id_is_required(site: Path) -> None:
    result = run(site, "postmortem", "--now", NOW)
    assert result.exit_code == 2
    assert "Missing argument 'ID'" in result.output


def test_table_cells_escape_pipes(site: Path) -> None:
    open_incident(site)
    run(
        site,
        "update",
        "-m",
        "Requests to /v1/a|b fail. We are checking each route.",
        "--now",
        "2026-11-20T14:20:00Z",
    )
    run(site, "postmortem", "elevated", "--now", NOW)
    _, body = read(site, PATH)
    assert "| Public update, investigating: Requests to /v1/a\\|b fail. |" in body
