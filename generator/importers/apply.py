"""One import: a history read from a source, written into a site, then checked.

Old history is published as the old page published it. Where its text breaks a lint rule of
level `error` (which would stop `check` and `build`), the imported file silences that rule
with `lint: ignore:` and the report names the file and the rule, so a person can review it;
warnings stay warnings. Files a person edited are never touched, so neither are their rules.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path

from ..configuration.settings import load_settings
from ..diagnostics import Diagnostic, format_text
from ..lint.rules import RULES
from ..publishing.loading import ConfigProblem, load_project
from .config import declare_components
from .history import History, SourceError
from .writer import (
    Manifest,
    PlannedFile,
    Report,
    map_components,
    plan_files,
    with_ignored,
    write_files,
)

ProgressFactory = Callable[[int], AbstractContextManager[Callable[[], None]]]


def no_progress(total: int) -> AbstractContextManager[Callable[[], None]]:
    return nullcontext(lambda: None)


def import_history(
    config_path: Path, history: History, now: datetime, progress: ProgressFactory = no_progress
) -> tuple[Report, list[Diagnostic]]:
    """Write `history` into the site of `config_path`: what was done, and the findings of
    `statuspress check` in the files this import wrote."""
    settings, problems = load_settings(config_path)
    if settings is None:
        raise SourceError(
            config_path.name,
            f"the configuration cannot be used:\n{format_text(problems)}",
            "fix mkdocs.yml, then import again",
        )
    root = config_path.parent
    manifest = Manifest.read(root)
    mapping, added = map_components(history, settings.components, manifest)
    planned = plan_files(history, root, settings.docs_dir, mapping, manifest)
    report = Report(refused=list(history.refused), notes=list(history.notes))
    declare_components(config_path, added)
    report.components_added = added
    with progress(len(planned)) as step:
        write_files(root, planned, manifest, report, step)
    findings = _findings(config_path, now, planned, manifest)
    if _silence(findings, planned, manifest, report):
        write_files(root, _replanned(planned, manifest, report), manifest, Report())
        findings = _findings(config_path, now, planned, manifest)
    manifest.write(root)
    return report, findings


def _findings(
    config_path: Path, now: datetime, planned: list[PlannedFile], manifest: Manifest
) -> list[Diagnostic]:
    """`check`'s findings in the files the import owns (written, and not edited since)."""
    try:
        project = load_project(config_path, now)
    except ConfigProblem as problem:
        return list(problem.diagnostics)
    owned = {item.path for item in planned if item.path in manifest.hashes}
    folders = {path.rsplit("/", 1)[0] for path in owned}
    return [d for d in project.diagnostics if d.path in owned or d.path in folders]


def _silence(
    findings: list[Diagnostic], planned: list[PlannedFile], manifest: Manifest, report: Report
) -> bool:
    """Adds each lint error of an imported file to its silenced rules; True when any is new."""
    kept = {path for path, _ in report.kept}
    owned = {item.path for item in planned} - kept
    new = False
    for finding in findings:
        if not finding.is_error or finding.rule not in RULES or finding.path not in owned:
            continue
        rules = manifest.silenced.setdefault(finding.path, [])
        if finding.rule not in rules:
            rules.append(finding.rule)
            rules.sort()
            report.silenced.setdefault(finding.path, []).append(finding.rule)
            new = True
    return new


def _replanned(planned: list[PlannedFile], manifest: Manifest, report: Report) -> list[PlannedFile]:
    """The files whose silenced rules grew, with their new `lint: ignore:`."""
    result = []
    for item in planned:
        if item.path in report.silenced:
            base = _without_ignored(item.text)
            result.append(
                PlannedFile(
                    item.path, with_ignored(base, manifest.silenced[item.path]), item.source_key
                )
            )
    return result


def _without_ignored(text: str) -> str:
    head, marker, rest = text.partition("\nlint:\n  ignore: [")
    if not marker:
        return text
    return head + rest.split("]", 1)[1]
