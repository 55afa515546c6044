"""MkDocs' own validation of mkdocs.yml, reported as diagnostics with the line at fault.

MkDocs logs each problem as "Config value 'theme': ..." and then aborts with "Aborted with a
configuration error!", without a line. `check` and `build` both run the same validation and
say where the problem is and what to write instead, for every kind of error MkDocs finds:
an unknown theme or plugin, a value of the wrong type, a missing folder, an unknown key.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError

from ..diagnostics import Diagnostic, error, warning
from ..model.fields import did_you_mean
from ..model.load import missing_folder
from .configfile import compose_config

RULE = "mkdocs-config"
REFERENCE = "https://www.mkdocs.org/user-guide/configuration/"
_QUOTED = re.compile(r"'([^']+)'|\"([^\"]+)\"")
_UNKNOWN_THEME = re.compile(
    r"Unrecognised theme name: '([^']*)'. The available installed themes are: (.*)"
)
_UNKNOWN_PLUGIN = re.compile(r'The "([^"]*)" plugin is not installed')
_UNKNOWN_KEY = re.compile(r"Unrecognised configuration name: (\S+)")


def validate_mkdocs_config(
    config_path: Path, strict: bool = False
) -> tuple[MkDocsConfig | None, list[Diagnostic]]:
    """MkDocs' configuration and what its validation found; the configuration is None when
    there is an error (or, with `strict`, a warning), as `mkdocs build` would abort.

    Call it only on a file that `read_config` accepted: MkDocs' YAML loader builds Python
    objects, and statuspress's own reading refuses the tags that would run code.
    """
    config = MkDocsConfig(config_file_path=str(config_path))
    name = config_path.name
    try:
        with config_path.open("rb") as handle:
            config.load_file(handle)
    except (ConfigurationError, OSError) as exc:
        return None, [error(name, 0, RULE, f"MkDocs cannot read {name}: {exc}", "fix mkdocs.yml")]
    config.load_dict({"strict": strict})
    try:
        failed, warned = config.validate()
    except Exception as exc:  # a plugin or hook that breaks while MkDocs loads it
        message = f"MkDocs could not load what {name} names: {type(exc).__name__}: {exc}"
        return None, [error(name, 0, RULE, message, "check 'plugins:' and 'hooks:'")]
    keys = _key_nodes(config_path)
    found = [
        _missing_content(config)
        if _is_missing_content(key, str(exc))
        else _diagnostic(name, keys, key, str(exc), is_error=True)
        for key, exc in failed
    ]
    found += [_diagnostic(name, keys, key, str(exc), is_error=False) for key, exc in warned]
    usable = not failed and not (strict and warned)
    return (config if usable else None), found


def _is_missing_content(key: str, message: str) -> bool:
    return key == "docs_dir" and message.endswith("isn't an existing directory.")


def _missing_content(config: MkDocsConfig) -> Diagnostic:
    """Said as statuspress's loader says it, so `check` reports it once."""
    return missing_folder(str(config.get("docs_dir") or "docs"))


def _key_nodes(config_path: Path) -> dict[str, tuple[int, Any]]:
    """Each top-level key's line and value node."""
    root = compose_config(config_path)
    if root is None or not hasattr(root, "value") or not isinstance(root.value, list):
        return {}
    return {
        str(key.value): (key.start_mark.line + 1, value)
        for key, value in root.value
        if hasattr(key, "value")
    }


def _diagnostic(
    path: str, keys: dict[str, tuple[int, Any]], key: str, message: str, *, is_error: bool
) -> Diagnostic:
    line, node = keys.get(key, (0, None))
    line = _line_of_quoted_value(node, message) or line
    text = f"'{key}': {message}" if key else message
    make = error if is_error else warning
    return make(path, line, RULE, text, _hint(key, message))


def _line_of_quoted_value(node: Any, message: str) -> int | None:
    """The line of the value the message quotes (an unknown theme or plugin name, say)."""
    quoted = {a or b for a, b in _QUOTED.findall(message)}
    stack = [node] if node is not None else []
    while stack and quoted:
        item = stack.pop()
        value = getattr(item, "value", None)
        if isinstance(value, str):
            if value in quoted:
                return int(item.start_mark.line) + 1
        elif isinstance(value, list):
            for child in reversed(value):
                stack.extend(reversed(child) if isinstance(child, tuple) else (child,))
    return None


def _hint(key: str, message: str) -> str:
    reference = f"see '{key}' in MkDocs' configuration reference: {REFERENCE}#{key}"
    theme = _UNKNOWN_THEME.search(message)
    if theme:
        close = _close(theme[1], [t.strip() for t in theme[2].split(",")])
        return close or "write 'name: statuspress' under 'theme:'"
    plugin = _UNKNOWN_PLUGIN.search(message)
    if plugin:
        from mkdocs.plugins import get_plugins

        close = _close(plugin[1], sorted(get_plugins()))
        return close or "install the plugin's package (add it to requirements.txt) or remove it"
    unknown = _UNKNOWN_KEY.search(message)
    if unknown:
        close = _close(unknown[1], [k for k, _ in MkDocsConfig._schema])
        return close or f"remove it; {reference}"
    return reference


def _close(word: str, choices: list[str]) -> str | None:
    """ "did you mean 'x'?" when one of `choices` is close to `word`."""
    hint = did_you_mean(word, choices)
    return hint if hint.startswith("did you mean") else None
