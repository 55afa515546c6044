"""The content-hash cache of rendered Markdown: round trip, damage, pruning, equivalence."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import markdown as md
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.incremental import memo, store
from statuspress.incremental.cachekey import CacheFolder, CacheKey
from statuspress.incremental.memo import BuildMemos
from statuspress.model.load import Readers
from statuspress.outputs import markdown as rendering

FILE_NAME = memo.MARKDOWN_FILE

TEXTS = [
    "We are investigating **elevated errors** on the API.",
    'We\'re sorry -- "quotes" and ... ellipses.',
    "1. first\n2. second\n\n* bullet",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\n<script>alert(1)</script>\n```",
    "<b>raw</b> and <script>alert(1)</script> [x](javascript:alert(1))",
    "[ref link][r]\n\n[r]: https://status.example/",
    "Ünïcödé — text with emoji 🙂 and surrogates",
]


def fresh_render(text: str, allow_raw_html: bool = False) -> str:
    """The renderer as it was before the cache: a new converter for every text."""
    converter = md.Markdown(extensions=rendering.EXTENSIONS, output_format="html")
    if not allow_raw_html:
        converter.preprocessors.deregister("html_block")
        converter.inlinePatterns.deregister("html")
    return rendering.sanitize(converter.convert(text))


def machine_key() -> CacheKey:
    """The key a build of a site elsewhere seals its cache with."""
    return CacheKey.for_build()


def folder(directory: Path) -> CacheFolder:
    """`directory` as a build's cache folder."""
    return CacheFolder(directory, CacheKey.for_build(directory))


@contextmanager
def markdown_memo(directory: Path) -> Iterator[store.TextStore]:
    """The build's Markdown memo in `directory`, saved after the block."""
    with memo.opened(memo.markdown_memo(folder(directory), rendering.FINGERPRINT)) as found:
        yield found


def render_all(directory: Path) -> tuple[list[str], store.TextStore]:
    with markdown_memo(directory) as found:
        markdown = rendering.Markdown(found)
        html = [markdown(t, raw) for t in TEXTS for raw in (False, True)]
    return html, found


def decode(data: bytes) -> dict[bytes, str]:
    return store.decode(machine_key(), data, rendering.FINGERPRINT, memo.MARKDOWN_MAGIC, FILE_NAME)


def test_cached_html_is_identical_to_uncached(tmp_path: Path) -> None:
    expected = [fresh_render(t, raw) for t in TEXTS for raw in (False, True)]
    cold, cold_store = render_all(tmp_path)
    warm, warm_store = render_all(tmp_path)
    assert cold == expected
    assert warm == expected
    assert (cold_store.misses, warm_store.misses) == (len(expected), 0)
    assert warm_store.hits == len(expected)


def test_raw_html_switch_is_part_of_the_key(tmp_path: Path) -> None:
    text = "<em>allowed</em>"
    with markdown_memo(tmp_path) as found:
        escaped = rendering.Markdown(found)(text)
        raw = rendering.Markdown(found)(text, allow_raw_html=True)
    assert escaped == "<p>&lt;em&gt;allowed&lt;/em&gt;</p>"
    assert raw == "<p><em>allowed</em></p>"


def test_file_round_trips_and_is_deterministic(tmp_path: Path) -> None:
    entries = {rendering.text_key(t, False): fresh_render(t) for t in TEXTS}
    data = store.encode(machine_key(), entries, "fp", memo.MARKDOWN_MAGIC, FILE_NAME)
    assert store.decode(machine_key(), data, "fp", memo.MARKDOWN_MAGIC, FILE_NAME) == entries
    assert (
        store.encode(
            machine_key(), dict(reversed(entries.items())), "fp", memo.MARKDOWN_MAGIC, FILE_NAME
        )
        == data
    )


def test_unused_entries_are_dropped_when_saving(tmp_path: Path) -> None:
    render_all(tmp_path)
    with markdown_memo(tmp_path) as found:
        rendering.Markdown(found)(TEXTS[0])
    assert found.changed
    stored = decode((tmp_path / FILE_NAME).read_bytes())
    assert list(stored.values()) == [fresh_render(TEXTS[0])]


def test_unchanged_cache_is_not_rewritten(tmp_path: Path) -> None:
    render_all(tmp_path)
    path = tmp_path / FILE_NAME
    os.utime(path, (1, 1))
    render_all(tmp_path)
    assert path.stat().st_mtime == 1


def damage_truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def damage_flipped_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1 :]


def damage_garbage(data: bytes) -> bytes:
    return os.urandom(len(data))


def damage_other_renderer(data: bytes) -> bytes:
    return data.replace(rendering.FINGERPRINT.encode(), b"0" * 64, 1)


def damage_wrong_count(data: bytes) -> bytes:
    head, found, rest = data.partition(b"\n" + str(len(TEXTS) * 2).encode() + b"\n")
    assert found
    return head + b"\n3\n" + rest


@pytest.mark.parametrize(
    "damage",
    [
        damage_truncated,
        damage_flipped_byte,
        damage_garbage,
        damage_other_renderer,
        damage_wrong_count,
        lambda data: b"",
        lambda data: memo.MARKDOWN_MAGIC,
    ],
)
def test_damaged_cache_is_ignored_and_rewritten(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    expected, _ = render_all(tmp_path)
    path = tmp_path / FILE_NAME
    path.write_bytes(damage(path.read_bytes()))
    html, store = render_all(tmp_path)
    assert html == expected
    assert store.hits == 0
    assert decode(path.read_bytes())  # a good file again


def test_cache_path_that_is_a_folder_is_ignored(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).mkdir()
    html, store = render_all(tmp_path)
    assert html == [fresh_render(t, raw) for t in TEXTS for raw in (False, True)]
    assert store.save() is False  # cannot replace a folder: the build goes on without it


def test_unwritable_cache_folder_does_not_fail_the_build(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    with markdown_memo(blocker / "cache") as found:
        assert rendering.Markdown(found)("*ok*") == "<p><em>ok</em></p>"
    assert found.save() is False


def test_no_memo_outside_a_build() -> None:
    assert rendering.Markdown().memo is None
    assert rendering.Markdown()(TEXTS[0]) == fresh_render(TEXTS[0])
    assert rendering.render_markdown(TEXTS[0]) == fresh_render(TEXTS[0])


MARKDOWNISH = st.lists(
    st.sampled_from([*"ab *_`#>-|[]()<>!&\"'.:1\n\t", "```", "http://x.y", "[r]: /u", "é"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(MARKDOWNISH, min_size=1, max_size=4), raw=st.booleans())
def test_reused_converter_matches_a_fresh_one(texts: list[str], raw: bool) -> None:
    for text in texts:
        assert rendering.render_markdown(text, raw) == fresh_render(text, raw)
        assert rendering._render(text, raw) == fresh_render(text, raw)


PLAIN_PIECES = st.sampled_from(
    [
        *"aZ09 ,.;:%()/?!@$+-'\n",
        "We're",
        "o'clock",
        "' ",
        " '",
        "é",
        "—",
        "‘",
        "\u00a0",
        "\u200b",
        "\u2028",
        "\u3000",
        "1. ",
        "12) ",
        "- ",
        "# ",
        "..",
        "--",
        "  \n",
        "\n\n",
        "\t",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(text=st.lists(PLAIN_PIECES, max_size=30).map("".join), raw=st.booleans())
def test_plain_paragraph_shortcut_matches_the_converter(text: str, raw: bool) -> None:
    assert rendering._render(text, raw) == fresh_render(text, raw)


@pytest.mark.parametrize(
    "text",
    [
        "We're investigating failed logins in the EU region.",
        "Since 14:05 UTC, 12% of calls fail (HTTP 503).\n\nRetry with backoff; no data is lost.",
        "Line one\nline two of the same paragraph — with é.",
        "## What happened\n\nA full disk stopped new jobs.\n\n### What we're changing\n\nAlerts.",
    ],
)
def test_ordinary_updates_take_the_shortcut(text: str) -> None:
    assert rendering._plain_paragraphs(text) is not None
    assert rendering._render(text, False) == fresh_render(text)


BAD_FILES = {
    "incidents/2026-11-20-bad-yaml/20261120T1000Z-investigating.md": (
        "---\ntitle: x\nat: [unclosed\n---\nbody\n"
    ),
    "incidents/2026-11-21-typo/20261121T1000Z-investigating.md": (
        "---\ntitle: Typo\nat: 2026-11-21T10:00:00Z\nstatus: investigating\nimpact: minor\n"
        "components:\n  api: degraded_performance\nnxt_update: 30m\n---\nWe are looking.\n"
    ),
}


def load(root: Path, memos: BuildMemos | None = None) -> tuple[object, list[object]]:
    """The site, read as a build with `memos` reads it."""
    from statuspress.configuration.settings import load_settings
    from statuspress.model import load_site

    settings, problems = load_settings(root / "mkdocs.yml")
    assert settings is not None, problems
    readers = Readers(memos.sources.parse, rendering.Markdown(memos.markdown)) if memos else None
    return load_site(root, settings, readers=readers)


def decode_sources(data: bytes) -> dict[bytes, object]:
    return store.decode_json(
        machine_key(), data, memo.source_fingerprint(), memo.SOURCES_MAGIC, memo.SOURCES_FILE
    )


def test_front_matter_cache_loads_the_same_site_and_diagnostics(
    site_root: Path, tmp_path: Path
) -> None:
    from conftest import write_files

    write_files(site_root, BAD_FILES)
    write_files(
        site_root,
        {
            "incidents/2026-11-19-ok/20261119T1000Z-investigating.md": (
                "---\ntitle: Fine\nat: 2026-11-19T10:00:00Z\nstatus: investigating\n"
                "impact: minor\ncomponents:\n  api: degraded_performance\nnext_update: 30m\n"
                "lint: {ignore: [vague-scope]}\n---\nWe're looking.\n"
            ),
        },
    )
    expected = load(site_root)
    cache_dir = tmp_path / "cache"
    for _ in range(2):
        with BuildMemos.opened(folder(cache_dir), rendering.FINGERPRINT) as memos:
            assert load(site_root, memos) == expected
    stored = decode_sources((cache_dir / memo.SOURCES_FILE).read_bytes())
    assert len(stored) == 2  # the file with broken YAML is parsed again every time


def test_damaged_front_matter_cache_is_ignored(site_root: Path, tmp_path: Path) -> None:
    from conftest import write_files

    write_files(site_root, BAD_FILES)
    expected = load(site_root)
    with BuildMemos.opened(folder(tmp_path), rendering.FINGERPRINT) as memos:
        load(site_root, memos)
    path = tmp_path / memo.SOURCES_FILE
    for damage in (damage_truncated, damage_flipped_byte, damage_garbage):
        path.write_bytes(damage(path.read_bytes()))
        with BuildMemos.opened(folder(tmp_path), rendering.FINGERPRINT) as memos:
            assert load(site_root, memos) == expected


@settings(max_examples=150, deadline=None)
@given(
    body=st.lists(st.sampled_from(["a", " ", "\n", "-", "é", "---\n", "\r"]), max_size=30).map(
        "".join
    ),
    closing=st.sampled_from(["---", "...", "---  "]),
    newline=st.booleans(),
)
def test_front_matter_from_the_cache_is_the_parsed_one(
    body: str, closing: str, newline: bool
) -> None:
    """The cache keeps no body: it is the text after the front matter, taken again."""
    import tempfile

    from statuspress.model.source import split_front_matter

    text = f"---\ntitle: T\nlist:\n  - a\n{closing}" + (f"\n{body}" if newline else "")
    expected = split_front_matter("x.md", text)
    with tempfile.TemporaryDirectory() as directory:
        for _ in range(2):  # parsed and stored, then read back from the file
            with BuildMemos.opened(folder(Path(directory)), rendering.FINGERPRINT) as memos:
                assert memos.sources.parse("x.md", text) == expected
        stored = decode_sources((Path(directory) / memo.SOURCES_FILE).read_bytes())
        assert [set(entry) for entry in stored.values()] == [
            {"meta", "lines", "item_lines", "body_line"}
        ]
