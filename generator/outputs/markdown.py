"""Markdown to safe HTML: rendered once per text, sanitized so no update can inject script."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from functools import lru_cache, partial
from html import unescape
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import markdown as md
import nh3
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor

from .. import __version__
from . import urls

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "details",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "time": {"datetime"},
    "*": {"id"},
}
URL_SCHEMES = set(urls.SAFE_SCHEMES)
LINK_REL = "noopener noreferrer nofollow"
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty"]
RENDERER_REVISION = 5  # raise when this module's rendering changes in a way not listed below
# Cached HTML is valid only for the renderer that produced it: these versions and settings,
# and this module's own code (so a changed sanitizer never publishes what the old one passed).
FINGERPRINT = hashlib.sha256(
    repr(
        (
            RENDERER_REVISION,
            __version__,
            hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
            version("markdown"),
            version("nh3"),
            EXTENSIONS,
            sorted(ALLOWED_TAGS),
            sorted((k, sorted(v)) for k, v in ALLOWED_ATTRIBUTES.items()),
            sorted(URL_SCHEMES),
            LINK_REL,
        )
    ).encode()
).hexdigest()


def render_markdown(text: str, allow_raw_html: bool = False) -> str:
    """Markdown -> HTML; raw HTML is escaped unless the site owner allows it, then sanitized."""
    return _render_memoized(text, allow_raw_html)


class Memo(Protocol):
    """Where a build keeps rendered HTML by `text_key` (`incremental.memo`), across builds.
    A forked helper process fills its own copy, and sends back what it added."""

    def get(self, key: bytes) -> Any: ...

    def put(self, key: bytes, value: Any) -> None: ...

    def watermark(self) -> int: ...

    def added_since(self, mark: int) -> dict[bytes, Any]: ...

    def take(self, additions: Mapping[bytes, Any]) -> None: ...


class Markdown:
    """`render_markdown` for one build: with a `memo`, each text is rendered once across
    builds (what it returns is the same either way). Pages, feeds and the leak guard's view
    of the public text are given one."""

    def __init__(self, memo: Memo | None = None) -> None:
        self.memo = memo

    def __call__(self, text: str, allow_raw_html: bool = False) -> str:
        memo = self.memo
        if memo is None:
            return _render_memoized(text, allow_raw_html)
        key = text_key(text, allow_raw_html)
        html = memo.get(key)
        if html is None:
            html = _render(text, allow_raw_html)
            memo.put(key, html)
        return html

    def inline(self, text: str) -> str:
        """One short field (apology, cause, workaround) as inline HTML without the <p>."""
        return _unwrapped(self(text))


def text_key(text: str, allow_raw_html: bool) -> bytes:
    """16 bytes that change when the text or the raw-HTML switch changes."""
    digest = hashlib.blake2b(
        text.encode("utf-8", "surrogatepass"),
        digest_size=16,
        person=b"sp-md-raw" if allow_raw_html else b"sp-md",
    )
    return digest.digest()


@lru_cache(maxsize=65536)
def _render_memoized(text: str, allow_raw_html: bool) -> str:
    return _render(text, allow_raw_html)


def _render(text: str, allow_raw_html: bool) -> str:
    html = _plain_paragraphs(text)
    if html is not None and "<h1>" not in html:
        return html  # the sanitizer would give it back unchanged (property-tested)
    if html is None:
        html = _converter(allow_raw_html).reset().convert(text)
    return sanitize(html)


# Most updates are a few paragraphs of plain sentences, and postmortems add "## headings".
# For those, the sanitized HTML of Python-Markdown is known in advance (<p> or <hN> per block,
# "We're" with a typographic apostrophe), and writing it directly is ten times faster; it
# holds no markup but those tags, and no character the sanitizer escapes, so only an <h1>
# (a tag it removes) still goes through it. Anything that could be other Markdown syntax, a
# typographic substitution or an entity takes the full converter.
_PLAIN_CHARS = re.compile(r"[A-Za-z0-9 ,.;:%()/?!@$+'-]+")
_NOT_PLAIN = re.compile(
    r"--|\.\.|'(?![A-Za-z])|(?<![A-Za-z])'|^[-+*>=| \t]|^#(?!#{0,5} [^ #])|^\d+[.)]| $",
    re.MULTILINE,
)
_HEADING = re.compile(r"(#{1,6}) (.+)")


def _plain_paragraphs(text: str) -> str | None:
    """The converter's sanitized HTML for plain paragraphs and headings, or None."""
    if _NOT_PLAIN.search(text):
        return None
    html = []
    for block in _blocks(text):
        if any(not _plain_line(line) for line in block):
            return None
        heading = _HEADING.fullmatch(block[0])
        if len(block) > 1 and any(line.startswith("#") for line in block):
            return None
        if heading:
            level = len(heading.group(1))
            html.append(f"<h{level}>{heading.group(2)}</h{level}>")
        else:
            html.append("<p>" + "\n".join(block) + "</p>")
    return "\n".join(html).replace("'", "\u2019")  # smarty's &rsquo;, as sanitized


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in text.split("\n"):
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _plain_line(line: str) -> bool:
    heading = _HEADING.fullmatch(line)
    content = heading.group(2) if heading else line
    if content.isascii():
        return _PLAIN_CHARS.fullmatch(content) is not None
    return _plain_unicode(content)


def _plain_unicode(line: str) -> bool:
    ascii_part = "".join(c for c in line if c.isascii())
    return (
        line.isprintable()
        and not any(c.isspace() and c != " " for c in line)
        and (not ascii_part or _PLAIN_CHARS.fullmatch(ascii_part) is not None)
    )


_converters = threading.local()


def _converter(allow_raw_html: bool) -> md.Markdown:
    """One converter per thread and mode, reset between texts: building one costs more than
    converting a short update."""
    found: dict[bool, md.Markdown] = _converters.__dict__.setdefault("by_mode", {})
    if allow_raw_html not in found:
        converter = md.Markdown(extensions=EXTENSIONS, output_format="html")
        if not allow_raw_html:
            converter.preprocessors.deregister("html_block")
            converter.inlinePatterns.deregister("html")
        for processor in converter.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = partial(_link_text, processor)  # type: ignore[method-assign]
            if isinstance(processor, InlineProcessor):
                _look_within_window(processor)
        found[allow_raw_html] = converter
    return found[allow_raw_html]


# Python-Markdown's link, image and code span processors scan from an opening `[` or `` ` ``
# to the end of the paragraph for the closing one: a paragraph of unclosed openers takes time
# quadratic in its length (minutes for a few dozen kilobytes). Each now sees only the next
# INLINE_WINDOW characters, so a link or code span longer than that stays text.
INLINE_WINDOW = 2_000
_LOOKBEHIND = 16  # more than the longest lookbehind of the inline patterns


def _link_text(processor: LinkInlineProcessor, data: str, index: int) -> tuple[str, int, bool]:
    """LinkInlineProcessor.getText, scanning only up to the closing `]`: Python-Markdown's
    own finds the closing bracket of every position of the text at each call."""
    depth = 1
    for position in range(index, len(data)):
        char = data[position]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if not depth:
                return data[index:position], position + 1, True
    return data[index:], len(data), False


def _look_within_window(processor: InlineProcessor) -> None:
    original = processor.handleMatch
    pattern = processor.compiled_re

    def handle_match(match: re.Match[str], data: str) -> Any:
        start = match.start(0)
        if len(data) - start <= INLINE_WINDOW or match.end(0) - start > INLINE_WINDOW:
            return original(match, data)
        offset = max(0, start - _LOOKBEHIND)
        window = data[offset : start + INLINE_WINDOW]
        local = pattern.match(window, start - offset)
        if local is None or local.end(0) != match.end(0) - offset:
            return original(match, data)
        element, begin, end = original(local, window)
        return (
            element,
            None if begin is None else begin + offset,
            None if end is None else end + offset,
        )

    # The stubs type handleMatch as the class's method; an instance's own bounded one replaces it.
    processor.handleMatch = handle_match  # type: ignore[method-assign,assignment]


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_allowed_url,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def _allowed_url(element: str, attribute: str, value: str) -> str | None:
    """Images and other resources come from the site, never from another (no tracking pixel
    in a contributed update); links lead anywhere through a safe scheme. See urls.py."""
    return urls.allowed_url(attribute, value)


_URL_ATTRIBUTE = re.compile(r'(?P<attr>\b(?:src|href)=")(?P<value>[^"]*)"')


def rebase_relative_urls(html: str, prefix: str) -> str:
    """Prefix relative links and images, for Markdown shown one folder below its source."""

    def rebased(match: re.Match[str]) -> str:
        if not urls.parse(unescape(match["value"])).beside_the_page:
            return match[0]
        return f'{match["attr"]}{prefix}{match["value"]}"'

    return _URL_ATTRIBUTE.sub(rebased, html)


def render_inline(text: str) -> str:
    """One short field (apology, cause, workaround) as inline HTML without the <p>."""
    return _unwrapped(render_markdown(text))


def _unwrapped(html: str) -> str:
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
