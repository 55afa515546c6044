"""Postmortem rules: one exists when it should, it has the parts readers need, and its action
items change systems, have an owner and get done."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial

from ...model.types import Impact, Incident, Kind, Postmortem
from ...outputs.pages import CHANGES_HEADINGS
from .content import internal_details, max_impact
from .patterns import phrase
from .phrases import blamed_people
from .registry import (
    ERROR,
    WARNING,
    Context,
    Finding,
    Scope,
    also_in_postmortems,
    postmortem_finding,
    rule,
    update_finding,
)
from .text import Prose, postmortem_prose


@rule(
    "postmortem-missing",
    WARNING,
    Scope.INCIDENT,
    clock=True,
    reason="After a serious incident, customers and leadership need the whole chain of events "
    'and what changes (SPEC §2.13; Google SRE book, "Postmortem Culture"; Atlassian\'s '
    "incident handbook).",
    advice="write it with `statuspress postmortem ID`, or set `postmortem_due_days` if your "
    "policy allows longer",
)
def postmortem_missing(incident: Incident, ctx: Context) -> Iterator[Finding]:
    """A `major`/`critical` incident resolved more than 7 days ago (`postmortem_due_days`)
    has no `postmortem.md`."""
    if incident.kind is Kind.MAINTENANCE or incident.postmortem is not None:
        return
    closed = incident.closed_at
    if closed is None or max_impact(incident).rank < Impact.MAJOR.rank:
        return
    due_days = ctx.settings.postmortem_due_days
    if ctx.now > closed + timedelta(days=due_days):
        resolving = incident.latest
        yield update_finding(
            resolving,
            resolving.line_of("status"),
            f"this {max_impact(incident).value} incident was resolved more "
            f"than {due_days} days ago and has no postmortem.md",
        )


HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$|^(.+)\n {0,3}(?:=+|-+)\s*$", re.MULTILINE)
SECTIONS = {
    "what happened": phrase(
        r"what happened",
        "timeline",
        r"(?:sequence|chain) of events",
        "overview",
        r"incident (?:summary|description)",
        "description",
        r"what went wrong",
    ),
    "root cause": phrase(
        r"(?:root )?causes?",
        r"why (?:it|this) happened",
        "contributing factors",
        "what caused",
        "analysis",
    ),
    "what we are changing": phrase(*CHANGES_HEADINGS),
}


def missing_sections(body: str) -> list[str]:
    headings = [(m.group(1) or m.group(2) or "") for m in HEADING.finditer(body)]
    return [
        name
        for name, pattern in SECTIONS.items()
        if not any(pattern.search(heading) for heading in headings)
    ]


@rule(
    "postmortem-incomplete",
    ERROR,
    Scope.POSTMORTEM,
    reason="A postmortem tells what happened, why, and what changes; without any of them it "
    'does not do its job (SPEC §2.13, §4.4; Google SRE book and workbook, "Postmortem '
    'Culture").',
    advice='add a `summary:`, `action_items:` and the sections "What happened", "Root '
    'cause" and "What we are changing" (`statuspress postmortem ID` scaffolds them)',
)
def postmortem_incomplete(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """No `summary`, or no action items ("what changes"), or missing sections: what
    happened, root cause, what we are changing."""
    if not (postmortem.summary or "").strip():
        yield postmortem_finding(
            postmortem, postmortem.lines.get("summary", 1), "the postmortem has no summary"
        )
    if not postmortem.action_items:
        yield postmortem_finding(
            postmortem,
            postmortem.lines.get("action_items", 1),
            "the postmortem has no action items",
            "list what changes under `action_items:`, each with `what`, "
            "`owner`, `due` and `status`",
        )
    missing = missing_sections(postmortem.body)
    if missing:
        yield postmortem_finding(
            postmortem,
            postmortem.body_line,
            "the postmortem has no section " + ", ".join(f"'{name}'" for name in missing),
            "add a heading for each, e.g. '## " + missing[0].capitalize() + "'",
        )


# Words a draft leaves for its author to replace. Certain: a marker no finished text keeps
# (TODO, "replace this", "lorem ipsum", "[insert ...]"). Not certain: what a finished text
# may hold ("to be confirmed", "fill in", template braces quoted from a configuration).
PLACEHOLDER = re.compile(
    r"(?<![\w-])(?:TODO|TBD|TBC|FIXME|XXX+)(?![\w-])"
    r"|(?i:\breplace\s+(?:this|me)\b|\blorem\s+ipsum\b|\bplaceholder\b)"
    r"|(?i:\[\s*(?:insert|add|describe|fill|write|your|enter)\b[^\]\n]{0,80}\])"
    r"|(?i:<\s*(?:insert|add|describe|fill|write|enter)\s[^>\n]{0,80}>)"
)
PLACEHOLDER_UNSURE = re.compile(
    r"(?i:\bfill\s+(?:this\s+|it\s+)?in\b|\bto\s+be\s+(?:written|completed|added|confirmed|"
    r"determined|decided)\b|\bcoming\s+soon\b)"
    r"|\{\{.*?\}\}|\{%.*?%\}"
)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.+?)\s*#*\s*$")


@rule(
    "postmortem-unfinished",
    ERROR,
    Scope.POSTMORTEM,
    approximate_level=WARNING,
    reason="A postmortem is read once, carefully, by the customers who were hurt: a "
    "placeholder or an empty section tells them it was published to tick a box (SPEC §2.13, "
    '§4.4; Google SRE workbook, "Postmortem Culture").',
    advice="write the section or remove its heading, and replace every placeholder before "
    "publishing (keep `draft: true` until then)",
)
def postmortem_unfinished(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """A draft left in a published postmortem: a placeholder (TODO, TBD, "Replace this
    ...", "[insert ...]") or a heading with nothing under it (a warning for what a finished
    text may hold: "to be confirmed", "fill in", template braces)."""
    texts = [
        ("title", postmortem.title, postmortem.lines.get("title", 1)),
        ("summary", postmortem.summary or "", postmortem.lines.get("summary", 1)),
    ]
    texts += [
        ("action item", f"{item.what} {item.owner or ''}", item.line)
        for item in postmortem.action_items
    ]
    for where, text, line in texts:
        yield from _placeholders(postmortem, where, text, partial(_same, line))
    body = postmortem.body
    prose = postmortem_prose(postmortem).segment("body")  # code and quotes blanked
    yield from _placeholders(
        postmortem,
        "text",
        prose.cleaned if prose else body,
        lambda offset: postmortem.body_line + body.count("\n", 0, offset),
    )
    for heading, line in empty_sections(body):
        if postmortem.action_items and SECTIONS["what we are changing"].search(heading):
            continue  # the page puts the action items under it
        yield postmortem_finding(
            postmortem,
            postmortem.body_line + line,
            f"the section '{heading}' is empty",
            "write it, or remove the heading if it does not apply",
        )


def _same(line: int, offset: int) -> int:
    """A one-line field's line, wherever in it the placeholder is."""
    return line


def _placeholders(
    postmortem: Postmortem, where: str, text: str, line_of: Callable[[int], int]
) -> Iterator[Finding]:
    for pattern, approximate in ((PLACEHOLDER, False), (PLACEHOLDER_UNSURE, True)):
        for match in pattern.finditer(text):
            words = " ".join(match.group(0).split())
            yield postmortem_finding(
                postmortem,
                line_of(match.start()),
                f"the {where} still holds the placeholder '{_short(words)}'",
                "replace it with what you mean (keep `draft: true` until it is finished)",
                approximate=approximate,
            )


def empty_sections(body: str) -> list[tuple[str, int]]:
    """(heading, line offset in the body) of every heading with no text before the next
    heading of the same or a higher level (code blocks are text: their `#` are no heading)."""
    lines = body.split("\n")
    headings: list[tuple[int, int, str]] = []  # (line index, level, text)
    fence = ""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if fence:
            fence = "" if stripped.startswith(fence) else fence
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        match = _ATX_HEADING.match(line)
        if match:
            headings.append((index, len(match.group(1)), match.group(2)))
    empty = []
    for position, (index, level, text) in enumerate(headings):
        later = [h for h in headings[position + 1 :] if h[1] <= level]
        end = later[0][0] if later else len(lines)
        inside = [h[0] for h in headings[position + 1 :] if h[0] < end]
        content = [
            line for i, line in enumerate(lines[index + 1 : end], index + 1) if i not in inside
        ]
        if not "".join(content).strip() and not inside:
            empty.append((text, index))
    return empty


@rule(
    "action-item-owner",
    ERROR,
    Scope.POSTMORTEM,
    reason='An action item nobody owns does not get done (Google SRE workbook, "Postmortem '
    "Culture\"; Atlassian's incident handbook).",
    advice="add `owner:` with the team that will do it",
)
def action_item_owner(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """An action item has no owner."""
    for item in postmortem.action_items:
        if not (item.owner or "").strip():
            yield postmortem_finding(
                postmortem, item.line, f"the action item '{_short(item.what)}' has no owner"
            )


VAGUE_START = re.compile(
    r"^\W*(?:improve|investigate|look (?:into|at)|review|ensure|monitor|"
    r"consider|explore)\b",
    re.IGNORECASE,
)
MEASURABLE = re.compile(
    r"\d|%|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twice|half|percent|"
    r"within|under|below|above|at least|at most|less than|more than|no more than|before|after|"
    r"until|when|whenever|every|each|so that|such that|so)\b",
    re.IGNORECASE,
)


@rule(
    "action-item-vague",
    WARNING,
    Scope.POSTMORTEM,
    reason='"Improve monitoring" can never be finished or checked; an action item needs a '
    'result someone can verify (Google SRE workbook, "Postmortem Culture").',
    advice='name the change and its measure: "Alert when the error rate passes 2% for 5 '
    'minutes" rather than "Improve monitoring"',
)
def action_item_vague(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """An action item starts with "improve", "investigate", "look into", "review", "ensure",
    "monitor" and has no measurable object."""
    for item in postmortem.action_items:
        if VAGUE_START.match(item.what) and not MEASURABLE.search(item.what):
            yield postmortem_finding(
                postmortem,
                item.line,
                f"the action item '{_short(item.what)}' has no measurable result",
            )


PEOPLE_FIX = re.compile(
    r"^\W*(?:re-?train|train(?!\s+(?:the\s+)?(?:\w+\s+)?(?:model|classifier)s?\b)|remind|"
    r"educate|re-?educate|coach|instruct|tell|warn|teach|discipline)\b|"
    r"\b(?:be|being|to be|are|is) more (?:careful|vigilant|attentive|diligent|cautious|thorough)\b|"
    r"\bpay (?:more|closer) attention\b|\b(?:training|awareness) (?:session|course|"
    r"program(?:me)?|for|on)\b|\braise awareness\b|\bremind\w* (?:engineers|staff|everyone|the "
    r"team|developers|operators|people)\b|\bdouble[- ]check (?:their|his|her)\b",
    re.IGNORECASE,
)


@rule(
    "action-item-people",
    WARNING,
    Scope.POSTMORTEM,
    reason="People under pressure make the same slips again; only a change to the system "
    'prevents a repeat (Google SRE book, "Postmortem Culture"; Atlassian\'s incident '
    "handbook).",
    advice="change the system so the slip cannot cause harm: a check, a guard rail, "
    'automation ("Block deploys without a passing canary")',
)
def action_item_people(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """The fix is aimed at people ("train", "remind", "be more careful") rather than
    systems."""
    for item in postmortem.action_items:
        if PEOPLE_FIX.search(" ".join(item.what.split())):
            yield postmortem_finding(
                postmortem,
                item.line,
                f"the action item '{_short(item.what)}' relies on people "
                "rather than a change to the system",
            )


@rule(
    "action-item-overdue",
    WARNING,
    Scope.POSTMORTEM,
    clock=True,
    reason="A postmortem promises changes publicly; an overdue item is a promise slipping "
    "(SPEC §2.13; Google SRE workbook).",
    advice="finish it and set `status: done`, or move `due` to a date you will keep",
)
def action_item_overdue(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """`due` has passed and the item is not `done`."""
    today = ctx.now.date()
    for item in postmortem.action_items:
        if item.due is not None and item.due < today and item.status != "done":
            yield postmortem_finding(
                postmortem,
                item.line,
                f"the action item '{_short(item.what)}' was due "
                f"{item.due.isoformat()} and is not done",
            )


@also_in_postmortems("person-blame")
def person_blame_in_postmortem(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    for segment, offset, message in blamed_people(_prose(postmortem)):
        yield postmortem_finding(postmortem, segment.line_at(offset), message)


@also_in_postmortems("internal-detail")
def internal_detail_in_postmortem(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    for segment, offset, what in internal_details(_prose(postmortem), False):
        yield postmortem_finding(postmortem, segment.line_at(offset), f"{what} in public text")


_last_prose: list[tuple[Postmortem, Prose]] = []


def _prose(postmortem: Postmortem) -> Prose:
    """The postmortem's prepared text, shared by the rules that read it one after another."""
    cached = _last_prose[0] if _last_prose else None
    if cached is None or cached[0] is not postmortem:
        cached = (postmortem, postmortem_prose(postmortem))
        _last_prose[:] = [cached]
    return cached[1]


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
