"""What stops a build, and how the findings that do not are shown.

Communication findings (the lint rules) never hold back a deploy: during an outage a late
update hurts customers more than an imperfect one. `check`, the pull-request gate, still
fails on their errors. Invalid, unsafe or leaking content stops both. A site opts in to
blocking with `lint_blocks_build: true`; `build --strict` blocks on them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from ..diagnostics import Diagnostic, format_github
from ..lint.rules import RULES
from ..model import Settings
from .plan import CLOCK_WARNINGS


def is_communication(diagnostic: Diagnostic) -> bool:
    """A finding of a lint rule, as opposed to a problem with the content itself."""
    return diagnostic.rule in RULES


def build_blockers(
    diagnostics: Iterable[Diagnostic], settings: Settings, strict: bool = False
) -> list[Diagnostic]:
    """The diagnostics that stop a build: errors in the content always; communication errors
    only with `lint_blocks_build` or `--strict`; with `--strict` also warnings, except those
    the clock alone makes true (the page itself shows them)."""
    lint_blocks = strict or settings.lint_blocks_build
    return [
        d
        for d in diagnostics
        if (d.is_error and (lint_blocks or not is_communication(d)))
        or (strict and d.is_problem and not d.is_error and d.rule not in CLOCK_WARNINGS)
    ]


def in_github_actions() -> bool:
    return os.environ.get("GITHUB_ACTIONS") == "true"


def github_annotations(diagnostics: list[Diagnostic]) -> str:
    """Workflow commands that show each finding on its file and line in the run, or ""."""
    return format_github(diagnostics) if diagnostics and in_github_actions() else ""
