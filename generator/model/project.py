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
    site: Site
    diagnostics: tuple[Diagnostic, ...]  # loading and lint, sorted
