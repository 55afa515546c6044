"""cState (a Hugo status page): `content/issues/**/*.md` and the config's systems.

An issue's front matter has `title`, `date`, `resolved`, `resolvedWhen`, `severity`
(down, disrupted or notice), `affected` (system names) and optionally `draft`; its body holds
the updates, each a paragraph such as `*Monitoring* - A fix is live. {{< track "2024-05-02
10:15:00" >}}`. Times without an offset are in the config's `timeZone` (Hugo's), else UTC.
Drafts are not published by cState and are not imported.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date, datetime, time, timezone, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from ..clock import parse_time
from ..model.types import ComponentState, Impact, Kind
from .history import (
    History,
    SourceComponent,
    SourceError,
    SourceIncident,
    SourcePostmortem,
    SourceUpdate,
)
from .markup import to_markdown
from .reading import read_text, read_yaml

SOURCE = "cstate"
CONFIG_NAMES = ("config.yml", "config.yaml", "hugo.yml", "hugo.yaml")  # cState's are YAML
SEVERITY = {  # cState severity -> (impact, state of the affected systems)
    "down": (Impact.MAJOR, ComponentState.MAJOR_OUTAGE),
    "disrupted": (Impact.MINOR, ComponentState.PARTIAL_OUTAGE),
    "notice": (Impact.NONE, ComponentState.DEGRADED_PERFORMANCE),
}
STATUS_WORDS = {
    "investigating": "investigating",
    "identified": "identified",
    "monitoring": "monitoring",
    "resolved": "resolved",
    "fixed": "resolved",
}
# `*Status* - text` or `**Status** - text` at the start of a paragraph
_UPDATE_START = re.compile(r"^\s*(\*{1,2}|_{1,2})([^*_\n]{1,40})\1\s*[-–—:]\s*", re.MULTILINE)
_TRACK = re.compile(r"\{\{[<%]\s*track\s+\"([^\"]*)\"\s*[>%]\}\}")
_SHORTCODE = re.compile(r"\{\{[<%].*?[>%]\}\}", re.DOTALL)
_COMMENTS = re.compile(r"<!--.*?-->", re.DOTALL)  # commented-out text is not published
_POSTMORTEM = re.compile(
    r"^\s*(\*{1,2}|_{1,2}|#{1,6}\s*)post[- ]?mortem(\1)?\s*:?\s*$", re.IGNORECASE | re.MULTILINE
)
_FRONT = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?)\n\1[ \t]*(?:\n|\Z)", re.DOTALL)


def from_site(directory: Path) -> History:
    if not directory.is_dir():
        raise SourceError(str(directory), "no such folder", "pass the cState site's folder")
    config, config_name = _config(directory)
    found = config.get("params")
    params: dict[str, Any] = found if isinstance(found, dict) else {}
    zone = _zone(config.get("timeZone") or config.get("timezone"), config_name)
    history = History(SOURCE)
    for system in _systems(config, params, config_name, _untitled(params, config)):
        history.add_component(system)
    issues = directory / "content" / "issues"
    if not issues.is_dir():
        raise SourceError(str(issues), "no such folder", "a cState site keeps its issues there")
    for path in sorted(issues.rglob("*.md")):
        if path.name.startswith("_index"):
            continue
        key = path.relative_to(issues).with_suffix("").as_posix()
        incident = _issue(path, key, zone, history)
        if incident is not None:
            history.add_incident(incident)
    return history


# --- configuration ---------------------------------------------------------------------------


def _config(directory: Path) -> tuple[dict[str, Any], str]:
    for name in CONFIG_NAMES:
        path = directory / name
        if path.is_file():
            data = read_yaml(path)
            if not isinstance(data, dict):
                raise SourceError(str(path), "not a cState configuration (expected a mapping)")
            return data, str(path)
    raise SourceError(
        str(directory), "no config.yml (or hugo.yml)", "pass the cState site's folder"
    )


def _zone(value: Any, where: str) -> tzinfo:
    if not value:
        return timezone.utc
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise SourceError(where, f"timeZone '{value}' is not a time zone") from None


def _untitled(params: dict[str, Any], config: dict[str, Any]) -> set[str]:
    """Categories cState shows without their name (`untitled: true`): no group here either."""
    categories = params.get("categories", config.get("categories")) or []
    if not isinstance(categories, list):
        return set()
    return {
        str(c["name"]).strip()
        for c in categories
        if isinstance(c, dict) and c.get("untitled") is True and c.get("name")
    }


def _systems(
    config: dict[str, Any], params: dict[str, Any], where: str, untitled: set[str]
) -> list[SourceComponent]:
    raw = params.get("systems", config.get("systems")) or []
    if not isinstance(raw, list):
        raise SourceError(where, "'systems' must be a list")
    systems = []
    for item in raw:
        if isinstance(item, str) and item.strip():
            systems.append(SourceComponent(item.strip(), item.strip()))
        elif isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"].strip():
            name = item["name"].strip()
            shown = item.get("displayName")
            category = item.get("category")
            group = category.strip() if isinstance(category, str) else ""
            description = item.get("description")
            systems.append(
                SourceComponent(
                    name,
                    shown.strip() if isinstance(shown, str) and shown.strip() else name,
                    group if group and group not in untitled else None,
                    description.strip() if isinstance(description, str) else None,
                )
            )
        else:
            raise SourceError(
                where, f"a system is neither a name nor a mapping with 'name': {item!r}"
            )
    return systems


# --- issues ----------------------------------------------------------------------------------


@dataclass
class _Tracked:
    status: str | None
    at: datetime | None
    text: str


def _issue(path: Path, key: str, zone: tzinfo, history: History) -> SourceIncident | None:
    meta, body = _front_matter(path)
    where = str(path)
    if meta.get("draft") is True:
        history.refused.append(f"{where}: a draft, not published by cState")
        return None
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SourceError(where, "'title' is missing", "every cState issue has a title")
    opened = _moment(meta.get("date"), zone, f"{where}: 'date'")
    if opened is None:
        raise SourceError(where, "'date' is missing", "every cState issue has a date")
    severity = str(meta.get("severity") or "disrupted").strip().lower()
    if severity not in SEVERITY:
        raise SourceError(where, f"severity '{severity}' is not down, disrupted or notice")
    impact, state = SEVERITY[severity]
    affected = _affected(meta.get("affected", meta.get("affectedsystems")), where, history)
    resolved = meta.get("resolved") is True
    resolved_at = _moment(meta.get("resolvedWhen"), zone, f"{where}: 'resolvedWhen'")
    body, postmortem = _postmortem(_COMMENTS.sub("", body))
    updates = _updates(body, opened, zone, where)
    updates = _closed(updates, resolved, resolved_at or updates[-1].at)
    states = dict.fromkeys(affected, state)
    first = updates[0]
    updates[0] = SourceUpdate(first.key, first.at, first.status, first.body, states)
    return SourceIncident(
        key=key,
        kind=Kind.INCIDENT,
        title=" ".join(title.split()),
        impact=impact,
        updates=tuple(updates),
        started=opened if opened < updates[0].at else None,
        postmortem=SourcePostmortem(postmortem, resolved_at) if postmortem else None,
    )


def _postmortem(body: str) -> tuple[str, str]:
    """(the updates, the postmortem): a part that starts `*Post-mortem*` (or `Postmortem`)
    and ends at a `---` line or the end of the body."""
    match = _POSTMORTEM.search(body)
    if match is None:
        return body, ""
    rest = body[match.end() :]
    end = re.search(r"^\s*-{3,}\s*$", rest, re.MULTILINE)
    text = rest[: end.start()] if end else rest
    remainder = body[: match.start()] + (rest[end.end() :] if end else "")
    return remainder, to_markdown(_SHORTCODE.sub("", text))


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = read_text(path).replace("\r\n", "\n")
    match = _FRONT.match(text)
    if match is None:
        raise SourceError(str(path), "no front matter", "a cState issue starts with '---'")
    try:
        if match.group(1) == "+++":  # older cState sites
            meta = tomllib.loads(match.group(2))
        else:
            meta = yaml.safe_load(match.group(2))
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise SourceError(str(path), f"the front matter cannot be read: {exc}") from None
    if not isinstance(meta, dict):
        raise SourceError(str(path), "the front matter is not a mapping")
    return meta, text[match.end() :]


def _affected(value: Any, where: str, history: History) -> list[str]:
    if value is None:
        return []
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise SourceError(where, "'affected' must be a list of system names")
    for name in names:
        history.add_component(SourceComponent(name.strip(), name.strip()), named_only=True)
    return [n.strip() for n in names if n.strip()]


def _moment(value: Any, zone: tzinfo, where: str) -> datetime | None:
    """A cState time: YAML may already have read it as a date or a datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        moment = parse_time(str(value).strip().replace(" ", "T", 1))  # type: ignore[assignment]
        if moment is None:
            raise SourceError(where, f"'{value}' is not a time", "write 2024-05-02 10:15:00")
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _updates(body: str, opened: datetime, zone: tzinfo, where: str) -> list[SourceUpdate]:
    """The tracked updates of the body, oldest first; the whole body as one when untracked."""
    starts = list(_UPDATE_START.finditer(body))
    pieces: list[_Tracked] = []
    if not starts or body[: starts[0].start()].strip():
        head = body[: starts[0].start()] if starts else body
        pieces.append(_piece(None, head, zone, where))
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        word = match.group(2).strip().lower()
        pieces.append(_piece(STATUS_WORDS.get(word, ""), body[match.end() : end], zone, where))
    updates: list[SourceUpdate] = []
    previous_at, previous_status = opened, "investigating"
    timed = sorted(enumerate(pieces), key=lambda p: (p[1].at or opened, p[0]))
    for number, (_, piece) in enumerate(timed):
        status = piece.status or previous_status
        at = piece.at or previous_at
        updates.append(SourceUpdate(str(number + 1), at, status, piece.text))
        previous_at, previous_status = at, status
    return updates


def _piece(status: str | None, text: str, zone: tzinfo, where: str) -> _Tracked:
    tracked = _TRACK.search(text)
    at = _moment(tracked.group(1), zone, f"{where}: track") if tracked else None
    plain = _SHORTCODE.sub("", text)
    return _Tracked(status, at, to_markdown(plain))


def _closed(updates: list[SourceUpdate], resolved: bool, at: datetime) -> list[SourceUpdate]:
    """A resolved issue ends with a resolving update (cState marks it in the front matter)."""
    if resolved and updates[-1].status != "resolved":
        at = max(at, updates[-1].at)
        updates.append(SourceUpdate("resolved", at, "resolved", "This issue is resolved."))
    return updates
