"""The build's memos of work done by content hash: rendered Markdown and parsed front matter.

Rendering Markdown and parsing YAML are most of the work of loading a folder, and a history
changes by a few files between two builds. `markdown.cache` holds the sanitized HTML of each
text, exactly as the renderer returns it, under a hash of the text (and of whether raw HTML
was allowed), stamped with the renderer's fingerprint, so a new Markdown or sanitizer version,
or new sanitizer settings, start from an empty memo. `sources.cache` holds the parser's
result for each content file that parsed without a problem (so every diagnostic is produced
afresh), under a hash of its path and text. Both are sealed stores (`store`): a file that
does not verify is ignored with a warning.

A build opens both with `BuildMemos.opened` and hands them to what uses them: the Markdown
memo to the renderer (`outputs.markdown.Markdown`), the front matter memo to the loader (its
`parse` in place of `split_front_matter`). Nothing here is reached through a global.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..model.source import RawFile, split_front_matter
from .cachekey import CacheFolder
from .store import JsonStore, TextStore

MARKDOWN_FILE = "markdown.cache"
MARKDOWN_MAGIC = b"statuspress-markdown-cache 2\n"
SOURCES_FILE = "sources.cache"
SOURCES_MAGIC = b"statuspress-front-matter-cache 3\n"


def markdown_memo(cache: CacheFolder, fingerprint: str) -> TextStore:
    """The Markdown memo in the cache folder, for the renderer with this `fingerprint`."""
    return TextStore(cache.path / MARKDOWN_FILE, fingerprint, MARKDOWN_MAGIC, cache.key)


class FrontMatterMemo:
    """`split_front_matter`, or its stored result when this exact file parsed cleanly before."""

    def __init__(self, store: TextStore) -> None:
        self.store = store

    def parse(self, path: str, text: str) -> tuple[RawFile | None, list[Any]]:
        key = _source_key(path, text)
        stored = self.store.get(key)
        rebuilt = _rebuild(path, text, stored) if stored is not None else None
        if rebuilt is not None:
            return rebuilt, []
        parsed, problems = split_front_matter(path, text)
        if parsed is not None and not problems:
            self.store.put(
                key,
                {
                    f.name: getattr(parsed, f.name)
                    for f in fields(parsed)
                    if f.name not in _FROM_THE_FILE
                },
            )
        return parsed, problems


def sources_memo(cache: CacheFolder) -> FrontMatterMemo:
    path = cache.path / SOURCES_FILE
    return FrontMatterMemo(JsonStore(path, source_fingerprint(), SOURCES_MAGIC, cache.key))


def _source_key(path: str, text: str) -> bytes:
    digest = hashlib.blake2b(
        f"{path}\0{text}".encode("utf-8", "surrogatepass"), digest_size=16, person=b"sp-md"
    )
    return digest.digest()


# Not stored: the path is the lookup's, and the body is the text after the front matter, so
# storing it would double the file for nothing.
_FROM_THE_FILE = frozenset({"path", "body"})


def _rebuild(path: str, text: str, stored: Any) -> RawFile | None:
    """The parser's result again; None when the entry does not fit (then the file is parsed)."""
    if not isinstance(stored, dict) or stored.keys() != _raw_names():
        return None
    body_line = stored.get("body_line")
    if not isinstance(body_line, int) or body_line < 2:
        return None
    parts = text.split("\n", body_line - 1)  # the lines before the body, then the body
    return RawFile(path=path, body=parts[-1] if len(parts) == body_line else "", **stored)


@lru_cache(maxsize=1)
def _raw_names() -> frozenset[str]:
    return frozenset(f.name for f in fields(RawFile)) - _FROM_THE_FILE


def source_fingerprint() -> str:
    """Changes with the parsing code and the YAML library, so their results are re-derived."""
    import yaml

    from ..model import source

    code = Path(source.__file__).read_bytes()
    return hashlib.sha256(
        repr((code, yaml.__version__, yaml.__with_libyaml__)).encode()
    ).hexdigest()


@dataclass(frozen=True)
class BuildMemos:
    """Both memos of one build, read when first asked and saved when the build succeeds."""

    markdown: TextStore
    sources: FrontMatterMemo

    @classmethod
    @contextmanager
    def opened(cls, cache: CacheFolder, markdown_fingerprint: str) -> Iterator[BuildMemos]:
        """The memos in the build's `cache` folder for the block. `markdown_fingerprint`:
        the renderer's (`outputs.markdown.FINGERPRINT`)."""
        memos = cls(markdown_memo(cache, markdown_fingerprint), sources_memo(cache))
        with ExitStack() as stack:
            stack.enter_context(opened(memos.sources.store))
            stack.enter_context(opened(memos.markdown))
            yield memos


@contextmanager
def opened(store: TextStore) -> Iterator[TextStore]:
    """`store`, read at its first lookup, saved if the block succeeds."""
    store.lazy = True  # a build that reuses every incident record never needs it
    yield store
    store.save()
