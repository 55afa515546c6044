"""Reading mkdocs.yml safely: its YAML (and the files it inherits) without running code, the
statuspress entry of its plugins, and the line of each key, for messages that name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..diagnostics import Diagnostic, error
from ..model.source import CONTROL_HINT, decode, unpublishable, yaml_syntax_hint


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading of mkdocs.yml that tolerates MkDocs' own `!!python/name:` and `!ENV` tags."""


def _any_tag(loader: Any, suffix: str, node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_ConfigLoader.add_multi_constructor("!", _any_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _any_tag)


def read_config(config_path: Path) -> tuple[dict[str, Any] | None, list[Diagnostic]]:
    """mkdocs.yml as a dict (MkDocs tags tolerated, never executed)."""
    config, _, problems = read_config_and_lines(config_path)
    return config, problems


class _ConfigError(Exception):
    def __init__(self, line: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.line, self.message, self.hint = line, message, hint


def read_config_and_lines(
    config_path: Path,
) -> tuple[dict[str, Any] | None, dict[str, int], list[Diagnostic]]:
    """mkdocs.yml as a dict, with the line of each statuspress option."""
    name = config_path.name
    try:
        data = config_path.read_bytes()
    except OSError:
        return (
            None,
            {},
            [
                error(
                    name,
                    0,
                    "config",
                    f"cannot read '{config_path}'",
                    "run the command in the site folder, or pass -f mkdocs.yml",
                )
            ],
        )
    if not data.strip():
        return (
            None,
            {},
            [
                error(
                    name,
                    0,
                    "config",
                    f"{name} is empty",
                    "start from 'statuspress init', or copy the example of the "
                    "configuration reference in the documentation",
                )
            ],
        )
    text, problems = decode(name, data)
    if text is None:
        return None, {}, problems
    try:
        config, node = _parse_config(text)
    except _ConfigError as exc:
        return None, {}, [error(name, exc.line, "config", exc.message, exc.hint)]
    problems = _inherited_problems(config_path, config, node)
    if problems:
        return None, {}, problems
    return config, option_lines(node), []


def compose_config(config_path: Path) -> Any:
    """mkdocs.yml's YAML nodes (for the lines of its keys); None when it cannot be read."""
    try:
        return _parse_config(config_path.read_text(encoding="utf-8"))[1]
    except (OSError, UnicodeDecodeError, _ConfigError):
        return None


def config_key_lines(config_path: Path) -> dict[str, int]:
    """The line of each top-level key of mkdocs.yml."""
    root = compose_config(config_path)
    pairs = root.value if root is not None and isinstance(root.value, list) else []
    return {str(key.value): key.start_mark.line + 1 for key, _ in pairs}


MAX_INHERITANCE = 10


def _inherited_problems(config_path: Path, config: dict[str, Any], node: Any) -> list[Diagnostic]:
    """MkDocs loads the files named by `INHERIT:` with a loader that can run code: each is
    checked as mkdocs.yml itself is, up the chain, before MkDocs reads any of them."""
    seen = {config_path.resolve()}
    current, current_node = config_path, node
    while "INHERIT" in config:
        line = _key_line(current_node, "INHERIT")
        name = _shown(current, config_path)
        parent_name = config["INHERIT"]
        if not isinstance(parent_name, str) or not parent_name.strip():
            return [error(name, line, "config", "'INHERIT' must name a file", _INHERIT_HINT)]
        parent = current.parent / parent_name
        if parent.resolve() in seen or len(seen) > MAX_INHERITANCE:
            return [error(name, line, "config", "'INHERIT' goes round in a loop", _INHERIT_HINT)]
        seen.add(parent.resolve())
        loaded, problems = _parent_config(parent, _shown(parent, config_path), name, line)
        if loaded is None:
            return problems
        (config, current_node), current = loaded, parent
    return []


_INHERIT_HINT = (
    "name a YAML file beside mkdocs.yml, e.g. 'INHERIT: base.yml', that inherits no loop"
)


def _parent_config(
    parent: Path, shown: str, child: str, line: int
) -> tuple[tuple[dict[str, Any], Any] | None, list[Diagnostic]]:
    try:
        data = parent.read_bytes()
    except OSError as exc:
        message = f"cannot read the inherited file '{shown}': {exc.strerror}"
        return None, [error(child, line, "config", message, _INHERIT_HINT)]
    text, problems = decode(shown, data)
    if text is None:
        return None, problems
    try:
        return _parse_config(text), []
    except _ConfigError as exc:
        return None, [error(shown, exc.line, "config", exc.message, exc.hint)]


def _key_line(node: Any, key: str) -> int:
    return next((k.start_mark.line + 1 for k, _ in node.value if k.value == key), 0)


def _shown(path: Path, config_path: Path) -> str:
    """`path` as messages name it: relative to the folder of mkdocs.yml when inside it."""
    try:
        return path.resolve().relative_to(config_path.parent.resolve()).as_posix()
    except ValueError:
        return str(path)


def _parse_config(text: str) -> tuple[dict[str, Any], Any]:
    import yaml

    loader = _ConfigLoader(text)  # a SafeLoader subclass
    try:  # as yaml.compose, then as yaml.load from the same nodes: the text is parsed once
        node = loader.get_single_node()
        config = loader.construct_document(node) if node is not None else None
    except (yaml.YAMLError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        at_fault = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        raise _ConfigError(
            mark.line + 1 if mark else 1,
            f"invalid YAML: {problem}",
            yaml_syntax_hint(str(problem), at_fault, "check the indentation of mkdocs.yml"),
        ) from None
    finally:
        loader.dispose()
    if not isinstance(config, dict):
        raise _ConfigError(1, "mkdocs.yml is not a mapping", "start from 'statuspress init'")
    _refuse_hostile_nodes(node)
    return config, node


CONFIG_MAX_NODES = 100_000  # values after expanding aliases; real configurations have hundreds
_PYTHON_TAG = "tag:yaml.org,2002:python/"
_HARMLESS_PYTHON_TAG = "tag:yaml.org,2002:python/name:"  # MkDocs' own use: a dotted name


def _refuse_hostile_nodes(root: Any) -> None:
    """MkDocs reads mkdocs.yml again with a loader that builds Python objects and walks every
    value: refuse tags that would run code, and aliases that expand without end (reported at
    the top-level key whose value expands too far)."""
    budget = [CONFIG_MAX_NODES]
    for key, value in root.value:
        _refuse_hostile_value(value, key.start_mark.line + 1, budget)


def _refuse_hostile_value(top: Any, key_line: int, budget: list[int]) -> None:
    stack = [top]
    while stack:
        node = stack.pop()
        budget[0] -= 1
        if budget[0] < 0:
            raise _ConfigError(
                key_line,
                "mkdocs.yml expands to too many values (YAML aliases)",
                "write the values out plainly; anchors and aliases are not needed",
            )
        tag = node.tag or ""
        if tag.startswith(_PYTHON_TAG) and not tag.startswith(_HARMLESS_PYTHON_TAG):
            raise _ConfigError(
                node.start_mark.line + 1,
                f"the YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}'"
                " would build a Python object or run code",
                "remove the tag; only '!!python/name:' and '!ENV' are allowed",
            )
        if isinstance(node.value, str):
            problem = unpublishable(node.value)  # a YAML escape such as "\e" in a name
            if problem is not None:
                raise _ConfigError(node.start_mark.line + 1, problem, CONTROL_HINT)
        if isinstance(node.value, list):
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))


def option_lines(node: Any) -> dict[str, int]:
    """1-based lines of the plugin's options: 'key', 'key.sub' and 'key.N' (list items)."""
    import yaml

    lines: dict[str, int] = {}
    options = plugin_node(node)
    if options is not None:
        lines[""] = options.start_mark.line + 1
    if not isinstance(options, yaml.MappingNode):
        return lines
    for key_node, value in options.value:
        key = str(key_node.value)
        lines[key] = key_node.start_mark.line + 1
        if isinstance(value, yaml.SequenceNode):
            for index, item in enumerate(value.value):
                lines[f"{key}.{index}"] = item.start_mark.line + 1
        elif isinstance(value, yaml.MappingNode):
            for sub_key, _ in value.value:
                lines[f"{key}.{sub_key.value}"] = sub_key.start_mark.line + 1
    return lines


def plugin_node(node: Any) -> Any:
    """The composed node of the statuspress plugin's options, if any."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    plugins = next((v for k, v in node.value if k.value == "plugins"), None)
    if isinstance(plugins, yaml.MappingNode):
        return next((v for k, v in plugins.value if k.value == "statuspress"), None)
    if not isinstance(plugins, yaml.SequenceNode):
        return None
    for entry in plugins.value:
        if isinstance(entry, yaml.MappingNode):
            found = next((v for k, v in entry.value if k.value == "statuspress"), None)
            if found is not None:
                return found
    return None


def plugin_options(config: dict[str, Any]) -> Any:
    """The `statuspress` entry of `plugins:` (a list or a mapping), None when not configured."""
    plugins = config.get("plugins") or []
    if isinstance(plugins, dict):
        return plugins.get("statuspress") or {} if "statuspress" in plugins else None
    if not isinstance(plugins, list):
        return None
    for entry in plugins:
        if entry == "statuspress":
            return {}
        if isinstance(entry, dict) and "statuspress" in entry:
            value = entry["statuspress"]
            return dict(value) if isinstance(value, dict) else value or {}
    return None
