"""The leak guard reads files in every encoding and the text inside images and PDFs, and
refuses what it cannot read rather than publish it unscanned."""

from __future__ import annotations

import contextlib
import gzip
import struct
import zlib
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, write_files
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.model import Settings
from statuspress.publishing.build import BuildFailed, build_site
from statuspress.publishing.leakguard import build_scanner, readable_text_of
from statuspress.publishing.loading import load_project
from statuspress.publishing.readable import MAX_DECODED, Unscannable

KEY = "AKIAIOSFODNN7EXAMPLE"
GUARD = build_scanner(Settings(forbidden_patterns=(r"INC-\d{4}",)))


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(pixels: bytes = b"\0" * 4, *chunks: bytes) -> bytes:
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    return (
        b"\x89PNG\r\n\x1a\n"
        + header
        + b"".join(chunks)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def jpeg(*segments: bytes) -> bytes:
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    pairs = zip(segments[::2], segments[1::2], strict=True)
    parts = [segment(marker, body) for marker, body in pairs]
    return b"\xff\xd8" + b"".join(parts) + b"\xff\xda\x00\x02" + bytes(range(256)) + b"\xff\xd9"


def pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (i + 1, obj) for i, obj in enumerate(objects))
    return b"%PDF-1.4\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def stream(content: bytes, compress: bool = True) -> bytes:
    data = zlib.compress(content) if compress else content
    flate = b" /Filter /FlateDecode" if compress else b""
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(data), flate, data)


def utf16(text: str, bom: bool = True) -> bytes:
    return text.encode("utf-16") if bom else text.encode("utf-16-le")


def found(data: bytes, name: str) -> set[str]:
    return {hit.text for hit in GUARD.hits(readable_text_of(data, name, strict=True))}


ENCODED = {
    "utf-16 with BOM (PowerShell >)": ("notes.txt", utf16(f"key {KEY}\r\n")),
    "utf-16 without BOM": ("notes.txt", utf16(f"key {KEY}\n", bom=False)),
    "utf-16-be": ("data.csv", b"\xfe\xff" + f"a,{KEY}\n".encode("utf-16-be")),
    "utf-32": ("notes.txt", f"key {KEY}".encode("utf-32")),
    "utf-8 with BOM": ("notes.txt", b"\xef\xbb\xbf" + f"key {KEY}".encode()),
    "latin-1": ("data.csv", f"café,{KEY},naïve\n".encode("latin-1")),
    "windows-1252": ("notes.txt", f"“quoted” {KEY} – dash".encode("cp1252")),
    "gzip": ("notes.txt.gz", gzip.compress(f"key {KEY}".encode())),
    "gzip in gzip": ("notes.gz", gzip.compress(gzip.compress(f"key {KEY}".encode()))),
    "gzip of utf-16": ("notes.txt.gz", gzip.compress(utf16(f"key {KEY}"))),
    "png tEXt": ("a.png", png(b"\0" * 4, chunk(b"tEXt", b"Comment\0" + KEY.encode()))),
    "png zTXt": (
        "a.png",
        png(b"\0" * 4, chunk(b"zTXt", b"Comment\0\0" + zlib.compress(KEY.encode()))),
    ),
    "png iTXt compressed": (
        "a.png",
        png(b"\0" * 4, chunk(b"iTXt", b"Note\0\x01\0en\0Note\0" + zlib.compress(KEY.encode()))),
    ),
    "png iTXt": ("a.png", png(b"\0" * 4, chunk(b"iTXt", b"Note\0\0\0\0\0" + KEY.encode()))),
    "png after IEND": ("a.png", png() + KEY.encode()),
    "jpeg comment": ("a.jpg", jpeg(0xFE, f"made by {KEY}".encode())),
    "jpeg exif": ("a.jpg", jpeg(0xE1, b"Exif\0\0MM\0*\0\0\0\x08" + KEY.encode() + b"\0")),
    "jpeg exif utf-16 (XPComment)": ("a.jpg", jpeg(0xE1, b"Exif\0\0II*\0" + utf16(KEY, False))),
    "jpeg xmp": (
        "a.jpeg",
        jpeg(0xE1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>" + KEY.encode() + b"</x:xmpmeta>"),
    ),
    "gif comment": ("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00!\xfe\x14" + KEY.encode()),
    "webp xmp": ("a.webp", b"RIFF\x40\0\0\0WEBPXMP \x14\0\0\0" + KEY.encode()),
    "pdf metadata": ("a.pdf", pdf(b"<< /Title (" + KEY.encode() + b") >>")),
    "pdf text stream": ("a.pdf", pdf(stream(b"BT /F1 12 Tf (" + KEY.encode() + b") Tj ET"))),
    "pdf kerned text": (
        "a.pdf",
        pdf(stream(b"BT [(AKIA) -20 (IOSFODNN) 15 (7EXAMPLE)] TJ ET")),
    ),
    "pdf octal escapes": ("a.pdf", pdf(stream(b"BT (\\101KIAIOSFODNN7EXAMPLE) Tj ET"))),
    "pdf hex stream": (
        "a.pdf",
        pdf(
            b"<< /Filter /ASCIIHexDecode >>\nstream\n"
            + f"BT ({KEY}) Tj ET".encode().hex().encode()
            + b">\nendstream"
        ),
    ),
}


@pytest.mark.parametrize("case", ENCODED)
def test_a_secret_is_found_in_any_encoding_and_in_metadata(case: str) -> None:
    name, data = ENCODED[case]
    assert KEY in found(data, name)


UNREADABLE = {
    "zip": ("a.zip", b"PK\x03\x04" + zlib.compress(KEY.encode())),
    "unknown binary": ("a.bin", b"\x00\x01\x02\x03" * 100),
    "encrypted pdf": ("a.pdf", pdf(b"<< /Encrypt 5 0 R >>", stream(b"x"))),
    "pdf in glyph codes": ("a.pdf", pdf(b"<< /Subtype /Type0 /Encoding /Identity-H >>")),
    "pdf with LZW stream": ("a.pdf", pdf(b"<< /Filter /LZWDecode >>\nstream\nxx\nendstream")),
    "damaged pdf stream": ("a.pdf", pdf(b"<< /Filter /FlateDecode >>\nstream\nxx\nendstream")),
    "damaged gzip": ("a.txt.gz", gzip.compress(b"x" * 100)[:15]),
    "damaged png text": ("a.png", png(b"\0" * 4, chunk(b"zTXt", b"Comment\0\0not zlib"))),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_file_the_guard_cannot_read_is_refused(case: str) -> None:
    name, data = UNREADABLE[case]
    with pytest.raises(Unscannable):
        readable_text_of(data, name, strict=True)


def test_a_decompression_bomb_is_refused_not_read_to_the_end() -> None:
    bomb = gzip.compress(gzip.compress(b"\0" * (MAX_DECODED + 1)))
    assert len(bomb) < 200_000
    with pytest.raises(Unscannable, match="more than"):
        readable_text_of(bomb, "sitemap.xml.gz")
    png_bomb = png(b"\0" * 4, chunk(b"zTXt", b"k\0\0" + zlib.compress(b"a" * (MAX_DECODED + 1))))
    with pytest.raises(Unscannable, match="more than"):
        readable_text_of(png_bomb, "a.png", strict=True)


TEXT = st.text(
    st.characters(exclude_categories=["Cc", "Cs"]) | st.sampled_from("\t\r\n"), max_size=40
)


@settings(max_examples=200, deadline=None)
@given(
    before=TEXT,
    after=TEXT,
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]),
)
def test_text_in_any_unicode_encoding_is_read(before: str, after: str, encoding: str) -> None:
    """Whatever surrounds it, a secret on its own line is found in any encoding that can
    hold the text."""
    text = f"{before}\n{KEY}\n{after}"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return
    if encoding == "utf-16-le" and b"\0" not in data[:4096][1::2]:
        return  # no ASCII to tell it from binary by: not what an editor writes for notes
    if encoding == "utf-16-be" and b"\0" not in data[:4096][0::2]:
        return
    with contextlib.suppress(Unscannable):  # refused is safe too
        assert KEY in found(data, "notes.txt")


# --- through the loader: check and build refuse them alike -----------------------------------

FOLDER = "incidents/2026-11-20-api"
UPDATE = """\
---
title: API errors
at: 2026-11-20T10:00:00Z
status: investigating
impact: minor
---
Errors.
"""


def site(tmp_path: Path, files: dict[str, bytes]) -> Path:
    root = write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG, f"{FOLDER}/a.md": UPDATE})
    for relative, data in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_bytes(data)
    return root


def problems(root: Path) -> set[tuple[str, str]]:
    project = load_project(root / "mkdocs.yml", EXAMPLE_NOW)
    return {(d.path, d.rule) for d in project.diagnostics if d.is_error}


@pytest.mark.parametrize(
    "relative, data, rule",
    [
        (f"{FOLDER}/notes.txt", utf16(f"key {KEY}"), "file-content"),  # text must be UTF-8
        (f"{FOLDER}/diagram.png", ENCODED["png zTXt"][1], "secret"),
        (f"{FOLDER}/report.pdf", ENCODED["pdf kerned text"][1], "secret"),
        (f"{FOLDER}/photo.jpg", ENCODED["jpeg exif"][1], "secret"),
        (f"{FOLDER}/archive.zip", UNREADABLE["zip"][1], "active-file"),  # not on the allowlist
        (f"{FOLDER}/report.pdf", UNREADABLE["encrypted pdf"][1], "unscannable"),
        ("incidents/robots.txt", f"Disallow: /{KEY}\n".encode("utf-16"), "file-content"),
        ("incidents/favicon.ico", b"\x00\x00\x01\x00" + KEY.encode(), "secret"),
        ("incidents/notes.bin", UNREADABLE["unknown binary"][1], "active-file"),
    ],
)
def test_check_and_build_refuse_what_a_published_file_holds(
    tmp_path: Path, relative: str, data: bytes, rule: str
) -> None:
    _refused_by_check_and_build(site(tmp_path, {relative: data}), relative, rule)


@pytest.mark.parametrize(
    "relative, data, rule",
    [
        (f"{FOLDER}/notes.txt", utf16(f"key {KEY}"), "secret"),
        (f"{FOLDER}/archive.zip", UNREADABLE["zip"][1], "unscannable"),
        ("incidents/robots.txt", f"Disallow: /{KEY}\n".encode("utf-16"), "secret"),
        ("incidents/notes.bin", UNREADABLE["unknown binary"][1], "unscannable"),
    ],
)
def test_with_every_file_type_allowed_the_guard_still_reads_or_refuses(
    tmp_path: Path, relative: str, data: bytes, rule: str
) -> None:
    """`allow_raw_html: true` lifts the allowlist of file types, never the leak guard."""
    root = site(tmp_path, {relative: data})
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "      allow_raw_html: true\n")
    _refused_by_check_and_build(root, relative, rule)


def _refused_by_check_and_build(root: Path, relative: str, rule: str) -> None:
    assert (relative, rule) in problems(root)
    with pytest.raises(BuildFailed) as failed:
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert (relative, rule) in {(d.path, d.rule) for d in failed.value.diagnostics}
    assert not (root / "site").exists()


def test_a_loose_file_has_the_same_size_limit_as_an_attachment(tmp_path: Path) -> None:
    root = site(tmp_path, {"incidents/big.txt": b"x" * 1_000_001})
    assert ("incidents/big.txt", "file-too-large") in problems(root)


@pytest.mark.parametrize(
    "name",
    [f"{KEY}.txt", "INC-1234.png", f"notes-{KEY}.csv"],
)
def test_a_secret_in_a_file_name_is_refused(tmp_path: Path, name: str) -> None:
    config = MINIMAL_CONFIG + "      forbidden_patterns:\n        - 'INC-\\d{4}'\n"
    for where in (f"{FOLDER}/{name}", f"incidents/{name}"):
        root = site(
            tmp_path / where.replace("/", "_"), {where: png() if name.endswith("png") else b"x"}
        )
        (root / "mkdocs.yml").write_text(config)
        assert {rule for path, rule in problems(root) if path == where} & {
            "secret",
            "forbidden-pattern",
        }, where


DRAFT = """\
---
at: 2026-11-20T11:00:00Z
status: identified
draft: true
internal: |
  INC-4242 paged
---
Draft text AKIAIOSFODNN7EXAMPLE.
"""


@pytest.mark.parametrize(
    "target, content",
    [
        ("20261120T1100Z-identified.md", DRAFT),
        ("postmortem.md", "---\ntitle: Draft\n---\nINC-4242\n"),
        (".notes", "INC-4242 internal\n"),
        ("a.md", None),  # a published update: its front matter holds internal notes too
    ],
)
def test_a_link_to_a_file_that_is_not_published_is_refused(
    tmp_path: Path, target: str, content: str | None
) -> None:
    root = site(tmp_path, {})
    if content is not None:
        (root / FOLDER / target).write_text(content)
    (root / FOLDER / "copy.txt").symlink_to(target)
    assert (f"{FOLDER}/copy.txt", "symlink") in problems(root)
    with pytest.raises(BuildFailed):
        build_site(root / "mkdocs.yml", now=EXAMPLE_NOW)
    assert not (root / "site").exists()


def test_a_built_file_that_cannot_be_read_stops_the_build_naming_it(tmp_path: Path) -> None:
    from statuspress.publishing.leakguard import scan_tree

    stage = tmp_path / ".site-build-x"
    stage.mkdir()
    (tmp_path / "incidents").mkdir()
    (stage / "sitemap.xml.gz").write_bytes(gzip.compress(gzip.compress(b"\0" * (MAX_DECODED + 1))))
    (found,) = scan_tree(stage, tmp_path, Settings())
    assert (found.path, found.rule) == ("site/sitemap.xml.gz", "unscannable")
    assert "more than" in found.message
