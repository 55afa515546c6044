"""The linter's thresholds come from `lint_thresholds` in mkdocs.yml."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG
from statuspress.lint.rules import Thresholds
from statuspress.model import Impact
from statuspress.publishing.loading import ConfigProblem, load_project

INCIDENT = {
    "incidents/2026-11-20-api-errors/20261120T1400Z-investigating.md": """\
        ---
        at: 2026-11-20T14:00:00Z
        status: investigating
        title: Elevated API error rates
        impact: minor
        components: {api: degraded_performance}
        next_update: 30m
        apology: We are sorry that API requests fail for some of you.
        ---
        Since 13:50 UTC about 5% of API requests in Europe fail. We are investigating and
        will post the next update by 14:30 UTC.
        """,
}
LATE = datetime(2026, 11, 20, 14, 40, tzinfo=timezone.utc)  # 10 min past the promise


def findings(write_tree, thresholds: str) -> set[str]:
    config = MINIMAL_CONFIG + thresholds
    root: Path = write_tree({"mkdocs.yml": config, **INCIDENT})
    return {d.rule for d in load_project(root / "mkdocs.yml", LATE).diagnostics}


def test_the_defaults_are_those_of_the_rules(write_tree) -> None:
    assert "update-overdue" in findings(write_tree, "")


def test_a_longer_grace_keeps_a_late_promise_quiet(write_tree) -> None:
    assert "update-overdue" not in findings(write_tree, "      lint_thresholds: {grace: 15m}\n")


def test_every_threshold_can_be_set(write_tree) -> None:
    root = write_tree(
        {
            "mkdocs.yml": MINIMAL_CONFIG
            + """\
      lint_thresholds:
        grace: 10m
        relax_after: 3h
        relax_factor: 3
        cause_max_words: 60
        cause_max_sentences: 3
        acknowledge: {critical: 5m}
        cadence: {major: [20m, 20m, 45m]}
""",
            **INCIDENT,
        }
    )
    settings = load_project(root / "mkdocs.yml", LATE).settings
    limits = Thresholds.of(settings)
    defaults = Thresholds()
    assert limits.grace == timedelta(minutes=10)
    assert (limits.relax_after, limits.relax_factor) == (timedelta(hours=3), 3)
    assert (limits.cause_max_words, limits.cause_max_sentences) == (60, 3)
    assert limits.acknowledge[Impact.CRITICAL] == timedelta(minutes=5)
    assert limits.acknowledge[Impact.MAJOR] == defaults.acknowledge[Impact.MAJOR]
    assert limits.cadence[Impact.MAJOR] == (20, 20, 45)
    assert limits.cadence[Impact.MINOR] == defaults.cadence[Impact.MINOR]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{grace: soon}", "'grace' must be a duration"),
        ("{gracee: 5m}", "did you mean 'grace'"),
        ("{cause_max_words: -1}", "'cause_max_words' must be a whole number from 1 to 10,000"),
        ("{acknowledge: {severe: 5m}}", "unknown impact 'severe'"),
        ("{cadence: {major: [20m, 20m]}}", "must list three durations"),
        ("[grace]", "must map threshold names to values"),
    ],
)
def test_a_bad_threshold_is_a_config_error(write_tree, value: str, message: str) -> None:
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG + f"      lint_thresholds: {value}\n"})
    with pytest.raises(ConfigProblem) as problem:
        load_project(root / "mkdocs.yml", LATE)
    (diagnostic,) = problem.value.diagnostics
    assert diagnostic.rule == "config-option" and message in diagnostic.message
    assert diagnostic.line > 0


def hint_of(write_tree, rule: str, config: str, incident: dict[str, str]) -> str:
    root: Path = write_tree({"mkdocs.yml": MINIMAL_CONFIG + config, **incident})
    diagnostics = load_project(root / "mkdocs.yml", LATE).diagnostics
    (found,) = [d for d in diagnostics if d.rule == rule]
    return found.hint


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", "promise the next update within 1 h, e.g. `next_update: 1h`"),
        (
            "      lint_thresholds: {cadence: {minor: [20m, 20m, 20m]}}\n",
            "promise the next update within 20 min, e.g. `next_update: 20m`",
        ),
        (
            "      lint_thresholds: {cadence: {minor: [90m, 90m, 90m]}}\n",
            "promise the next update within 1 h 30 min, e.g. `next_update: 1h30m`",
        ),
    ],
)
def test_the_cadence_hint_names_the_configured_limit(
    write_tree, config: str, expected: str
) -> None:
    incident = {k: v.replace("next_update: 30m", "next_update: 3h") for k, v in INCIDENT.items()}
    assert hint_of(write_tree, "cadence-gap", config, incident) == expected


@pytest.mark.parametrize(
    ("config", "example"),
    [("", "1h"), ("      lint_thresholds: {cadence: {minor: [15m, 60m, 60m]}}\n", "15m")],
)
def test_the_next_update_hint_suggests_the_configured_cadence(
    write_tree, config: str, example: str
) -> None:
    incident = {k: v.replace("        next_update: 30m\n", "") for k, v in INCIDENT.items()}
    hint = hint_of(write_tree, "next-update-missing", config, incident)
    assert hint.startswith(f"add `next_update: {example}`")


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("", "at most 2 plain sentences and 40 words"),
        (
            "      lint_thresholds: {cause_max_sentences: 1, cause_max_words: 12}\n",
            "at most 1 plain sentence and 12 words",
        ),
    ],
)
def test_the_cause_hint_names_the_configured_limits(write_tree, config: str, expected: str) -> None:
    cause = (
        "        cause: "
        + " ".join(["A database index was rebuilt during working hours."] * 3)
        + "\n"
    )
    incident = {
        k: v.replace("        next_update: 30m\n", "        next_update: 30m\n" + cause)
        for k, v in INCIDENT.items()
    }
    assert expected in hint_of(write_tree, "cause-too-long", config, incident)


RESOLVED_MAJOR = {
    "incidents/2026-11-20-api-errors/20261120T1400Z-investigating.md": INCIDENT[
        "incidents/2026-11-20-api-errors/20261120T1400Z-investigating.md"
    ].replace("impact: minor", "impact: major"),
    "incidents/2026-11-20-api-errors/20261120T2330Z-resolved.md": """\
        ---
        at: 2026-11-20T23:30:00Z
        status: resolved
        apology: We are sorry that API requests failed for some of you.
        ---
        API requests have succeeded again since 23:20 UTC. Thank you for your patience.
        """,
}


@pytest.mark.parametrize(
    ("config", "date"),
    [
        ("", "27 November"),
        ("      postmortem_due_days: 3\n", "23 November"),
        ("      postmortem_due_days: 3\n      timezone: Pacific/Auckland\n", "24 November"),
    ],
)
def test_the_postmortem_hint_dates_from_the_resolution_and_due_days(
    write_tree, config: str, date: str
) -> None:
    hint = hint_of(write_tree, "followup-missing", config, RESOLVED_MAJOR)
    assert hint.endswith(f'"We will publish a postmortem by {date}."')
