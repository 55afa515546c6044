"""What a file in the content folder may be called and what it may hold.

Every file but the updates is published as it is, on the site's own origin: a browser that
took one for a page would run its script as the site. So a file is published only when it
is of a type on the allowlist below, decided on its name *and* on its bytes, and only under
a name every host and file system reads the same way.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

Problem = tuple[str, str, str]  # rule, message, hint

SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
NAME_HINT = "use letters, digits, '.', '_' and '-' only, starting with a letter or a digit"
# Unicode "Cc" (C0, DEL, C1) and "Cf" (bidi overrides, zero-width characters), plus the
# line and paragraph separators: characters that hide or reorder what a name shows.
_HIDDEN_CATEGORIES = ("Cc", "Cf", "Zl", "Zp")


def printable(name: str) -> str:
    """`name` as it can be printed on one line: control characters written as escapes."""
    return "".join(c.encode("unicode_escape").decode("ascii") if _hidden(c) else c for c in name)


def _hidden(char: str) -> bool:
    return unicodedata.category(char) in _HIDDEN_CATEGORIES


# The hidden characters ASCII has (C0 and DEL): a plain name, the common case, is checked in C.
_ASCII_HIDDEN = re.compile(r"[\x00-\x1f\x7f]")


def _has_hidden(name: str) -> bool:
    if name.isascii():
        return _ASCII_HIDDEN.search(name) is not None
    return any(_hidden(c) for c in name)


def name_problem(name: str, what: str = "file") -> str | None:
    """Why `name` is not a name a file or folder of the content folder may have, or None.

    Control and invisible characters are refused, and so is a trailing dot or space, which
    Windows and some hosts drop (`evil.html.` is served as `evil.html`).
    """
    if _has_hidden(name):
        return f"the {what} name '{printable(name)}' holds a control or invisible character"
    if name.rstrip(". ") != name:
        return f"the {what} name '{printable(name)}' ends with a dot or a space"
    if not name.isascii() or name.startswith(" "):
        return f"the {what} name '{printable(name)}' is not plain ASCII"
    return None


def file_name_problem(name: str) -> Problem | None:
    """A published file's name: ASCII letters, digits, '.', '_' and '-', starting with a
    letter or digit; the rule `bad-file-name`."""
    problem = name_problem(name)
    if problem is None and SAFE_NAME.fullmatch(name) is None:
        problem = f"'{printable(name)}' is not a safe file name"
    if problem is None:
        return None
    return ("bad-file-name", problem, NAME_HINT)


@dataclass(frozen=True)
class FileType:
    """A passive file type: a browser shows it and runs nothing in it."""

    name: str
    suffixes: tuple[str, ...]
    is_one: Callable[[bytes], bool]

    @property
    def is_binary(self) -> bool:
        return self.is_one is not _text


def _starts_with(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(signatures)


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _avif(data: bytes) -> bool:
    return data[4:12] in (b"ftypavif", b"ftypavis")


def _text(data: bytes) -> bool:
    return text_problem(data) is None


FILE_TYPES = (
    FileType("PNG image", (".png",), _starts_with(b"\x89PNG\r\n\x1a\n")),
    FileType("JPEG image", (".jpg", ".jpeg"), _starts_with(b"\xff\xd8\xff")),
    FileType("GIF image", (".gif",), _starts_with(b"GIF87a", b"GIF89a")),
    FileType("WebP image", (".webp",), _webp),
    FileType("AVIF image", (".avif",), _avif),
    FileType("icon", (".ico",), _starts_with(b"\x00\x00\x01\x00")),
    FileType("PDF document", (".pdf",), _starts_with(b"%PDF-")),
    FileType("plain text file", (".txt",), _text),
    FileType("CSV table", (".csv",), _text),
)
BY_SUFFIX = {suffix: kind for kind in FILE_TYPES for suffix in kind.suffixes}
ALLOWED = ", ".join(f"{k.name} ({' '.join(k.suffixes)})" for k in FILE_TYPES)

# A tag or markup declaration: what makes a browser that sniffs a response's type (one
# served without a type, or opened from disk) take text for HTML or XML.
_MARKUP = re.compile(rb"<[A-Za-z!?/]")
# Bytes no text file holds: the sniffer takes a file with them for binary, a viewer may not.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_problem(data: bytes) -> tuple[int, str] | None:
    """(line, what) when `data` is not plain UTF-8 text without markup, else None."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1, "bytes that are not UTF-8 text"
    for pattern, what in ((_MARKUP, "markup"), (_CONTROL, "a control character")):
        found = pattern.search(data)
        if found is not None:
            line = data.count(b"\n", 0, found.start()) + 1
            return line, f"{what} ({printable(found.group().decode('latin-1'))}...)"
    return None


def suffix_of(name: str) -> str:
    """The last suffix, lower-cased: hosts pick the type by it, whatever its case."""
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def type_problem(name: str, data: bytes) -> tuple[int, Problem] | None:
    """(line, problem) when a file named `name` holding `data` may not be published."""
    kind = BY_SUFFIX.get(suffix_of(name))
    if kind is None:
        return 0, (
            "active-file",
            f"'{printable(name)}' is not a type of file the site publishes: a browser could run "
            "it as a page of the site",
            f"the content folder may hold {ALLOWED}; convert it (a diagram to PNG, a page to "
            "PDF), or set 'allow_raw_html: true' in mkdocs.yml if every contributor is trusted",
        )
    if kind.is_one(data):
        return None
    line, what = 0, f"its bytes are not a {kind.name}"
    found = None if kind.is_binary else text_problem(data)
    if found is not None:
        line, what = found[0], f"it holds {found[1]}"
    return line, (
        "file-content",
        f"'{printable(name)}' is named as a {kind.name}, but {what}: a browser could take it "
        "for something else, a page that runs script among others",
        f"save it as a real {kind.name}, or give it the suffix of what it is"
        + (" (text may not contain tags such as '<b>' or '<!--')" if found else ""),
    )
