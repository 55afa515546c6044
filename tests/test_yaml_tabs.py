"""A tab in YAML (front matter or mkdocs.yml) is named as the cause, on its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.model.source import TAB_HINT, split_front_matter

FRONT = (
    "---\ntitle: API errors\nat: 2026-11-20T14:05:00Z\ncomponents:\n  api: major_outage\n"
    "---\nText.\n"
)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (FRONT.replace("  api:", "\tapi:"), 5),
        (FRONT.replace("title: API", "title:\tAPI"), 2),
        (FRONT.replace("---\ntitle", "---\n\ttitle"), 2),
    ],
)
def test_a_tab_in_front_matter_is_named(text: str, line: int) -> None:
    raw, problems = split_front_matter("incidents/x/u.md", text)
    assert raw is None
    (problem,) = problems
    assert (problem.line, problem.rule, problem.hint) == (line, "yaml-syntax", TAB_HINT)
    assert "tab" in problem.hint


def test_other_syntax_errors_keep_their_own_hint() -> None:
    _, (problem,) = split_front_matter("u.md", FRONT.replace("title: API errors", "title: [x"))
    assert problem.rule == "yaml-syntax"
    assert problem.hint != TAB_HINT


@given(st.sampled_from(FRONT.split("---")[1].strip("\n").splitlines()), st.integers(0, 3))
def test_wherever_a_tab_breaks_the_front_matter_the_hint_says_tab(line: str, at: int) -> None:
    tabbed = line[:at] + "\t" + line[at:]
    raw, problems = split_front_matter("u.md", FRONT.replace(line, tabbed, 1))
    if raw is None:
        assert [p.hint for p in problems] == [TAB_HINT]


def test_a_tab_in_mkdocs_yml_is_named(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: S\nplugins:\n  - statuspress:\n\tcompany: X\n", encoding="utf-8")
    settings, (problem,) = load_settings(config)
    assert settings is None
    assert (problem.path, problem.line, problem.hint) == ("mkdocs.yml", 4, TAB_HINT)
