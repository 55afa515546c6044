"""The linter's thresholds come from `lint_thresholds` in mkdocs.yml."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from conftest import MINIMAL_CONFIG
from statuspress.lintrules import Thresholds
from statuspress.model import Impact
from statuspress.project import ConfigProblem, load_project

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
