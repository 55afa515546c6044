"""Markdown to safe HTML: rendered once per text, sanitized so no update can inject script."""

from __future__ import annotations

import hashlib
import re
import threading
from contextlib import AbstractContextManager
from functools import lru_cache
from pathlib import Path

import markdown as md
import nh3

from . import __version__, cache

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
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty"]
RENDERER_REVISION = 3  # raise when this module's rendering changes in a way not listed below
# Cached HTML is valid only for the renderer that produced it: these versions and settings,
# and this module's own code (so a changed sanitizer never publishes what the old one passed).
FINGERPRINT = hashlib.sha256(
    repr(
        (
            RENDERER_REVISION,
            __version__,
            hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
            md.__version__,
            nh3.__version__,
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
    store = cache.active()
    if store is None:
        return _render_memoized(text, allow_raw_html)
    key = cache.cache_key(text, allow_raw_html)
    html = store.get(key)
    if html is None:
        html = _render(text, allow_raw_html)
        store.put(key, html)
    return html


def markdown_cache(directory: Path) -> AbstractContextManager[cache.RenderCache]:
    """Reuse rendered Markdown from `directory` (settings.cache_dir) in the block, then save."""
    return cache.opened(directory, FINGERPRINT)


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
        found[allow_raw_html] = converter
    return found[allow_raw_html]


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_local_images,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


_ABSOLUTE_URL = re.compile(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|[/\\]{2})")


def _local_images(element: str, attribute: str, value: str) -> str | None:
    """Images come from beside the incident, never from another site: pages load nothing
    from third parties (no tracking pixels in a contributed update)."""
    if element == "img" and attribute == "src" and _ABSOLUTE_URL.match(value):
        return None
    return value


_RELATIVE_URL = re.compile(r'(?P<attr>\b(?:src|href)=")(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#|\?)')


def rebase_relative_urls(html: str, prefix: str) -> str:
    """Prefix relative links and images, for Markdown shown one folder below its source."""
    return _RELATIVE_URL.sub(lambda match: match["attr"] + prefix, html)


def render_inline(text: str) -> str:
    """One short field (apology, cause, workaround) as inline HTML without the <p>."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
