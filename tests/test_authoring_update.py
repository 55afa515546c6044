"""`statuspress update` and `statuspress resolve`: choosing the incident, the files written,
carried-forward values and the text that follows the communication rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from test_authoring import FIRST, FOLDER, NOW, assert_publishable, in_site, open_incident, read, run

LATER = "2026-11-20T14:20:00Z"
_site = pytest.fixture(in_site, name="site")


def test_update_carries_the_incident_forward(site: Path) -> None:
    open_incident(site)
    result = run(
        site,
        "update",
        "-s",
        "identified",
        "--cause",
        "A configuration change sent traffic to servers that were not ready.",
        "--now",
        LATER,
    )
    path = f"{FOLDER}/20261120T1420Z-identified.md"
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Wrote {path}\n"
        "Next: read it over (preview with 'statuspress serve'), then publish it:\n"
        f"  git add {FOLDER} && git commit -m 'Elevated API error rates: identified' "
        "&& git push\n"
    )
    assert (site / path).read_text(encoding="utf-8") == (
        "---\n"
        "at: 2026-11-20T14:20:00Z\n"
        "status: identified\n"
        "next_update: 20m\n"
        "cause: A configuration change sent traffic to servers that were not ready.\n"
        "---\n"
        "<!-- Say what changed since the last update, and what you know and don't know yet.\n"
        "This comment is never published. -->\n"
        "We have found the cause of the outage of API and the degraded performance of Dashboard "
        "and are working on a fix.\n"
        "We do not know yet how long the fix will take.\n"
    )
    assert_publishable(site, LATER)


def test_a_whole_incident_from_the_command_line_is_publishable(site: Path) -> None:
    open_incident(site, "--author", "Platform team")
    steps = [
        ("update", "-s", "identified", "--eta", "unknown", "--now", "2026-11-20T14:20:00Z"),
        (
            "update",
            "--eta",
            "1h",
            "-c",
            "api=partial_outage",
            "--workaround",
            "Failed API requests are safe to retry.",
            "--now",
            "2026-11-20T14:38:00Z",
        ),
        ("update", "-s", "monitoring", "-c", "api=operational", "--now", "2026-11-20T14:55:00Z"),
        ("resolve", "--now", "2026-11-20T15:20:00Z"),
    ]
    for step in steps:
        result = run(site, *step)
        assert result.exit_code == 0, (step, result.output)
    names = sorted(p.name for p in (site / FOLDER).iterdir())
    assert names == [
        "20261120T1405Z-investigating.md",
        "20261120T1420Z-identified.md",
        "20261120T1438Z-identified.md",
        "20261120T1455Z-monitoring.md",
        "20261120T1520Z-resolved.md",
    ]
    meta, _ = read(site, f"{FOLDER}/20261120T1438Z-identified.md")
    assert meta["eta"] == "1h" and meta["author"] == "Platform team"
    meta, _ = read(site, f"{FOLDER}/20261120T1455Z-monitoring.md")
    assert meta["eta"] == "2026-11-20T15:38:00Z"  # the previous ETA, still ahead, stays
    meta, body = read(site, f"{FOLDER}/20261120T1520Z-resolved.md")
    assert meta == {
        "at": "2026-11-20T15:20:00Z",
        "status": "resolved",
        "apology": "We're sorry for the outage of API and the degraded performance of "
        "Dashboard, which lasted 1 hour and 25 minutes. We know this disrupted your "
        "work.",
        "author": "Platform team",
    }
    assert body.endswith(
        "The outage of API and the degraded performance of Dashboard are resolved,\n"
        "and everything affected works normally again.\n"
        "Thank you for your patience while we worked on it.\n\n"
        "We will publish a postmortem by 27 November 2026, with what happened and what we are\n"
        "changing so that it does not happen again.\n"
    )
    assert_publishable(site, "2026-11-20T15:20:00Z")


def test_resolve_prints_the_postmortem_step(site: Path) -> None:
    open_incident(site)
    result = run(site, "resolve", "elevated", "--now", "2026-11-20T15:00:00Z")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        f"Then write the postmortem by 2026-11-27: statuspress postmortem {FOLDER.split('/')[1]}\n"
    )


def test_resolve_of_a_minor_incident_promises_no_postmortem(site: Path) -> None:
    run(site, "new", "Slow e-mail", "-c", "email=degraded_performance", "--now", NOW)
    result = run(
        site,
        "resolve",
        "-m",
        "E-mail is delivered on time again. Thank you for your patience.",
        "--now",
        "2026-11-20T14:30:00Z",
    )
    assert result.exit_code == 0, result.output
    _, body = read(site, "incidents/2026-11-20-slow-e-mail/20261120T1430Z-resolved.md")
    assert "postmortem" not in body and "postmortem" not in result.output
    assert body == "E-mail is delivered on time again. Thank you for your patience.\n"
    assert_publishable(site, "2026-11-20T14:30:00Z")


def test_resolve_with_a_lingering_component_and_a_postmortem_date(site: Path) -> None:
    run(site, "new", "Slow e-mail", "-c", "email=partial_outage", "--now", NOW)
    result = run(
        site,
        "resolve",
        "-c",
        "email=degraded_performance",
        "--postmortem-by",
        "2026-12-01",
        "--now",
        "2026-11-20T14:30:00Z",
    )
    assert result.exit_code == 0, result.output
    meta, body = read(site, "incidents/2026-11-20-slow-e-mail/20261120T1430Z-resolved.md")
    assert meta["components"] == {"email": "degraded_performance"}
    assert "except for degraded performance of E-mail, which we are still working on." in body
    assert "We will publish a postmortem by 1 December 2026" in body
    assert_publishable(site, "2026-11-20T14:30:00Z")


@pytest.mark.parametrize(
    "ident",
    [
        "2026-11-20-elevated-api-error-rates",
        "api-error",
        "incidents/2026-11-20-elevated-api-error-rates/",
    ],
)
def test_an_id_is_the_folder_or_a_unique_part_of_it(site: Path, ident: str) -> None:
    open_incident(site)
    result = run(site, "update", ident, "-m", "We are still investigating.", "--now", LATER)
    assert result.exit_code == 0, result.output
    assert (site / FOLDER / "20261120T1420Z-investigating.md").is_file()


def test_an_ambiguous_id_lists_the_candidates(site: Path) -> None:
    open_incident(site)
    run(site, "new", "API latency", "-c", "api=degraded_performance", "--now", NOW)
    result = run(site, "update", "api", "--now", LATER)
    assert result.exit_code == 2
    assert result.output.endswith(
        "Error: Invalid value for ID: 'api' matches 2 incidents; use more of the name.\n"
        "Candidates:\n"
        "  2026-11-20-api-latency  (investigating) API latency\n"
        "  2026-11-20-elevated-api-error-rates  (investigating) Elevated API error rates\n"
    )
    result = run(site, "update", "--now", LATER)
    assert result.exit_code == 2
    assert "2 incidents are open; name the one you mean" in result.output


def test_an_unknown_id_shows_recent_incidents(site: Path) -> None:
    open_incident(site)
    result = run(site, "update", "payments", "--now", LATER)
    assert result.exit_code == 2
    assert "no incident folder in incidents/ matches 'payments'." in result.output
    assert "Recent incidents:\n  2026-11-20-elevated-api-error-rates" in result.output


def test_without_an_open_incident_the_id_is_needed(site: Path) -> None:
    result = run(site, "update", "--now", LATER)
    assert result.exit_code == 2
    assert "no incident is open, so name the one you mean" in result.output


def test_a_status_from_the_other_kind_is_a_usage_error(site: Path) -> None:
    open_incident(site)
    result = run(site, "update", "-s", "in_progress", "--now", LATER)
    assert result.exit_code == 2
    assert (
        "'in_progress' is not a status of an incident; use one of: investigating, "
        "identified, monitoring"
    ) in result.output
    result = run(site, "update", "-s", "resolved", "--now", LATER)
    assert result.exit_code == 2
    assert "to close it, run 'statuspress resolve 2026-11-20-elevated" in result.output


def test_an_update_before_the_latest_one_is_refused(site: Path) -> None:
    open_incident(site)
    result = run(site, "update", "--at", "2026-11-20T14:00:00Z", "--now", LATER)
    assert result.exit_code == 2
    assert "is before the incident's latest update (2026-11-20T14:05:00Z)" in result.output


def test_two_updates_in_the_same_minute_never_overwrite(site: Path) -> None:
    open_incident(site)
    assert run(site, "update", "-m", "First.", "--now", LATER).exit_code == 0
    path = site / FOLDER / "20261120T1420Z-investigating.md"
    before = path.read_bytes()
    result = run(site, "update", "-m", "Second.", "--now", "2026-11-20T14:20:30Z")
    assert result.exit_code == 1
    assert "already exists; nothing was written" in result.output
    assert "pass --at with a later time" in result.output
    assert path.read_bytes() == before


def test_resolving_twice_is_an_error(site: Path) -> None:
    open_incident(site)
    assert run(site, "resolve", "elevated", "--now", LATER).exit_code == 0
    result = run(site, "resolve", "elevated", "--now", "2026-11-20T14:30:00Z")
    assert result.exit_code == 1
    assert result.output == (
        "Error: 2026-11-20-elevated-api-error-rates was resolved at 2026-11-20T14:20:00Z "
        "already\n  hint: to say more, add an update with 'statuspress update'\n"
    )


def test_an_update_after_resolution_reopens(site: Path) -> None:
    open_incident(site)
    run(site, "resolve", "--now", LATER)
    result = run(
        site,
        "update",
        "elevated",
        "--reopen",
        "-c",
        "api=partial_outage",
        "--now",
        "2026-11-20T16:00:00Z",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1] == (
        "This reopens 2026-11-20-elevated-api-error-rates, closed at 2026-11-20T14:20:00Z."
    )
    meta, body = read(site, f"{FOLDER}/20261120T1600Z-investigating.md")
    assert meta["status"] == "investigating"
    # Only what this update says is wrong now: the dashboard stays operational.
    assert "The partial outage of API has come back, and we are investigating again." in body
    assert "Dashboard" not in body


def test_a_part_of_an_id_never_reopens_a_resolved_incident(site: Path) -> None:
    open_incident(site)
    run(site, "resolve", "--now", LATER)
    for ident in ("elevated", "2026-11-20-elevated-api-error-rates"):
        result = run(site, "update", ident, "-s", "identified", "--now", "2026-12-20T16:00:00Z")
        assert result.exit_code == 2, result.output
        assert "resolved incident" in result.output
        assert "2026-11-20-elevated-api-error-rates  (resolved)" in result.output
        assert "--reopen" in result.output
    assert sorted(p.name for p in (site / FOLDER).iterdir()) == sorted(
        [Path(FIRST).name, "20261120T1420Z-resolved.md"]
    )


def test_a_part_of_an_id_prefers_the_open_incident(site: Path) -> None:
    open_incident(site)
    run(site, "resolve", "--now", LATER)
    run(
        site, "new", "API errors again", "-c", "api=partial_outage", "--now", "2026-11-21T09:00:00Z"
    )
    result = run(site, "update", "api", "-s", "identified", "--now", "2026-11-21T09:20:00Z")
    assert result.exit_code == 0, result.output
    assert "2026-11-21-api-errors-again/20261121T0920Z-identified.md" in result.output


def test_generated_text_never_calls_an_operational_component_broken(site: Path) -> None:
    """Every sentence the update template writes against the states the update writes."""
    open_incident(site)
    for minute, status in ((10, "investigating"), (15, "identified"), (20, "monitoring")):
        result = run(
            site,
            "update",
            "-s",
            status,
            "-c",
            "api=operational",
            "--at",
            f"2026-11-20T14:{minute}:00Z",
            "--now",
            "2026-11-20T14:30:00Z",
        )
        assert result.exit_code in (0, 1), result.output
        written = result.output.splitlines()[0].removeprefix("Wrote ")
        meta, body = read(site, written)
        assert meta["components"]["api"] == "operational"
        text = body.split("-->", 1)[-1]
        assert "outage of API" not in text and "degraded performance of API" not in text


def test_an_update_that_breaks_the_rules_is_reported(site: Path) -> None:
    open_incident(site)
    result = run(site, "update", "-c", "api=major_outag", "--now", LATER)
    assert result.exit_code == 2  # a bad state never reaches the file
    (site / FIRST).write_text(
        (site / FIRST).read_text().replace("status: investigating", "status: investigatin")
    )
    result = run(site, "update", "elevated", "--now", LATER)
    assert result.exit_code == 1
    assert "cannot be read" in result.output and "unknown-status" in result.output


def test_the_example_site_accepts_an_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "incidents", tmp_path / "incidents")
    monkeypatch.chdir(tmp_path)
    result = run(
        tmp_path,
        "update",
        "-s",
        "monitoring",
        "-c",
        "webhooks=degraded_performance",
        "--now",
        "2026-11-22T10:10:00Z",
    )
    assert result.exit_code == 0, result.output
    meta, _ = read(tmp_path, "incidents/2026-11-22-webhook-delays/20261122T1010Z-monitoring.md")
    assert meta["eta"] == "2026-11-22T11:30:00Z"
    assert meta["author"] == "Integrations team"
    assert meta["next_update"] == "1h"


def test_resolving_a_glitch_that_left_everything_operational(site: Path) -> None:
    run(
        site,
        "new",
        "Chart colours wrong",
        "-c",
        "dashboard=operational",
        "--impact",
        "none",
        "--now",
        NOW,
    )
    result = run(site, "resolve", "--now", "2026-11-20T14:30:00Z")
    assert result.exit_code == 0, result.output
    meta, body = read(site, "incidents/2026-11-20-chart-colours-wrong/20261120T1430Z-resolved.md")
    assert meta["apology"] == (
        "We're sorry for the problem with Dashboard, which lasted "
        "25 minutes. We know this disrupted your work."
    )
    assert "The problem with Dashboard is resolved,\n" in body
    assert_publishable(site, "2026-11-20T14:30:00Z")
