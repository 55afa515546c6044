"""Postmortem rules: one exists when it should, it has the parts readers need, and its action
items change systems, have an owner and get done."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial

from ...model.types import Impact, Incident, Kind, Postmortem
from ...outputs.pages import CHANGES_HEADINGS
from .content import FOLLOWUP, internal_details, max_impact
from .patterns import APOLOGY, phrase
from .registry import (
    ERROR,
    OFF,
    WARNING,
    Context,
    Finding,
    Scope,
    also_in_postmortems,
    postmortem_finding,
    rule,
    update_finding,
)
from .sections import HEADING, SECTIONS, carries_writeup
from .text import Prose, update_prose


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
        prose = update_prose(resolving)
        if carries_writeup(prose) and not prose.has(FOLLOWUP):
            return  # the resolving update is the write-up, and promised no other
        yield update_finding(
            resolving,
            resolving.line_of("status"),
            f"this {max_impact(incident).value} incident was resolved more "
            f"than {due_days} days ago and has no postmortem.md",
        )


CHANGES_HEADING = phrase(*CHANGES_HEADINGS)  # the page adds the action items under it


def missing_parts(postmortem: Postmortem, prose: Prose) -> list[str]:
    """The parts (what happened, root cause, what we are changing) that neither a heading
    nor any sentence of the summary, body or action items (`prose`) gives."""
    body = postmortem.body
    headings = [(m.group(1) or m.group(2) or "") for m in HEADING.finditer(body)]
    text = " ".join(segment.cleaned for segment in prose.segments)
    missing = []
    for name, (heading, sentence) in SECTIONS.items():
        if name == "what we are changing" and postmortem.action_items:
            continue
        if any(heading.search(h) for h in headings) or sentence.search(text):
            continue
        missing.append(name)
    return missing


@rule(
    "postmortem-incomplete",
    WARNING,
    Scope.POSTMORTEM,
    level_note="error when it has no text at all",
    reason="A postmortem tells what happened, why, and what changes; without any of them it "
    'does not do its job (SPEC §2.13, §4.4; Google SRE book and workbook, "Postmortem '
    'Culture"). The parts are recognised by meaning, under any heading or none.',
    advice="say what happened, why, and what you are changing, in any words or headings "
    '(`statuspress postmortem ID` scaffolds "What happened", "Root cause" and "What we '
    'are changing"); `action_items:` count as what changes',
)
def postmortem_incomplete(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """It does not say what happened, why (the root cause), or what changes: by a heading,
    a sentence ("was caused by", "we will add") or action items."""
    if not (postmortem.body.strip() or (postmortem.summary or "").strip()):
        yield postmortem_finding(
            postmortem,
            postmortem.body_line,
            "the postmortem has no text",
            "write what happened, why, and what you are changing",
            level=ERROR,
        )
        return
    missing = missing_parts(postmortem, ctx.postmortem_prose(postmortem))
    if missing:
        yield postmortem_finding(
            postmortem,
            postmortem.body_line,
            "the postmortem does not say " + ", ".join(_ASKS[name] for name in missing),
            "add it in a sentence or under a heading, e.g. '## " + missing[0].capitalize() + "'",
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
    level_note="warning when not certain",
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
    prose = ctx.postmortem_prose(postmortem).segment("body")  # code and quotes blanked
    yield from _placeholders(
        postmortem,
        "text",
        prose.cleaned if prose else body,
        lambda offset: postmortem.body_line + body.count("\n", 0, offset),
    )
    for heading, line in empty_sections(body):
        if postmortem.action_items and CHANGES_HEADING.search(heading):
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
                WARNING if approximate else None,
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


_ASKS = {
    "what happened": "what happened (what customers saw, and when)",
    "root cause": "why it happened (no root cause, and no sentence such as 'caused by')",
    "what we are changing": "what changes (no action items, and no sentence such as 'we will add')",
}


@rule(
    "postmortem-apology-missing",
    WARNING,
    Scope.POSTMORTEM,
    reason="After a major outage the postmortem is read by the customers who were hurt; "
    "explaining without apologizing reads as indifference (SPEC §2.2, §2.13; PagerDuty's "
    "external-communication guide).",
    advice="apologize for the actual harm, once, near the start: \"We're sorry: for 40 "
    'minutes you could not deploy."',
)
def postmortem_apology_missing(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    """The postmortem of a `major` or `critical` incident does not apologize."""
    if max_impact(incident).rank < Impact.MAJOR.rank:
        return
    if ctx.postmortem_prose(postmortem).has(APOLOGY):
        return
    yield postmortem_finding(
        postmortem,
        postmortem.lines.get("summary", postmortem.body_line),
        f"the postmortem of a {max_impact(incident).value} incident does not apologize",
    )


@rule(
    "action-item-owner",
    OFF,
    Scope.POSTMORTEM,
    reason='An action item nobody owns does not get done (Google SRE workbook, "Postmortem '
    "Culture\"; Atlassian's incident handbook). Off by default: public postmortems rarely "
    "name owners, who belong in the team's own tracker; turn it on with "
    "`lint: {action-item-owner: warning}`.",
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
    r"^\W*(?:[\w ]{1,30}:\s*)?(?:(?:we|our (?:[\w-]+ )?teams?|the (?:[\w-]+ )?teams?)(?:'ll|'re|"
    r" will| are| is| shall)?(?: also)?(?: be)? )?(?:"
    r"improv(?:e|es|ing|ements?)|enhanc(?:e|es|ing|ements?)|investigat(?:e|es|ing)|"
    r"look(?:ing)? (?:into|at)|review(?:s|ing)?|ensur(?:e|es|ing)|monitor(?:s|ing)?|"
    r"consider(?:s|ing)?|explor(?:e|es|ing)|evaluat(?:e|es|ing)|assess(?:es|ing)?|"
    r"analy[sz](?:e|es|ing)|continu(?:e|es|ing)|work(?:s|ing)? (?:to|on|towards)|"
    r"strengthen(?:s|ing)?|tun(?:e|es|ing)|adjust(?:s|ing)?|optimi[sz](?:e|es|ing)|"
    r"address(?:es|ing)?|better|run(?:s|ning)? (?:additional|more)|"
    r"increas(?:e|ing) (?:visibility|awareness))\b",
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
    """An action item starts with "improve", "enhance", "investigate", "review", "ensure",
    "monitor", "work to" (or their "-ing" forms) and has no measurable result."""
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


@also_in_postmortems("internal-detail")
def internal_detail_in_postmortem(
    incident: Incident, postmortem: Postmortem, ctx: Context
) -> Iterator[Finding]:
    for segment, offset, what in internal_details(ctx.postmortem_prose(postmortem), False):
        yield postmortem_finding(postmortem, segment.line_at(offset), f"{what} in public text")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
