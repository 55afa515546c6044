"""Communication metrics (`statuspress report`): medians, 90th percentiles, per-incident values.

Medians and nearest-rank 90th percentiles, never means: incident durations are heavy-tailed
and samples are small. Every summary figure comes with the per-incident values behind it.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from ..clock import format_duration, iso
from ..model import Impact, Incident, Kind, Site, site_at
from .linter import history_findings
from .rules import Thresholds

GRACE = Thresholds().grace


def median(values: Sequence[float]) -> float | None:
    """The middle value (the mean of the two middle ones for an even count)."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], share: float = 0.9) -> float | None:
    """Nearest-rank percentile: the smallest value with at least `share` of values at or
    below it."""
    if not values:
        return None
    ordered = sorted(values)
    return float(ordered[max(1, math.ceil(share * len(ordered))) - 1])


@dataclass(frozen=True)
class Spread:
    """Median, 90th percentile and count of a duration over incidents, in seconds."""

    values: dict[str, float]  # incident id -> seconds

    @property
    def median(self) -> float | None:
        return median(list(self.values.values()))

    @property
    def p90(self) -> float | None:
        return percentile(list(self.values.values()))

    def as_json(self) -> dict[str, Any]:
        return {
            "median_seconds": self.median,
            "p90_seconds": self.p90,
            "count": len(self.values),
            "values_seconds": self.values,
        }


@dataclass(frozen=True)
class Share:
    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def text(self) -> str:
        if not self.whole:
            return "none"
        return f"{self.part} of {self.whole} ({round(100 * self.part / self.whole)}%)"

    def as_json(self) -> dict[str, Any]:
        return {"count": self.part, "of": self.whole, "share": self.ratio}


@dataclass(frozen=True)
class IncidentRow:
    """One incident's (or maintenance's) values behind the summary figures."""

    id: str
    title: str
    kind: str
    impact: str
    updates: int
    acknowledge: float | None  # seconds from `started` to the first update
    promises: Share  # updates that arrived by the previous update's promise (+ grace)
    longest_silence: float | None
    eta: str | None  # met | missed | pending, None without an ETA
    eta_slips: int
    resolve: float | None
    postmortem: float | None  # seconds from resolution to the postmortem's publication
    has_postmortem: bool
    findings: int


@dataclass(frozen=True)
class Report:
    now: datetime
    since: datetime | None
    rows: tuple[IncidentRow, ...]
    action_items: dict[str, int]
    lint_by_rule: dict[str, int]
    grace_seconds: float = GRACE.total_seconds()
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def incidents(self) -> tuple[IncidentRow, ...]:
        return tuple(r for r in self.rows if r.kind == Kind.INCIDENT.value)

    def spread(self, name: str) -> Spread:
        return Spread(
            {r.id: getattr(r, name) for r in self.incidents if getattr(r, name) is not None}
        )

    @property
    def promises(self) -> Share:
        return Share(
            sum(r.promises.part for r in self.rows), sum(r.promises.whole for r in self.rows)
        )

    @property
    def etas(self) -> Share:
        judged = [r for r in self.incidents if r.eta in ("met", "missed")]
        return Share(sum(r.eta == "met" for r in judged), len(judged))

    @property
    def eta_slips(self) -> int:
        return sum(r.eta_slips for r in self.incidents)

    @property
    def coverage(self) -> Share:
        serious = [
            r for r in self.incidents if r.impact in ("major", "critical") and r.resolve is not None
        ]
        return Share(sum(r.has_postmortem for r in serious), len(serious))

    @property
    def updates(self) -> int:
        return sum(r.updates for r in self.rows)

    @property
    def clean(self) -> Share:
        return Share(sum(r.findings == 0 for r in self.rows), len(self.rows))


def build_report(site: Site, now: datetime, since: datetime | None = None) -> Report:
    """The metrics of every incident whose first update is at or after `since`, up to `now`."""
    current = site_at(site, now)
    chosen = tuple(i for i in current.incidents if since is None or i.first.at >= since)
    scoped = Site(current.settings, chosen)
    findings = history_findings(scoped, now)
    per_incident = Counter(incident_id for incident_id, _ in findings)
    limits = Thresholds.of(site.settings)
    rows = tuple(
        _row(incident, now, per_incident[incident.id], limits.grace) for incident in chosen
    )
    return Report(
        now=now,
        since=since,
        rows=rows,
        action_items=_action_items(chosen, now),
        lint_by_rule=dict(sorted(Counter(d.rule for _, d in findings).items())),
        grace_seconds=limits.grace.total_seconds(),
        thresholds=limits,
    )


def _row(incident: Incident, now: datetime, findings: int, grace: timedelta) -> IncidentRow:
    resolved = incident.closed_at if incident.kind is Kind.INCIDENT else None
    postmortem = incident.postmortem
    published = postmortem.published if postmortem else None
    eta, slips = eta_outcome(incident, now)
    return IncidentRow(
        id=incident.id,
        title=incident.title,
        kind=incident.kind.value,
        impact=max((u.impact for u in incident.updates), key=lambda i: i.rank).value,
        updates=len(incident.updates),
        acknowledge=_seconds(incident.first.at - incident.first.started)
        if incident.first.started and incident.kind is Kind.INCIDENT
        else None,
        promises=promises_kept(incident, now, grace),
        longest_silence=longest_silence(incident) if incident.kind is Kind.INCIDENT else None,
        eta=eta,
        eta_slips=slips,
        resolve=_seconds(resolved - incident.started) if resolved else None,
        postmortem=_seconds(published - resolved) if published and resolved else None,
        has_postmortem=postmortem is not None,
        findings=findings,
    )


def _seconds(delta: timedelta) -> float:
    return delta.total_seconds()


def promises_kept(incident: Incident, now: datetime, grace: timedelta = GRACE) -> Share:
    """Updates that arrived by the previous update's `next_update` + grace; an open
    incident's promise that has already passed counts as broken."""
    kept = total = 0
    for previous, update in pairwise(incident.updates):
        if previous.next_update is not None:
            total += 1
            kept += update.at <= previous.next_update + grace
    latest = incident.latest
    if not latest.is_closing and latest.next_update and now > latest.next_update + grace:
        total += 1
    return Share(kept, total)


def longest_silence(incident: Incident) -> float | None:
    """The largest gap between consecutive updates, not counting the time after a
    resolution (before a reopening)."""
    gaps = [_seconds(b.at - a.at) for a, b in pairwise(incident.updates) if not a.is_closing]
    return max(gaps) if gaps else None


def eta_outcome(incident: Incident, now: datetime) -> tuple[str | None, int]:
    """(met, missed or pending; None without an ETA) by the last ETA given, and how many
    times an ETA moved later."""
    etas = [u.eta for u in incident.updates if isinstance(u.eta, datetime)]
    if not etas or incident.kind is Kind.MAINTENANCE:
        return None, 0
    slips = sum(later > earlier for earlier, later in pairwise(etas))
    last = etas[-1]
    if incident.closed_at is not None:
        return ("met" if incident.closed_at <= last else "missed"), slips
    return ("missed" if now > last else "pending"), slips


def _action_items(incidents: Sequence[Incident], now: datetime) -> dict[str, int]:
    items = [
        i for incident in incidents if incident.postmortem for i in incident.postmortem.action_items
    ]
    overdue = sum(i.status != "done" and i.due is not None and i.due < now.date() for i in items)
    done = sum(i.status == "done" for i in items)
    return {"done": done, "open": len(items) - done, "overdue": overdue}


# --- text -----------------------------------------------------------------------------------


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def duration(seconds: float | None) -> str:
    return "—" if seconds is None else format_duration(timedelta(seconds=seconds))


def _period(report: Report) -> str:
    start = f"from {iso(report.since)} " if report.since else "all time "
    return f"{start}to {iso(report.now)}"


SPREADS = (
    ("time to acknowledge", "acknowledge"),
    ("longest silence", "longest_silence"),
    ("time to resolve", "resolve"),
    ("time to postmortem", "postmortem"),
)


def summary_lines(report: Report) -> list[tuple[str, str]]:
    """(metric, value) pairs shared by the text and HTML forms."""
    lines = []
    for label, name in SPREADS:
        spread = report.spread(name)
        lines.append(
            (
                label,
                f"median {duration(spread.median)}, 90th percentile "
                f"{duration(spread.p90)} (n = {len(spread.values)})",
            )
        )
    items = report.action_items
    lines += [
        ("promises kept", report.promises.text()),
        ("ETAs met", f"{report.etas.text()}; {_count(report.eta_slips, 'slip')}"),
        ("postmortem coverage", f"{report.coverage.text()} of resolved major/critical"),
        ("action items", f"{items['done']} done, {items['open']} open, {items['overdue']} overdue"),
        (
            "lint",
            f"{_count(sum(report.lint_by_rule.values()), 'finding')} in "
            f"{_count(report.updates, 'update')}; {report.clean.text()} incidents "
            "without findings",
        ),
    ]
    return lines


COLUMNS: tuple[tuple[str, Callable[[IncidentRow], str]], ...] = (
    ("incident", lambda r: r.id),
    ("impact", lambda r: r.impact if r.kind == "incident" else "maint."),
    ("ack", lambda r: duration(r.acknowledge)),
    ("kept", lambda r: f"{r.promises.part}/{r.promises.whole}" if r.promises.whole else "—"),
    ("silence", lambda r: duration(r.longest_silence)),
    ("ETA", lambda r: (r.eta or "—") + (f" ({r.eta_slips} slip)" if r.eta_slips else "")),
    ("resolve", lambda r: duration(r.resolve)),
    ("postmortem", lambda r: duration(r.postmortem) if r.has_postmortem else "—"),
    ("findings", lambda r: str(r.findings)),
)


def format_text(report: Report) -> str:
    width = max(len(label) for label, _ in summary_lines(report))
    out = [
        f"Communication report, {_period(report)}: {len(report.incidents)} incidents, "
        f"{len(report.rows) - len(report.incidents)} maintenances",
        "",
    ]
    out += [f"{label.ljust(width)}  {value}" for label, value in summary_lines(report)]
    out += [f"  {rule.ljust(width - 2)}  {count}" for rule, count in report.lint_by_rule.items()]
    table = [[name for name, _ in COLUMNS]] + [
        [cell(r) for _, cell in COLUMNS] for r in report.rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    out += ["", "Per incident:"]
    out += [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]
    return "\n".join(out)


# --- JSON -------------------------------------------------------------------------------------


def as_json(report: Report) -> dict[str, Any]:
    return {
        "period": {"since": iso(report.since) if report.since else None, "until": iso(report.now)},
        "grace_seconds": report.grace_seconds,
        **{label.replace(" ", "_"): report.spread(name).as_json() for label, name in SPREADS},
        "promises_kept": report.promises.as_json(),
        "etas_met": {**report.etas.as_json(), "slips": report.eta_slips},
        "postmortem_coverage": report.coverage.as_json(),
        "action_items": report.action_items,
        "lint": {
            "findings_by_rule": report.lint_by_rule,
            "updates": report.updates,
            "findings_per_update": {
                rule: count / report.updates for rule, count in report.lint_by_rule.items()
            }
            if report.updates
            else {},
            "incidents_without_findings": report.clean.as_json(),
        },
        "incidents": [_row_json(r) for r in report.rows],
    }


def _row_json(row: IncidentRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "kind": row.kind,
        "impact": row.impact,
        "updates": row.updates,
        "acknowledge_seconds": row.acknowledge,
        "promises_kept": row.promises.part,
        "promises": row.promises.whole,
        "longest_silence_seconds": row.longest_silence,
        "eta": row.eta,
        "eta_slips": row.eta_slips,
        "resolve_seconds": row.resolve,
        "postmortem": row.has_postmortem,
        "postmortem_seconds": row.postmortem,
        "lint_findings": row.findings,
    }


def format_json(report: Report) -> str:
    return json.dumps(as_json(report), indent=2, ensure_ascii=False)


# --- HTML -------------------------------------------------------------------------------------

ROW = 22  # px per chart row
LABEL = 250  # px for the incident id
SCALE = 300  # px for the longest bar


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int
    width: float  # the bar, in px
    rest: float = 0.0  # a second, hatched bar segment after the first (broken promises)
    marker: float | None = None  # x of a limit tick, relative to the bar start
    text: str = ""


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    rows: tuple[ChartRow, ...]

    @property
    def height(self) -> int:
        return ROW * max(1, len(self.rows)) + 6


def acknowledge_chart(report: Report) -> Chart:
    limits = report.thresholds.acknowledge
    rows = [r for r in report.incidents if r.acknowledge is not None]
    longest = max(
        [r.acknowledge or 0 for r in rows]
        + [limits[Impact(r.impact)].total_seconds() for r in rows]
        + [1]
    )
    return Chart(
        "ack",
        "Time to acknowledge",
        "Minutes from the start of impact to the first "
        "update; the tick marks the limit for the incident's impact.",
        tuple(
            ChartRow(
                r.id,
                ROW * n,
                SCALE * (r.acknowledge or 0) / longest,
                marker=SCALE * limits[Impact(r.impact)].total_seconds() / longest,
                text=duration(r.acknowledge),
            )
            for n, r in enumerate(rows)
        ),
    )


def promises_chart(report: Report) -> Chart:
    rows = [r for r in report.rows if r.promises.whole]
    most = max([r.promises.whole for r in rows] + [1])
    return Chart(
        "promises",
        "Promises kept",
        "Updates that came by the time the previous "
        "update promised (solid) and those that came late (hatched).",
        tuple(
            ChartRow(
                r.id,
                ROW * n,
                SCALE * r.promises.part / most,
                rest=SCALE * (r.promises.whole - r.promises.part) / most,
                text=f"{r.promises.part} of {r.promises.whole} kept",
            )
            for n, r in enumerate(rows)
        ),
    )


def eta_chart(report: Report) -> Chart:
    rows = [r for r in report.incidents if r.eta is not None]
    width = {"met": SCALE, "missed": 0.0, "pending": SCALE / 2}
    return Chart(
        "etas",
        "ETAs met",
        "Incidents with an ETA: resolved by their last ETA (full "
        "bar), missed (hatched), or still open (half bar).",
        tuple(
            ChartRow(
                r.id,
                ROW * n,
                width[r.eta or "pending"],
                rest=SCALE if r.eta == "missed" else 0.0,
                text=r.eta
                + (f", {r.eta_slips} slip{'s' * (r.eta_slips != 1)}" if r.eta_slips else "")
                if r.eta
                else "",
            )
            for n, r in enumerate(rows)
        ),
    )


HTML = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Communication report — {{ site_name }}</title>
<style>
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a;
  --bar: #0969da; --late: #cf222e; --line: #d0d7de; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #8d96a0;
  --bar: #4493f8; --late: #f85149; --line: #30363d; } }
body { font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg);
  max-width: 62rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; font-size: 14px; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1.5rem 0; overflow-x: auto; }
figcaption, .muted { color: var(--muted); }
svg text { fill: var(--fg); font: 12px system-ui, sans-serif; }
svg { color: var(--late); } svg .bar { fill: var(--bar); } svg .late { stroke: var(--late); }
svg .tick { stroke: var(--fg); stroke-width: 2; }
</style>
</head>
<body>
<h1>Communication report</h1>
<p class="muted">{{ site_name }} · {{ period }} · {{ incidents }} incidents,
{{ maintenances }} maintenances · medians and nearest-rank 90th percentiles</p>
<table>
<thead><tr><th scope="col">metric</th><th scope="col">value</th></tr></thead>
<tbody>
{% for label, value in summary %}<tr><th scope="row">{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</tbody>
</table>
{% for chart in charts %}
<figure>
<h2 id="{{ chart.id }}-title">{{ chart.title }}</h2>
<figcaption id="{{ chart.id }}-desc">{{ chart.description }}</figcaption>
{% if chart.rows %}
<svg role="img" aria-labelledby="{{ chart.id }}-title {{ chart.id }}-desc"
 width="{{ width }}" height="{{ chart.height }}" viewBox="0 0 {{ width }} {{ chart.height }}">
<defs><pattern id="hatch-{{ chart.id }}" width="6" height="6" patternUnits="userSpaceOnUse"
 patternTransform="rotate(45)"><rect width="6" height="6" fill="none"/>
<line x1="0" y1="0" x2="0" y2="6" stroke="currentColor" stroke-width="2"/></pattern></defs>
{% for row in chart.rows %}<g>
<title>{{ row.label }}: {{ row.text }}</title>
<text x="0" y="{{ row.y + 15 }}">{{ row.label }}</text>
<rect class="bar" x="{{ label }}" y="{{ row.y + 4 }}" width="{{ '%.1f' % row.width }}"
 height="14"/>
{% if row.rest %}<rect class="late" fill="url(#hatch-{{ chart.id }})"
 x="{{ '%.1f' % (label + row.width) }}" y="{{ row.y + 4 }}"
 width="{{ '%.1f' % row.rest }}" height="14"/>{% endif %}
{% if row.marker is not none %}<line class="tick" x1="{{ '%.1f' % (label + row.marker) }}"
 x2="{{ '%.1f' % (label + row.marker) }}" y1="{{ row.y + 1 }}" y2="{{ row.y + 21 }}"/>{% endif %}
<text x="{{ '%.1f' % (label + [row.width + row.rest, row.marker or 0] | max + 6) }}"
 y="{{ row.y + 15 }}">{{ row.text }}</text>
</g>
{% endfor %}</svg>
{% else %}<p class="muted">No incidents to show.</p>{% endif %}
</figure>
{% endfor %}
<h2>Lint findings by rule</h2>
{% if lint %}<table>
<thead><tr><th scope="col">rule</th><th class="n" scope="col">findings</th>
<th class="n" scope="col">per update</th></tr></thead>
<tbody>
{% for rule, count in lint %}<tr><td><code>{{ rule }}</code></td><td class="n">{{ count }}</td>
<td class="n">{{ '%.2f' % (count / updates) }}</td></tr>
{% endfor %}</tbody>
</table>{% else %}<p class="muted">No findings.</p>{% endif %}
<h2>Per incident</h2>
<table>
<thead><tr>{% for name in columns %}<th scope="col">{{ name }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for cell in row %}<td>{{ cell }}</td>{% endfor %}</tr>
{% endfor %}</tbody>
</table>
</body>
</html>
"""


def format_html(report: Report, site_name: str = "Status") -> str:
    """One self-contained page: no scripts, no external files, every value escaped."""
    from jinja2 import Environment

    template = Environment(autoescape=True, keep_trailing_newline=True).from_string(HTML)
    return template.render(
        site_name=site_name,
        period=_period(report),
        incidents=len(report.incidents),
        maintenances=len(report.rows) - len(report.incidents),
        summary=summary_lines(report),
        charts=(acknowledge_chart(report), promises_chart(report), eta_chart(report)),
        width=LABEL + SCALE + 150,
        label=LABEL,
        lint=list(report.lint_by_rule.items()),
        updates=report.updates,
        columns=[name for name, _ in COLUMNS],
        rows=[[cell(r) for _, cell in COLUMNS] for r in report.rows],
    )


FORMATTERS: dict[str, Callable[[Report], str]] = {
    "text": format_text,
    "json": format_json,
    "html": format_html,
}
