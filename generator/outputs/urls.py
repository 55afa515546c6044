"""Where a URL in a page leads, decided as a browser parses it (the WHATWG URL standard).

One decision for every URL a contributor writes: an image or other resource may load only
from the site itself (pages load nothing from third parties), a link may lead anywhere
through a safe scheme. A browser drops tabs and newlines inside a URL, trims control
characters and spaces at its ends, reads '\\' as '/' in web URLs and takes '//host' for
another site: a URL is judged on what the browser makes of it, never on how it is spelt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Schemes whose URLs have a host, and whose '\' a browser reads as '/'.
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp", "file"})
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_AND_NEWLINE = str.maketrans("", "", "\t\n\r")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# Percent-decoding rounds before a URL that still decodes to something else is refused:
# a host or proxy that decodes a path may do it more than once.
_DECODING_ROUNDS = 3

# Attributes whose URL the browser fetches by itself, without a click.
RESOURCE_ATTRIBUTES = frozenset(
    {
        "src",
        "srcset",
        "poster",
        "background",
        "data",
        "lowsrc",
        "dynsrc",
        "xlink:href",
        "ping",
        "manifest",
        "codebase",
        "archive",
        "icon",
        "action",
        "formaction",
        "imagesrcset",
    }
)
# Attributes whose URL is followed when the reader asks (a click).
LINK_ATTRIBUTES = frozenset({"href", "cite", "longdesc"})
URL_ATTRIBUTES = RESOURCE_ATTRIBUTES | LINK_ATTRIBUTES


@dataclass(frozen=True)
class Url:
    """A URL as a browser reads it: `text` cleaned as the parser cleans it."""

    text: str
    scheme: str | None  # lower-case; None for a URL relative to the page

    @property
    def off_site(self) -> bool:
        """Leads to another site: it has a scheme of its own, or starts '//host'."""
        return self.scheme is not None or self.text.startswith("//")

    @property
    def beside_the_page(self) -> bool:
        """A path relative to the page's folder, like 'timeline.png'."""
        return not self.off_site and not self.text.startswith(("/", "#", "?")) and bool(self.text)


def parse(value: str) -> Url:
    """`value` (an attribute's value, entities decoded) as a browser's URL parser reads it."""
    text = value.strip(_C0_AND_SPACE).translate(_TAB_AND_NEWLINE)
    found = _SCHEME.match(text)
    scheme = found.group(1).lower() if found else None
    if scheme is None or scheme in _SPECIAL_SCHEMES:
        text = text.replace("\\", "/")
    return Url(text, scheme)


def _spellings(value: str) -> list[Url]:
    """`value` as the browser reads it, then as a host that decodes percent-escapes would."""
    found = [parse(value)]
    for _ in range(_DECODING_ROUNDS):
        decoded = unquote(found[-1].text)
        if decoded == found[-1].text:
            return found
        found.append(parse(decoded))
    return [*found, Url("", "undecidable")]  # still decoding: refused, as off the site


def loads_from_site(value: str) -> bool:
    """True when a resource at `value` is fetched from the site itself, however spelt."""
    return not any(url.off_site for url in _spellings(value))


def safe_link(value: str) -> bool:
    """True when `value` may be a link: to the site, or to another through a safe scheme
    ('//host' takes the page's own, http or https)."""
    return all(url.scheme is None or url.scheme in SAFE_SCHEMES for url in _spellings(value))


_SRCSET_DESCRIPTOR = re.compile(r"[0-9.]+[wxh]")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` list ("a.png 1x, b.png 2x"): every word not a descriptor."""
    words = value.replace(",", " ").split()
    return [word for word in words if not _SRCSET_DESCRIPTOR.fullmatch(word)]


def allowed_url(attribute: str, value: str) -> str | None:
    """The value of a URL attribute as the page should carry it, or None to drop it.

    A resource must load from the site; a link must use a safe scheme. What is kept is
    written as the browser reads it, so what the page holds is what the browser follows.
    """
    name = attribute.lower()
    if name in ("srcset", "imagesrcset"):
        return value if all(loads_from_site(url) for url in srcset_urls(value)) else None
    if name in RESOURCE_ATTRIBUTES:
        return parse(value).text if loads_from_site(value) else None
    if name in LINK_ATTRIBUTES:
        return parse(value).text if safe_link(value) else None
    return value
