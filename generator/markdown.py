"""Markdown to safe HTML: rendered once per text, sanitized so no update can inject script."""

from __future__ import annotations

from functools import lru_cache

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
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
EXTENSIONS = ["tables", "fenced_code", "sane_lists", "smarty"]


@lru_cache(maxsize=65536)
def render_markdown(text: str, allow_raw_html: bool = False) -> str:
    """Markdown -> HTML; raw HTML is escaped unless the site owner allows it, then sanitized."""
    converter = md.Markdown(extensions=EXTENSIONS, output_format="html")
    if not allow_raw_html:
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
    html = converter.convert(text)
    return sanitize(html)


def sanitize(html: str) -> str:
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def render_inline(text: str) -> str:
    """One short field (apology, cause, workaround) as inline HTML without the <p>."""
    html = render_markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        return html[3:-4]
    return html
