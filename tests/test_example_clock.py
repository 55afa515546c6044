"""The example site pins its clock (`example: {as_of: ...}`) and says so on every page; only a
site whose site_url is a placeholder may do that."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_NOW, copy_example, without_example_clock
from hypothesis import given
from hypothesis import strategies as st
from statuspress.cli import main
from statuspress.configuration.settings import is_placeholder_url

NOTE = '<p class="example-note" role="note">'
REAL_URL = "https://status.acme.com/"


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return copy_example(tmp_path / "example")


def invoke(site: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "-f", str(site / "mkdocs.yml")])
    return result.exit_code, result.output


def built_files(site_dir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site_dir).as_posix(): p.read_bytes()
        for p in site_dir.rglob("*")
        if p.is_file()
    }


def test_the_quick_start_build_is_the_example_as_written(example: Path) -> None:
    """`statuspress build` at the real time gives byte for byte the site built at as_of."""
    assert invoke(example, "build", "-d", str(example / "plain"))[0] == 0
    pinned = ["build", "-d", str(example / "pinned"), "--now", "2026-11-22T10:00:00Z"]
    assert invoke(example, *pinned)[0] == 0
    assert built_files(example / "plain") == built_files(example / "pinned")
    page = (example / "plain" / "index.html").read_text(encoding="utf-8")
    assert NOTE in page
    assert '<time datetime="2026-11-22T10:00:00Z">Nov 22, 2026, 10:00\u202fAM UTC</time>' in page
    assert " ago" not in page


@pytest.mark.parametrize("command", [["check", "--strict"], ["status"]])
def test_check_and_status_see_the_example_at_its_clock(example: Path, command: list[str]) -> None:
    code, output = invoke(example, *command)
    assert code == 0, output
    assert "overdue" not in output.lower()


def test_an_explicit_clock_wins_and_the_note_says_which(example: Path) -> None:
    later = EXAMPLE_NOW + timedelta(hours=1)
    code, _ = invoke(example, "build", "-d", str(example / "site"), "--now", later.isoformat())
    assert code == 0
    page = (example / "site" / "index.html").read_text(encoding="utf-8")
    assert (
        f"{NOTE}<strong>Example site</strong>, shown as of "
        '<time datetime="2026-11-22T11:00:00Z">' in page
    )


def test_a_real_site_has_no_note(example: Path) -> None:
    config = example / "mkdocs.yml"
    config.write_text(without_example_clock(config.read_text(encoding="utf-8")), encoding="utf-8")
    assert "as_of" not in config.read_text(encoding="utf-8")
    assert (
        invoke(example, "build", "-d", str(example / "site"), "--now", "2026-11-22T10:00:00Z")[0]
        == 0
    )
    assert NOTE not in (example / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_real_site_url_may_not_pin_the_clock(example: Path, command: str) -> None:
    config = example / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("https://status.acme.example/", REAL_URL), encoding="utf-8")
    line = text[: text.index("      example:")].count("\n") + 1
    code, output = invoke(example, command)
    assert code == 1
    assert (
        f"mkdocs.yml:{line}: error[config-option]: option 'example' pins the clock of a site "
        f"published at {REAL_URL}" in output
    )
    assert "hint: remove 'example:'" in output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("example: yes", "option 'example': must be a mapping with one key, 'as_of'"),
        (
            "example: {as_of: 2026-11-22}",
            "'as_of' must be a time with a UTC offset, not '2026-11-22'",
        ),
        ("example: {as_of: '2026-11-22T10:00:00'}", "'as_of' must be a time with a UTC offset"),
        ("example: {as_of: 2026-11-22T10:00:00Z, at: 1}", "must be a mapping with one key"),
    ],
)
def test_a_bad_example_option_is_an_error_on_its_line(
    example: Path, value: str, message: str
) -> None:
    config = example / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("      example:\n        as_of: 2026-11-22T10:00:00Z", "      " + value),
        encoding="utf-8",
    )
    line = text[: text.index("      example:")].count("\n") + 1
    code, output = invoke(example, "check")
    assert code == 1
    assert f"mkdocs.yml:{line}: error[config-option]: " in output
    assert message in output


@pytest.mark.parametrize(
    "url",
    [
        "https://status.example.com/",
        "https://example.org/status/",
        "http://status.acme.example/",
        "https://status.local.test/",
        "http://localhost:8000/",
        "",
    ],
)
def test_placeholders(url: str) -> None:
    assert is_placeholder_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://status.acme.com/",
        "https://acme.github.io/status/",
        "https://example.co/",
        "https://myexample.com/",
    ],
)
def test_real_addresses(url: str) -> None:
    assert not is_placeholder_url(url)


@given(st.from_regex(r"[a-z][a-z0-9-]{0,20}\.(com|io|dev|org)", fullmatch=True))
def test_an_ordinary_domain_is_real_unless_it_is_an_example_domain(host: str) -> None:
    assert is_placeholder_url(f"https://{host}/") == (host in ("example.com", "example.org"))


def test_the_environment_clock_still_wins(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int((EXAMPLE_NOW + timedelta(days=1)).timestamp())))
    assert os.environ["SOURCE_DATE_EPOCH"]
    assert invoke(example, "build", "-d", str(example / "site"))[0] == 0
    page = (example / "site" / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-11-23T10:00:00Z">' in page
