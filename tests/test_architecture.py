"""The package's layout rules: no import cycles, counting imports inside functions and under
TYPE_CHECKING, as any of them can make a module depend on another being loaded first."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "statuspress"
SOURCES = {"statuspress": Path(__file__).resolve().parent.parent / "generator"}


def _module_name(path: Path, root: Path) -> str:
    parts = [PACKAGE, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    root = SOURCES[PACKAGE]
    return {_module_name(path, root): path for path in root.rglob("*.py")}


def _imported(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the package that `name` imports, wherever the import statement is."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            stem = node.module or ""
            origin = f"{base}.{stem}".strip(".") if node.level else stem
            # `from package import module` needs the module; `from module import name`, the module.
            submodules = [f"{origin}.{alias.name}" for alias in node.names]
            targets = [t for t in submodules if t in known] or [origin]
        else:
            continue
        found |= {target for target in targets if target in known and target != name}
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_there_are_no_import_cycles() -> None:
    modules = _modules()
    assert len(modules) > 50, f"found only {len(modules)} modules under {SOURCES[PACKAGE]}"
    known = set(modules)
    graph = {name: _imported(name, path, known) for name, path in modules.items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles (move the shared piece down a layer): " + "; ".join(
        " <-> ".join(cycle) for cycle in cycles
    )


def test_imports_inside_functions_and_under_type_checking_count(tmp_path: Path) -> None:
    module = tmp_path / "a.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .b import B\n"
        "def f():\n    from . import c\n    from .d import name\n"
    )
    known = {"statuspress.a", "statuspress.b", "statuspress.c", "statuspress.d"}
    assert _imported("statuspress.a", module, known) == known - {"statuspress.a"}


def test_the_cycle_finder_finds_cycles() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
