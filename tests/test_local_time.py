"""The local-time script (option local_times) and the favicon, without a browser: size, what
the build writes with and without the option, and the icons' formats."""

from __future__ import annotations

import gzip
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
import rjsmin
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, copy_example, write_files
from statuspress.language.core import language
from statuspress.outputs import favicon, localtime
from statuspress.publishing.build import BuildFailed, build_site

LIMIT = 1024  # bytes, minified and gzipped


def test_the_script_is_at_most_1_kb_minified_and_gzipped() -> None:
    source = localtime.script()
    minified = rjsmin.jsmin(source.decode("utf-8")).encode("utf-8")
    assert len(minified) < len(source)  # the minifier really ran
    assert len(gzip.compress(minified, 9)) <= LIMIT
    assert len(gzip.compress(source, 9)) <= LIMIT  # even as served, unminified


def _site(tmp_path: Path, option: str = "") -> Path:
    config = MINIMAL_CONFIG + (f"      local_times: {option}\n" if option else "")
    write_files(tmp_path, {"mkdocs.yml": config})
    (tmp_path / "incidents").mkdir()
    build_site(tmp_path / "mkdocs.yml", tmp_path / "site", EXAMPLE_NOW)
    return tmp_path / "site"


def test_off_by_default_no_script_anywhere(tmp_path: Path) -> None:
    site = _site(tmp_path)
    assert not (site / localtime.FILE).exists()
    for page in site.rglob("*.html"):
        assert "<script" not in page.read_text(encoding="utf-8"), page


def test_on_every_page_loads_the_script_from_the_site_itself(tmp_path: Path) -> None:
    site = _site(tmp_path, "true")
    assert (site / localtime.FILE).read_bytes() == localtime.script()
    # An embed runs in another site's frame and never has a script.
    pages = [p for p in site.rglob("*.html") if "embed" not in p.relative_to(site).parts]
    assert len(pages) >= 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert 'local-time.js" defer data-zone="UTC" data-your-time="%(time)s your time' in text
        assert 'data-note="Times are shown in your time zone, %(zone)s."></script>' in text
        assert '<span id="zone-note">Times are shown in UTC.</span>' in text


def test_a_bad_value_is_refused_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as failed:
        _site(tmp_path, "sometimes")
    (problem,) = failed.value.diagnostics
    assert problem.line == MINIMAL_CONFIG.count("\n") + 1
    assert "local_times" in problem.message and "true or false" in problem.message


@pytest.mark.parametrize("name", sorted(favicon.ICONS))
def test_each_state_has_an_svg_and_an_ico_holding_a_png(name: str) -> None:
    svg = favicon.svg_icon(name, "Partial System Outage").decode()
    assert svg.startswith("<svg") and f'data-state="{name}"' in svg
    assert "<title>Partial System Outage</title>" in svg
    ico = favicon.ico_icon(name)
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 1)
    width, height, _, _, _, bits, size, offset = struct.unpack("<BBBBHHII", ico[6:22])
    png = ico[offset : offset + size]
    assert (width, height, bits, offset + size) == (32, 32, 32, len(ico))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # The pixels: the disc's colour in the middle, transparent in the corner.
    raw = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    stride = 1 + 32 * 4
    middle = raw[16 * stride + 1 + 16 * 4 : 16 * stride + 1 + 17 * 4]
    assert middle == bytes((*favicon._rgb(favicon.ICONS[name][0]), 255))
    assert raw[1 + 3] == 0  # the top-left pixel's alpha


CLOCK_TEXT = re.compile(r"\b\d{1,2}:\d{2}\b")


def test_every_time_on_every_page_is_a_time_element(example_site: Path) -> None:
    """The script can only move what is marked: a clock time the theme writes outside
    `<time datetime>` would stay in the site's zone. (What authors write is theirs.)"""
    outside = []
    for page in sorted(example_site.rglob("*.html")):
        root = html5lib.parse(page.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        for element in _theme_elements(root):
            for text in (element.text, *(child.tail for child in element)):
                if text and CLOCK_TEXT.search(text):
                    outside.append(f"{page.relative_to(example_site)}: {text.strip()[:80]}")
    assert outside == []
    assert CLOCK_TEXT.search("since 09:55 UTC")  # the pattern finds a clock time


AUTHORED = frozenset({"text", "apology", "summary", "facts"})  # authors' Markdown is inside


def _theme_elements(element: Any) -> Iterator[Any]:
    """Every element the theme writes, without what is inside a <time> or authors' text."""
    classes = set((element.get("class") or "").split())
    if element.tag in ("time", "script", "style") or classes & AUTHORED:
        return
    yield element
    for child in element:
        yield from _theme_elements(child)


@pytest.mark.parametrize("name", ["favicon.svg", "favicon.ico", "local-time.js"])
def test_content_cannot_take_the_names_of_these_files(tmp_path: Path, name: str) -> None:
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG + "      local_times: true\n"})
    (tmp_path / "incidents").mkdir()
    (tmp_path / "incidents" / name).write_bytes(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(BuildFailed) as failed:
        build_site(tmp_path / "mkdocs.yml", tmp_path / "site", EXAMPLE_NOW)
    reserved = [d for d in failed.value.diagnostics if d.rule == "reserved-name"]
    assert [d.path for d in reserved] == [f"incidents/{name}"]
    assert f"where the site writes /{name}" in reserved[0].message


@pytest.mark.parametrize(
    ("code", "title"),
    [("en", "Partial System Outage"), ("fr", "Panne partielle du système"), ("ja", None)],
)
def test_the_icons_title_is_the_banner_in_the_sites_language(
    tmp_path: Path, code: str, title: str | None
) -> None:
    """A browser shows the SVG icon's title as its tooltip: the status page's own banner."""
    root = copy_example(tmp_path)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    theme = f"  name: statuspress\n  language: {code}\n"
    (root / "mkdocs.yml").write_text(config.replace("  name: statuspress\n", theme, 1))
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    svg = (root / "site" / "favicon.svg").read_text(encoding="utf-8")
    shown = re.search(r"<title>([^<]+)</title>", svg)
    assert shown is not None
    expected = title or language(code).gettext("Partial System Outage")
    assert shown.group(1) == expected and (code == "en" or expected != "Partial System Outage")
