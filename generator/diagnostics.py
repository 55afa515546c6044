"""Problems found in the content, and how they are shown: text, GitHub annotations, JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # what the content will do, not a problem: never fails check or build


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem: where it is, how bad, which rule, what is wrong and what to do."""

    path: str
    line: int
    rule: str
    severity: Severity
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def is_problem(self) -> bool:
        """An error or a warning; an info is not."""
        return self.severity is not Severity.INFO

    def render(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{location}: {self.severity.value}[{self.rule}]: {self.message}"
        return f"{text}\n  hint: {self.hint}" if self.hint else text


def error(path: str, line: int, rule: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, rule, Severity.ERROR, message, hint)


def warning(path: str, line: int, rule: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, rule, Severity.WARNING, message, hint)


def info(path: str, line: int, rule: str, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(path, line, rule, Severity.INFO, message, hint)


def problems(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Errors and warnings, without the infos."""
    return [d for d in diagnostics if d.is_problem]


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by path, line and rule, with exact duplicates removed."""
    return sorted(set(diagnostics), key=lambda d: (d.path, d.line, d.rule, d.message))


def count_errors(diagnostics: Iterable[Diagnostic]) -> int:
    return sum(1 for d in diagnostics if d.is_error)


def summary_line(diagnostics: Sequence[Diagnostic]) -> str:
    found = problems(diagnostics)
    infos = len(diagnostics) - len(found)
    noted = f"; {infos} note{'s' if infos != 1 else ''}" if infos else ""
    errors = count_errors(found)
    warnings = len(found) - errors
    files = len({d.path for d in found})
    if not found:
        return "no problems found" + noted
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    return f"{' and '.join(parts)} in {files} file{'s' if files != 1 else ''}{noted}"


def format_text(diagnostics: Sequence[Diagnostic]) -> str:
    lines = [d.render() for d in diagnostics]
    lines.append(summary_line(diagnostics))
    return "\n".join(lines)


def _escape_github(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: Sequence[Diagnostic]) -> str:
    """GitHub workflow commands, so findings show as annotations on the changed lines."""
    lines = []
    for d in diagnostics:
        level = {"error": "error", "warning": "warning", "info": "notice"}[d.severity.value]
        props = f"file={_escape_github(d.path, property_value=True)}"
        if d.line:
            props += f",line={d.line}"
        props += f",title={_escape_github(f'statuspress {d.rule}', property_value=True)}"
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        lines.append(f"::{level} {props}::{_escape_github(message)}")
    lines.append(summary_line(diagnostics))
    return "\n".join(lines)


def format_json(diagnostics: Sequence[Diagnostic]) -> str:
    rows = []
    for d in diagnostics:
        row = asdict(d)
        row["severity"] = d.severity.value
        rows.append({k: row[k] for k in ("path", "line", "severity", "rule", "message", "hint")})
    return json.dumps(rows, indent=2, ensure_ascii=False)


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
