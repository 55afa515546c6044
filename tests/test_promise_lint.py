"""promise-mismatch: a time promised in the text that the update's own `next_update` or
`eta` contradicts; an error for a clock time with its zone, a warning when not certain."""

from __future__ import annotations

import pytest
from statuspress.model.types import ETA_UNKNOWN
from test_lint_phrases import at, case_ids, text_findings

# The update is at 09:30 UTC; next_update is 10:30 UTC (next_in 60), eta 11:00 UTC.
ETA = {"eta": at(120)}

CONTRADICTIONS = [
    ("We will post the next update by 10:05 UTC.", {}, "error", "by 10:05 UTC"),
    ("We will post our next update by 10:05 GMT.", {}, "error", "by 10:05 GMT"),
    ("We'll have another update for you by 9am PT.", {}, "error", "by 9am PT"),
    ("Next update at 07:05 UTC tomorrow, as the rollout is slow.", {}, "error", "at 07:05 UTC"),
    ("We will post an update at 10:05.", {}, "warning", "at 10:05"),
    ("The next update will be in 30 minutes.", {}, "warning", "in 30 minutes"),
    ("We will update you within the next 15 minutes.", {}, "warning", "within the next 15"),
    ("We expect to have this fixed by 12:00 UTC.", ETA, "error", "by 12:00 UTC"),
    ("The fix should be complete in 30 minutes.", ETA, "warning", "in 30 minutes"),
    (
        "We expect it to be resolved by 11:00 UTC.",
        {"eta": ETA_UNKNOWN},
        "error",
        "by 11:00 UTC",
    ),
    ("We expect the backlog cleared within the hour.", ETA, "warning", "within the hour"),
]


@pytest.mark.parametrize(
    ("text", "fields", "level", "words"),
    CONTRADICTIONS,
    ids=case_ids([c[0] for c in CONTRADICTIONS]),
)
def test_a_time_in_the_text_that_the_field_contradicts(
    text: str, fields: dict[str, object], level: str, words: str
) -> None:
    [finding] = [d for d in text_findings(text, **fields) if d.rule == "promise-mismatch"]
    assert finding.severity.value == level
    assert words in finding.message
    assert finding.path.endswith("0930Z-identified.md") and finding.line == 10


AGREEMENTS = [
    ("We will post the next update by 10:30 UTC.", {}),
    ("Next update in an hour.", {}),
    ("We will update you within the hour.", {}),
    ("We will post another update by 2:30am PT.", {}),
    ("We will post the next update by 10:30.", {}),
    ("We will post the next update by 10:30 pm.", {"next_in": 13 * 60}),
    ("The next update comes by 10:30 UTC, once the rollback is done.", {}),
    ("Since 08:52 UTC, events are queued; we will post the next update soon.", {}),
    ("We expect it fixed by 11:00 UTC and will post an update by 10:30 UTC.", ETA),
    ("We expect to restore the service in about 90 minutes.", ETA),
    ("We moved 30% of traffic at 09:10 UTC and saw errors drop.", ETA),
    ("The fix should be complete by 12:00 UTC.", {}),  # no eta: eta-in-text's concern
]


@pytest.mark.parametrize(("text", "fields"), AGREEMENTS, ids=case_ids([c[0] for c in AGREEMENTS]))
def test_a_time_in_the_text_that_agrees_or_promises_nothing(
    text: str, fields: dict[str, object]
) -> None:
    assert "promise-mismatch" not in {d.rule for d in text_findings(text, **fields)}


def test_a_closing_update_is_not_judged() -> None:
    findings = text_findings(
        "Everything works again. We will post a postmortem by 12:00 UTC.", status="resolved"
    )
    assert "promise-mismatch" not in {d.rule for d in findings}


def test_a_level_set_in_the_configuration_wins() -> None:
    from dataclasses import replace

    from test_lint_phrases import SETTINGS, lint, make_incident, make_update, opened

    update = make_update(30, "identified", "We will post the next update by 10:05 UTC.")
    settings = replace(SETTINGS, lint={"promise-mismatch": "warning"})
    [finding] = [
        d
        for d in lint(make_incident(opened(), update), settings=settings)
        if d.rule == "promise-mismatch"
    ]
    assert finding.severity.value == "warning"


def test_times_in_the_sites_zone() -> None:
    from dataclasses import replace

    from test_lint_phrases import SETTINGS, lint, make_incident, make_update, opened

    # 10:30 UTC is 11:30 in Berlin (CET in November)
    settings = replace(SETTINGS, timezone="Europe/Berlin")
    agrees = make_update(30, "identified", "We will post the next update by 11:30.")
    differs = make_update(30, "identified", "We will post the next update by 10:30.")
    assert "promise-mismatch" not in {
        d.rule for d in lint(make_incident(opened(), agrees), settings=settings)
    }
    [finding] = [
        d
        for d in lint(make_incident(opened(), differs), settings=settings)
        if d.rule == "promise-mismatch"
    ]
    assert "11:30\u202fAM CET" in finding.message
