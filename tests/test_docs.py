"""The documentation keeps up with the code.

Every command and option of the `statuspress` program (walked from its Click command tree),
every plugin option, component key and `notify` key (from where the code declares them), and
every lint rule (from the rule registry) has its place in the reference pages, and nothing is
documented there that the code does not have. The site builds with `mkdocs build --strict`,
so a broken link or anchor fails too; the README stays a short entry page into it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

import click
import pytest
from conftest import REPO
from docs_pages import DOCS, PAGES, anchor, first_cells, section, sections
from statuspress.cli import main
from statuspress.configuration.notify import CHANNEL_KEYS, CHANNEL_TYPES, NOTIFY_KEYS
from statuspress.configuration.settings import (
    COMPONENT_KEYS,
    OPTION_KEYS,
    THRESHOLD_COUNTS,
    THRESHOLD_DURATIONS,
)
from statuspress.lint.rules import RULES
from statuspress.model.types import UptimeWeights

COMMANDS_PAGE = "reference/commands.md"
CONFIG_PAGE = "reference/configuration.md"
RULES_PAGE = "reference/lint-rules.md"
PLUGIN_OPTIONS = "Plugin options"
COMPONENTS = "`components`"
NOTIFY = "`notify`"
RULES_SECTION = "Rules"
README = REPO / "README.md"
QUICK_START = (
    "pip install . && statuspress build",
    "pip install -e '.[test]' && python -m pytest",
)


# ---------------------------------------------------------------------------------------------
# Commands and their options, from the Click command tree.


def command_tree(
    group: click.Group = main, path: tuple[str, ...] = ("statuspress",)
) -> Iterator[tuple[str, click.Command]]:
    """('statuspress new', its command), for every command and sub-command."""
    context = click.Context(group, info_name=path[-1])
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, f"{' '.join(path)} lists '{name}' but has no such command"
        yield " ".join((*path, name)), command
        if isinstance(command, click.Group):
            yield from command_tree(command, (*path, name))


COMMANDS = dict(command_tree())


def documented(flag: str, text: str) -> bool:
    """The flag written as code in the text: `--eta`, `--eta T`, `-c`, `--format json`."""
    return re.search("`" + re.escape(flag) + r"(?=[`\s=\[])", text) is not None


def option_flags(command: click.Command) -> list[str]:
    return [
        flag
        for param in command.params
        if isinstance(param, click.Option)
        for flag in (*param.opts, *param.secondary_opts)
    ]


def with_linked_sections(page: str, text: str) -> str:
    """The text and every section of the same page it links to (`[...](#anchor)`), such as
    the options that all writing commands share."""
    by_anchor = {anchor(title): body for title, body in sections(page).items()}
    linked = re.findall(r"\]\(#([\w-]+)\)", text)
    return "\n".join([text, *(by_anchor.get(name, "") for name in linked)])


def test_the_command_tree_is_walked() -> None:
    assert {"statuspress new", "statuspress build", "statuspress notify"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_commands_reference(name: str) -> None:
    heading = f"## {name}"
    body = sections(COMMANDS_PAGE).get(name)
    assert body is not None, (
        f"command '{name}' is not documented: add a section '{heading}' to "
        f"docs/pages/{COMMANDS_PAGE}, with its synopsis and a table of its options"
    )
    assert f"\n{name}" in f"\n{body}", (
        f"docs/pages/{COMMANDS_PAGE}, section '{heading}': show its synopsis, a code block "
        f"starting with '{name}'"
    )
    text = with_linked_sections(COMMANDS_PAGE, body)
    missing = [flag for flag in option_flags(COMMANDS[name]) if not documented(flag, text)]
    assert not missing, (
        f"docs/pages/{COMMANDS_PAGE}, section '{heading}', does not document "
        f"{', '.join(missing)}: add a row for each to its options table, such as "
        f"'| `{missing[0]}` | what it does |'"
    )


def test_the_program_options_are_in_the_introduction_of_the_commands_reference() -> None:
    intro = (PAGES / COMMANDS_PAGE).read_text(encoding="utf-8").split("\n## ", 1)[0]
    context = click.Context(main, info_name="statuspress")
    help_option = main.get_help_option(context)
    flags = [*option_flags(main), *(help_option.opts if help_option else [])]
    missing = [flag for flag in flags if not documented(flag, intro)]
    assert not missing, (
        f"docs/pages/{COMMANDS_PAGE} does not mention {', '.join(missing)} in its "
        "introduction (before the first command's section): say what each does there"
    )


def test_the_commands_reference_documents_no_command_that_does_not_exist() -> None:
    stale = [
        title
        for title in sections(COMMANDS_PAGE)
        if title.startswith("statuspress ") and title not in COMMANDS
    ]
    assert not stale, f"docs/pages/{COMMANDS_PAGE} documents commands that do not exist: {stale}"


# ---------------------------------------------------------------------------------------------
# Configuration keys, from where the plugin declares them.


def table_keys(page: str, title: str) -> list[str]:
    """The keys a section's tables document: each `key` in the first cell of a row."""
    cells = first_cells(section(page, title))
    return [key for cell in cells for key in re.findall(r"`([^`]+)`", cell)]


def assert_rows(page: str, title: str, keys: tuple[str, ...] | list[str], what: str) -> None:
    rows = table_keys(page, title)
    missing = [key for key in keys if key not in rows]
    assert not missing, (
        f"{what} {', '.join(missing)} not documented: add a row "
        f"'| `{missing[0]}` | ... |' to the table under '## {title}' in docs/pages/{page}"
    )
    stale = sorted(set(rows) - set(keys))
    assert not stale, (
        f"docs/pages/{page}, '## {title}', documents {', '.join(stale)}, which the code does "
        f"not accept: remove the row or correct its name"
    )


def test_every_plugin_option_is_in_the_configuration_reference() -> None:
    assert_rows(CONFIG_PAGE, PLUGIN_OPTIONS, OPTION_KEYS, "plugin option")


def test_every_component_key_is_in_the_configuration_reference() -> None:
    assert_rows(CONFIG_PAGE, COMPONENTS, COMPONENT_KEYS, "component key")


def test_every_notify_option_and_channel_key_is_in_the_configuration_reference() -> None:
    channel_keys = sorted({key for keys in CHANNEL_KEYS.values() for key in keys})
    assert_rows(CONFIG_PAGE, NOTIFY, [*NOTIFY_KEYS, *channel_keys], "notify key")
    text = section(CONFIG_PAGE, NOTIFY)
    missing = [kind for kind in CHANNEL_TYPES if f"`{kind}`" not in text]
    assert not missing, (
        f"channel types {', '.join(missing)} not documented: name each in the 'type' row "
        f"under '## {NOTIFY}' in docs/pages/{CONFIG_PAGE}"
    )


@pytest.mark.parametrize(
    ("option", "keys"),
    [
        (
            "lint_thresholds",
            (*THRESHOLD_DURATIONS, *THRESHOLD_COUNTS, "acknowledge", "cadence"),
        ),
        ("uptime_weights", tuple(field.name for field in fields(UptimeWeights))),
    ],
)
def test_the_keys_inside_an_option_are_named_in_its_row(option: str, keys: tuple[str]) -> None:
    rows = [
        line
        for line in section(CONFIG_PAGE, PLUGIN_OPTIONS).splitlines()
        if line.startswith(f"| `{option}` |")
    ]
    assert len(rows) == 1, f"docs/pages/{CONFIG_PAGE}: one row for `{option}`"
    missing = [key for key in keys if f"`{key}" not in rows[0]]
    assert not missing, (
        f"the `{option}` row in docs/pages/{CONFIG_PAGE} does not name {', '.join(missing)}"
    )


# ---------------------------------------------------------------------------------------------
# Lint rules, from the registry.


def test_every_lint_rule_is_in_the_lint_rules_reference_with_its_level() -> None:
    text = section(RULES_PAGE, RULES_SECTION)
    rows = dict(re.findall(r"^\| `([a-z0-9-]+)` \| ([^|]+?) \|", text, re.MULTILINE))
    missing = [rule.id for rule in RULES.values() if rule.id not in rows]
    assert not missing, (
        f"lint rules {', '.join(missing)} not documented: add their rows to the table under "
        f"'## {RULES_SECTION}' in docs/pages/{RULES_PAGE} (statuspress.lint.linter.rules_table() "
        "prints the whole table)"
    )
    wrong = {
        rule.id: (rows[rule.id], rule.level_label)
        for rule in RULES.values()
        if rows[rule.id] != rule.level_label
    }
    assert not wrong, f"docs/pages/{RULES_PAGE}: (documented level, real level) of {wrong}"
    stale = sorted(set(rows) - set(RULES))
    assert not stale, f"docs/pages/{RULES_PAGE} documents rules that do not exist: {stale}"


# ---------------------------------------------------------------------------------------------
# The site builds, and the README is its entry page.


def test_the_documentation_site_builds_strictly(tmp_path: Path) -> None:
    """`mkdocs build --strict -f docs/mkdocs.yml`, as the Documentation workflow runs it."""
    built = tmp_path / "docs-site"
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(DOCS / "mkdocs.yml")]
    done = subprocess.run(
        [*build, "-d", str(built)],
        cwd=REPO,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},  # Material's notice about MkDocs 2
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (built / "reference" / "commands" / "index.html").is_file()
    assert (built / "search" / "search_index.json").is_file()
    assert (built / "screenshots" / "status-desktop-light.png").is_file()


def test_every_page_is_in_the_navigation() -> None:
    nav = (DOCS / "mkdocs.yml").read_text(encoding="utf-8")
    pages = sorted(path.relative_to(PAGES).as_posix() for path in PAGES.rglob("*.md"))
    missing = [page for page in pages if f": {page}\n" not in nav]
    assert not missing, f"add {missing} to the nav of docs/mkdocs.yml"


def test_the_readme_is_a_short_entry_page_with_the_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300, "README.md: keep it an entry page; move detail to docs/"
    for command in QUICK_START:
        assert f"\n{command}\n" in text, f"README.md must show the command '{command}' verbatim"


def test_every_relative_link_and_image_of_the_readme_exists() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
    local = [target for target in targets if "://" not in target]
    assert any(target.startswith("docs/pages/") for target in local)
    missing = [target for target in local if not (REPO / target).exists()]
    assert not missing, f"README.md links to files that do not exist: {missing}"
