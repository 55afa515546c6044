"""What a reader of a published file sees: its bytes decoded, its markup and escapes undone,
and the characters that change nothing on screen (typographic quotes, soft hyphens,
zero-width characters) made plain, so the leak guard matches what a person reads.

Every stage is linear in its input: no pattern here can scan ahead from one start to the
end of the text and then again from the next start.
"""

from __future__ import annotations

import gzip
import html
import io
import re
import unicodedata
import zlib
from urllib.parse import unquote

MAX_DECODED = 50_000_000  # bytes a file may grow to when decompressed, in all
MARKUP = (".html", ".htm", ".xml", ".atom", ".rss", ".svg")


class Unscannable(Exception):
    """A file the guard cannot read as a reader would: it must not be published."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- characters that change nothing a reader sees -----------------------------------------

_INVISIBLE = "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
_INVISIBLE += "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067"
_INVISIBLE += "\u2068\u2069\u206a\u206b\u206c\u206d\u206e\u206f\u3164\ufeff\uffa0"
_PLAIN = {
    **dict.fromkeys(_INVISIBLE, ""),
    **dict.fromkeys("“”„‟″‶«»〝〞＂", '"'),
    **dict.fromkeys("‘’‚‛′‵‹›`´＇", "'"),
    **dict.fromkeys("‐‑‒–—―−﹣－", "-"),
}
# Replacing each of these by a regex substitution is about 15 times faster on a page's text
# than str.translate: the scan is in C, and Python runs only for the few characters that
# change.
_PLAIN_CHARS = re.compile("[" + re.escape("".join(_PLAIN)) + "]")
_BACKSLASH = re.compile(r"\\(u[0-9a-fA-F]{4}|[^\sA-Za-z0-9]|[ntr])")
_CONTROL = {"n": "\n", "t": "\t", "r": "\n"}


def plain(text: str) -> str:
    """`text` as it looks: compatibility forms folded (full-width letters, ligatures, no-break
    spaces), typographic quotes and dashes made ASCII, invisible characters removed, and
    backslash escapes (JSON's `\\"`, Markdown's `\\_`) undone."""
    if not text.isascii():
        text = _plain_chars(unicodedata.normalize("NFKC", _plain_chars(text)))
    if "\\" in text:
        text = _BACKSLASH.sub(_unbackslashed, text)
    return text


def _plain_chars(text: str) -> str:
    return _PLAIN_CHARS.sub(_plain_char, text)


def _plain_char(match: re.Match[str]) -> str:
    return _PLAIN[match.group()]


def _unbackslashed(match: re.Match[str]) -> str:
    escaped = match.group(1)
    if escaped[0] == "u" and len(escaped) == 5:
        return _plain_chars(chr(int(escaped[1:], 16)))
    return _CONTROL.get(escaped, escaped)


# --- markup ----------------------------------------------------------------------------------

# `[^<>]`: a tag ends at the first `>` and a `<` starts the next try, so no start scans past
# the next bracket (with `[^>]`, 100 KB of "<" took 19 s).
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)?[^<>]*>")  # its one group: the name
_ATTRIBUTE = re.compile(r'="([^"<>]*)"')
# Inline elements: a reader sees their text run on with its neighbours ("AKIA<b>IOSF</b>…").
_INLINE = frozenset(
    {
        *("a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font"),
        *("i", "ins", "kbd", "mark", "q", "s", "samp", "small", "span", "strike", "strong"),
        *("sub", "sup", "time", "tt", "u", "var", "wbr"),
    }
)
_ENTITY = re.compile(r"&(?:#|[A-Za-z]+;?)")
_COMMON_ENTITIES = (
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#34;", '"'),
    ("&#39;", "'"),
    ("&#x27;", "'"),
)  # and "&amp;", decoded last


class _Separators(dict[str | None, str]):
    """What a tag of each name becomes; a name not seen before is looked up once."""

    def __missing__(self, name: str | None) -> str:
        separator = "" if name is not None and name.lower() in _INLINE else " "
        if len(self) < _NAMES_KEPT:
            self[name] = separator
        return separator


_NAMES_KEPT = 4096  # bounded, whatever names a file makes up
_SEPARATORS = _Separators()


def strip_tags(text: str) -> str:
    """The text between tags: block tags become a space (cells of a table are words apart),
    inline tags nothing (a word split by emphasis reads as one word)."""
    # Split at the tags, their names in between, each name replaced by what its tag becomes:
    # a page has thousands of tags, and this calls no Python function for each.
    parts = _TAG.split(text)
    parts[1::2] = map(_SEPARATORS.__getitem__, parts[1::2])
    return "".join(parts)


def markup_view(text: str) -> str:
    """The text of a markup file without its tags, then its attribute values (links hold
    addresses and tokens too). Up to three rounds of stripping tags and decoding one level of
    entities: feeds carry HTML escaped inside XML, and "&amp;#64;" is read as "@" too. A round's
    text that still holds "<" is kept as well: the next round would strip as a tag what a
    reader may see as text ("< AKIA…" in an escaped feed entry)."""
    attributes: list[str] = []
    views = []
    for _ in range(3):
        if "<" in text:
            attributes += _ATTRIBUTE.findall(text)
            text = strip_tags(text)
        if "&" not in text:
            break
        text = unescape(text)
        if "<" in text:
            views.append(text)
    values = unescape("\n".join(attributes))
    text = "\n".join([text, *views, values])
    return unquote(text) if "%" in text else text


def unescape(text: str) -> str:
    """One level of entities decoded, as html.unescape does; the entities templates write
    most often are replaced directly first (html.unescape calls back into Python for each).
    "&amp;" goes last and never with html.unescape after it: "&amp;lt;" is the text "&lt;",
    and decoding it twice would turn escaped text into markup."""
    if "&" not in text:
        return text
    for entity, char in _COMMON_ENTITIES:
        text = text.replace(entity, char)
    if _ENTITY.search(text.replace("&amp;", "")):
        return html.unescape(text)
    return text.replace("&amp;", "&")


# --- bytes to text ---------------------------------------------------------------------------

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Control bytes no text holds: all below 0x20 but tab, line feed, form feed, carriage return
# and escape.
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_TEXT_CONTROL_CHAR = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def decoded(data: bytes) -> str | None:
    """The text of `data` if it is text in any encoding an editor or shell writes (UTF-8,
    UTF-16 or UTF-32 with a byte order mark or without one, Latin-1 or Windows-1252);
    None for binary data (NUL or control bytes that no text holds)."""
    for bom, encoding in _BOMS:  # UTF-32's marks first: they begin with UTF-16's
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                continue  # "\xff\xfe\0\0" may be UTF-16 too, or damaged in places
    for bom, encoding in _BOMS:
        if data.startswith(bom) and "32" not in encoding:
            return data[len(bom) :].decode(encoding, errors="replace")
    sample = data[:4096]
    if 0 in sample:
        return _utf16(data, sample)
    if _BINARY_CONTROL.search(sample):
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace").replace("\ufffd", "")


def _utf16(data: bytes, sample: bytes) -> str | None:
    """UTF-16 without a byte order mark: its NUL bytes (the high half of each ASCII
    character) all on one side of each pair."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if max(even, odd) * 8 < len(sample) or min(even, odd) * 4 > max(even, odd):
        return None
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    text = data[: len(data) // 2 * 2].decode(encoding, errors="replace")
    if _TEXT_CONTROL_CHAR.search(text, 0, 2048):
        return None  # NUL bytes in pairs, but not text
    return text


def gunzipped(data: bytes, name: str) -> tuple[bytes, str]:
    """`data` with every layer of gzip removed (a `.gz` inside a `.gz` too); Unscannable past
    MAX_DECODED bytes or when a layer is damaged."""
    while data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
                data = stream.read(MAX_DECODED + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise Unscannable(f"its gzip data is damaged ({exc})") from None
        if len(data) > MAX_DECODED:
            raise Unscannable(f"it holds more than {MAX_DECODED:,} bytes once decompressed")
        name = name.removesuffix(".gz")
    return data, name


def inflated(data: bytes, limit: int) -> bytes:
    """zlib data decompressed, at most `limit` bytes; Unscannable when damaged or larger."""
    stream = zlib.decompressobj()
    try:
        out = stream.decompress(data, limit + 1)
    except zlib.error as exc:
        raise Unscannable(f"it holds damaged compressed data ({exc})") from None
    if len(out) > limit:
        raise Unscannable(f"it holds more than {MAX_DECODED:,} bytes once decompressed")
    return out
