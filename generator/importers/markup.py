"""The simple HTML status pages put in update bodies, as Markdown: never raw HTML in.

nh3 first keeps only the elements this converter knows (p, br, a, strong, em, ul, ol, li,
code) with safe link targets, and drops scripts and styles with their content; the converter
then writes each as Markdown and every other `<`, `>` and `&` as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

KEPT_TAGS = {"p", "br", "a", "strong", "b", "em", "i", "ul", "ol", "li", "code", "pre", "div"}
_MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_TEXT_SPECIALS = re.compile(r"[<>&]")
_ESCAPES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def to_markdown(body: str | None) -> str:
    """Plain text stays as it is; text with HTML in it is converted."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n")
    if not _MARKUP.search(text):
        return text.strip()
    clean = nh3.clean(
        text,
        tags=KEPT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    converter = _Converter()
    converter.feed(clean)
    converter.close()
    return converter.markdown()


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # one counter per open list; [0] for bullets
        self.link: str | None = None
        self.code = 0

    # blocks ---------------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("p", "div", "pre"):
            self._break(2)
        elif tag == "br":
            self.out.append("  \n" if not self.lists else "\n" + "   " * len(self.lists))
        elif tag in ("ul", "ol"):
            self._break(2 if not self.lists else 1)
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self._break(1)
            depth = max(len(self.lists) - 1, 0)
            counter = self.lists[-1] if self.lists else [0]
            marker = f"{counter[0]}." if counter[0] else "-"
            if counter[0]:
                counter[0] += 1
            self.out.append("   " * depth + marker + " ")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code":
            self.code += 1
            self.out.append("`")
        elif tag == "a":
            self.link = dict(attrs).get("href")
            if self.link:
                self.out.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "div", "pre"):
            self._break(2)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._break(2 if not self.lists else 1)
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag == "code":
            self.code = max(self.code - 1, 0)
            self.out.append("`")
        elif tag == "a" and self.link:
            self.out.append(f"]({self.link.replace(')', '%29').replace(' ', '%20')})")
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.code:
            self.out.append(data.replace("`", "'"))
            return
        text = re.sub(r"[ \t]*\n[ \t]*", "\n", data)
        self.out.append(_TEXT_SPECIALS.sub(lambda m: _ESCAPES[m.group()], text))

    def _break(self, newlines: int) -> None:
        written = "".join(self.out[-3:])
        have = len(written) - len(written.rstrip("\n"))
        if self.out and have < newlines:
            self.out.append("\n" * (newlines - have))

    def markdown(self) -> str:
        text = "".join(self.out)
        text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group().startswith("  ") else "\n", text)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip()
