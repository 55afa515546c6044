"""Uptime reports: the /uptime/ page and its exports, /uptime.csv and /uptime.json, all from
the one computation of model/uptime.py (which the status page's bars use too)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time
from typing import Any

from ..model.types import ComponentState, Site
from ..model.uptime import ROLLING_DAYS, ComponentUptime, Tally, next_month, uptime_report
from .api import _dump as dump_json  # compact, and safe inside a <script> block
from .api import stamp
from .registry import Page, SiteInputs, site_page

CSV_FILE = "uptime.csv"
JSON_FILE = "uptime.json"
PAGE_PATH = "uptime/"
STATES = (
    ComponentState.MAJOR_OUTAGE,
    ComponentState.PARTIAL_OUTAGE,
    ComponentState.DEGRADED_PERFORMANCE,
    ComponentState.UNDER_MAINTENANCE,
)
CSV_COLUMNS = (
    "component_id",
    "component",
    "month",
    "uptime_percent",
    "counted_seconds",
    "downtime_seconds",
    *(f"{state.value}_seconds" for state in STATES),
    *(f"uptime_{days}_days" for days in ROLLING_DAYS),
)
# A spreadsheet runs a cell that begins with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@site_page
def uptime_page(inputs: SiteInputs) -> list[Page]:
    """/uptime/: per component, the rolling figures and a calendar of months."""
    site = inputs.site
    report = uptime_report(site, inputs.now)
    context = {
        **inputs.common,
        "report": [report[c.id] for c in site.settings.components],
        "rolling_days": ROLLING_DAYS,
        "years": {cid: calendar_years(uptime) for cid, uptime in report.items()},
        "csv_file": CSV_FILE,
        "json_file": JSON_FILE,
    }
    return [Page(PAGE_PATH, "uptime.html", context, inputs.common["lang"].gettext("Uptime"))]


def calendar_years(uptime: ComponentUptime) -> list[tuple[int, list[Tally | None]]]:
    """(year, twelve months' tallies, None where a month is not reported), newest year first."""
    years: dict[int, list[Tally | None]] = {}
    for first, tally in uptime.months:
        years.setdefault(first.year, [None] * 12)[first.month - 1] = tally
    return sorted(years.items(), reverse=True)


def render(site: Site, now: datetime) -> dict[str, bytes]:
    """uptime.csv and uptime.json."""
    report = uptime_report(site, now)
    ordered = [report[c.id] for c in site.settings.components]
    return {CSV_FILE: _csv(ordered), JSON_FILE: _json(site, now, ordered)}


def percent(tally: Tally) -> float:
    return round(tally.percent, 4)


def _seconds(value: float) -> float:
    return round(value, 1)


def _csv(report: list[ComponentUptime]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for uptime in report:
        rolling = [percent(uptime.rolling(days)) for days in ROLLING_DAYS]
        for first, tally in uptime.months:
            writer.writerow(
                [
                    _cell(uptime.component.id),
                    _cell(uptime.component.name),
                    f"{first:%Y-%m}",
                    percent(tally),
                    _seconds(tally.counted),
                    _seconds(tally.downtime),
                    *(_seconds(tally.seconds.get(state, 0.0)) for state in STATES),
                    *rolling,
                ]
            )
    return out.getvalue().encode()


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _json(site: Site, now: datetime, report: list[ComponentUptime]) -> bytes:
    settings = site.settings
    document = {
        "page": {
            "name": settings.site_name,
            "url": settings.site_url,
            "time_zone": settings.timezone,
        },
        "generated_at": stamp(now),
        "exclude_maintenance": settings.uptime_exclude_maintenance,
        "weights": {state.value: settings.uptime_weights.of(state) for state in STATES},
        "components": [_component_json(uptime) for uptime in report],
    }
    return dump_json(document)


def _component_json(uptime: ComponentUptime) -> dict[str, Any]:
    component = uptime.component
    zone = uptime.ledger.calendar.zone
    return {
        "id": component.id,
        "name": component.name,
        "group": component.group,
        "start_date": component.start_date.isoformat() if component.start_date else None,
        "rolling": {f"{days}_days": _tally_json(uptime.rolling(days)) for days in ROLLING_DAYS},
        "months": [
            {
                "month": f"{first:%Y-%m}",
                "start": datetime.combine(first, time(), zone).isoformat(),
                "end": datetime.combine(next_month(first), time(), zone).isoformat(),
                **_tally_json(tally),
            }
            for first, tally in uptime.months
        ],
    }


def _tally_json(tally: Tally) -> dict[str, Any]:
    return {
        "uptime_percent": percent(tally),
        "counted_seconds": _seconds(tally.counted),
        "downtime_seconds": _seconds(tally.downtime),
        "seconds": {state.value: _seconds(tally.seconds.get(state, 0.0)) for state in STATES},
    }
