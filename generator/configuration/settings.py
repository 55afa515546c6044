"""The plugin's options, from mkdocs.yml, validated into `Settings` with line numbers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..clock import MAX_DAYS, RANGE_TEXT, OutOfRange, in_range, parse_duration, parse_time
from ..diagnostics import Diagnostic, error
from ..language.core import (
    OVERRIDES_FOLDER,
    SOURCE_LANGUAGE,
    LanguageError,
    check_language,
    translations,
)
from ..model.fields import did_you_mean
from ..model.types import Component, Settings, UptimeWeights
from . import extras
from .cachedir import cache_dir_problems
from .configfile import plugin_options, read_config_and_lines
from .userregex import PatternProblem, compile_user_pattern

COMPONENT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
LEVELS = ("error", "warning", "off")
COMPONENT_KEYS = ("id", "name", "group", "description", "start_date")


def load_settings(config_path: Path) -> tuple[Settings | None, list[Diagnostic]]:
    config, lines, problems = read_config_and_lines(config_path)
    if config is None:
        return None, problems
    options = plugin_options(config)
    if options is None:
        return None, [
            error(
                config_path.name,
                0,
                "config",
                "the statuspress plugin is not configured",
                "add '- statuspress:' under 'plugins:' in mkdocs.yml",
            )
        ]
    if not isinstance(options, dict):
        return None, [
            error(
                config_path.name,
                lines.get("", 0),
                "config",
                "the statuspress plugin's options are not a mapping",
                "write the options as 'key: value' lines under '- statuspress:'",
            )
        ]
    settings, problems = settings_from(config, options, config_path.name, lines, config_path.parent)
    if settings is not None:
        line = lines.get("cache_dir", lines.get("", 0))
        problems = cache_dir_problems(config_path, settings, line)
    return (None if problems else settings), problems


def example_clock(config_file: Path) -> datetime | None:
    """The `example: {as_of: ...}` of the site's configuration; None for a real site, or when
    the configuration cannot be read (the command then reports why)."""
    if not config_file.is_file():
        return None
    settings, _ = load_settings(config_file)
    return settings.example_as_of if settings else None


class OptionError(ValueError):
    """A bad option value; `item` names the list item or sub-key at fault, for its line."""

    def __init__(self, message: str, item: str | int | None = None) -> None:
        super().__init__(message)
        self.item = item


def settings_from(
    config: dict[str, Any],
    options: dict[str, Any],
    path: str = "mkdocs.yml",
    lines: dict[str, int] | None = None,
    root: Path | None = None,
) -> tuple[Settings | None, list[Diagnostic]]:
    """Validate the plugin options; every problem is collected. `root`: the folder of
    mkdocs.yml, which the theme's custom_dir is relative to."""
    lines = lines or {}
    problems = [
        error(
            path,
            lines.get(str(key), 0),
            "config-option",
            f"unknown statuspress option '{key}'",
            did_you_mean(str(key), OPTION_KEYS),
        )
        for key in options
        if key not in OPTION_KEYS
    ]
    values: dict[str, Any] = {}
    for key in (k for k in _CHECKS if k in options):
        try:
            values[key] = _CHECKS[key](options[key])
        except ValueError as exc:
            line = lines.get(f"{key}.{getattr(exc, 'item', None)}", lines.get(key, 0))
            hint = _HINTS.get(key, f"see '{key}' in the documentation's configuration reference")
            problems.append(error(path, line, "config-option", f"option '{key}': {exc}", hint))
    if "notify" in values:
        problems.extend(_notify_components(values, path, lines))
    problems.extend(_site_problems(config, path))
    locale_dir = _locale_dir(config, root)
    site_language, language_problems = _site_languages(config, values, locale_dir, path, lines)
    problems.extend(language_problems)
    if "example" in values and not problems and not is_placeholder_url(config.get("site_url")):
        problems.append(
            error(
                path,
                lines.get("example", 0),
                "config-option",
                f"option 'example' pins the clock of a site published at "
                f"{config.get('site_url') or 'no site_url'}: a real status site would show an "
                "old status as if it were current",
                "remove 'example:'; it is only for an example whose site_url is a placeholder "
                "such as https://status.example.com/",
            )
        )
    if problems:
        return None, problems
    values["example_as_of"] = values.pop("example", None)
    site_url = str(config.get("site_url") or "")
    authority = values.pop("feed_id_authority", "") or urlsplit(site_url).hostname or "localhost"
    settings = Settings(
        site_name=str(config.get("site_name") or "Status"),
        site_url=site_url,
        docs_dir=str(config.get("docs_dir") or "docs"),
        feed_id_authority=authority,
        language=site_language,
        locale_dir=locale_dir,
        **values,
    )
    crossed = [
        error(
            path,
            lines.get(f"{key}.{item}", lines.get(key, 0)),
            "config-option",
            f"option '{key}': item #{item + 1}: {message}",
            _HINTS[key],
        )
        for key, item, message in extras.cross_problems(settings)
    ]
    return (None, crossed) if crossed else (settings, [])


def _theme_options(config: dict[str, Any]) -> dict[str, Any]:
    theme = config.get("theme")
    return theme if isinstance(theme, dict) else {}


def _locale_dir(config: dict[str, Any], root: Path | None) -> str:
    """`<custom_dir>/locales`, where a site keeps its own catalogs; "" without a custom_dir."""
    custom_dir = _theme_options(config).get("custom_dir")
    if not isinstance(custom_dir, str) or not custom_dir:
        return ""
    folder = (root or Path.cwd()) / custom_dir / OVERRIDES_FOLDER
    return str(folder.resolve())


def _site_languages(
    config: dict[str, Any],
    values: dict[str, Any],
    locale_dir: str,
    path: str,
    lines: dict[str, int],
) -> tuple[str, list[Diagnostic]]:
    """The site's language, from MkDocs' `theme: language:` (or `locale:`), and the checked
    `languages` option, which must name others than the site's own."""
    theme = _theme_options(config)
    code = theme.get("language", theme.get("locale", SOURCE_LANGUAGE))
    problems = []
    try:
        if not isinstance(code, str):
            raise LanguageError("must be a language code such as de or pt_BR")
        site_language = check_language(code, locale_dir)
        translations(site_language, locale_dir)  # a catalog that cannot be read: said here
    except LanguageError as exc:
        problems.append(
            error(path, 0, "config", f"theme 'language': {exc}", "see the Languages guide")
        )
        site_language = SOURCE_LANGUAGE
    others = []
    for index, other in enumerate(values.get("languages", ())):
        line = lines.get(f"languages.{index}", lines.get("languages", 0))
        try:
            other = check_language(other, locale_dir)
            translations(other, locale_dir)
        except LanguageError as exc:
            problems.append(error(path, line, "config-option", f"option 'languages': {exc}", ""))
            continue
        if other == site_language or other in others:
            problems.append(
                error(
                    path,
                    line,
                    "config-option",
                    f"option 'languages': '{other}' is listed twice or is the site's own "
                    "language (theme 'language')",
                    "list each other language once; the site's own is built at the root",
                )
            )
        others.append(other)
    values["languages"] = tuple(others)
    return site_language, problems


# Domains reserved for examples and tests (RFC 2606, RFC 6761): no real site is published there.
_PLACEHOLDER_DOMAINS = ("example.com", "example.org", "example.net")
_PLACEHOLDER_SUFFIXES = (".example", ".test", ".invalid", ".localhost")


def is_placeholder_url(value: Any) -> bool:
    """True when `value` is no address a real site is published at (`init`'s default is one)."""
    host = (urlsplit(value).hostname or "") if isinstance(value, str) else ""
    return (
        not host
        or host == "localhost"
        or host.endswith(_PLACEHOLDER_SUFFIXES)
        or any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS)
    )


def is_init_placeholder_url(value: Any) -> bool:
    """True while site_url is still an address like `statuspress init`'s default
    https://status.example.com/ (or missing): no reader can reach the site there."""
    host = (urlsplit(value).hostname or "") if isinstance(value, str) else ""
    return (
        not host
        or host == "localhost"
        or any(host == d or host.endswith("." + d) for d in _PLACEHOLDER_DOMAINS)
    )


def _example(value: Any) -> datetime:
    """`example: {as_of: TIME}`: the moment an example site's content was written for."""
    if not isinstance(value, dict) or set(map(str, value)) != {"as_of"}:
        raise OptionError("must be a mapping with one key, 'as_of'")
    moment = value["as_of"]
    if isinstance(moment, str):
        moment = parse_time(moment)
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise OptionError(
            f"'as_of' must be a time with a UTC offset, not '{_show(value['as_of'])}'", "as_of"
        )
    return moment.astimezone(timezone.utc)


def _site_problems(config: dict[str, Any], path: str) -> list[Diagnostic]:
    """MkDocs settings this plugin reads must be plain text."""
    return [
        error(path, 0, "config", f"'{key}' must be text", f"write '{key}: ...' as one line")
        for key in ("site_name", "site_url", "docs_dir")
        if config.get(key) is not None and not isinstance(config[key], str)
    ]


def _components(value: Any) -> tuple[Component, ...]:
    if not isinstance(value, list) or not value:
        raise OptionError("must be a non-empty list of components with 'id' and 'name'")
    seen: set[str] = set()
    result = []
    for index, item in enumerate(value):
        component = _component(item, index)
        if component.id in seen:
            raise OptionError(f"component id '{component.id}' is given twice", index)
        seen.add(component.id)
        result.append(component)
    return tuple(result)


def _component(item: Any, index: int) -> Component:
    if not isinstance(item, dict) or "id" not in item:
        raise OptionError(f"component #{index + 1} needs an 'id' and a 'name'", index)
    unknown = [str(k) for k in item if k not in COMPONENT_KEYS]
    if unknown:
        raise OptionError(
            f"unknown key '{unknown[0]}' in component #{index + 1} "
            f"({did_you_mean(unknown[0], COMPONENT_KEYS)})",
            index,
        )
    texts = {key: _text(item.get(key)) for key in ("id", "name", "group", "description")}
    component_id = texts["id"] or ""
    if not COMPONENT_ID.fullmatch(component_id):
        raise OptionError(
            f"component id '{component_id}' is not valid (lower-case letters, digits, '-' and '_')",
            index,
        )
    return Component(
        id=component_id,
        name=texts["name"] or component_id,
        group=texts["group"] or None,
        description=texts["description"] or None,
        position=index + 1,
        start_date=_start_date(item.get("start_date"), index),
    )


def _text(value: Any) -> str | None:
    """A scalar option as text; lists and mappings are refused (and never expanded)."""
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        raise OptionError("must be text, not a list or a mapping")
    return str(value)


def _show(value: Any) -> str:
    """A value for a message; containers are named, never printed (they may be alias bombs)."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _start_date(value: Any, index: int) -> date | None:
    if value is None:
        return value
    try:
        day = value if isinstance(value, date) else date.fromisoformat(_show(value))
    except ValueError:
        raise OptionError(
            f"component #{index + 1}: start_date '{_show(value)}' is not a date (write YYYY-MM-DD)",
            index,
        ) from None
    if not in_range(day):
        raise OptionError(
            f"component #{index + 1}: start_date {day} is outside the supported range, "
            + RANGE_TEXT,
            index,
        )
    return day


def _lint(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise OptionError("must map rule ids to error, warning or off")
    from ..lint.rules import RULES  # imported here: the rules import the model

    levels = {}
    for rule, level in value.items():
        text = "off" if level is False else _show(level).lower()
        if str(rule) not in RULES:
            hint = did_you_mean(str(rule), tuple(RULES))
            listed = "the documentation's lint rules reference lists every rule id"
            hint = hint if hint.startswith("did") else listed
            raise OptionError(f"unknown lint rule '{rule}'; {hint}", str(rule))
        if text not in LEVELS:
            raise OptionError(
                f"rule '{rule}' has level '{text}'; use error, warning or off", str(rule)
            )
        levels[str(rule)] = text
    return levels


THRESHOLD_DURATIONS = ("grace", "relax_after")
THRESHOLD_COUNTS = ("relax_factor", "cause_max_words", "cause_max_sentences")
IMPACT_NAMES = ("critical", "major", "minor", "none")


def _lint_thresholds(value: Any) -> dict[str, Any]:
    """The linter's numbers: durations, counts, and per impact the time to acknowledge and
    the longest promise (investigating, identified, monitoring)."""
    if not isinstance(value, dict):
        raise OptionError("must map threshold names to values, e.g. 'grace: 10m'")
    known = (*THRESHOLD_DURATIONS, *THRESHOLD_COUNTS, "acknowledge", "cadence")
    result: dict[str, Any] = {}
    for key, item in value.items():
        name = str(key)
        if name not in known:
            raise OptionError(f"unknown threshold '{name}'; {did_you_mean(name, known)}", name)
        if name in THRESHOLD_DURATIONS:
            result[name] = _threshold_duration(name, item)
        elif name in THRESHOLD_COUNTS:
            result[name] = _positive_int_of(name, item)
        else:
            result[name] = _per_impact(name, item)
    return result


def _threshold_duration(name: str, value: Any) -> timedelta:
    try:
        duration = parse_duration(_show(value))
    except OutOfRange as exc:
        raise OptionError(f"'{name}': {exc}", name) from None
    if duration is None or duration <= timedelta(0):
        raise OptionError(
            f"'{name}' must be a duration such as 10m or 2h, not '{_show(value)}'", name
        )
    return duration


MAX_COUNT = 10_000  # a factor or a number of words; larger ones would overflow durations


def _positive_int_of(name: str, value: Any) -> int:
    try:
        return _bounded_int(value, MAX_COUNT)
    except ValueError:
        raise OptionError(
            f"'{name}' must be a whole number from 1 to {MAX_COUNT:,}", name
        ) from None


def _per_impact(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise OptionError(f"'{name}' must map impacts ({', '.join(IMPACT_NAMES)}) to values", name)
    result: dict[str, Any] = {}
    for impact, item in value.items():
        if str(impact) not in IMPACT_NAMES:
            raise OptionError(
                f"'{name}': unknown impact '{impact}'; use {', '.join(IMPACT_NAMES)}",
                f"{name}.{impact}",
            )
        if name == "acknowledge":
            result[str(impact)] = _threshold_duration(f"{name}.{impact}", item)
        else:
            steps = item if isinstance(item, list) else None
            if steps is None or len(steps) != 3:
                raise OptionError(
                    f"'cadence.{impact}' must list three durations: "
                    "investigating, identified, monitoring, e.g. [30m, 30m, 1h]",
                    f"{name}.{impact}",
                )
            result[str(impact)] = tuple(
                _threshold_duration(f"cadence.{impact}", step) for step in steps
            )
    return result


def _patterns(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ValueError("must be a list of regular expressions")
    for index, pattern in enumerate(value):
        if isinstance(pattern, (dict, list)):
            raise OptionError(f"item #{index + 1} is not a regular expression", index)
        try:
            compile_user_pattern(str(pattern))
        except PatternProblem as exc:
            raise OptionError(f"'{pattern}' is {exc}", index) from None
    return tuple(str(p) for p in value)


def _timezone(value: Any) -> str:
    if not isinstance(value, str):
        raise OptionError(f"{_show(value)} is not a time zone name")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone '{value}'") from None
    return str(value)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"must be a whole number of at least 1, not {_show(value)}")
    return value


def _bounded_int(value: Any, most: int) -> int:
    number = _positive_int(value)
    if number > most:
        raise ValueError(f"must be a whole number from 1 to {most:,}, not {number:,}")
    return number


def _days(value: Any) -> int:
    """A number of days: bounded, so that the clock minus it stays a valid date."""
    return _bounded_int(value, MAX_DAYS)


def _weights(value: Any) -> UptimeWeights:
    if not isinstance(value, dict):
        raise ValueError("must map component states to a share of downtime between 0 and 1")
    known = UptimeWeights.__dataclass_fields__
    for key, weight in value.items():
        if (
            isinstance(weight, bool)
            or key not in known
            or not isinstance(weight, (int, float))
            or not 0 <= weight <= 1
        ):
            raise OptionError(
                f"'{key}: {_show(weight)}' is not a state with a weight from 0 to 1", str(key)
            )
    return UptimeWeights(**{k: float(v) for k, v in value.items()})


def _string_tuple(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise OptionError("must be a list")
    return tuple(_text(v) or "" for v in value)


def _language_codes(value: Any) -> tuple[str, ...]:
    """Checked against CLDR and the catalogs in `_site_languages`, which knows custom_dir."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise OptionError("must be a list of language codes, e.g. [fr, ja]")
    return tuple(value)


def _required_text(value: Any) -> str:
    return _text(value) or ""


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueError("must be a mapping")
    return dict(value)


def _notify(value: Any) -> dict[str, Any]:
    """The channels are checked here too, so `check` catches e.g. a webhook URL in the file."""
    from .notify import parse_notify

    problems = parse_notify(_mapping(value))[1]
    if problems:
        raise OptionError(problems[0].message, problems[0].where[0] if problems[0].where else None)
    return dict(value)


# Where each source published an incident; `{id}` is its id there (see the Importing guide).
REDIRECT_PATHS = {
    "statuspage": "/incidents/{id}",
    "cstate": "/issues/{id}/",
    "upptime": "/incident/{id}",
    "instatus": "/incident/{id}",
}


def _redirects(value: Any) -> dict[str, str]:
    """`true` for the default old paths; a mapping of source to path replaces some of them."""
    if value is None or value is False:
        return {}
    if value is True:
        return dict(REDIRECT_PATHS)
    if not isinstance(value, dict):
        raise OptionError("must be true, false, or a mapping of import source to old path")
    paths = dict(REDIRECT_PATHS)
    for source, path in value.items():
        if source not in REDIRECT_PATHS:
            hint = did_you_mean(str(source), list(REDIRECT_PATHS))
            raise OptionError(f"'{source}' is not an import source ({hint})", str(source))
        if not isinstance(path, str) or not path.startswith("/") or path.count("{id}") != 1:
            raise OptionError(
                f"the path of '{source}' must start with / and hold {{id}} once, "
                "e.g. /incidents/{id}",
                str(source),
            )
        paths[source] = path
    return paths


def _notify_components(
    values: dict[str, Any], path: str, lines: dict[str, int]
) -> list[Diagnostic]:
    """A channel's `components` must name components of this site."""
    from .notify import parse_notify

    known = tuple(component.id for component in values.get("components", ()))
    return [
        error(
            path,
            lines.get("notify.channels", lines.get("notify", 0)),
            "config-option",
            f"option 'notify': {problem.message}",
            problem.hint,
        )
        for problem in parse_notify(values["notify"], known)[1]
    ]


_CHECKS = {
    "company": _required_text,
    "timezone": _timezone,
    "uptime_days": _days,
    "components": _components,
    "lint": _lint,
    "lint_thresholds": _lint_thresholds,
    "lint_blocks_build": _boolean,
    "forbidden_patterns": _patterns,
    "private_emails": _string_tuple,
    "uptime_weights": _weights,
    "uptime_exclude_maintenance": _boolean,
    "feed_id_authority": _required_text,
    "recent_days": _days,
    "history_page_size": _positive_int,
    "postmortem_due_days": _days,
    "max_file_bytes": _positive_int,
    "allow_raw_html": _boolean,
    "local_times": _boolean,
    "notify": _notify,
    "cache_dir": _required_text,
    "example": _example,
    "alerts": extras.alerts,
    "vendors": extras.vendors,
    "vendor_timeout": extras.vendor_timeout,
    "audiences": extras.audiences,
    "redirects": _redirects,
    "languages": _language_codes,
    "require_translations": _boolean,
}
OPTION_KEYS = tuple(_CHECKS)  # every option statuspress reads, each with its check
_HINTS = {
    "components": "list components as '- id: api' with 'name:', and optionally 'group:' and "
    "'description:'",
    "timezone": "use an IANA zone name such as UTC or Europe/Berlin",
    "lint": "set each rule id to error, warning or off, e.g. 'generic-statement: warning'",
    "lint_thresholds": "see 'Thresholds' in the documentation's lint rules reference, e.g. "
    "'grace: 10m'",
    "uptime_weights": "e.g. 'partial_outage: 0.3' (0 = counts as up, 1 = counts as down)",
    "forbidden_patterns": "list regular expressions in RE2 syntax, quoted in single quotes: "
    "Python's syntax without backreferences (\\1) or lookaround ((?=...), (?<=...))",
    "notify": "see the Notifications guide in the documentation; 'statuspress notify --dry-run' "
    "shows every problem with its line",
    "example": "write 'example: {as_of: 2026-11-22T10:00:00Z}', only in an example site",
    "alerts": "see the 'From alert to draft' guide, e.g. '- match: {service: payments-api}' "
    "with 'components: {payments: partial_outage}'",
    "vendors": "see the 'Audiences and third-party services' guide, e.g. '- name: CloudPay' "
    "with 'summary: https://status.cloudpay.example/api/v2/summary.json'",
    "vendor_timeout": "write a number of seconds such as 5",
    "audiences": "see the 'Audiences and third-party services' guide, e.g. '- id: merchants' "
    "with 'title:' and 'components: [payments]'",
    "redirects": "write 'redirects: true', or map a source to its old path in lines below "
    "'redirects:', e.g. 'cstate: /issues/{id}/'",
    "languages": "list the other languages by code, e.g. 'languages: [fr, ja]' (see the "
    "Languages guide)",
    **dict.fromkeys(
        (
            "uptime_days",
            "recent_days",
            "history_page_size",
            "postmortem_due_days",
            "max_file_bytes",
        ),
        "write a whole number such as 90, without quotes",
    ),
}
