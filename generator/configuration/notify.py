"""The `notify:` option: the channels that get each new update, and where their secrets live.

A channel names the environment variable that holds its URL or password, never the value:
mkdocs.yml is committed, so a webhook URL written there would be a leaked secret.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from ..clock import OutOfRange, parse_duration
from ..diagnostics import Diagnostic, error, sort_diagnostics
from ..model.fields import did_you_mean
from ..model.types import Impact

HTTP_TYPES = ("webhook", "slack", "mattermost", "discord", "teams")
CHANNEL_TYPES = (*HTTP_TYPES, "email")
NOTIFY_KEYS = ("channels", "max_age", "maintenance_reminder", "retries", "retry_delay", "timeout")
FILTER_KEYS = ("components", "min_impact")  # every channel may be limited by these
HTTP_KEYS = ("type", "name", "url_env", *FILTER_KEYS)
CHANNEL_KEYS = {
    "webhook": (*HTTP_KEYS, "secret_env"),
    **dict.fromkeys(("slack", "mattermost", "discord", "teams"), HTTP_KEYS),
    "email": (
        "type",
        "name",
        "to",
        "from",
        "host_env",
        "port_env",
        "user_env",
        "password_env",
        "starttls",
        *FILTER_KEYS,
    ),
}
EXAMPLE_ENV = {
    "webhook": "STATUS_WEBHOOK_URL",
    "slack": "SLACK_WEBHOOK_URL",
    "mattermost": "MATTERMOST_WEBHOOK_URL",
    "discord": "DISCORD_WEBHOOK_URL",
    "teams": "TEAMS_WEBHOOK_URL",
}
# Keys people write for a secret's value, and the `*_env` key that names its variable instead.
SECRET_VALUE_KEYS = {
    "url": "url_env",
    "webhook_url": "url_env",
    "webhook": "url_env",
    "secret": "secret_env",
    "host": "host_env",
    "port": "port_env",
    "user": "user_env",
    "username": "user_env",
    "password": "password_env",
}
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SEE_GUIDE = "see the Notifications guide in the documentation"
DEFAULT_REMINDER = timedelta(hours=24)  # before each maintenance window


@dataclass(frozen=True)
class HttpChannel:
    """A webhook: generic JSON, Slack, Mattermost, Discord or Teams."""

    name: str
    type: str
    url_env: str
    secret_env: str | None = None  # generic webhook: HMAC-SHA256 signing key
    components: tuple[str, ...] | None = None  # only what touches these; None: everything
    min_impact: Impact | None = None  # only incidents at least this bad


@dataclass(frozen=True)
class EmailChannel:
    """One message per update to a list address over SMTP."""

    name: str
    to: str
    sender: str
    host_env: str
    port_env: str | None = None
    user_env: str | None = None
    password_env: str | None = None
    starttls: bool = True
    type: str = "email"
    components: tuple[str, ...] | None = None
    min_impact: Impact | None = None


Channel = HttpChannel | EmailChannel


@dataclass(frozen=True)
class NotifyConfig:
    channels: tuple[Channel, ...] = ()
    max_age: timedelta = timedelta(days=1)  # older updates are never sent, e.g. after an import
    # How long before each maintenance window its reminder goes out; zero: no reminders.
    maintenance_reminder: timedelta = DEFAULT_REMINDER
    retries: int = 4  # after the first attempt
    retry_delay: float = 1.0  # seconds before the first retry; doubles each time
    timeout: float = 10.0  # seconds per request


@dataclass(frozen=True)
class Problem:
    """A bad `notify:` value; `where` is the path of keys below `notify`, for its line."""

    where: tuple[str | int, ...]
    message: str
    hint: str = SEE_GUIDE


class _Invalid(Exception):
    def __init__(self, where: tuple[str | int, ...], message: str, hint: str = SEE_GUIDE) -> None:
        super().__init__(message)
        self.problem = Problem(where, message, hint)


def parse_notify(
    value: Any, component_ids: tuple[str, ...] | None = None
) -> tuple[NotifyConfig | None, list[Problem]]:
    """Validate the `notify:` mapping; every problem is collected. With `component_ids`, a
    channel's `components` must name configured components."""
    if value is None:
        return NotifyConfig(), []
    if not isinstance(value, dict):
        return None, [Problem((), "'notify' must be a mapping with 'channels:'")]
    problems = [
        Problem(
            (str(key),), f"unknown key '{key}' in 'notify'", did_you_mean(str(key), NOTIFY_KEYS)
        )
        for key in value
        if key not in NOTIFY_KEYS
    ]
    values: dict[str, Any] = {}
    for key, check in _SETTINGS.items():
        if key in value:
            try:
                values[key] = check(value[key])
            except _Invalid as exc:
                problems.append(exc.problem)
    channels, channel_problems = _channels(value.get("channels"), component_ids)
    problems.extend(channel_problems)
    if problems:
        return None, problems
    return NotifyConfig(channels=channels, **values), []


def _channels(
    value: Any, component_ids: tuple[str, ...] | None
) -> tuple[tuple[Channel, ...], list[Problem]]:
    if value is None:
        return (), []
    if not isinstance(value, list):
        return (), [
            Problem(
                ("channels",),
                "'channels' must be a list of channels",
                "write each channel as '- type: slack' with 'url_env: ...'",
            )
        ]
    channels: list[Channel] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        try:
            channel = _channel(item, index, component_ids)
        except _Invalid as exc:
            problems.append(exc.problem)
            continue
        if channel.name in seen:
            problems.append(
                Problem(
                    ("channels", index),
                    f"two channels are named '{channel.name}'",
                    "give each channel its own 'name:'",
                )
            )
        seen.add(channel.name)
        channels.append(channel)
    return tuple(channels), problems


def _channel(item: Any, index: int, component_ids: tuple[str, ...] | None) -> Channel:
    where: tuple[str | int, ...] = ("channels", index)
    if not isinstance(item, dict) or "type" not in item:
        raise _Invalid(
            where, f"channel #{index + 1} needs a 'type'", f"use one of: {', '.join(CHANNEL_TYPES)}"
        )
    kind = str(item["type"])
    if kind not in CHANNEL_TYPES:
        raise _Invalid(
            (*where, "type"),
            f"channel #{index + 1}: unknown type '{kind}'",
            did_you_mean(kind, CHANNEL_TYPES).replace("known keys", "known types"),
        )
    label = f"channel #{index + 1} ({item.get('name') or kind})"
    for key in item:
        _check_key(str(key), kind, label, (*where, str(key)))
    name = _text(item.get("name"), (*where, "name"), label) or kind
    components = _components(item.get("components"), (*where, "components"), label, component_ids)
    min_impact = _impact(item.get("min_impact"), (*where, "min_impact"), label)
    if kind == "email":
        channel = _email_channel(item, name, label, where)
        return replace(channel, components=components, min_impact=min_impact)
    return HttpChannel(
        name=name,
        type=kind,
        url_env=_env(item, "url_env", label, where, EXAMPLE_ENV[kind]),
        secret_env=_optional_env(item, "secret_env", label, where),
        components=components,
        min_impact=min_impact,
    )


def _components(
    value: Any,
    where: tuple[str | int, ...],
    label: str,
    known: tuple[str, ...] | None,
) -> tuple[str, ...] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _Invalid(
            where,
            f"{label}: 'components' must be a list of component ids",
            "write e.g. 'components: [api, dashboard]'",
        )
    for index, component_id in enumerate(value):
        if known is not None and component_id not in known:
            raise _Invalid(
                (*where, index),
                f"{label}: unknown component '{component_id}'",
                did_you_mean(component_id, known).replace("known keys", "known components"),
            )
    return tuple(value)


def _impact(value: Any, where: tuple[str | int, ...], label: str) -> Impact | None:
    if value is None:
        return None
    names = tuple(impact.value for impact in Impact)
    if not isinstance(value, str) or value not in names:
        raise _Invalid(
            where,
            f"{label}: 'min_impact' must be one of {', '.join(names)}, not {value!r}",
            "write e.g. 'min_impact: major' to hear only of major and critical incidents",
        )
    return Impact(value)


def _check_key(key: str, kind: str, label: str, where: tuple[str | int, ...]) -> None:
    known = CHANNEL_KEYS[kind]
    if key in known:
        return
    if key in SECRET_VALUE_KEYS:
        env_key = SECRET_VALUE_KEYS[key]
        raise _Invalid(
            where,
            f"{label}: '{key}' would put a secret in the repository",
            f"store it as a secret in an environment variable and name the variable "
            f"instead: '{env_key}: {_example_env(kind, env_key)}'",
        )
    raise _Invalid(where, f"{label}: unknown key '{key}'", did_you_mean(key, known))


def _example_env(kind: str, env_key: str) -> str:
    if env_key == "url_env":
        return EXAMPLE_ENV.get(kind, "STATUS_WEBHOOK_URL")
    return {"secret_env": "STATUS_WEBHOOK_SECRET"}.get(env_key, "SMTP_" + env_key[:-4].upper())


def _env(
    item: dict[str, Any], key: str, label: str, where: tuple[str | int, ...], example: str
) -> str:
    value = item.get(key)
    if value is None:
        raise _Invalid(
            where,
            f"{label}: '{key}' is missing",
            f"name the environment variable that holds it, e.g. '{key}: {example}'",
        )
    text = str(value)
    if any(mark in text for mark in ("://", "@", ".")):  # a URL, address or host name
        raise _Invalid(
            (*where, key),
            f"{label}: '{key}' must name an environment variable, not hold the value itself",
            "keep the value out of the repository: "
            "store it as a secret, pass it to the step in an environment variable "
            f"and write '{key}: {example}'",
        )
    if not ENV_NAME.fullmatch(text):
        raise _Invalid(
            (*where, key),
            f"{label}: '{text}' is not an environment variable name",
            "use letters, digits and '_', e.g. " + example,
        )
    return text


def _optional_env(
    item: dict[str, Any], key: str, label: str, where: tuple[str | int, ...]
) -> str | None:
    if item.get(key) is None:
        return None
    return _env(item, key, label, where, _example_env("email", key))


def _email_channel(
    item: dict[str, Any], name: str, label: str, where: tuple[str | int, ...]
) -> EmailChannel:
    starttls = item.get("starttls", True)
    if not isinstance(starttls, bool):
        raise _Invalid((*where, "starttls"), f"{label}: 'starttls' must be true or false")
    user_env = _optional_env(item, "user_env", label, where)
    password_env = _optional_env(item, "password_env", label, where)
    if (user_env is None) != (password_env is None):
        raise _Invalid(
            where,
            f"{label}: 'user_env' and 'password_env' go together",
            "name both variables to log in, or neither to send without logging in",
        )
    if user_env and not starttls:
        raise _Invalid(
            (*where, "starttls"),
            f"{label}: with 'starttls: false' the password would cross the network unencrypted",
            "remove 'starttls: false'",
        )
    return EmailChannel(
        name=name,
        to=_address(item, "to", label, where),
        sender=_address(item, "from", label, where),
        host_env=_env(item, "host_env", label, where, "SMTP_HOST"),
        port_env=_optional_env(item, "port_env", label, where),
        user_env=user_env,
        password_env=password_env,
        starttls=starttls,
    )


def _address(item: dict[str, Any], key: str, label: str, where: tuple[str | int, ...]) -> str:
    value = item.get(key)
    example = (
        "status-updates@lists.acme.example"
        if key == "to"
        else ("Acme Status <status@acme.example>")
    )
    if value is None:
        raise _Invalid(where, f"{label}: '{key}' is missing", f"write e.g. '{key}: {example}'")
    text = value if isinstance(value, str) else ""
    if "\n" in text or "@" not in parseaddr(text)[1]:
        shown = text or ("a list or mapping" if isinstance(value, (dict, list)) else str(value))
        raise _Invalid(
            (*where, key),
            f"{label}: '{shown}' is not an e-mail address",
            f"write e.g. '{key}: {example}'",
        )
    return text.strip()


def _text(value: Any, where: tuple[str | int, ...], label: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dict, list)) or not str(value).strip():
        raise _Invalid(where, f"{label}: 'name' must be a short text")
    return str(value).strip()


def _duration(key: str, hint: str, may_be_off: bool = False) -> Callable[[Any], timedelta]:
    def check(value: Any) -> timedelta:
        if may_be_off and value is False:
            return timedelta(0)
        try:
            delta = parse_duration(str(value)) if isinstance(value, str) else None
        except OutOfRange:
            delta = None
        if delta is None or delta <= timedelta(0):
            raise _Invalid((key,), f"'{key}' is not a duration: {value!r}", hint)
        return delta

    return check


def _number(key: str, low: float, high: float, whole: bool = False) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise _Invalid(
                (key,),
                f"'{key}' must be {kind} from {low:g} to {high:g}, not {value!r}",
                f"write e.g. '{key}: {_DEFAULTS[key]}'",
            )
        return value if whole else float(value)

    return check


_DEFAULTS = {"retries": 4, "retry_delay": 1, "timeout": 10}
_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "max_age": _duration("max_age", "write e.g. 12h or 1d: older updates are never sent"),
    "maintenance_reminder": _duration(
        "maintenance_reminder",
        "write e.g. 24h or 2d before each window, or 'false' for no reminders",
        may_be_off=True,
    ),
    "retries": _number("retries", 0, 10, whole=True),
    "retry_delay": _number("retry_delay", 0, 60),
    "timeout": _number("timeout", 1, 120),
}


# ---------------------------------------------------------------------------------------------
# Lines in mkdocs.yml, so each problem points at the key at fault.


def problem_diagnostics(problems: list[Problem], config_path: Path) -> list[Diagnostic]:
    """Problems as `config-option` errors at the line of the key at fault in mkdocs.yml."""
    lines = notify_lines(config_path)
    found = []
    for problem in problems:
        where = problem.where
        while where and where not in lines:
            where = where[:-1]
        found.append(
            error(
                config_path.name,
                lines.get(where, 0),
                "config-option",
                f"option 'notify': {problem.message}",
                problem.hint,
            )
        )
    return sort_diagnostics(found)


def notify_lines(config_path: Path) -> dict[tuple[str | int, ...], int]:
    """1-based line of every key and list item below the plugin's `notify:`, by key path."""
    import yaml

    from .configfile import plugin_node

    try:
        node = yaml.compose(config_path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    options = plugin_node(node)
    if not isinstance(options, yaml.MappingNode):
        return {}
    for key, value in options.value:
        if key.value == "notify":
            lines: dict[tuple[str | int, ...], int] = {(): key.start_mark.line + 1}
            _walk(value, (), lines)
            return lines
    return {}


def _walk(node: Any, where: tuple[str | int, ...], lines: dict[tuple[str | int, ...], int]) -> None:
    import yaml

    if isinstance(node, yaml.MappingNode):
        children = [((*where, str(key.value)), key, value) for key, value in node.value]
    elif isinstance(node, yaml.SequenceNode):
        children = [((*where, index), item, item) for index, item in enumerate(node.value)]
    else:
        return
    for path, marker, value in children:
        lines[path] = marker.start_mark.line + 1
        _walk(value, path, lines)


def reminder_lead(notify: dict[str, object]) -> timedelta:
    """`maintenance_reminder` of the site's validated `notify:` option (24 hours if unset)."""
    config, _ = parse_notify(notify or None)
    return (config or NotifyConfig()).maintenance_reminder


def environment_names(channel: Channel) -> tuple[str, ...]:
    """The environment variables a channel reads."""
    keys = ("url_env", "secret_env", "host_env", "port_env", "user_env", "password_env")
    return tuple(name for key in keys if (name := getattr(channel, key, None)))
