"""The text inside binary files a status site publishes: images and PDFs.

Anyone can read an image's metadata (PNG text chunks, JPEG comments, EXIF and XMP) or a
PDF's text with everyday tools, so the leak guard reads them too: every printable run of
the file (ASCII, UTF-16 or UTF-8), plus what is compressed inside it (PNG zTXt and iTXt
chunks, PDF streams). A file that cannot be read so (an unknown binary format, an encrypted
PDF, a PDF whose text is in glyph codes) is refused rather than published unscanned.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct

from ..model.contentfiles import ALLOWED, FILE_TYPES
from .readable import MAX_DECODED, Unscannable, inflated

_ASCII_RUN = re.compile(rb"[\x20-\x7e\t\n\r]{4,}")
_UTF16LE_RUN = re.compile(rb"(?:[\x20-\x7e]\x00){4,}")
_UTF16BE_RUN = re.compile(rb"(?:\x00[\x20-\x7e]){4,}")
_UTF8_RUN = re.compile(rb"(?:[\x20-\x7e\t\n\r]|[\xc2-\xf4][\x80-\xbf]{1,3}){4,}")


def binary_format(data: bytes) -> str | None:
    """The binary file type of the allowlist that `data` is ("png", "jpg", "pdf"...), if any."""
    kind = next((k for k in FILE_TYPES if k.is_binary and k.is_one(data)), None)
    return kind.suffixes[0].lstrip(".") if kind else None


def binary_text(data: bytes, strict: bool) -> str:
    """What a reader's tools show of a binary file. Unscannable for a format this module
    cannot read when `strict` (a contributor's file); else its printable runs only."""
    kind = binary_format(data)
    if kind is None and strict:
        raise Unscannable(
            f"it is a binary file of a kind the leak guard cannot read (the content folder may "
            f"hold {ALLOWED})"
        )
    texts = [printable_runs(data)]
    if kind == "png":
        texts += _png_texts(data)
    elif kind == "pdf":
        texts += _pdf_texts(data)
    return "\n".join(texts)


def printable_runs(data: bytes) -> str:
    """The file's readable strings, as `strings` shows them (ASCII, UTF-8, UTF-16)."""
    runs = [run.decode("utf-8", "replace") for run in _UTF8_RUN.findall(data)]
    runs += [run.decode("ascii") for run in _ASCII_RUN.findall(data)]
    runs += [run.decode("utf-16-le") for run in _UTF16LE_RUN.findall(data)]
    runs += [run.decode("utf-16-be") for run in _UTF16BE_RUN.findall(data)]
    return "\n".join(runs)


# --- PNG ---------------------------------------------------------------------------------------


def _png_texts(data: bytes) -> list[str]:
    """The text of tEXt, zTXt and iTXt chunks (compressed ones decompressed)."""
    texts: list[str] = []
    budget = MAX_DECODED
    at = 8
    while at + 8 <= len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        at += 12 + length
        if kind == b"zTXt":
            keyword, _, rest = body.partition(b"\0")
            text = inflated(rest[1:], budget)
            budget -= len(text)
            texts.append(f"{keyword.decode('latin-1')} {text.decode('latin-1')}")
        elif kind == b"iTXt":
            texts.append(_itxt(body, budget))
            budget -= len(texts[-1])
        elif kind == b"tEXt":
            texts.append(body.replace(b"\0", b" ").decode("latin-1"))
    return texts


def _itxt(body: bytes, budget: int) -> str:
    keyword, _, rest = body.partition(b"\0")
    compressed, rest = rest[:1] == b"\x01", rest[2:]
    language, _, rest = rest.partition(b"\0")
    translated, _, text = rest.partition(b"\0")
    if compressed:
        text = inflated(text, budget)
    parts = (keyword, language, translated, text)
    return " ".join(part.decode("utf-8", "replace") for part in parts)


# --- PDF ---------------------------------------------------------------------------------------

_STREAM = re.compile(rb"<<((?:[^<>]|<<[^<>]*>>|<[^<>]*>){0,4000})>>\s*stream\r?\n")
_END_STREAM = re.compile(rb"\r?\nendstream|endstream")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]{0,400}\]|/[A-Za-z0-9]+)")
_FILTER_NAME = re.compile(rb"/([A-Za-z0-9]+)")
_IMAGE_FILTERS = frozenset({b"DCTDecode", b"JPXDecode", b"CCITTFaxDecode", b"JBIG2Decode"})
_UNREADABLE_TEXT = re.compile(rb"/Encoding\s*/Identity-[HV]|/Subtype\s*/Type0|/Encrypt\b")
_LITERAL = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\)){0,100000}\)", re.DOTALL)
_LITERAL_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\n", b"t": b"\t", b"b": b"", b"f": b"", b"\n": b""}
_ARRAY = re.compile(rb"\[([^\[\]]{0,100000})\]\s*TJ")


def _pdf_texts(data: bytes) -> list[str]:
    """The PDF's strings: its metadata and the text shown on its pages, streams inflated.
    Unscannable when encrypted, when its text is glyph codes of embedded fonts (Type0,
    Identity encodings) or when a stream is compressed in a way this module cannot undo."""
    texts: list[str] = []
    budget = MAX_DECODED
    for part in _pdf_parts(data, budget):
        if _UNREADABLE_TEXT.search(part):
            raise Unscannable(
                "it is a PDF whose text the leak guard cannot read (encrypted, or written in "
                "glyph codes of embedded fonts): publish its content as text, or as a PDF "
                "exported with standard fonts"
            )
        budget -= len(part)
        texts.append(printable_runs(part))
        texts.append(_shown_text(part))
    return texts


def _pdf_parts(data: bytes, budget: int) -> list[bytes]:
    """The file itself, and each stream's data decoded."""
    parts = [data]
    for match in _STREAM.finditer(data):
        end = _END_STREAM.search(data, match.end())
        raw = data[match.end() : end.start() if end else len(data)]
        filters = _filters(match.group(1))
        if filters and filters[0] in _IMAGE_FILTERS:
            continue  # pixels; their printable runs are read with the file
        decoded = _decoded_stream(raw, filters, budget)
        budget -= len(decoded)
        parts.append(decoded)
    return parts


def _filters(dictionary: bytes) -> list[bytes]:
    found = _FILTER.search(dictionary)
    return _FILTER_NAME.findall(found.group(1)) if found else []


def _decoded_stream(raw: bytes, filters: list[bytes], budget: int) -> bytes:
    for name in filters:
        if name in (b"FlateDecode", b"Fl"):
            raw = inflated(raw, budget)
        elif name in (b"ASCIIHexDecode", b"AHx"):
            hexdigits = re.sub(rb"[^0-9A-Fa-f]", b"", raw.partition(b">")[0])
            raw = binascii.unhexlify(hexdigits + b"0" * (len(hexdigits) % 2))
        elif name in (b"ASCII85Decode", b"A85"):
            try:
                raw = base64.a85decode(raw.strip().removesuffix(b"~>") + b"~>", adobe=True)
            except ValueError as exc:
                raise Unscannable(f"it is a PDF with a damaged stream ({exc})") from None
        else:
            raise Unscannable(
                f"it is a PDF with a stream compressed as {name.decode('latin-1')}, which the "
                "leak guard cannot read: export it again with standard (Flate) compression"
            )
    return raw


def _shown_text(content: bytes) -> str:
    """The literal strings of a content stream, those of one TJ array joined as the page
    shows them (a word is often cut into pieces to kern it)."""
    shown = [b"".join(_literals(array)) for array in _ARRAY.findall(content)]
    shown += _literals(content)
    return "\n".join(text.decode("latin-1") for text in shown)


def _literals(content: bytes) -> list[bytes]:
    return [_LITERAL_ESCAPE.sub(_unescaped, found[1:-1]) for found in _LITERAL.findall(content)]


def _unescaped(match: re.Match[bytes]) -> bytes:
    escaped = match.group(1)
    if escaped[:1].isdigit():
        return bytes([int(escaped, 8) & 0xFF])
    return _ESCAPES.get(escaped, escaped)
