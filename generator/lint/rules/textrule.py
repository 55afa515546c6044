"""Rules on words: one function finds what a text says, wherever the text is published.

A text rule is written once, as a function from prepared prose to hits, and registered by
`text_rule`: it then judges every update (its title, apology, cause, workaround and body)
and every postmortem (its summary, body and action items), and each finding points at the
file and line the words are on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ...model.types import Incident, Postmortem
from .registry import (
    Context,
    Finding,
    Scope,
    UpdateView,
    also_in_postmortems,
    postmortem_finding,
    rule,
    update_finding,
)
from .text import Prose, Segment


@dataclass(frozen=True)
class Hit:
    """Words a text rule found: where, what it says about them, and how to fix them."""

    segment: Segment
    offset: int
    message: str
    hint: str = ""
    level: str | None = None  # this hit's own default level, when the rule has two


Hits = Callable[[Prose, Context], Iterable[Hit]]


def quote(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())


def text_rule(
    rule_id: str,
    level: str,
    *,
    reason: str,
    advice: str,
    postmortems: bool = True,
    postmortem_level: str | None = None,
    level_note: str = "",
) -> Callable[[Hits], Hits]:
    """Register the decorated fn(prose, ctx) -> hits as rule `rule_id` on every update and,
    with `postmortems`, on every postmortem; its docstring says what the rule checks."""

    def register(hits: Hits) -> Hits:
        def on_update(view: UpdateView, ctx: Context) -> Iterator[Finding]:
            for hit in hits(view.prose, ctx):
                line = hit.segment.line_at(hit.offset)
                yield update_finding(view.update, line, hit.message, hit.hint, hit.level)

        on_update.__doc__ = hits.__doc__
        rule(
            rule_id,
            level,
            Scope.UPDATE,
            reason=reason,
            advice=advice,
            postmortem_level=postmortem_level,
            level_note=level_note,
        )(on_update)
        if postmortems:

            def on_postmortem(
                incident: Incident, postmortem: Postmortem, ctx: Context
            ) -> Iterator[Finding]:
                for hit in hits(ctx.postmortem_prose(postmortem), ctx):
                    line = hit.segment.line_at(hit.offset)
                    yield postmortem_finding(postmortem, line, hit.message, hit.hint, hit.level)

            also_in_postmortems(rule_id)(on_postmortem)
        return hits

    return register
