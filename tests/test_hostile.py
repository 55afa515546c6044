"""Hostile files in the content folder: each is refused with its rule id, by `statuspress
check` and by `statuspress build`, with exit code 1, no traceback and no hang; the old site
survives the failed build."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_example, tree_bytes

NOW = "2026-11-22T10:00:00Z"
FOLDER = "incidents/2026-11-22-webhook-delays"
FIRST = f"{FOLDER}/20261122T0904Z-investigating.md"
TIMEOUT = 60  # seconds: far beyond any honest answer, so a hang fails instead of waiting
VALID_START = "---\nat: 2026-11-22T09:50:00Z\nstatus: identified\n"


def write(relative: str, data: str | bytes) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.encode() if isinstance(data, str) else data)

    return setup


def symlink(relative: str, points_to: Callable[[Path], Path]) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(points_to(root), root / relative)

    return setup


def fifo(relative: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / relative)


def outside(root: Path) -> Path:
    secret = root.parent / f"{root.name}-outside" / "secret.md"
    secret.parent.mkdir(exist_ok=True)
    secret.write_text(VALID_START + "---\nOutside the content folder.\n")
    return secret


def config_change(old: str, new: str) -> Callable[[Path], None]:
    def setup(root: Path) -> None:
        config = root / "mkdocs.yml"
        config.write_text(config.read_text().replace(old, new, 1))

    return setup


def alias_bomb(indent: str) -> str:
    lines = [f"{indent}a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


PYTHON_CALL = '!!python/object/apply:os.system ["touch PWNED"]'
CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    # name: (what to do to a copy of the example, rule id expected)
    "symlink-update-outside": (symlink(f"{FOLDER}/20261122T0950Z-x.md", outside), "symlink"),
    "symlink-to-system-file": (
        symlink(f"{FOLDER}/passwd.txt", lambda _: Path("/etc/passwd")),
        "symlink",
    ),
    "symlink-folder": (
        symlink("incidents/2026-11-23-linked", lambda root: outside(root).parent),
        "symlink",
    ),
    "symlink-loop": (
        symlink(f"{FOLDER}/loop.md", lambda root: root / FOLDER / "loop.md"),
        "symlink",
    ),
    "traversal-asset-name": (write(f"{FOLDER}/x\\..\\..\\evil.png", b"png"), "bad-file-name"),
    "odd-asset-name": (write(f"{FOLDER}/a b;rm -rf.png", b"png"), "bad-file-name"),
    "traversal-folder-id": (
        write("incidents/2026-11-23-%2e%2e/a.md", VALID_START + "---\n"),
        "bad-folder",
    ),
    "sub-folder": (write(f"{FOLDER}/nested/a.md", VALID_START + "---\n"), "bad-folder"),
    "traversal-component-id": (
        config_change("- id: backups", "- id: ../../escaped"),
        "config-option",
    ),
    "traversal-component-in-update": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md",
            VALID_START + "components:\n  ../../api: major_outage\n---\nText.\n",
        ),
        "unknown-component",
    ),
    "huge-update": (
        write(f"{FOLDER}/20261122T0950Z-x.md", VALID_START + "---\n" + "All good. " * 120_000),
        "file-too-large",
    ),
    "huge-asset": (write(f"{FOLDER}/huge.png", b"\x89PNG" + b"\0" * 1_200_000), "file-too-large"),
    "deep-flow-nesting": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md",
            VALID_START + "title: " + "[" * 5000 + "]" * 5000 + "\n---\n",
        ),
        "yaml-complexity",
    ),
    "deep-block-nesting": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md",
            VALID_START + "".join("  " * i + f"k{i}:\n" for i in range(300)) + "---\n",
        ),
        "yaml-complexity",
    ),
    "alias-bomb": (
        write(f"{FOLDER}/20261122T0950Z-x.md", VALID_START + alias_bomb("") + "title: *a9\n---\n"),
        "yaml-complexity",
    ),
    "python-object-tag": (
        write(f"{FOLDER}/20261122T0950Z-x.md", VALID_START + f"title: {PYTHON_CALL}\n---\n"),
        "yaml-tag",
    ),
    "python-name-tag": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md", VALID_START + "title: !!python/name:os.system\n---\n"
        ),
        "yaml-tag",
    ),
    "ten-thousand-line-front-matter": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md",
            VALID_START + "".join(f"k{i}: v\n" for i in range(10_000)) + "---\n",
        ),
        "yaml-complexity",
    ),
    "not-utf-8": (
        write(
            f"{FOLDER}/20261122T0950Z-x.md",
            (VALID_START + "---\nCaf\u00e9 ferm\u00e9.\n").encode("latin-1"),
        ),
        "encoding",
    ),
    "nul-bytes": (
        write(f"{FOLDER}/20261122T0950Z-x.md", VALID_START.encode() + b"\0\0---\n"),
        "encoding",
    ),
    "utf-16": (
        write(f"{FOLDER}/20261122T0950Z-x.md", (VALID_START + "---\nText.\n").encode("utf-16")),
        "encoding",
    ),
    "empty-file": (write(f"{FOLDER}/20261122T0950Z-x.md", b""), "empty-file"),
    "unclosed-front-matter": (
        write(f"{FOLDER}/20261122T0950Z-x.md", VALID_START + "title: x\nText that never ends\n"),
        "front-matter",
    ),
    "html-asset": (
        write(f"{FOLDER}/evil.html", "<script>alert(document.cookie)</script>"),
        "active-file",
    ),
    "svg-asset": (
        write(
            f"{FOLDER}/diagram.SVG", '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
        ),
        "active-file",
    ),
    "script-asset": (write(f"{FOLDER}/tracker.js", "alert(1)"), "active-file"),
    "named-pipe-update": (fifo(f"{FOLDER}/20261122T0950Z-x.md"), "not-a-file"),
    "named-pipe-asset": (fifo(f"{FOLDER}/diagram.png"), "not-a-file"),
    "named-pipe-loose": (fifo("incidents/notes.txt"), "not-a-file"),
}


def run(root: Path, *args: str, timeout: int = TIMEOUT) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            [sys.executable, "-c", "from statuspress.cli import main; main()", *args, "--now", NOW],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"'statuspress {args[0]}' did not answer within {timeout} s")


@pytest.fixture
def example(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "site-root")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<p>the site as it was</p>")
    return root


def assert_refused(result: subprocess.CompletedProcess[str], rule: str) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == 1, output
    assert f"error[{rule}]" in result.stdout, output


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_is_refused_clearly(example: Path, case: str) -> None:
    setup, rule = CASES[case]
    setup(example)
    before = tree_bytes(example / "site")
    assert_refused(run(example, "check"), rule)
    assert_refused(run(example, "build"), rule)
    assert tree_bytes(example / "site") == before
    assert not (example / "PWNED").exists()
    assert list(example.glob(".site-build-*")) == []
    assert not list(example.parent.rglob("escaped"))


def test_the_example_itself_is_accepted(example: Path) -> None:
    """Every case above starts from content that builds: the refusal is the hostile file's."""
    assert run(example, "check").returncode == 0
    assert run(example, "build").returncode == 0


def test_a_symlink_inside_its_own_folder_is_allowed(example: Path) -> None:
    (example / FOLDER / "diagram.txt").write_text("a diagram")
    os.symlink("diagram.txt", example / FOLDER / "same-diagram.txt")
    assert run(example, "build").returncode == 0
    assert (example / "site" / FOLDER.removeprefix("incidents/") / "same-diagram.txt").is_file()


def test_active_files_are_published_when_the_owner_allows_raw_html(example: Path) -> None:
    (example / FOLDER / "diagram.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    config = example / "mkdocs.yml"
    config.write_text(config.read_text() + "      allow_raw_html: true\n")
    assert run(example, "build").returncode == 0
    assert (example / "site" / FOLDER.removeprefix("incidents/") / "diagram.svg").is_file()


def test_hidden_files_are_neither_read_nor_published(example: Path) -> None:
    (example / FOLDER / "..\\..\\evil.png").write_bytes(b"png")
    (example / FOLDER / ".notes.md").write_text("not front matter at all")
    (example / "incidents" / ".drafts").mkdir()
    (example / "incidents" / ".drafts" / "a.md").write_text("nor this")
    assert run(example, "build").returncode == 0
    assert [p.name for p in (example / "site").rglob(".*")] == []


# mkdocs.yml is the site owner's file, but it is read by MkDocs' own YAML loader, which
# constructs Python objects: statuspress reads it first and must refuse what would run code
# or expand without end.
CONFIG_CASES: dict[str, tuple[str, str]] = {
    "config-python-call": (f"extra:\n  x: {PYTHON_CALL}\n", "config"),
    "config-alias-bomb": ("extra:\n" + alias_bomb("  "), "config"),
}


@pytest.mark.parametrize("case", CONFIG_CASES)
def test_a_hostile_configuration_is_refused(example: Path, case: str) -> None:
    addition, rule = CONFIG_CASES[case]
    with (example / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write(addition)
    result = run(example, "build", timeout=20)
    assert not (example / "PWNED").exists()
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "mkdocs.yml" in result.stdout and rule in result.stdout
