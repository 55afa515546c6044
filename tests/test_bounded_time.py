"""Every stage takes time in proportion to its input, or refuses it with a clear error:
Markdown shapes that are quadratic in Python-Markdown, and the owner's forbidden_patterns."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_files
from statuspress.cli import main
from statuspress.configuration.userregex import (
    MAX_PATTERN_CHARS,
    PatternProblem,
    compile_user_pattern,
)
from statuspress.model import Settings
from statuspress.model.limits import (
    MAX_CHARS,
    MAX_LINES,
    MAX_MARKUP,
    MAX_MARKUP_PER_BLOCK,
    MAX_NESTING,
    markdown_problem,
)
from statuspress.outputs.markdown import INLINE_WINDOW, _render
from statuspress.publishing.leakguard import scan_tree

NOW = "2026-11-22T10:00:00Z"
UPDATE = "incidents/2026-11-20-api-errors/20261120T1405Z-investigating.md"
FRONT = (
    "---\ntitle: API errors\nat: 2026-11-20T14:05:00Z\nstatus: investigating\nimpact: major\n---\n"
)
BODY_LINE = 7

# Shapes that took time quadratic (or worse) in their length, each as a function of a size.
SHAPES: dict[str, Callable[[int], str]] = {
    "emphasis-run": lambda n: "*a" * n,
    "strong-run": lambda n: "**a" * n,
    "unclosed-link-destinations": lambda n: "[a](" * n,
    "reference-links": lambda n: " ".join(f"[a{i}][r]" for i in range(n)) + "\n\n[r]: http://x\n",
    "short-references": lambda n: "".join(f"[l{i}]\n" for i in range(n)),
    "unclosed-code-spans": lambda n: "``a`" * n,
    "images": lambda n: "![a](b) " * n,
    "open-brackets": lambda n: "[" * n,
    "paragraphs-of-links": lambda n: "\n\n".join("[a](" * 50 for _ in range(n)),
    "paragraphs": lambda n: "\n\n".join("a" for _ in range(n)),
    "list-items": lambda n: "\n".join("- item" for _ in range(n)),
    "nested-lines": lambda n: "\n\n".join("> " * 4 + "- " * 4 + "a" for _ in range(n)),
    "indented-lists": lambda n: "\n".join("    " * (i % 9) + "- a" for i in range(n)),
    "table-rows": lambda n: "| a | b |\n|---|---|\n" + "| [x](y) | `y` |\n" * n,
}


def largest_accepted(shape: Callable[[int], str]) -> int:
    """The largest size of `shape` the limits accept."""
    low, high = 1, 100_000
    while low < high:
        middle = (low + high + 1) // 2
        if markdown_problem(shape(middle)) is None:
            low = middle
        else:
            high = middle - 1
    return low


def seconds(text: str) -> float:
    """The best of five renderings, in processor time: the least disturbed by other work on
    the machine (time spent waiting for the processor does not count)."""
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        _render(text, False)
        best = min(best, time.process_time() - started)
    return best


# Quadratic within one paragraph, which holds at most MAX_MARKUP_PER_BLOCK markers: each
# unclosed opener is scanned to the end of the paragraph or of the window, whichever is
# nearer. Bounded in time (below), not linear.
WITHIN_ONE_PARAGRAPH = {
    "unclosed-link-destinations",
    "short-references",
    "unclosed-code-spans",
    "open-brackets",
}


@pytest.mark.parametrize("name", sorted(set(SHAPES) - WITHIN_ONE_PARAGRAPH))
def test_rendering_grows_linearly_up_to_the_limits(name: str) -> None:
    shape = SHAPES[name]
    large = largest_accepted(shape)
    small = large // 4
    assert small >= 10, f"the limits accept too little of {name}"
    ratio = seconds(shape(large)) / max(seconds(shape(small)), 1e-4)
    # Four times the input: about 4 when linear, 16 when quadratic; generous for noise.
    assert ratio < 10, f"{name}: 4x the input took {ratio:.1f}x the time"


@pytest.mark.parametrize("name", SHAPES)
def test_the_largest_accepted_text_renders_in_bounded_time(name: str) -> None:
    text = SHAPES[name](largest_accepted(SHAPES[name]))
    assert seconds(text) < 10


@pytest.mark.parametrize("name", SHAPES)
def test_a_pathological_text_over_the_limits_is_refused(name: str) -> None:
    text = SHAPES[name](largest_accepted(SHAPES[name]) * 4 + 4)
    assert markdown_problem(text) is not None


LIMITS = {
    "characters": ("a" * (MAX_CHARS + 1), 0, "characters long, over the limit of 100,000"),
    "lines": ("a\n" * (MAX_LINES + 1), MAX_LINES, "lines, over the limit of 5,000"),
    "markers-in-a-paragraph": (
        "Intro.\n\n" + "*a " * (MAX_MARKUP_PER_BLOCK + 1),
        2,
        "this paragraph has over 2,000 Markdown markers",
    ),
    "markers-in-all": (
        "\n\n".join(["[a] " * 1_000] * (MAX_MARKUP // 1_000 + 1)),
        20,
        "the text has over 10,000 Markdown markers",
    ),
    "nesting": ("Intro.\n" + "> " * (MAX_NESTING + 1) + "deep\n", 1, "nested 11 deep"),
    "indentation": ("- a\n" + " " * 4 * MAX_NESTING + "- b\n", 1, "nested 11 deep"),
}


@pytest.mark.parametrize("case", LIMITS)
def test_a_text_over_a_limit_is_an_error_at_its_line(tmp_path: Path, case: str) -> None:
    body, offset, message = LIMITS[case]
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, UPDATE: FRONT + body})
    for command in ("check", "build"):
        result = CliRunner().invoke(
            main, [command, "-f", str(tmp_path / "mkdocs.yml"), "--now", NOW]
        )
        assert result.exit_code == 1, result.output
        assert f"{UPDATE}:{BODY_LINE + offset}: error[markdown-limit]: " in result.output
        assert message in result.output


def test_a_long_field_value_is_refused_at_its_key(tmp_path: Path) -> None:
    front = FRONT.replace("impact: major\n", f"impact: major\ncause: '{'[a](' * 3000}'\n")
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, UPDATE: front + "Text.\n"})
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "mkdocs.yml"), "--now", NOW])
    assert f"{UPDATE}:6: error[markdown-limit]: this paragraph has over" in result.output


def test_code_blocks_do_not_count_against_the_markers() -> None:
    code = "```\n" + "*a[b](`\n" * 3_000 + "```\n"
    assert markdown_problem(code) is None


def test_links_and_code_spans_within_the_window_still_render() -> None:
    url = "https://status.example/" + "a" * (INLINE_WINDOW - 100)
    assert f'<a href="{url}"' in _render("x " * 2_000 + f"[long link]({url}) and `code`", False)
    assert "<code>" + "b" * 1_500 + "</code>" in _render("y " * 2_000 + f"`{'b' * 1_500}`", False)


def test_a_link_longer_than_the_window_stays_text() -> None:
    url = "https://status.example/" + "a" * (INLINE_WINDOW + 100)
    html = _render("x " * 2_000 + f"[too long]({url})", False)
    assert "<a " not in html and "[too long](" in html


# --- forbidden_patterns ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("(?<=secret)x", "invalid perl operator: (?<="),
        ("(ab)\\1", "invalid escape sequence: \\1"),
        ("(?=x)", "invalid perl operator: (?="),
        ("[unclosed", "missing ]: [unclosed"),
        ("a" * (MAX_PATTERN_CHARS + 1), "1,001 characters long, over the limit of 1,000"),
    ],
)
def test_a_pattern_re2_cannot_run_is_an_error_at_its_line(
    tmp_path: Path, pattern: str, reason: str
) -> None:
    config = MINIMAL_CONFIG + f"      forbidden_patterns:\n        - 'ok'\n        - '{pattern}'\n"
    write_files(tmp_path, {"mkdocs.yml": config, UPDATE: FRONT + "Text.\n"})
    line = config.count("\n")
    for command in ("check", "build"):
        result = CliRunner().invoke(
            main, [command, "-f", str(tmp_path / "mkdocs.yml"), "--now", NOW]
        )
        assert result.exit_code == 1, result.output
        assert f"mkdocs.yml:{line}: error[config-option]: option 'forbidden_patterns': " in (
            result.output
        )
        assert reason in result.output
        assert "RE2 syntax" in result.output


CATASTROPHIC = ["(a+)+$", "(a|aa)+$", "(a*)*b", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_scans_in_linear_time(tmp_path: Path, pattern: str) -> None:
    compiled = compile_user_pattern(pattern)

    def scan_seconds(size: int) -> float:
        text = "a" * size + "!" + "x" * size
        started = time.process_time()
        list(compiled.finditer(text))
        return time.process_time() - started

    # Texts larger than the processor's caches, so that both sizes run from memory.
    assert scan_seconds(4_000_000) < 5
    small = min(scan_seconds(1_000_000) for _ in range(3))
    large = min(scan_seconds(4_000_000) for _ in range(3))
    assert large / max(small, 1e-3) < 10  # 16 if quadratic


def test_the_leak_guard_finishes_on_a_catastrophic_pattern(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<p>" + "a" * 100_000 + "!</p><p>inc-1234</p>")
    settings = Settings(forbidden_patterns=("(a+)+$", r"inc-\d{4}"))
    started = time.perf_counter()
    found = scan_tree(site, tmp_path, settings)
    assert time.perf_counter() - started < 10
    assert [d.rule for d in found] == ["forbidden-pattern"]


def test_re2_keeps_the_meaning_of_ordinary_patterns() -> None:
    assert compile_user_pattern(r"(?i)secret-\w+").search("a SECRET-project").group() == (
        "SECRET-project"
    )
    assert compile_user_pattern(r"inc-\d{4}").search("é inc-1234").start() == 2
    text = "\ud800 inc-1234"  # a lone surrogate, decoded from a JSON escape
    assert [m.start() for m in compile_user_pattern(r"inc-\d{4}").finditer(text)] == [2]
    with pytest.raises(PatternProblem):
        compile_user_pattern(r"(?P=name)")
