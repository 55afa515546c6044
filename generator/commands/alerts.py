"""From alert to draft: read an alerting tool's webhook payload and route it by `alerts:`.

Four shapes are read: Prometheus Alertmanager (webhook version 4), Grafana alerting (the
same shape with `orgId`), PagerDuty v3 webhooks and Opsgenie's webhook integration. An alert
becomes a small set of *fields* to match routes on (labels, service, priority...), a
severity, a start time and a summary.

What an alert says is internal: hostnames, addresses, runbook and generator URLs, label
values. None of it reaches public text. The draft's title, components, impact and text come
from the route and its named template; the alert's start time is the only value taken, and
everything else goes to the update's `internal:` key, which is never published.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, BinaryIO

from ..clock import parse_time
from ..model.extras import AlertRoute
from ..model.types import Impact, Settings

MAX_PAYLOAD_BYTES = 1_000_000  # webhook payloads are a few kilobytes; Alertmanager caps its own
MAX_ALERTS = 1_000


class AlertError(Exception):
    """A payload that cannot be read as an alert: what is wrong and what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class Alert:
    """One alert, as far as routing needs it. Every text here is internal."""

    source: str  # alertmanager, grafana, pagerduty, opsgenie
    firing: bool
    fields: dict[str, tuple[str, ...]]  # what `match:` compares: name -> values
    severity: str | None = None
    started: datetime | None = None
    summary: str = ""
    details: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def read_payload(stream: BinaryIO, name: str) -> Any:
    """The JSON document in `stream`, read up to MAX_PAYLOAD_BYTES."""
    data = stream.read(MAX_PAYLOAD_BYTES + 1)
    if len(data) > MAX_PAYLOAD_BYTES:
        raise AlertError(
            f"{name} is larger than {MAX_PAYLOAD_BYTES:,} bytes",
            "pass the webhook's JSON body itself; alert payloads are a few kilobytes",
        )
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise AlertError(f"{name} is not UTF-8 text", "pass the webhook's JSON body") from None
    except RecursionError:
        raise AlertError(f"{name} is nested too deeply", "pass the webhook's JSON body") from None
    except json.JSONDecodeError as exc:
        raise AlertError(
            f"{name} is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            "pass the webhook's JSON body as the alerting tool sent it",
        ) from None


def alerts_in(payload: Any) -> list[Alert]:
    """Every alert in a payload of one of the four tools; refused when it is none of them."""
    if isinstance(payload, dict):
        if isinstance(payload.get("alerts"), list) and "orgId" in payload:
            return _prometheus_style(payload, "grafana")
        if isinstance(payload.get("alerts"), list) and "groupKey" in payload:
            return _prometheus_style(payload, "alertmanager")
        event = payload.get("event")
        if isinstance(event, dict) and "event_type" in event:
            return [_pagerduty(event)]
        if isinstance(payload.get("alert"), dict) and "action" in payload:
            return [_opsgenie(payload)]
    raise AlertError(
        "the payload is not one statuspress reads",
        "send a Prometheus Alertmanager (webhook version 4), Grafana alerting, PagerDuty v3 "
        "webhook or Opsgenie webhook payload, unchanged",
    )


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _strings(mapping: Any) -> dict[str, str]:
    if not isinstance(mapping, dict):
        return {}
    return {str(k): _text(v) for k, v in mapping.items() if _text(v)}


def _time(value: Any) -> datetime | None:
    """A time from the payload; Go's zero time (`0001-01-01T00:00:00Z`) and junk are None."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10**11 else value  # Opsgenie: milliseconds
        try:
            return datetime.fromtimestamp(seconds, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    text = _text(value)
    if not text or text.startswith("0001-"):
        return None
    try:
        moment = parse_time(text)
    except (ValueError, OverflowError):
        return None
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        return None
    return moment.astimezone(timezone.utc)


def _prometheus_style(payload: dict[str, Any], source: str) -> list[Alert]:
    found = []
    for item in payload["alerts"][:MAX_ALERTS]:
        if not isinstance(item, dict):
            continue
        labels = {**_strings(payload.get("commonLabels")), **_strings(item.get("labels"))}
        notes = {**_strings(payload.get("commonAnnotations")), **_strings(item.get("annotations"))}
        status = _text(item.get("status") or payload.get("status")).lower()
        found.append(
            Alert(
                source=source,
                firing=status != "resolved",
                fields={k: (v,) for k, v in labels.items()},
                severity=labels.get("severity") or labels.get("priority"),
                started=_time(item.get("startsAt")),
                summary=notes.get("summary") or labels.get("alertname", ""),
                details=tuple(
                    [
                        *sorted(labels.items()),
                        *sorted(notes.items()),
                        *_urls(item, ("generatorURL", "silenceURL", "dashboardURL", "panelURL")),
                    ]
                ),
            )
        )
    return found


def _urls(item: dict[str, Any], keys: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    for key in keys:
        if _text(item.get(key)):
            yield key, _text(item.get(key))


_PAGERDUTY_CLOSED = ("incident.resolved",)


def _pagerduty(event: dict[str, Any]) -> Alert:
    data = event.get("data") if isinstance(event.get("data"), dict) else {}
    assert isinstance(data, dict)
    service = data.get("service") if isinstance(data.get("service"), dict) else {}
    priority = data.get("priority") if isinstance(data.get("priority"), dict) else {}
    assert isinstance(service, dict) and isinstance(priority, dict)
    teams = [t for t in _list(data.get("teams")) if isinstance(t, dict)]
    fields = {
        "event_type": _text(event.get("event_type")),
        "service": _text(service.get("summary")),
        "service_id": _text(service.get("id")),
        "priority": _text(priority.get("summary")),
        "urgency": _text(data.get("urgency")),
        "title": _text(data.get("title")),
    }
    values: dict[str, tuple[str, ...]] = {k: (v,) for k, v in fields.items() if v}
    team_names = tuple(_text(t.get("summary")) for t in teams if _text(t.get("summary")))
    if team_names:
        values["team"] = team_names
    status = _text(data.get("status")).lower()
    closed = _text(event.get("event_type")) in _PAGERDUTY_CLOSED or status == "resolved"
    return Alert(
        source="pagerduty",
        firing=not closed,
        fields=values,
        severity=fields["priority"] or fields["urgency"] or None,
        started=_time(data.get("created_at")) or _time(event.get("occurred_at")),
        summary=fields["title"],
        details=tuple(
            [(k, v) for k, v in fields.items() if v] + list(_urls(data, ("html_url", "self")))
        ),
    )


_OPSGENIE_CLOSED = ("Close", "Delete")


def _opsgenie(payload: dict[str, Any]) -> Alert:
    alert = payload["alert"]
    assert isinstance(alert, dict)
    tags = tuple(_text(t) for t in _list(alert.get("tags")) if _text(t))
    extra = _strings(alert.get("details"))
    fields: dict[str, tuple[str, ...]] = {
        k: (v,)
        for k, v in {
            "action": _text(payload.get("action")),
            "alias": _text(alert.get("alias")),
            "entity": _text(alert.get("entity")),
            "source": _text(alert.get("source")),
            "priority": _text(alert.get("priority")),
            "message": _text(alert.get("message")).strip(),
            "integration": _text(payload.get("integrationName")),
            **extra,
        }.items()
        if v
    }
    if tags:
        fields["tags"] = tags
    teams = tuple(_text(t) for t in _list(alert.get("teams")) if _text(t))
    if teams:
        fields["teams"] = teams
    priority = _text(alert.get("priority"))
    return Alert(
        source="opsgenie",
        firing=_text(payload.get("action")) not in _OPSGENIE_CLOSED,
        fields=fields,
        severity=priority or None,
        started=_time(alert.get("createdAt")),
        summary=_text(alert.get("message")).strip(),
        details=tuple(sorted((k, ", ".join(v)) for k, v in fields.items())),
    )


# --- routing --------------------------------------------------------------------------------


def matches(route: AlertRoute, alert: Alert) -> bool:
    """Every key of `match` is a field of the alert with one of the listed values."""
    return all(
        any(value in wanted for value in alert.fields.get(key, ())) for key, wanted in route.match
    )


def route_for(settings: Settings, found: list[Alert]) -> tuple[AlertRoute, list[Alert]] | None:
    """The first route that a firing alert matches, and every firing alert it matches."""
    firing = [a for a in found if a.firing]
    for route in settings.alerts:
        taken = [a for a in firing if matches(route, a)]
        if taken:
            return route, taken
    return None


def why_unrouted(settings: Settings, found: list[Alert]) -> str:
    """Why no route takes these alerts, without quoting their values (they are internal)."""
    if not found:
        return "the payload holds no alert"
    if not any(a.firing for a in found):
        return "every alert in the payload is resolved: there is nothing to announce"
    if not settings.alerts:
        return "mkdocs.yml has no 'alerts:' routes"
    keys = sorted({k for a in found if a.firing for k in a.fields})
    return (
        f"no route under 'alerts:' matches the {len([a for a in found if a.firing])} firing "
        f"alert(s); their fields are: {', '.join(keys) or 'none'}"
    )


# Severity words of the four tools, to the impact a reader sees.
_SEVERITY_IMPACT = {
    "critical": Impact.CRITICAL,
    "p1": Impact.CRITICAL,
    "sev1": Impact.CRITICAL,
    "emergency": Impact.CRITICAL,
    "fatal": Impact.CRITICAL,
    "high": Impact.MAJOR,
    "error": Impact.MAJOR,
    "major": Impact.MAJOR,
    "p2": Impact.MAJOR,
    "sev2": Impact.MAJOR,
    "warning": Impact.MINOR,
    "warn": Impact.MINOR,
    "medium": Impact.MINOR,
    "moderate": Impact.MINOR,
    "minor": Impact.MINOR,
    "p3": Impact.MINOR,
    "sev3": Impact.MINOR,
    "low": Impact.MINOR,
    "info": Impact.MINOR,
    "p4": Impact.MINOR,
    "p5": Impact.MINOR,
}


def impact_of(route: AlertRoute, taken: list[Alert]) -> Impact | None:
    """The route's impact; else the worst severity of the alerts; else None (from states)."""
    if route.impact is not None:
        return route.impact
    found = [_SEVERITY_IMPACT.get((a.severity or "").strip().lower()) for a in taken]
    known = [i for i in found if i is not None]
    return max(known, key=lambda i: i.rank) if known else None


def started_of(taken: list[Alert], at: datetime) -> datetime | None:
    """The earliest start of the alerts, when it is not after the update."""
    starts = [a.started for a in taken if a.started is not None and a.started <= at]
    return min(starts) if starts else None


def internal_note(taken: list[Alert]) -> str:
    """What the on-call person may want to see while editing: never published."""
    lines = [f"From {taken[0].source} ({len(taken)} alert{'s' if len(taken) != 1 else ''}):"]
    for alert in taken[:20]:
        lines.append(f"- {alert.summary or 'alert'}")
        lines.extend(f"  {key}: {' '.join(value.split())}" for key, value in alert.details[:40])
    return "\n".join(lines)


# --- the draft a routed alert becomes -------------------------------------------------------


@dataclass(frozen=True)
class AlertDraft:
    """What `new --from-alert` takes from the route and the alert."""

    route: AlertRoute
    impact: Impact | None
    started: datetime | None
    internal: str


def draft_for(settings: Settings, stream: BinaryIO, name: str, at: datetime) -> AlertDraft:
    """The routed draft for the payload in `stream`; UnroutedAlert when no route takes it."""
    found = alerts_in(read_payload(stream, name))
    routed = route_for(settings, found)
    if routed is None:
        raise UnroutedAlert(why_unrouted(settings, found))
    route, taken = routed
    return AlertDraft(route, impact_of(route, taken), started_of(taken, at), internal_note(taken))


class UnroutedAlert(Exception):
    """No route takes the alert: nothing is written."""
