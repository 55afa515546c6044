"""The linter measured on real incident communication (tests/corpus): the targets hold on
every part, no error-level rule raises a false alarm, and the lint rules reference shows the
numbers as they are."""

from __future__ import annotations

import pytest
from docs_pages import section
from statuspress.lint.rules import RULES

from tests.corpus import score

TEXT_PRECISION, TEXT_RECALL = 0.90, 0.80
TIMING_TARGET = 0.95


@pytest.fixture(scope="module")
def scores() -> dict[str, score.Score]:
    return score.score_all()


@pytest.mark.parametrize("part", list(score.PARTS))
def test_text_rules_reach_their_targets_on_every_part(
    scores: dict[str, score.Score], part: str
) -> None:
    total = scores[part].overall(score.TEXT_RULES)
    assert total.precision >= TEXT_PRECISION, scores[part].mistakes
    assert total.recall >= TEXT_RECALL, scores[part].mistakes


def test_timing_rules_reach_their_target(scores: dict[str, score.Score]) -> None:
    total = scores["timing"].overall(score.TIMING_RULES)
    assert total.precision >= TIMING_TARGET and total.recall >= TIMING_TARGET, scores[
        "timing"
    ].mistakes


def test_no_error_level_rule_raises_a_false_alarm(scores: dict[str, score.Score]) -> None:
    alarms = [alarm for result in scores.values() for alarm in result.error_false_positives]
    assert alarms == []


def test_the_corpus_is_real_and_labelled() -> None:
    """Every text names its source address and company; every label is a rule."""
    texts = [entry for path in score.PARTS.values() for entry in score.load(path)]
    assert len(texts) >= 200
    assert len({entry["company"] for entry in texts}) >= 20
    assert len({entry["id"] for entry in texts}) == len(texts)
    for entry in texts:
        assert entry["source"].startswith(("http://", "https://")), entry["id"]
        assert set(entry["expect"]) <= set(RULES), entry["id"]
        assert len(entry["text"].split()) <= 300, f"{entry['id']}: keep excerpts short"
    held_out = {e["company"] for p in ("holdout", "fresh") for e in score.load(score.PARTS[p])}
    tuned = {e["company"] for e in score.load(score.PARTS["texts"])}
    assert not held_out & tuned, "a held-out company must not be in the development part"
    passing = [entry for entry in texts if not entry["expect"]]
    assert len(passing) >= 50, "texts that should pass keep precision meaningful"


def test_the_scorer_can_fail() -> None:
    """A text labelled with a rule that cannot fire on it is counted as missed."""
    entry = {
        "id": "made-up",
        "company": "Acme",
        "source": "https://status.example.com/",
        "date": "2026-11-20",
        "kind": "update",
        "status": "identified",
        "text": "About 5% of API requests fail with HTTP 503 since 14:05 UTC.",
        "expect": ["vendor-blame"],
    }
    result = score.score_texts([entry])
    assert result.rules["vendor-blame"].fn == 1 and result.overall(score.TEXT_RULES).recall == 0


def test_the_reference_shows_the_measured_numbers(scores: dict[str, score.Score]) -> None:
    documented = section("reference/lint-rules.md", "Measured on real incident text")
    assert score.docs_table(scores) in documented, (
        "update the table: python -m tests.corpus.score --docs"
    )
