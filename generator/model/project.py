"""A status site as loaded: where it is, its settings, its content and what loading said."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic
from .types import Settings, Site


@dataclass(frozen=True)
class Project:
    root: Path
    config_path: Path
    settings: Settings
    site: Site  # as published at the clock it was loaded at (`derive.site_at`)
    diagnostics: tuple[Diagnostic, ...]  # loading and lint, sorted
    written: Site | None = None  # everything written, also what is dated after the clock

    @property
    def content(self) -> Site:
        """Every incident as written: what authoring commands edit."""
        return self.written or self.site
