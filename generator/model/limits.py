"""Bounds on a Markdown text, so that rendering it takes time in proportion to its length.

Python-Markdown's cost grows with the square of some shapes of input: thousands of links or
emphasis markers in one paragraph, thousands of blocks in one text, deeply nested lists and
quotes. Ordinary updates and postmortems stay far below these limits; text above them is
refused with the line to fix, before anything is rendered.
"""

from __future__ import annotations

import re

MAX_CHARS = 100_000  # a 15,000-word postmortem
MAX_LINES = 5_000
MAX_MARKUP_PER_BLOCK = 2_000  # inline markers in one paragraph, list or table
MAX_MARKUP = 10_000
MAX_NESTING = 10  # lists and quotes inside each other
INLINE_MARKERS = "[`*_<&"  # each may open a link, code span, emphasis, tag or entity
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_NESTING = re.compile(r"(?:[ \t]*(?:>|[-+*]|\d{1,9}[.)])(?=[ \t]|$))+")

Problem = tuple[int, str, str]  # line offset in the text (0-based), message, hint
_SPLIT_HINT = "split it into shorter paragraphs or several updates, or move data to a file"


def markdown_problem(text: str) -> Problem | None:
    """The first limit `text` goes over, with where; None when it can be rendered."""
    if len(text) > MAX_CHARS:
        return (
            0,
            f"the text is {len(text):,} characters long, over the limit of {MAX_CHARS:,}",
            "shorten it, or link to a longer document",
        )
    lines = text.split("\n")
    if len(lines) > MAX_LINES:
        return (
            MAX_LINES,
            f"the text has {len(lines):,} lines, over the limit of {MAX_LINES:,}",
            "shorten it, or link to a longer document",
        )
    return _block_problem(lines)


def _block_problem(lines: list[str]) -> Problem | None:
    fence: str | None = None
    block_start, block_markup, total = 0, 0, 0
    for number, line in enumerate(lines):
        opening = _FENCE.match(line)
        if fence is not None:  # code: rendered as it is, in linear time
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if not line.strip():
            block_start, block_markup = number + 1, 0
            continue
        markup = sum(map(line.count, INLINE_MARKERS))
        block_markup += markup
        total += markup
        if block_markup > MAX_MARKUP_PER_BLOCK:
            return (
                block_start,
                f"this paragraph has over {MAX_MARKUP_PER_BLOCK:,} Markdown markers "
                f"({', '.join(INLINE_MARKERS)})",
                _SPLIT_HINT,
            )
        if total > MAX_MARKUP:
            return (number, f"the text has over {MAX_MARKUP:,} Markdown markers", _SPLIT_HINT)
        depth = _nesting(line)
        if depth > MAX_NESTING:
            return (
                number,
                f"lists and quotes are nested {depth} deep, over the limit of {MAX_NESTING}",
                "flatten the nesting",
            )
    return None


def _nesting(line: str) -> int:
    """How deep a line sits in lists and quotes: its markers, and its indentation in steps of
    four columns (a tab counts as four)."""
    expanded = line.expandtabs(4)
    indent = len(expanded) - len(expanded.lstrip(" "))
    prefix = _NESTING.match(expanded)
    markers = 0
    if prefix:
        markers = sum(1 for c in prefix.group() if c in ">-+*.)")
    return indent // 4 + markers
