"""The communication linter (placeholder until the rules land)."""

from __future__ import annotations

from datetime import datetime

from .diagnostics import Diagnostic
from .model import Site


def run_lint(site: Site, now: datetime) -> list[Diagnostic]:
    return []
