"""MkDocs' own validation of mkdocs.yml runs in `check` and in `build`, with the same message
and the line at fault, for every kind of problem MkDocs finds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_files
from statuspress.cli import main

NOW = "2026-11-22T10:00:00Z"
BROKEN = [  # (what replaces or follows the config, the message, the hint)
    (
        ("name: statuspress", "name: statuspres"),
        "'theme': Unrecognised theme name: 'statuspres'.",
        "did you mean 'statuspress'?",
    ),
    (
        ("plugins:\n", "plugins:\n  - serch\n"),
        "'plugins': The \"serch\" plugin is not installed",
        "did you mean 'search'?",
    ),
    (
        ("plugins:\n", "plugins:\n  - no-such-plugin-anywhere\n"),
        "'plugins': The \"no-such-plugin-anywhere\" plugin is not installed",
        "install the plugin's package",
    ),
    (
        "use_directory_urls: maybe\n",
        "'use_directory_urls': Expected type: <class 'bool'> but received: <class 'str'>",
        "https://www.mkdocs.org/user-guide/configuration/#use_directory_urls",
    ),
    ("nav: 3\n", "'nav': Expected nav to be a list, got a int: 3", "#nav"),
    ("site_dir: incidents/site\n", "'site_dir'", "#site_dir"),
    ("dev_addr: nowhere\n", "'dev_addr'", "#dev_addr"),
    ("hooks: [missing.py]\n", "'hooks'", "#hooks"),
    ("markdown_extensions: [no_such_extension]\n", "'markdown_extensions'", "#markdown_extensions"),
]


def site_with(tmp_path: Path, change: tuple[str, str] | str) -> tuple[Path, int]:
    """A minimal site whose mkdocs.yml has `change`; the line the change is on."""
    config = MINIMAL_CONFIG
    if isinstance(change, tuple):
        assert change[0] in config
        config = config.replace(change[0], change[1], 1)
        marker = change[1].strip().splitlines()[-1]
    else:
        config += change
        marker = change.strip()
    write_files(tmp_path, {"mkdocs.yml": config, "incidents/.keep": ""})
    line = config[: config.index(marker)].count("\n") + 1
    return tmp_path / "mkdocs.yml", line


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--now", NOW])
    return result.exit_code, result.output


@pytest.mark.parametrize(("change", "message", "hint"), BROKEN)
def test_check_and_build_report_the_same_error_on_its_line(
    tmp_path: Path, change: tuple[str, str] | str, message: str, hint: str
) -> None:
    config, line = site_with(tmp_path, change)
    checked = run("check", "-f", str(config))
    built = run("build", "-f", str(config), "-d", str(tmp_path / "site"))
    for code, output in (checked, built):
        assert code == 1, output
        reported = [text for text in output.splitlines() if "[mkdocs-config]" in text]
        assert len(reported) == 1, output
        assert reported[0].startswith(f"mkdocs.yml:{line}: error[mkdocs-config]: {message}"), output
        assert hint in output
        assert "Aborted" not in output
        assert "Traceback" not in output
    assert checked[1].splitlines()[:2] == built[1].splitlines()[:2]
    assert not (tmp_path / "site").exists()


def test_an_unknown_key_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    config, line = site_with(tmp_path, "site_ulr: https://status.test.example/\n")
    code, output = run("check", "-f", str(config))
    assert code == 0
    assert output.startswith(
        f"mkdocs.yml:{line}: warning[mkdocs-config]: 'site_ulr': Unrecognised configuration "
        "name: site_ulr\n  hint: did you mean 'site_url'?\n"
    )
    assert run("check", "--strict", "-f", str(config))[0] == 1
    assert run("build", "-f", str(config), "-d", str(tmp_path / "site"))[0] == 0
    code, output = run("build", "--strict", "-f", str(config), "-d", str(tmp_path / "strict"))
    assert code == 1
    assert f"mkdocs.yml:{line}: warning[mkdocs-config]: 'site_ulr'" in output


def test_a_clean_config_gets_no_mkdocs_finding(tmp_path: Path) -> None:
    config, _ = site_with(tmp_path, "")
    assert run("check", "--strict", "-f", str(config)) == (0, "no problems found\n")


def test_unsafe_yaml_never_reaches_mkdocs(tmp_path: Path) -> None:
    config, _ = site_with(tmp_path, "extra: !!python/object/apply:os.system ['touch pwned']\n")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        code, output = run("check", "-f", str(config))
    finally:
        os.chdir(cwd)
    assert code == 1
    assert "would build a Python object or run code" in output
    assert "[mkdocs-config]" not in output
    assert not (tmp_path / "pwned").exists()


def test_a_hook_that_breaks_while_loading_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    config, _ = site_with(tmp_path, "hooks: [bad_hook.py]\n")
    (tmp_path / "bad_hook.py").write_text('raise RuntimeError("boom")\n', encoding="utf-8")
    for command in (["check"], ["build", "-d", str(tmp_path / "site")]):
        code, output = run(*command, "-f", str(config))
        assert code == 1
        assert output.startswith(
            "mkdocs.yml: error[mkdocs-config]: MkDocs could not load what mkdocs.yml names: "
            "RuntimeError: boom\n"
        ), output
