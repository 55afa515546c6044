"""Regular expressions written by the site's owner (`forbidden_patterns`), run by RE2.

Python's `re` backtracks: a pattern such as `(a+)+$` takes time exponential in the text it
scans, and the leak guard scans every published file. RE2 runs in time linear in the text
for every pattern it accepts; the price is that it refuses backreferences and lookaround,
which `check` reports at the pattern's line in mkdocs.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import re2

MAX_PATTERN_CHARS = 1_000
MAX_PROGRAM_BYTES = 8 << 20  # RE2's memory for one compiled pattern (its default)


class PatternProblem(ValueError):
    """A pattern RE2 cannot run; the message says why."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the error is reported as a diagnostic, not on stderr
    options.max_mem = MAX_PROGRAM_BYTES
    return options


_OPTIONS = _options()


_SURROGATE = re.compile("[\ud800-\udfff]")


class UserPattern:
    """A pattern compiled by RE2, searched as `re` would search it."""

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled

    def finditer(self, text: str) -> Iterator[Any]:
        return self._compiled.finditer(_encodable(text))

    def search(self, text: str) -> Any:
        return self._compiled.search(_encodable(text))


def _encodable(text: str) -> str:
    """RE2 searches UTF-8, which cannot hold a lone surrogate (decoded from a JSON escape):
    each becomes U+FFFD, one character for one, so positions stay the same."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


@lru_cache(maxsize=256)
def compile_user_pattern(pattern: str) -> UserPattern:
    """The compiled pattern, or PatternProblem saying why RE2 cannot run it."""
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PatternProblem(
            f"{len(pattern):,} characters long, over the limit of {MAX_PATTERN_CHARS:,}"
        )
    try:
        return UserPattern(re2.compile(pattern, _OPTIONS))
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        raise PatternProblem(f"not a regular expression RE2 accepts ({detail})") from None
