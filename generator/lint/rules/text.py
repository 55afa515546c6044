"""Public text prepared for phrase rules: code and quotes blanked out, lines kept.

Phrase rules must not fire on a quoted customer message, an error code in backticks or a
code block, so those are replaced by spaces of the same length: every offset, and so every
line number, stays where it was in the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from ...model.types import Postmortem, Update
from .patterns import Phrase, words_of

TEXT_FIELDS = ("title", "apology", "cause", "workaround")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_QUOTE_LINE = re.compile(r"^ {0,3}>")
_MAY_HAVE_BLOCKS = re.compile(r"```|~~~|>|^(?: {4}|\t)", re.MULTILINE)
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])\s")
_CODE_SPAN = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_SENTENCE_END = re.compile(r"[.!?;:](?=\s)|\n\s*\n|\n\s*(?:[-*+]|\d+[.)])\s")


def blank(text: str) -> str:
    """Spaces for every character but line breaks."""
    return re.sub(r"[^\n]", " ", text)


@dataclass(frozen=True)
class Segment:
    """One piece of public text: a front-matter field or the body."""

    field: str
    original: str  # apostrophes normalised, otherwise as written
    cleaned: str  # the same length, with code, quotes and fences blanked
    line: int  # the file line of the key, or of the body's first line
    code_blocks: tuple[int, ...] = ()  # offsets where fenced or indented code starts
    without_code: str = ""  # the original with only code blocks blanked (quotes kept)

    @property
    def literal(self) -> str:
        """The text as readers see it, code spans and quotes included, code blocks blanked."""
        return self.without_code or self.original

    @cached_property
    def words(self) -> frozenset[str]:
        """The words of the cleaned text, for the phrase gates."""
        return words_of(self.cleaned)

    def line_at(self, offset: int) -> int:
        if self.field != "body":
            return self.line
        return self.line + self.original.count("\n", 0, offset)

    def sentences(self) -> Iterator[tuple[int, int]]:
        """(start, end) of each sentence, list item or paragraph of the cleaned text."""
        begin = 0
        for match in _SENTENCE_END.finditer(self.cleaned):
            if self.cleaned[begin : match.start()].strip():
                yield begin, match.start()
            begin = match.end()
        if self.cleaned[begin:].strip():
            yield begin, len(self.cleaned)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        """The bounds of the sentence (or list item, or paragraph) around [start, end)."""
        begin = 0
        for match in _SENTENCE_END.finditer(self.cleaned, 0, start):
            begin = match.end()
        after = _SENTENCE_END.search(self.cleaned, end)
        return begin, after.start() if after else len(self.cleaned)


@dataclass(frozen=True)
class Prose:
    segments: tuple[Segment, ...]

    @cached_property
    def words(self) -> frozenset[str]:
        """The words of every segment: a pattern none of them lets through is not run."""
        return frozenset().union(*(segment.words for segment in self.segments))

    def find(
        self,
        pattern: Phrase,
        fields: tuple[str, ...] | None = None,
    ) -> list[tuple[Segment, re.Match[str]]]:
        if not pattern.may_match(self.words):  # most phrases are in no update at all
            return []
        return [
            (segment, match)
            for segment in self.segments
            if (fields is None or segment.field in fields) and pattern.may_match(segment.words)
            for match in pattern.finditer(segment.cleaned)
        ]

    def first(
        self,
        pattern: Phrase,
        fields: tuple[str, ...] | None = None,
    ) -> tuple[Segment, re.Match[str]] | None:
        return next(iter(self.find(pattern, fields)), None)

    def has(self, pattern: Phrase, fields: tuple[str, ...] | None = None) -> bool:
        return self.first(pattern, fields) is not None

    def segment(self, name: str) -> Segment | None:
        return next((s for s in self.segments if s.field == name), None)


def update_prose(update: Update) -> Prose:
    segments = [
        _field_segment(key, value, update.line_of(key))
        for key in TEXT_FIELDS
        if isinstance(value := getattr(update, key), str)
        and value.strip()
        and (key != "title" or "title" in update.explicit)  # a carried title is judged once
    ]
    segments.append(body_segment(update.body, update.body_line))
    return Prose(tuple(segments))


def postmortem_prose(postmortem: Postmortem) -> Prose:
    """Everything a postmortem publishes: its summary, its body and its action items."""
    segments = []
    if postmortem.summary:
        segments.append(
            _field_segment("summary", postmortem.summary, postmortem.lines.get("summary", 1))
        )
    segments.append(body_segment(postmortem.body, postmortem.body_line))
    segments += [
        _field_segment("action_items", item.what, item.line)
        for item in postmortem.action_items
        if item.what.strip()
    ]
    return Prose(tuple(segments))


def _field_segment(name: str, value: str, line: int) -> Segment:
    original = value.translate(_QUOTES)
    return Segment(name, original, _blank_code_spans(original), line)


def body_segment(body: str, line: int) -> Segment:
    original = body.translate(_QUOTES)
    cleaned, without_code, blocks = _blank_blocks(original)
    return Segment("body", original, _blank_code_spans(cleaned), line, blocks, without_code)


def _blank_code_spans(text: str) -> str:
    if "`" not in text:
        return text
    return _CODE_SPAN.sub(lambda m: blank(m.group(0)), text)


def _blank_blocks(text: str) -> tuple[str, str, tuple[int, ...]]:
    """(code and quotes blanked, only code blanked, offsets where code blocks begin)."""
    if not _MAY_HAVE_BLOCKS.search(text):
        return text, text, ()  # plain paragraphs, the common case
    prose: list[str] = []
    literal: list[str] = []
    starts: list[int] = []
    state = _BlockState()
    offset = 0
    for line in text.split("\n"):
        kind, code_starts = state.step(line)
        if code_starts:
            starts.append(offset)
        prose.append(blank(line) if kind else line)
        literal.append(blank(line) if kind == "code" else line)
        offset += len(line) + 1
    return "\n".join(prose), "\n".join(literal), tuple(starts)


@dataclass
class _BlockState:
    """Markdown block context, line by line: open fence, indented code run, list, blank line."""

    fence: str = ""
    in_code: bool = False
    in_list: bool = False
    in_quote: bool = False  # a quote continues on the next lines until a blank line
    after_blank: bool = True

    def step(self, line: str) -> tuple[str, bool]:
        """(what the line is: "code", "quote" or "" for prose; a code block starts here)."""
        stripped = line.strip()
        if self.fence:
            if stripped.startswith(self.fence) and not stripped.strip(self.fence[0]):
                self.fence = ""
            return "code", False
        opened = _FENCE.match(line)
        if opened:
            self.fence, self.in_code, self.after_blank = opened.group(1), False, False
            return "code", True
        if not stripped:
            self.after_blank, self.in_quote = True, False
            return "", False
        indented = line.startswith(("    ", "\t")) and not self.in_list
        if indented and (self.after_blank or self.in_code):
            starts = not self.in_code
            self.in_code, self.after_blank = True, False
            return "code", starts
        if _LIST_ITEM.match(line):
            self.in_list = True
        elif self.after_blank and not line.startswith((" ", "\t")):
            self.in_list = False
        self.in_code, self.after_blank = False, False
        self.in_quote = self.in_quote or bool(_QUOTE_LINE.match(line))
        return "quote" if self.in_quote else "", False
