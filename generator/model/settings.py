"""The plugin's options, from mkdocs.yml, validated into `Settings` with line numbers."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..diagnostics import Diagnostic, error
from .fields import did_you_mean
from .source import decode
from .types import Component, Settings, UptimeWeights

COMPONENT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
LEVELS = ("error", "warning", "off")
OPTION_KEYS = (
    "company", "timezone", "uptime_days", "components", "lint", "forbidden_patterns",
    "private_emails", "uptime_weights", "feed_id_authority", "recent_days",
    "history_page_size", "postmortem_due_days", "max_file_bytes", "allow_raw_html", "notify",
    "cache_dir",
)
COMPONENT_KEYS = ("id", "name", "group", "description", "start_date")


class _ConfigLoader(__import__("yaml").SafeLoader):
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
    import yaml

    name = config_path.name
    try:
        data = config_path.read_bytes()
    except OSError:
        return None, [error(name, 0, "config", f"cannot read '{config_path}'",
                            "run the command in the site folder, or pass -f mkdocs.yml")]
    text, problems = decode(name, data)
    if text is None:
        return None, problems
    try:
        config = yaml.load(text, Loader=_ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [error(name, mark.line + 1 if mark else 0, "config",
                            f"invalid YAML: {getattr(exc, 'problem', exc)}",
                            "check the indentation of mkdocs.yml")]
    if not isinstance(config, dict):
        return None, [error(name, 1, "config", "mkdocs.yml is not a mapping",
                            "start from 'statuspress init'")]
    return config, []


def plugin_options(config: dict[str, Any]) -> dict[str, Any] | None:
    """The `statuspress` entry of `plugins:`, or None when the plugin is not configured."""
    for entry in config.get("plugins") or []:
        if entry == "statuspress":
            return {}
        if isinstance(entry, dict) and "statuspress" in entry:
            return dict(entry["statuspress"] or {})
    return None


def load_settings(config_path: Path) -> tuple[Settings | None, list[Diagnostic]]:
    config, problems = read_config(config_path)
    if config is None:
        return None, problems
    options = plugin_options(config)
    if options is None:
        return None, [error(config_path.name, 0, "config", "the statuspress plugin is not "
                            "configured", "add '- statuspress:' under 'plugins:' in mkdocs.yml")]
    return settings_from(config, options, config_path.name)


def settings_from(config: dict[str, Any], options: dict[str, Any],
                  path: str = "mkdocs.yml") -> tuple[Settings | None, list[Diagnostic]]:
    """Validate the plugin options; every problem is collected."""
    problems = [error(path, 0, "config", f"unknown statuspress option '{key}'",
                      did_you_mean(key, OPTION_KEYS)) for key in options if key not in OPTION_KEYS]
    values: dict[str, Any] = {}
    for key, check in _CHECKS.items():
        if key in options:
            try:
                values[key] = check(options[key])
            except ValueError as exc:
                problems.append(error(path, 0, "config", f"option '{key}': {exc}",
                                      _HINTS.get(key, "see the README's configuration section")))
    site_url = str(config.get("site_url") or "")
    authority = values.pop("feed_id_authority", "") or urlsplit(site_url).hostname or "localhost"
    if problems:
        return None, problems
    return Settings(site_name=str(config.get("site_name") or "Status"), site_url=site_url,
                    docs_dir=str(config.get("docs_dir") or "docs"),
                    feed_id_authority=authority, **values), []


def _components(value: Any) -> tuple[Component, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list of components with 'id' and 'name'")
    seen: set[str] = set()
    result = []
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict) or "id" not in item:
            raise ValueError(f"component #{position} needs an 'id' and a 'name'")
        unknown = [k for k in item if k not in COMPONENT_KEYS]
        if unknown:
            raise ValueError(f"unknown key '{unknown[0]}' in component '{item['id']}' "
                             f"({did_you_mean(str(unknown[0]), COMPONENT_KEYS)})")
        component_id = str(item["id"])
        if not COMPONENT_ID.match(component_id) or component_id in seen:
            raise ValueError(f"component id '{component_id}' is invalid or repeated "
                             "(lower-case letters, digits, '-' and '_')")
        seen.add(component_id)
        start = item.get("start_date")
        result.append(Component(
            id=component_id, name=str(item.get("name") or component_id),
            group=str(item["group"]) if item.get("group") else None,
            description=str(item["description"]) if item.get("description") else None,
            position=position,
            start_date=start if isinstance(start, date) or start is None
            else date.fromisoformat(str(start))))
    return tuple(result)


def _lint(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must map rule ids to error, warning or off")
    levels = {str(k): str(v).lower() if v is not False else "off" for k, v in value.items()}
    bad = [k for k, v in levels.items() if v not in LEVELS]
    if bad:
        raise ValueError(f"rule '{bad[0]}' has level '{levels[bad[0]]}'; use error, warning "
                         "or off")
    return levels


def _patterns(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list of regular expressions")
    for pattern in value:
        try:
            re.compile(str(pattern))
        except re.error as exc:
            raise ValueError(f"'{pattern}' is not a valid regular expression: {exc}") from None
    return tuple(str(p) for p in value)


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{value}'") from None
    return str(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not '{value}'")
    return value


def _weights(value: Any) -> UptimeWeights:
    if not isinstance(value, dict):
        raise ValueError("must map component states to a share of downtime between 0 and 1")
    known = UptimeWeights.__dataclass_fields__
    for key, weight in value.items():
        if key not in known or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
            raise ValueError(f"'{key}: {weight}' is not a state with a weight from 0 to 1")
    return UptimeWeights(**{k: float(v) for k, v in value.items()})


def _string_tuple(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list")
    return tuple(str(v) for v in value)


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a mapping")
    return dict(value)


_CHECKS = {
    "company": str, "timezone": _timezone, "uptime_days": _positive_int,
    "components": _components, "lint": _lint, "forbidden_patterns": _patterns,
    "private_emails": _string_tuple, "uptime_weights": _weights, "feed_id_authority": str,
    "recent_days": _positive_int, "history_page_size": _positive_int,
    "postmortem_due_days": _positive_int, "max_file_bytes": _positive_int,
    "allow_raw_html": _boolean, "notify": _mapping, "cache_dir": str,
}
_HINTS = {
    "components": "list components as '- id: api' with 'name:', and optionally 'group:' and "
                  "'description:'",
    "timezone": "use an IANA zone name such as UTC or Europe/Berlin",
}
