"""Third-party services: each vendor's Statuspage-shaped `summary.json`, read at build time.

A vendor's summary is read with a short timeout and a bounded body; a copy of what was last
read is kept in the build cache folder (sealed like the rest of it), and shown, with the time
it was read, when the vendor cannot be read now. With neither, the vendor shows as unknown.
Nothing here ever fails the build.

Only states come from the vendor: the names shown and the link are the site's own
configuration, so a vendor's page can put no text of its own on the status site.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..incremental.cachekey import CacheFolder, CacheKey
from ..incremental.store import read_sealed, write_sealed
from ..model.derive import Overall, state_description
from ..model.extras import Vendor
from ..model.types import STATE_SEVERITY, ComponentState, Settings

log = logging.getLogger("statuspress.vendors")

MAX_SUMMARY_BYTES = 2_000_000  # a large provider's summary is some 100 kB
MAX_COMPONENTS = 2_000
CACHE_FOLDER = "vendors"
CACHE_MAGIC = b"statuspress-vendor-summary 1\n"
_CHUNK = 65_536
_STATES = {s.value: s for s in ComponentState}
# Statuspage's page-wide indicator, as a component state.
_INDICATOR_STATES = {
    "none": ComponentState.OPERATIONAL,
    "minor": ComponentState.DEGRADED_PERFORMANCE,
    "major": ComponentState.PARTIAL_OUTAGE,
    "critical": ComponentState.MAJOR_OUTAGE,
    "maintenance": ComponentState.UNDER_MAINTENANCE,
}


class VendorProblem(Exception):
    """Why a summary could not be used (for the build's log, never for the page)."""


@dataclass(frozen=True)
class VendorRow:
    name: str  # as the site's configuration names it
    state: ComponentState | None  # None: unknown


@dataclass(frozen=True)
class VendorStatus:
    name: str
    page: str
    rows: tuple[VendorRow, ...]
    read_at: datetime | None  # when what is shown was read; None: never
    stale: bool  # shown from the last copy: the vendor could not be read now
    counts: bool  # in the site's overall state

    @property
    def state(self) -> ComponentState | None:
        """The worst of the rows; None when any is unknown and none is known to be bad."""
        known = [r.state for r in self.rows if r.state is not None]
        if not known or (len(known) < len(self.rows) and worst_of(known).severity == 0):
            return None
        return worst_of(known)


def worst_of(states: list[ComponentState]) -> ComponentState:
    return max(states, key=lambda s: STATE_SEVERITY[s])


# --- reading --------------------------------------------------------------------------------


def read_vendors(
    settings: Settings, kept: CacheFolder, now: datetime, offline: bool = False
) -> list[VendorStatus]:
    """Every vendor's status, in configuration order; at most `vendor_timeout` seconds (all
    are read at once)."""
    if not settings.vendors:
        return []
    timeout = settings.vendor_timeout
    if offline:
        return [_status(v, None, kept, now) for v in settings.vendors]
    with ThreadPoolExecutor(max_workers=min(8, len(settings.vendors))) as pool:
        fetched = list(pool.map(lambda v: _fetched(v, timeout), settings.vendors))
    return [_status(v, f, kept, now) for v, f in zip(settings.vendors, fetched, strict=True)]


def _fetched(vendor: Vendor, timeout: float) -> dict[str, Any] | VendorProblem:
    try:
        return summary_of(fetch(vendor.summary, timeout))
    except VendorProblem as problem:
        return problem


def _status(
    vendor: Vendor,
    fetched: dict[str, Any] | VendorProblem | None,
    kept: CacheFolder,
    now: datetime,
) -> VendorStatus:
    name = hashlib.sha256(vendor.summary.encode()).hexdigest() + ".json"
    path = kept.path / CACHE_FOLDER / name
    if isinstance(fetched, dict):
        with contextlib.suppress(OSError):  # the next build only has no copy to fall back on
            record = {"read_at": now.isoformat(), "summary": fetched}
            write_sealed(kept.key, path, CACHE_MAGIC, json.dumps(record).encode())
        return _shown(vendor, fetched, now, stale=False)
    if isinstance(fetched, VendorProblem):
        log.warning("warning: vendor %s could not be read: %s", vendor.name, fetched)
    copy = _cached(kept.key, path)
    if copy is not None:
        return _shown(vendor, copy[1], copy[0], stale=True)
    rows = tuple(VendorRow(n, None) for n in vendor.components) or (VendorRow(vendor.name, None),)
    return VendorStatus(vendor.name, page_of(vendor), rows, None, False, vendor.counts)


def _cached(cache_key: CacheKey, path: Path) -> tuple[datetime, dict[str, Any]] | None:
    payload = read_sealed(cache_key, path, CACHE_MAGIC)
    if payload is None:
        return None
    try:
        record = json.loads(payload)
        moment = datetime.fromisoformat(record["read_at"])
        summary = record["summary"]
        if not isinstance(summary, dict) or moment.tzinfo is None:
            return None
        return moment.astimezone(timezone.utc), summary
    except (ValueError, KeyError, TypeError):
        return None


# http and https only, redirects included (the default opener would also follow one to ftp).
_OPENER = urllib.request.OpenerDirector()
for _handler in (
    urllib.request.ProxyHandler(),
    urllib.request.HTTPHandler(),
    urllib.request.HTTPSHandler(),
    urllib.request.HTTPRedirectHandler(),
    urllib.request.HTTPDefaultErrorHandler(),
    urllib.request.HTTPErrorProcessor(),
):
    _OPENER.add_handler(_handler)


def fetch(url: str, timeout: float) -> bytes:
    """The body at `url`: refused past MAX_SUMMARY_BYTES or when it takes over `timeout`
    seconds in all (a server sending a byte at a time cannot hold the build)."""
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "statuspress"}
    )
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise VendorProblem(f"no whole answer within {timeout:g} s")
                chunk = response.read1(_CHUNK)
                if not chunk:
                    return b"".join(chunks)
                size += len(chunk)
                if size > MAX_SUMMARY_BYTES:
                    raise VendorProblem(f"the answer is larger than {MAX_SUMMARY_BYTES:,} bytes")
                chunks.append(chunk)
    except urllib.error.HTTPError as exc:
        raise VendorProblem(f"HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise VendorProblem(f"cannot connect: {reason}") from None


def summary_of(body: bytes) -> dict[str, Any]:
    """What is kept of a summary: component names, ids and states, and the page indicator."""
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, RecursionError, json.JSONDecodeError):
        raise VendorProblem("the answer is not JSON") from None
    if not isinstance(data, dict):
        raise VendorProblem("the answer is not a Statuspage summary (no object)")
    components = data.get("components")
    status = data.get("status")
    if not isinstance(components, list) and not isinstance(status, dict):
        raise VendorProblem("the answer is not a Statuspage summary (no components, no status)")
    kept = []
    for item in components[:MAX_COMPONENTS] if isinstance(components, list) else []:
        if isinstance(item, dict) and str(item.get("status")) in _STATES:
            kept.append(
                {
                    "name": str(item.get("name", "")),
                    "id": str(item.get("id", "")),
                    "status": str(item["status"]),
                }
            )
    indicator = status.get("indicator") if isinstance(status, dict) else None
    return {"components": kept, "indicator": indicator if indicator in _INDICATOR_STATES else None}


def _shown(vendor: Vendor, summary: dict[str, Any], read_at: datetime, stale: bool) -> VendorStatus:
    if vendor.components:
        found: dict[str, ComponentState | None] = {}
        for item in summary.get("components") or []:
            if isinstance(item, dict):
                for key in (item.get("name"), item.get("id")):
                    found.setdefault(
                        str(key).strip().casefold(), _STATES.get(str(item.get("status")))
                    )
        rows = tuple(VendorRow(n, found.get(n.strip().casefold())) for n in vendor.components)
    else:
        rows = (VendorRow(vendor.name, _INDICATOR_STATES.get(str(summary.get("indicator")))),)
    return VendorStatus(vendor.name, page_of(vendor), rows, read_at, stale, vendor.counts)


def page_of(vendor: Vendor) -> str:
    """The vendor's page for readers: configured, else the summary's own site."""
    if vendor.page:
        return vendor.page
    parts = urlsplit(vendor.summary)
    return f"{parts.scheme}://{parts.netloc}/"


# --- what the build hands the pages (`BuildPlan.vendors`) -----------------------------------


def with_vendors(own: Overall, found: list[VendorStatus]) -> Overall:
    """The banner with the vendors that are configured to count (`counts: true`)."""
    counted = [v.state for v in found if v.counts and v.state is not None]
    state = worst_of([own.state, *counted])
    if state is own.state:
        return own
    return replace(own, state=state, description=state_description(state))
