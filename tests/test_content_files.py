"""Files a contributor adds to the content folder: only passive types, under plain names, never
in place of a file the theme or the build writes.

The loader is asked about real files on disk (made-up names and bytes included), and the
command line about the same cases, so that `check` and `build` refuse them alike.
"""

from __future__ import annotations

import json
import string
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_NOW, MINIMAL_CONFIG, REPO, copy_example, write_files
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from statuspress.configuration.settings import load_settings
from statuspress.model import load_site
from statuspress.model.contentfiles import (
    BY_SUFFIX,
    FILE_TYPES,
    SAFE_NAME,
    file_name_problem,
    type_problem,
)
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project
from statuspress.publishing.reserved import host_key

PROPERTIES = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FOLDER = "2026-11-20-files"
UPDATE = """---
title: Slow file uploads
at: 2026-11-20T10:00:00Z
status: resolved
impact: minor
components:
  api: degraded_performance
---
File uploads were slow between 09:40 and 10:00 UTC. They are back to normal.
"""
PNG = (REPO / "incidents/2026-10-14-api-and-dashboard-outage/timeline.png").read_bytes()
SCRIPT_PAGE = b"<html><body><script>fetch('/pwned')</script></body></html>"
GOOD_BYTES = {
    ".png": PNG,
    ".jpg": b"\xff\xd8\xff\xe0\0\x10JFIF\0",
    ".jpeg": b"\xff\xd8\xff\xe0\0\x10JFIF\0",
    ".gif": b"GIF89a\x01\0\x01\0\0\0\0;",
    ".webp": b"RIFF\x1a\0\0\0WEBPVP8L",
    ".avif": b"\0\0\0\x1cftypavif\0\0\0\0",
    ".ico": b"\0\0\1\0\1\0\x10\x10",
    ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    ".txt": b"Timeline:\n14:01 errors start (p99 > 2 s)\n",
    ".csv": b"time,errors\n14:01,120\n",
}
# Documents a browser runs script in, by their usual names and by the ones hosts also map.
ACTIVE_NAMES = [
    "evil.html",
    "evil.htm",
    "evil.HTML",
    "evil.xht",
    "evil.xhtml",
    "evil.shtml",
    "evil.svg",
    "evil.svgz",
    "evil.xml",
    "evil.xsl",
    "evil.atom",
    "evil.rss",
    "evil.js",
    "evil.mjs",
    "evil.css",
    "evil.mht",
    "evil.json",
    "evil.wasm",
    "evil.swf",
    "evil",
    "evil.png.html",
]


def site(tmp: Path, files: dict[str, bytes], allow_raw_html: bool = False) -> Path:
    """A site root with one incident and `files` (paths relative to the content folder)."""
    config = MINIMAL_CONFIG + ("      allow_raw_html: true\n" if allow_raw_html else "")
    write_files(tmp, {"mkdocs.yml": config, f"incidents/{FOLDER}/20261120T1000Z-a.md": UPDATE})
    for relative, data in files.items():
        (tmp / "incidents" / relative).write_bytes(data)
    return tmp


def errors(root: Path) -> list[tuple[str, str]]:
    """(path, rule) of every error `check` would report: loading, lint and reserved names."""
    project = load_project(root / "mkdocs.yml", EXAMPLE_NOW, lint=False)
    return [(d.path, d.rule) for d in project.diagnostics if d.is_error]


def refused(files: dict[str, bytes], allow_raw_html: bool = False) -> list[tuple[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        return errors(site(Path(tmp), files, allow_raw_html))


@pytest.mark.parametrize("where", [f"{FOLDER}/", ""], ids=["incident", "beside"])
@pytest.mark.parametrize("name", ACTIVE_NAMES)
def test_active_documents_are_refused_in_a_folder_and_beside_it(name: str, where: str) -> None:
    found = refused({where + name: SCRIPT_PAGE})
    assert (f"incidents/{where}{name}", "active-file") in found


@pytest.mark.parametrize("where", [f"{FOLDER}/", ""], ids=["incident", "beside"])
@pytest.mark.parametrize(
    "name",
    ["evil.html.", "evil.html\n", "evil.txt\n", "evil.png ", "evil.html..", "a\rb.png", "é.png"],
)
def test_names_a_host_reads_otherwise_are_refused(name: str, where: str) -> None:
    found = refused({where + name: PNG})
    shown = name.encode("unicode_escape").decode().replace("\\xe9", "é")
    assert [rule for path, rule in found if path.endswith(shown)] == ["bad-file-name"], found


@PROPERTIES
@given(
    stem=st.text(string.ascii_letters + string.digits + "._-", min_size=1, max_size=12),
    suffix=st.sampled_from(sorted(BY_SUFFIX)),
    tail=st.text(
        st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]) | st.just("."),
        min_size=1,
        max_size=3,
    ),
    beside=st.booleans(),
)
def test_a_hidden_or_trailing_character_in_any_name_is_refused(
    stem: str, suffix: str, tail: str, beside: bool
) -> None:
    assume("/" not in tail and "\0" not in tail and stem[0] != ".")
    name = stem + suffix + tail
    where = "" if beside else f"{FOLDER}/"
    assert any(rule == "bad-file-name" for _, rule in refused({where + name: PNG}))


@PROPERTIES
@given(name=st.text(st.characters(codec="utf-8", exclude_characters="/\0"), max_size=20))
def test_file_names_are_exactly_the_safe_ones(name: str) -> None:
    """The rule and its description agree: ASCII letters, digits, '.', '_', '-', no
    trailing dot, starting with a letter or digit."""
    safe = SAFE_NAME.fullmatch(name) is not None and not name.endswith(".")
    assert (file_name_problem(name) is None) == safe


@pytest.mark.parametrize("name", ["_headers", "-file.png", ".env"])
def test_the_hint_names_the_first_character_rule(name: str) -> None:
    """A name of allowed characters only is refused for its first one: the hint says so."""
    found = file_name_problem(name)
    assert found is not None
    assert found[2].endswith("starting with a letter or a digit")


@pytest.mark.parametrize("where", [f"{FOLDER}/", ""], ids=["incident", "beside"])
def test_each_allowed_type_is_published_as_it_is(tmp_path: Path, where: str) -> None:
    files = {f"{where}file{suffix}": data for suffix, data in GOOD_BYTES.items()}
    root = site(tmp_path, files)
    assert errors(root) == []
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    for relative, data in files.items():
        assert (root / "site" / relative).read_bytes() == data


def test_the_allowlist_is_what_these_tests_cover() -> None:
    assert set(GOOD_BYTES) == set(BY_SUFFIX)
    assert {k.name for k in FILE_TYPES} >= {"PNG image", "PDF document", "plain text file"}


@PROPERTIES
@given(suffix=st.sampled_from(sorted(BY_SUFFIX)), data=st.binary(max_size=64))
def test_bytes_must_be_what_the_name_says(suffix: str, data: bytes) -> None:
    kind = BY_SUFFIX[suffix]
    found = type_problem(f"file{suffix}", data)
    assert (found is None) == kind.is_one(data)
    if found is not None:
        assert found[1][0] == "file-content"


@PROPERTIES
@given(
    suffix=st.sampled_from([".png", ".gif", ".jpg", ".pdf", ".webp", ".ico", ".avif"]),
    page=st.sampled_from(
        [SCRIPT_PAGE, b"<svg onload=fetch('/pwned')>", b"\xef\xbb\xbf<!doctype html>"]
    ),
)
def test_a_page_named_as_an_image_is_refused(suffix: str, page: bytes) -> None:
    assert type_problem(f"file{suffix}", page) is not None


@PROPERTIES
@given(
    before=st.text(st.characters(codec="utf-8", exclude_characters="<"), max_size=200),
    tag=st.sampled_from(["<script", "<html", "<!--", "<?xml", "</p", "<svg", "<a", "<!DOCTYPE"]),
    after=st.text(max_size=50),
    suffix=st.sampled_from([".txt", ".csv"]),
)
def test_text_that_a_browser_could_sniff_as_markup_is_refused(
    before: str, tag: str, after: str, suffix: str
) -> None:
    data = (before + tag + after).encode("utf-8", "surrogatepass")
    found = type_problem(f"notes{suffix}", data)
    assert found is not None and found[1][0] == "file-content"
    assert found[0] >= before.count("\n") + 1 or "\x00" in before or not _utf8(before)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@PROPERTIES
@given(
    text=st.text(
        st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], exclude_characters="<")
        | st.sampled_from("\n\t\r"),
        max_size=300,
    )
)
def test_plain_text_without_tags_is_allowed(text: str) -> None:
    assert type_problem("notes.txt", text.encode()) is None


def test_raw_html_lifts_the_type_rules_but_not_the_name_rules() -> None:
    assert refused({f"{FOLDER}/diagram.svg": b"<svg/>"}, allow_raw_html=True) == []
    assert refused({"evil.html.": SCRIPT_PAGE}, allow_raw_html=True) == [
        ("incidents/evil.html.", "bad-file-name")
    ]


# --- reserved names ------------------------------------------------------------------------


def test_what_the_build_writes_at_the_root_is_reserved(tmp_path: Path) -> None:
    """No drift: every name the real build writes at the site's root (bar the incident
    folders) is refused as a loose file, in any case."""
    root = copy_example(tmp_path / "root")
    build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
    incidents = {p.name for p in (root / "incidents").iterdir()}
    written = sorted(p.name for p in (root / "site").iterdir() if p.name not in incidents)
    assert {"statuspress.css", "index.html", "history.atom", "api", "badge.svg"} <= set(written)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text() + "      allow_raw_html: true\n")
    for name in written:
        for spelling in {name, name.upper(), name.title()}:
            path = root / "incidents" / spelling
            path.write_bytes(b"body { display: none }")
            try:
                assert (f"incidents/{spelling}", "reserved-name") in errors(root), spelling
            finally:
                path.unlink()


@pytest.mark.parametrize(
    "relative",
    [
        "statuspress.css",
        "StatusPress.CSS",
        "sitemap.xml.gz",
        "404.html",
        "history",
        "components",
        f"{FOLDER}/index.html",
        f"{FOLDER}/INDEX.HTML",
    ],
)
def test_content_cannot_replace_a_file_of_the_theme_or_the_build(relative: str) -> None:
    found = refused({relative: b"body { display: none }"}, allow_raw_html=True)
    assert found == [(f"incidents/{relative}", "reserved-name")]


def test_a_custom_dir_reserves_its_files(tmp_path: Path) -> None:
    root = site(tmp_path, {"extra.png": PNG, "logo.png": PNG})
    (root / "overrides").mkdir()
    (root / "overrides" / "logo.png").write_bytes(PNG)
    config = root / "mkdocs.yml"
    config.write_text(
        config.read_text().replace(
            "  name: statuspress\n", "  name: statuspress\n  custom_dir: overrides\n"
        )
    )
    assert errors(root) == [("incidents/logo.png", "reserved-name")]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Statuspress.CSS", "statuspress.css"),
        ("statuspress%2Ecss", "statuspress.css"),
        ("ｓｔａｔｕｓｐｒｅｓｓ.css", "statuspress.css"),
        ("badge.svg.", "badge.svg"),
    ],
)
def test_names_are_compared_as_a_host_serves_them(name: str, key: str) -> None:
    assert host_key(name) == key


# --- check and build agree ---------------------------------------------------------------

AGREEMENT_CASES = {
    f"{FOLDER}/evil.xht": SCRIPT_PAGE,
    "evil.xht": SCRIPT_PAGE,
    f"{FOLDER}/evil.html.": SCRIPT_PAGE,
    "evil.txt\n": b"notes",
    f"{FOLDER}/notes.txt": b"see <script>fetch('/pwned')</script>",
    "fake.png": SCRIPT_PAGE,
    "statuspress.css": b"body { display: none }",
    "history.atom": b"<feed/>",
}


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from statuspress.cli import main; main()", *args]
    return subprocess.run(
        [*command, "--now", "2026-11-22T10:00:00Z"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )


def error_lines(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if ": error[" in line)


def test_check_and_build_refuse_the_same_files_with_the_same_words(tmp_path: Path) -> None:
    root = site(tmp_path, AGREEMENT_CASES)
    checked, built = run(root, "check"), run(root, "build")
    assert checked.returncode == built.returncode == 1
    assert "Traceback" not in checked.stderr + built.stderr
    expected = error_lines(checked.stdout)
    assert len(expected) >= len(AGREEMENT_CASES)
    for relative in AGREEMENT_CASES:
        shown = relative.encode("unicode_escape").decode()
        assert any(line.startswith(f"incidents/{shown}:") for line in expected), relative
    assert error_lines(built.stdout + built.stderr) == expected
    assert not (root / "site").exists()


def test_the_example_content_is_within_the_rules() -> None:
    settings_, _ = load_settings(REPO / "mkdocs.yml")
    assert settings_ is not None
    _, diagnostics = load_site(REPO, settings_)
    assert [d for d in diagnostics if d.is_error] == []


# --- names, ids and slugs end where they seem to -----------------------------------------


@pytest.mark.parametrize("tail", ["\n", "\r\n", ".", " ", "\u202e"])
def test_ids_names_and_durations_with_a_trailing_character_are_refused(
    tail: str, tmp_path: Path
) -> None:
    """'$' in a pattern matches before a final newline: every pattern of a name, id, slug
    or duration must refuse one."""
    from statuspress.clock import parse_duration
    from statuspress.commands.authoring import SLUG
    from statuspress.configuration.notify import ENV_NAME
    from statuspress.model.load import incident_folder_name

    assert incident_folder_name(FOLDER) and not incident_folder_name(FOLDER + tail)
    assert SLUG.fullmatch("api-errors") and not SLUG.fullmatch("api-errors" + tail)
    assert ENV_NAME.fullmatch("SMTP_PASSWORD") and not ENV_NAME.fullmatch("SMTP_PASSWORD" + tail)
    assert parse_duration("1h30m") is not None
    assert parse_duration("1h30m" + tail) is None or tail.strip() == ""
    config = MINIMAL_CONFIG.replace("- id: api\n", f"- id: {json.dumps('api' + tail)}\n")
    write_files(tmp_path, {"mkdocs.yml": config})
    settings_, problems = load_settings(tmp_path / "mkdocs.yml")
    assert settings_ is None and problems


@pytest.mark.parametrize("tail", ["\n", ".", " "])
def test_an_incident_folder_with_a_trailing_character_is_refused(tail: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = site(Path(tmp), {})
        (root / "incidents" / FOLDER).rename(root / "incidents" / (FOLDER + tail))
        shown = (FOLDER + tail).encode("unicode_escape").decode()
        assert (f"incidents/{shown}", "bad-folder") in errors(root)
