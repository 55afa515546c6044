"""The "Report an incident" issue form, read back: GitHub writes each answer under its label
as `### Label`, and `_No response_` for an optional field left empty."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

import click

from ..model.types import ComponentState, Impact
from .options import ComponentAssignment

MAX_BODY_BYTES = 262_144  # GitHub keeps at most 65,536 characters of an issue's body
NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^###\s+(.+?)\s*$", re.MULTILINE)
FIELDS = ("title", "components", "impact", "template", "message")


class IssueFormError(Exception):
    """The issue is not the form's, or an answer cannot be used."""


@dataclass(frozen=True)
class IssueReport:
    title: str
    components: tuple[tuple[str, ComponentState], ...]
    impact: str | None
    template: str | None
    message: str | None


def read_report(stream: BinaryIO) -> IssueReport:
    data = stream.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise IssueFormError(f"the issue is larger than {MAX_BODY_BYTES:,} bytes")
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    answers = _answers(text)
    title = answers.get("title")
    if not title:
        raise IssueFormError("the issue has no '### Title' answer: is it the form's?")
    impact = answers.get("impact")
    if impact is not None and impact not in {i.value for i in Impact}:
        raise IssueFormError(f"'{impact}' is not an impact (none, minor, major, critical)")
    return IssueReport(
        title=" ".join(title.split()),
        components=_components(answers.get("components") or ""),
        impact=impact,
        template=answers.get("template"),
        message=answers.get("message"),
    )


def _answers(text: str) -> dict[str, str]:
    """label (lower case) -> answer, for the form's fields; empty answers left out."""
    found: dict[str, str] = {}
    headings = list(_HEADING.finditer(text))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        label = heading.group(1).strip().lower()
        answer = text[heading.end() : end].strip()
        if label in FIELDS and answer and answer != NO_RESPONSE and label not in found:
            found[label] = answer
    return found


def _components(text: str) -> tuple[tuple[str, ComponentState], ...]:
    kind = ComponentAssignment(None)
    pairs = []
    for part in re.split(r"[,;\s]+", re.sub(r"\s*=\s*", "=", text.strip())):
        if not part:
            continue
        try:
            pairs.append(kind.convert(part, None, None))
        except click.BadParameter as exc:
            raise IssueFormError(f"components: {exc.message}") from None
    return tuple(pairs)
