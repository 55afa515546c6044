"""New components declared in mkdocs.yml as a person would: appended to the plugin's
`components:` list in the same indentation, every other line and comment left as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..commands.authoring import yaml_scalar
from ..configuration.configfile import plugin_node
from ..configuration.settings import load_settings
from ..model.types import Component
from .history import SourceError


def component_yaml(components: list[Component], indent: int) -> list[str]:
    """The list items, each key on its own line, in the order the configuration reference uses."""
    pad = " " * indent
    lines = []
    for component in components:
        lines.append(f"{pad}- id: {component.id}")
        lines.append(f"{pad}  name: {yaml_scalar(component.name)}")
        if component.group:
            lines.append(f"{pad}  group: {yaml_scalar(component.group)}")
        if component.description:
            lines.append(f"{pad}  description: {yaml_scalar(component.description)}")
        if component.start_date:
            lines.append(f"{pad}  start_date: {component.start_date.isoformat()}")
    return lines


def declare_components(config_path: Path, components: list[Component]) -> None:
    """Append `components` to the plugin's list in mkdocs.yml (creating the list if needed)."""
    if not components:
        return
    text = config_path.read_text(encoding="utf-8")
    lines = text.splitlines()
    try:
        options = plugin_node(yaml.compose(text))
    except yaml.YAMLError:
        options = None
    if not isinstance(options, yaml.MappingNode) or not options.value:
        raise _cannot_edit(config_path, components)
    existing = next((v for k, v in options.value if k.value == "components"), None)
    if isinstance(existing, yaml.SequenceNode) and existing.value and existing.flow_style is False:
        indent = existing.value[0].start_mark.column - 2
        at = _end_line(existing, lines)
        new = component_yaml(components, indent)
    elif existing is None and options.flow_style is False:
        key_column = options.value[0][0].start_mark.column
        at = _end_line(options, lines)
        new = [" " * key_column + "components:", *component_yaml(components, key_column + 2)]
    else:
        raise _cannot_edit(config_path, components)
    lines[at:at] = new
    config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings, _ = load_settings(config_path)
    declared = set(settings.component_ids) if settings else set()
    if not {c.id for c in components} <= declared:
        config_path.write_text(text, encoding="utf-8")
        raise _cannot_edit(config_path, components)


def _end_line(node: Any, lines: list[str]) -> int:
    """The index after the node's last line with content (trailing blank and comment lines
    belong to whatever follows)."""
    mark = node.end_mark
    before = lines[mark.line][: mark.column] if mark.line < len(lines) else ""
    end = mark.line if not before.strip() else mark.line + 1
    while end > node.start_mark.line + 1 and not _content(lines[end - 1]):
        end -= 1
    return end


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _cannot_edit(config_path: Path, components: list[Component]) -> SourceError:
    snippet = "\n".join(["      components:", *component_yaml(components, 8)])
    return SourceError(
        config_path.name,
        "cannot add the imported components to the statuspress plugin's options here "
        "(they are not a block mapping with a block list of components)",
        f"add these to the plugin's 'components:' yourself, then import again:\n{snippet}",
    )
