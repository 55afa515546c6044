"""JSON over HTTP for the live sources, with errors a person can act on."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from .. import __version__
from .history import SourceError

TIMEOUT_SECONDS = 30
MAX_BYTES = 64 * 1024 * 1024  # one response; a real page's history is far smaller


def get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    """The JSON document at `url` (http or https only)."""
    if not url.startswith(("http://", "https://")):
        raise SourceError(url, "not an http:// or https:// address")
    request = urllib.request.Request(
        url,
        headers={
            "Accept": "application/json",
            "User-Agent": f"statuspress/{__version__} (import)",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            data = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        exc.close()
        raise SourceError(
            _shown(url), f"HTTP {exc.code} {exc.reason}", _http_hint(exc.code)
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(
            _shown(url), f"cannot be reached ({reason})", "check the address and the network"
        ) from None
    if len(data) > MAX_BYTES:
        raise SourceError(_shown(url), f"the response is larger than {MAX_BYTES} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(
            _shown(url), f"the response is not JSON ({exc})", "is this the page's API address?"
        ) from None


def _shown(url: str) -> str:
    """The address without its query string's secrets (none are sent there, but be sure)."""
    return url.split("#", 1)[0]


def _http_hint(code: int) -> str:
    if code in (401, 403):
        return "check the API key in the environment variable and its access to this page"
    if code == 404:
        return "check the address (the page's URL, or the page id)"
    if code == 429:
        return "the API limits requests: wait a minute, then run the import again"
    return "try again later; the import changed nothing"
