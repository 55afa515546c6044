"""The leak guard on the public text: what readers will see of each published incident (its
fields, rendered and as the feeds and API carry them, its file names), the files published
beside it, and the site's configuration, read before anything is rendered.

The loader runs it on every folder it loads, so `check`, `statuspress build`, `mkdocs build`
and `serve` refuse the same content with the same message; the build scans every output file
as well.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..configuration.configfile import read_config
from ..diagnostics import Diagnostic, error
from ..model.types import Incident, Postmortem, Settings, Update
from ..outputs.markdown import render_markdown
from .leakguard import (
    RULES,
    UNSCANNABLE_HINT,
    Hit,
    Scanner,
    blank_block,
    build_scanner,
    masked,
    readable_text_of,
    text_view,
)
from .readable import Unscannable, markup_view, plain

MarkdownRenderer = Callable[[str, bool], str]  # text, raw HTML allowed -> sanitized HTML

_TEXT_FIELDS = ("title", "eta", "apology", "cause", "workaround", "author")


@dataclass(frozen=True)
class Segment:
    """One piece of public text and where it is written."""

    path: str  # the content file, relative to the site root
    line: int
    text: str
    markdown: bool = False  # rendered from Markdown on pages and in feeds
    body: bool = False  # many lines, each found on its own line of the file


def incident_leaks(
    incident: Incident, root: Path, settings: Settings, markdown: MarkdownRenderer | None = None
) -> list[Diagnostic]:
    """Everything of `incident` a reader sees that the guard refuses; its files included.
    `markdown` renders its Markdown as the pages do (by default, `render_markdown`)."""
    scanner = build_scanner(settings)
    diagnostics: list[Diagnostic] = []
    for path, segments in _by_file(incident_segments(incident)):
        diagnostics += segment_leaks(
            scanner, path, segments, settings.allow_raw_html, markdown or render_markdown
        )
    for asset in incident.assets:
        diagnostics += file_leaks(scanner, root, f"{incident.path}/{asset}")
    return diagnostics


def incident_segments(incident: Incident) -> Iterator[Segment]:
    """The incident's public text, as the pages, feeds and API show it: the names of its
    folder and files are in their addresses."""
    yield Segment(incident.path, 0, incident.id)
    for asset in incident.assets:
        yield Segment(f"{incident.path}/{asset}", 0, asset)
    for update in incident.updates:
        yield from update_segments(update)
    if incident.postmortem is not None:
        yield from postmortem_segments(incident.postmortem)


_MARKDOWN_FIELDS = frozenset({"apology", "cause", "workaround"})


def update_segments(update: Update) -> Iterator[Segment]:
    yield Segment(update.path, 0, update.file)
    for key in _TEXT_FIELDS:
        value = getattr(update, key)
        if key in update.explicit and isinstance(value, str):
            yield Segment(update.path, update.line_of(key), value, key in _MARKDOWN_FIELDS)
    yield Segment(update.path, update.body_line, update.body, markdown=True, body=True)
    for text in update.translations:  # published on the language's pages: guarded alike
        yield Segment(text.path, 0, text.path.rpartition("/")[2])
        for key in text.explicit:
            value = getattr(text, key)
            if isinstance(value, str):
                yield Segment(text.path, text.line_of(key), value, key in _MARKDOWN_FIELDS)
        yield Segment(text.path, text.body_line, text.body, markdown=True, body=True)


def postmortem_segments(postmortem: Postmortem) -> Iterator[Segment]:
    path, lines = postmortem.path, postmortem.lines
    yield Segment(path, lines.get("title", 1), postmortem.title)
    if postmortem.summary:
        yield Segment(path, lines.get("summary", 1), postmortem.summary, markdown=True)
    for author in postmortem.authors:
        yield Segment(path, lines.get("authors", 1), author)
    for index, item in enumerate(postmortem.action_items):
        for key in ("what", "owner"):
            value = getattr(item, key)
            if value:
                yield Segment(path, lines.get(f"action_items.{index}.{key}", item.line), value)
    yield Segment(path, postmortem.body_line, postmortem.body, markdown=True, body=True)


def _by_file(segments: Iterable[Segment]) -> Iterator[tuple[str, list[Segment]]]:
    files: dict[str, list[Segment]] = {}
    for segment in segments:
        files.setdefault(segment.path, []).append(segment)
    yield from files.items()


def views(
    segment: Segment, allow_raw_html: bool, markdown: MarkdownRenderer = render_markdown
) -> tuple[str, str]:
    """The segment as each kind of output shows it: as written (the API, titles, the
    calendar) and as the pages and feeds show it (its Markdown rendered as they render it:
    raw HTML in a body only as the site allows; a short field always escaped)."""
    if not segment.text:
        return "", ""
    written = text_view(segment.text)
    if not segment.markdown:
        return written, written
    html = markdown(segment.text, allow_raw_html and segment.body)
    return written, plain(markup_view(html))


def segment_leaks(
    scanner: Scanner,
    path: str,
    segments: list[Segment],
    allow_raw_html: bool,
    markdown: MarkdownRenderer = render_markdown,
) -> list[Diagnostic]:
    """What the guard finds in the segments of one file: each piece on its own, then all of
    them run together (a page sets one field right after another)."""
    found: dict[Hit, int] = {}
    seen = []
    for segment in segments:
        written, rendered = shown = views(segment, allow_raw_html, markdown)
        seen.append(shown)
        lines = _Lines(segment, written)
        for hit, start in scanner.matches(written):
            if hit not in found:
                found[hit] = lines.at(start)
        if rendered != written:
            for hit, _ in scanner.matches(rendered):
                if hit not in found:
                    found[hit] = lines.holding(hit)
    first_line = next((s.line for s in segments if s.line), 0)
    for kind in (0, 1):
        together = " ".join(shown[kind] for shown in seen if shown[kind])
        for hit, _ in scanner.matches(together):
            found.setdefault(hit, first_line)
    return [leak_diagnostic(scanner, path, line, hit) for hit, line in found.items()]


class _Lines:
    """The line of a segment's file a hit is on: for a body, the line of its offset in the
    text as written, or, for a hit only the rendered text shows (emphasis split it), the
    first line that holds it once Markdown's marks are gone. That search reads the whole
    body, so it is made for a bounded number of hits; later ones get the body's first line."""

    SEARCHES = 20

    def __init__(self, segment: Segment, written: str) -> None:
        self.segment = segment
        self.newlines = [m.start() for m in _NEWLINE.finditer(written)] if segment.body else []
        self.searches = self.SEARCHES

    def at(self, start: int) -> int:
        if not self.segment.body:
            return self.segment.line
        return self.segment.line + bisect.bisect(self.newlines, start)

    def holding(self, hit: Hit) -> int:
        if not self.segment.body or self.searches <= 0:
            return self.segment.line
        self.searches -= 1
        wanted = _squeezed(hit.text)
        for offset, line in enumerate(self.segment.text.split("\n")):
            if wanted in _squeezed(text_view(line)):
                return self.segment.line + offset
        return self.segment.line


_NEWLINE = re.compile("\n")
_MARKUP_CHARS = re.compile(r"[*`_~\s]+")


def _squeezed(text: str) -> str:
    """Without Markdown's emphasis and code marks and spaces: a hit read from the rendered
    text, found on the line that wrote it."""
    return _MARKUP_CHARS.sub("", text)


def file_leaks(
    scanner: Scanner, root: Path, relative: str, strict: bool = True
) -> list[Diagnostic]:
    """What the guard finds in a contributor's file published as it is (an attachment, a
    loose file beside the folders); refused outright when it cannot be read."""
    path = root / relative
    try:
        data = path.read_bytes()
    except OSError:
        return []  # reported by the loader, which read it first
    try:
        text = readable_text_of(data, path.name, strict=strict)
    except Unscannable as problem:
        return [unscannable_diagnostic(relative, problem.reason)]
    found = _hits_by_line(scanner, text)
    return [leak_diagnostic(scanner, relative, line, hit) for hit, line in found.items()]


def _hits_by_line(scanner: Scanner, text: str) -> dict[Hit, int]:
    """Each distinct hit in `text` and the line of its first match."""
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    found: dict[Hit, int] = {}
    for hit, start in scanner.matches(text):
        if hit not in found:
            found[hit] = bisect.bisect(newlines, start) + 1
    return found


def unscannable_diagnostic(path: str, reason: str) -> Diagnostic:
    return error(
        path, 0, "unscannable", f"the leak guard cannot read this file: {reason}", UNSCANNABLE_HINT
    )


def leak_diagnostic(scanner: Scanner, path: str, line: int, hit: Hit) -> Diagnostic:
    found_by = scanner.rule(hit.group)
    rule, hint = RULES[found_by.kind]
    shown = masked(hit.text) if found_by.kind == "secret" else hit.text
    message = f"{found_by.label} would be published in the public text: '{shown}'"
    return error(path, line, rule, message, hint)


def config_leaks(config_path: Path, settings: Settings) -> list[Diagnostic]:
    """What the guard finds in the configuration, whose values the pages show (the site's
    name, its components); the lists of what is forbidden and comments aside."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []  # the configuration's loader reports it
    text = blank_block(blank_block(text, "private_emails"), "forbidden_patterns")
    text = _COMMENT_LINE.sub("", text)
    scanner = build_scanner(settings)
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    return [
        leak_diagnostic(scanner, config_path.name, _config_line(text, hit, line, newlines), hit)
        for hit, line in _hits_by_line(scanner, text_view(text)).items()
    ]


def theme_leaks(config_path: Path, settings: Settings) -> list[Diagnostic]:
    """What the guard finds in the site's own theme files (`theme: custom_dir:`), which the
    pages are made of: their text is published as the pages' text."""
    config, _ = read_config(config_path)
    theme = config.get("theme") if isinstance(config, dict) else None
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if not isinstance(custom, str):
        return []
    root = config_path.parent
    folder = (root / custom).resolve()
    if not folder.is_relative_to(root.resolve()):
        return []  # outside the site: not the content's to vouch for; the build scans it
    root = root.resolve()
    scanner = build_scanner(settings)
    diagnostics = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        relative = path.relative_to(root).as_posix()
        diagnostics += file_leaks(scanner, root, relative, strict=False)
    return diagnostics


_COMMENT_LINE = re.compile(r"^[ \t]*#.*$", re.MULTILINE)


def _config_line(text: str, hit: Hit, guess: int, newlines: list[int]) -> int:
    """The line of the configuration holding the hit as written, when it is written so."""
    at = text.find(hit.text)
    return bisect.bisect(newlines, at) + 1 if at >= 0 else guess
