"""The libyaml fast path for front matter reads exactly what the pure-Python parser reads."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.model import source

PIECES = [
    *"abXZ09 .,;:-_'\"#[]{}()/\\$^~=+<>|!?&*%@`é\n",
    ": ",
    "- ",
    "  ",
    " #",
    "|",
    ">-",
    "title",
    "at",
    "null",
    "~",
    "yes",
    "2026-11-20T10:00:00Z",
    "\u2028",
    "\t",
    "---",
    "...",
    "&a ",
    "*a",
    "!!str ",
    "? ",
]
FRONT_MATTER = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def read(text: str, fast: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(source, "_FAST_LOADER", None)
        raw, problems = source.split_front_matter("x.md", f"---\n{text}\n---\nbody\n")
    return (vars(raw) if raw else None), problems


@settings(max_examples=1500, deadline=None)
@given(text=FRONT_MATTER)
def test_fast_and_pure_python_parsers_agree(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert read(text, True, monkeypatch) == read(text, False, monkeypatch)


@pytest.mark.parametrize(
    "text",
    [
        "title: x\nat: 2026-11-20T10:00:00Z\nstatus: investigating\n"
        "components:\n  api: major_outage",
        'apology: "We\'re sorry: 12% of calls fail."\nlint: {ignore: [vague-scope]}',
        "action_items:\n  - what: Add an alert\n    owner: Platform team\n    due: 2026-12-01",
        "a: ~\nb:\nc: ''\nd: null",
        "internal: |\n  pager notes\n  more",
    ],
)
def test_ordinary_front_matter_takes_the_fast_path(text: str) -> None:
    assert source._fast_parser_agrees(text)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert read(text, True, monkeypatch) == read(text, False, monkeypatch)


@pytest.mark.parametrize("text", ["a: " + "[" * 3000, "- " * 3000 + "x", "a: |#x", "a:\tb"])
def test_deep_or_ambiguous_text_takes_the_pure_python_path(text: str) -> None:
    assert not source._fast_parser_agrees(text)
    raw, problems = source.split_front_matter("x.md", f"---\n{text}\n---\n")
    assert raw is None
    assert problems[0].rule.startswith("yaml")


@pytest.mark.parametrize("shape", ["standard", "settled"])
def test_every_benchmark_file_takes_the_fast_path(tmp_path: Path, shape: str) -> None:
    """Otherwise the benchmark would time the pure-Python parser on a shape unnoticed."""
    from benchmarks import corpus

    stories = corpus.generate(40, 7, corpus.SHAPES[shape])
    corpus.write_site(tmp_path, [*stories, corpus.new_incident()])
    files = sorted((tmp_path / "incidents").rglob("*.md"))
    assert any(f.name == "postmortem.md" for f in files)
    for file in files:
        front_matter = file.read_text(encoding="utf-8").split("---\n")[1]
        assert source._fast_parser_agrees(front_matter), file
