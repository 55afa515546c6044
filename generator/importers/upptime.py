"""Upptime: the status repository's issues, exported with the GitHub CLI, and .upptimerc.yml.

    gh issue list --state all --limit 100000 \\
      --json number,title,body,state,createdAt,closedAt,labels,comments,url > issues.json

Upptime opens an issue labelled `status` and the site's slug when a site goes down
("🛑 API is down") or slows ("⚠️ API has degraded performance"), and closes it when the site
is back, with a comment that starts "**Resolved:**". A scheduled maintenance is an issue
labelled `maintenance` whose body holds `start:`, `end:`, `expectedDown:` and
`expectedDegraded:` in an HTML comment. Other issues are not incidents and are left out, and
so are comments by people who are not owners, members or collaborators of the repository
(nor Upptime's bot).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ..clock import parse_time
from ..model.types import ComponentState, Impact, Kind, Window
from .history import History, SourceComponent, SourceError, SourceIncident, SourceUpdate
from .markup import to_markdown
from .reading import read_json, read_yaml

SOURCE = "upptime"
INCIDENT_LABEL = "status"
MAINTENANCE_LABEL = "maintenance"
TRUSTED = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
_EMOJI_PREFIX = re.compile(r"^[^\w(\[]+", re.UNICODE)
_MAINTENANCE_FIELDS = re.compile(
    r"^\s*(start|end|expectedDown|expectedDegraded)\s*:\s*(.*?)\s*$", re.MULTILINE
)
_COMMENT = re.compile(r"<!--(.*?)-->", re.DOTALL)


def from_export(issues_path: Path, upptimerc: Path) -> History:
    history = History(SOURCE)
    sites = _sites(read_yaml(upptimerc), str(upptimerc))
    for site in sites.values():
        history.add_component(site)
    issues = read_json(issues_path)
    if not isinstance(issues, list):
        raise SourceError(
            str(issues_path),
            "not an export of issues (expected a JSON list)",
            "export with: gh issue list --state all --json number,title,body,state,"
            "createdAt,closedAt,labels,comments,url",
        )
    for index, item in enumerate(issues):
        where = f"{issues_path}: issue #{_number(item, index)}"
        incident = _issue(item, where, sites, history)
        if incident is not None:
            history.add_incident(incident)
    return history


def _number(item: Any, index: int) -> str:
    if isinstance(item, dict) and isinstance(item.get("number"), int):
        return str(item["number"])
    return f"{index + 1} in the list"


def _sites(config: Any, where: str) -> dict[str, SourceComponent]:
    """Sites by slug (Upptime's `slug`, else the name made lower-case with hyphens)."""
    if not isinstance(config, dict) or not isinstance(config.get("sites"), list):
        raise SourceError(where, "not an .upptimerc.yml: no 'sites' list")
    sites: dict[str, SourceComponent] = {}
    for item in config["sites"]:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise SourceError(where, f"a site without a 'name': {item!r}")
        name = item["name"].strip()
        given = item.get("slug")
        slug = given if isinstance(given, str) and given else _slug(name)
        sites[slug] = SourceComponent(slug, name)
    return sites


def _slug(name: str) -> str:
    """Upptime's slug of a site name (slugify's defaults: lower case, spaces to hyphens)."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _issue(
    item: Any, where: str, sites: dict[str, SourceComponent], history: History
) -> SourceIncident | None:
    if not isinstance(item, dict):
        raise SourceError(where, "expected a JSON object for an issue")
    labels = _labels(item, where)
    if MAINTENANCE_LABEL in labels:
        return _maintenance(item, where, labels, sites, history)
    if INCIDENT_LABEL not in labels:
        history.refused.append(f"{where}: not labelled '{INCIDENT_LABEL}', so not an incident")
        return None
    title = _title(item, where)
    affected = [slug for slug in sites if slug in labels] or [
        slug for slug, site in sites.items() if site.name.lower() in title.lower()
    ]
    degraded = "degraded" in title.lower()
    impact, state = (
        (Impact.MINOR, ComponentState.DEGRADED_PERFORMANCE)
        if degraded
        else (Impact.MAJOR, ComponentState.MAJOR_OUTAGE)
    )
    opened = _time(item.get("createdAt"), f"{where}: createdAt")
    updates = [
        SourceUpdate(
            "body", opened, "investigating", _body(item.get("body")), dict.fromkeys(affected, state)
        )
    ]
    updates += _comments(item, where, history)
    closed = item.get("state") == "CLOSED"
    if closed and updates[-1].status != "resolved":
        at = _time(item.get("closedAt"), f"{where}: closedAt")
        updates.append(
            SourceUpdate("closed", max(at, updates[-1].at), "resolved", "This is resolved.")
        )
    return SourceIncident(
        key=str(item.get("number")),
        kind=Kind.INCIDENT,
        title=title,
        impact=impact,
        updates=tuple(updates),
    )


def _comments(item: dict[str, Any], where: str, history: History) -> list[SourceUpdate]:
    """The team's comments in time order, each an update; "Resolved..." resolves."""
    comments = item.get("comments") or []
    if not isinstance(comments, list):
        raise SourceError(where, "'comments' must be a list")
    timed = []
    for index, comment in enumerate(comments):
        if not isinstance(comment, dict):
            raise SourceError(where, "a comment is not a JSON object")
        if not _trusted(comment):
            history.refused.append(f"{where}: comment {index + 1} is by someone outside the team")
            continue
        at = _time(comment.get("createdAt"), f"{where}: comment {index + 1} createdAt")
        given = comment.get("id")
        key = given if isinstance(given, str) and "/" not in given else f"comment-{index + 1}"
        timed.append((at, index, key, _body(comment.get("body"))))
    updates = []
    status = "investigating"
    for at, _, key, body in sorted(timed):
        if body.lstrip("*_ ").lower().startswith("resolved"):
            status = "resolved"
        updates.append(SourceUpdate(key, at, status, body))
    return updates


def _trusted(comment: dict[str, Any]) -> bool:
    author = comment.get("author")
    login = str(author.get("login") or "") if isinstance(author, dict) else ""
    is_bot = login.endswith("[bot]") or login in ("github-actions", "upptime-bot")
    return comment.get("authorAssociation") in TRUSTED or is_bot


def _maintenance(
    item: dict[str, Any],
    where: str,
    labels: set[str],
    sites: dict[str, SourceComponent],
    history: History,
) -> SourceIncident:
    given = item.get("body")
    raw_body = given if isinstance(given, str) else ""
    fields: dict[str, str] = {}
    for comment in _COMMENT.findall(raw_body):
        fields.update(dict(_MAINTENANCE_FIELDS.findall(comment)))
    start = _time(fields.get("start"), f"{where}: start")
    end = _time(fields.get("end"), f"{where}: end")
    if end < start:
        raise SourceError(where, "the maintenance ends before it starts")
    down = _slugs(fields.get("expectedDown", ""), sites)
    degraded = _slugs(fields.get("expectedDegraded", ""), sites)
    if not down and not degraded:
        down = [slug for slug in sites if slug in labels]
    states = {
        **dict.fromkeys(degraded, ComponentState.DEGRADED_PERFORMANCE),
        **dict.fromkeys(down, ComponentState.UNDER_MAINTENANCE),
    }
    opened = _time(item.get("createdAt"), f"{where}: createdAt")
    updates = [SourceUpdate("body", opened, "scheduled", _body(raw_body), states)]
    if item.get("state") == "CLOSED":
        closed = _time(item.get("closedAt"), f"{where}: closedAt")
        updates.append(
            SourceUpdate("closed", max(closed, opened), "completed", "The maintenance is complete.")
        )
    return SourceIncident(
        key=str(item.get("number")),
        kind=Kind.MAINTENANCE,
        title=_title(item, where),
        impact=Impact.NONE,
        updates=tuple(updates),
        window=Window(start, end),
    )


def _slugs(text: str, sites: dict[str, SourceComponent]) -> list[str]:
    """The sites a comma-separated list names, by slug (Upptime slugifies each entry)."""
    return [_slug(item) for item in text.split(",") if _slug(item) in sites]


def _labels(item: dict[str, Any], where: str) -> set[str]:
    labels = item.get("labels") or []
    if not isinstance(labels, list):
        raise SourceError(where, "'labels' must be a list")
    names = set()
    for label in labels:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str):
            names.add(name)
    return names


def _title(item: dict[str, Any], where: str) -> str:
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SourceError(where, "'title' is missing")
    return _EMOJI_PREFIX.sub("", " ".join(title.split())) or title.strip()


def _body(value: Any) -> str:
    return to_markdown(value if isinstance(value, str) else "")


def _time(value: Any, where: str) -> datetime:
    moment = parse_time(value) if isinstance(value, str) else None
    if moment is None or moment.tzinfo is None:
        raise SourceError(where, f"not a time with an offset: {value!r}")
    return moment
