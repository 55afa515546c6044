"""One place that turns a config path and a clock into settings, the site and its diagnostics."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import iso
from ..configuration.settings import load_settings
from ..diagnostics import Diagnostic, info, sort_diagnostics
from ..model import Project, Settings, Site, load_site
from ..model.derive import scheduled, site_at

if TYPE_CHECKING:
    from ..incremental.records import IncidentRecords


class ConfigProblem(Exception):
    """mkdocs.yml itself cannot be used; carries the diagnostics that say why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("invalid configuration")
        self.diagnostics = diagnostics


def load_project(
    config_path: Path,
    now: datetime,
    *,
    lint: bool = True,
    records: IncidentRecords | None = None,
    settings: Settings | None = None,
) -> Project:
    """Load settings and content, then lint; raises ConfigProblem only for a broken config.

    The project's `site` is the content as published at `now` (`site_at`): what is dated
    later is linted, and said when it goes live, but not published.

    With `records`, unchanged incident folders are not loaded, linted or rendered again
    (always linted: the records keep the findings). `settings`: those of `config_path`, when
    the caller has read them already.
    """
    if settings is None:
        settings, problems = load_settings(config_path)
        if settings is None:
            raise ConfigProblem(problems)
    root = config_path.parent
    if records is not None:
        from ..lint.linter import clock_diagnostics

        site, diagnostics = load_site(root, settings, records.load_folders)
        diagnostics += clock_diagnostics(site, now)
    else:
        site, diagnostics = load_site(root, settings)
        if lint:
            from ..lint.linter import run_lint

            diagnostics = [*diagnostics, *run_lint(site, now)]
    from .publictext import config_leaks, theme_leaks
    from .reserved import reserved_problems

    diagnostics += [*config_leaks(config_path, settings), *theme_leaks(config_path, settings)]
    diagnostics += reserved_problems(config_path, site, now)
    diagnostics += going_live(site, now)
    return Project(
        root=root,
        config_path=config_path,
        settings=settings,
        site=site_at(site, now),
        diagnostics=tuple(sort_diagnostics(diagnostics)),
        written=site,
    )


def going_live(site: Site, now: datetime) -> list[Diagnostic]:
    """An info for each update and postmortem dated after `now`: when it goes live."""
    return [
        info(
            item.path,
            item.line,
            "scheduled",
            f"this {item.what} is dated {iso(item.at)}: it is published by the first build "
            f"at or after then, not before",
            "the deploy workflow's scheduled rebuild (every 15 minutes, and GitHub may start "
            "it a few minutes late) publishes it; to publish it now, set its time to now",
        )
        for item in scheduled(site, now)
    ]
