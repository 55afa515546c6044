"""Nothing a build decides lives in a module's globals: what one build reads, keys, caches or
warns about is an object handed to what needs it, so two builds or lint runs in one process
(`serve`, the tests, an audience's site built inside another's) never share it.

Module-level tables are constants; the only ones filled at run time are the registers their
decorators fill as the package is imported (lint rules, site-level pages). A cache of what a
function reads from the site's files is keyed by those files as they are."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from conftest import EXAMPLE_NOW, REPO, copy_example, write_files
from statuspress.publishing.build import build_site

PACKAGE = REPO / "generator"

# Module globals that functions fill: each by the decorator that registers into it at import.
REGISTERS = {
    ("generator/lint/rules/registry.py", "RULES"): {
        "rule",
        "also_in_postmortems",
        "register_external",
        "register",
    },
    ("generator/outputs/registry.py", "SITE_PAGES"): {"site_page"},
}
# Per-thread or per-context stores at module level, with why each is no build's state.
PER_THREAD = {
    # Markdown converters, reset before each text: reusable parsers of fixed settings.
    ("generator/outputs/markdown.py", "_converters"),
}
MUTATORS = frozenset(
    {"append", "extend", "update", "add", "setdefault", "pop", "popitem", "clear", "insert"}
    | {"remove", "discard", "__setitem__"}
)


def modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(REPO).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def module_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def changed_globals(tree: ast.Module) -> Iterator[tuple[str, str, int]]:
    """(global, function, line) wherever a function changes a module global's contents."""
    names = module_names(tree)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = {a.arg for a in (*function.args.args, *function.args.kwonlyargs)}
        for node in ast.walk(function):
            target = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in MUTATORS:
                    target = node.func.value
            elif isinstance(node, ast.Assign | ast.AugAssign | ast.Delete):
                targets = (
                    node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
                )
                target = next((t.value for t in targets if isinstance(t, ast.Subscript)), None)
            if isinstance(target, ast.Name) and target.id in names - arguments:
                yield target.id, function.name, node.lineno


def test_no_function_changes_a_module_global_but_the_registers() -> None:
    found = {
        (path, name, function, line)
        for path, tree in modules()
        for name, function, line in changed_globals(tree)
    }
    assert {(path, name) for path, name, _, _ in found} == set(REGISTERS)
    for path, name, function, line in found:
        assert function in REGISTERS[path, name], f"{path}:{line} {function} changes {name}"


def test_the_package_rebinds_no_module_global() -> None:
    """No `global` statement outside the program's own exit (cli.py), which no build reads."""
    found = [
        f"{path}:{', '.join(node.names)}"
        for path, tree in modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Global)
    ]
    assert found == ["generator/cli.py:_finished_with_everything_written"]


def test_no_module_keeps_state_per_thread_or_context_but_the_converters() -> None:
    found = set()
    for path, tree in modules():
        for node in tree.body:
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            if isinstance(value, ast.Call):
                called = ast.unparse(value.func)
                if called.endswith(("ContextVar", "threading.local", "local")):
                    target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                    found.add((path, ast.unparse(target)))
    assert found == PER_THREAD


def test_the_checks_find_what_they_look_for() -> None:
    tree = ast.parse(
        "SEEN = {}\nKEPT: list[int] = []\n"
        "def note(key, kept):\n    SEEN[key] = 1\n    KEPT.append(key)\n    kept.append(key)\n"
    )
    assert sorted((name, function) for name, function, _ in changed_globals(tree)) == [
        ("KEPT", "note"),
        ("SEEN", "note"),
    ]


def test_a_site_catalog_edited_between_two_builds_in_one_process_is_read_again(
    tmp_path: Path,
) -> None:
    """As under `serve`: what the process read of a site's own catalog before is not what
    the next build shows once the catalog changed (the caches of catalogs are keyed by the
    files as they are)."""
    root = copy_example(tmp_path)
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        config.replace(
            "  name: statuspress\n",
            "  name: statuspress\n  custom_dir: overrides\n  language: sv\n",
        )
    )
    head = 'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\nmsgid "Open incidents"\n'
    for words in ("Pågående incidenter", "Aktiva incidenter just nu"):
        write_files(root, {"overrides/locales/sv.po": f'{head}msgstr "{words}"\n'})
        build_site(root / "mkdocs.yml", root / "site", EXAMPLE_NOW)
        assert words in (root / "site" / "index.html").read_text(encoding="utf-8")
