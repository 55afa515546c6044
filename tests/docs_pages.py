"""Reading the documentation site's pages (docs/pages/) as the tests that check them need."""

from __future__ import annotations

import re

from conftest import REPO
from markdown.extensions.toc import slugify

DOCS = REPO / "docs"
PAGES = DOCS / "pages"
HEADING = re.compile(r"^(#{1,6}) (.+?)\s*$")
FENCE = "```"


def page_text(page: str) -> str:
    return (PAGES / page).read_text(encoding="utf-8")


def headings(text: str) -> list[tuple[int, int, str]]:
    """(line index, level, title) of every heading outside fenced code."""
    found, fenced = [], False
    for index, line in enumerate(text.splitlines()):
        if line.lstrip().startswith(FENCE):
            fenced = not fenced
        match = None if fenced else HEADING.match(line)
        if match:
            found.append((index, len(match.group(1)), match.group(2)))
    return found


def sections(page: str) -> dict[str, str]:
    """Each heading's title -> its text, up to the next heading of the same or a higher level."""
    text = page_text(page)
    lines = text.splitlines()
    marks = headings(text)
    result = {}
    for position, (index, level, title) in enumerate(marks):
        end = next((i for i, lv, _ in marks[position + 1 :] if lv <= level), len(lines))
        result[title] = "\n".join(lines[index + 1 : end])
    return result


def section(page: str, title: str) -> str:
    found = sections(page)
    assert title in found, (
        f"docs/pages/{page} has no heading '{title}'; headings: {', '.join(found)}"
    )
    return found[title]


def anchor(title: str) -> str:
    """The id MkDocs gives a heading (its default toc slugify)."""
    return slugify(title, "-")


def first_cells(text: str) -> list[str]:
    """The first cell of every table row, header and rule rows left out."""
    lines = text.splitlines()
    rule = re.compile(r"^\|\s*:?-")
    cells = []
    for index, line in enumerate(lines):
        header = index + 1 < len(lines) and rule.match(lines[index + 1])
        if line.startswith("|") and not rule.match(line) and not header:
            cells.append(re.split(r"(?<!\\)\|", line)[1].strip())
    return cells
