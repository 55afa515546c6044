"""Who is affected, and how badly: vague scope, and an impact rated lower than the text says."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.types import ComponentState, Impact, Kind
from .patterns import NUMBER, REGION, REGION_CODE, phrase
from .registry import WARNING, Context, Finding, Scope, UpdateView, rule, update_finding
from .text import Prose, Segment
from .textrule import Hit, quote, text_rule

_GROUP = (
    r"(?:users|customers|accounts|clients|merchants|tenants|organi[sz]ations|workspaces|teams|"
    r"people|members|subscribers|developers|sites|websites|projects|customer base|user base)"
)
VAGUE_SCOPE = phrase(
    r"(?:some|certain|several|select|a few|few|a (?:small |limited |large |growing |tiny )?"
    r"(?:number|subset|portion|fraction|percentage|handful|group|set) of|a subset of) "
    rf"(?:of )?(?:our |the |your )?(?:[\w-]+ )?{_GROUP}",
    r"(?:is|are|be|been|is currently|are currently)? ?experiencing (?:an? |some |intermittent |"
    r"ongoing )?(?:issues?|problems?|difficult(?:y|ies)|disruptions?|errors|degradation)",
    keys=(
        "some",
        "certain",
        "several",
        "select",
        "few",
        "subset",
        "number",
        "portion",
        "fraction",
        "percentage",
        "handful",
        "group",
        "set",
        "experiencing",
    ),
)
# Dates and times are numbers that say nothing about how many are affected.
_DATES = re.compile(
    r"\b\d{1,2}(?:st|nd|rd|th)\b|\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b|"
    r"\b\d{1,2}\s*[ap]\.?m\b\.?|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
# The sentence says what those people cannot do, in their own words: "when loading channels",
# "trouble with file uploads", "unable to sign in", "are not served".
_DOING = re.compile(
    r"\b(?:when|while|trying to|unable to|not able to|cannot|can't|could not|couldn't|"
    r"failed to|fail to|fails to)\s+\w+|"
    r"\b(?:is|are|was|were)\s+not\s+(?:being\s+)?\w+ed\b|"
    r"\b(?:isn't|aren't|wasn't|weren't)\s+(?:being\s+)?\w+ed\b|"
    r"\b(?:with|in|from|on|to)\s+(?!(?:our|the|your|its|their)\s+(?:services?|platform|systems?|"
    r"site|website|apps?|application|products?|accounts?|end)\b)(?!(?:multiple|several|some|"
    r"various|certain|a number of|many|core|all|other|our|the|this|it|these)\b)\w{3,}",
    re.IGNORECASE,
)
_GERUND = re.compile(r"\b([a-z]{3,}ing)\b", re.IGNORECASE)
_NOT_DOING = frozenset(
    {
        "experiencing",
        "seeing",
        "reporting",
        "having",
        "being",
        "ongoing",
        "working",
        "investigating",
        "monitoring",
        "continuing",
        "something",
        "nothing",
        "anything",
        "everything",
        "during",
        "including",
        "affecting",
        "impacting",
        "encountering",
        "noticing",
        "facing",
        "getting",
        "improving",
        "looking",
        "bring",
        "thing",
        "morning",
        "evening",
    }
)
_ASKED = re.compile(
    r"\s+(?:have\s+|had\s+)?(?:asked|wondered|requested|suggested|wrote in)\b", re.IGNORECASE
)


def _says_who(sentence: str, vague: str, ctx: Context) -> bool:
    """A share or count (not a date), a region, a component, or what people cannot do."""
    plain = _DATES.sub(" ", sentence)
    if NUMBER.search(plain.replace(" one ", " ")) or REGION.search(sentence):
        return True
    if REGION_CODE.search(sentence):
        return True
    lowered = sentence.lower()
    if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in ctx.scope_words):
        return True
    if _DOING.search(sentence.replace(vague, " ")):
        return True
    after = sentence.partition(vague)[2]
    return any(g.lower() not in _NOT_DOING for g in _GERUND.findall(after))


@text_rule(
    "vague-scope",
    WARNING,
    reason='Customers need to know whether they are affected; "some users" does not tell '
    "them (SPEC §2.3, §2.11; Atlassian's incident handbook).",
    advice='say who and how many: a share ("about 8% of API requests"), a region '
    '("customers in the EU region"), a component ("sign-in with SSO") or what they cannot '
    'do ("when uploading files")',
)
def vague_scope(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """ "some users", "a subset of", "experiencing issues" in a sentence that names no share,
    region or component, nor what those affected cannot do."""
    reported: set[tuple[int, int]] = set()
    for segment, match in prose.find(VAGUE_SCOPE):
        if _ASKED.match(segment.cleaned, match.end()):
            continue  # "some customers asked whether ..." is not about who is affected
        bounds = segment.sentence(match.start(), match.end())
        if (id(segment), bounds[0]) in reported:
            continue  # one finding per sentence
        sentence = segment.original[bounds[0] : bounds[1]]
        if not _says_who(sentence, segment.original[match.start() : match.end()], ctx):
            reported.add((id(segment), bounds[0]))
            yield Hit(
                segment,
                match.start(),
                f"'{quote(match)}' does not say who is affected",
            )


_WHOLE = re.compile(
    r"\b(?:complete|total|full|global|widespread|site-?wide|platform-?wide|major)\s+"
    r"(?:outage|unavailability|downtime)\b|"
    r"\b(?:unavailable|down|inaccessible|unreachable|fail(?:s|ed|ing)?|errors?|timeouts?)\b"
    r"[^.;]{0,80}?"
    r"\b(?:for|to)\s+(?:everyone|all\s+(?:of\s+)?(?:our\s+)?(?:users|customers)|every\s+"
    r"(?:user|customer))\b|"
    r"\b100\s?%\s+of\s+(?:requests|users|customers|traffic)\b",
    re.IGNORECASE,
)


@rule(
    "impact-underrated",
    WARNING,
    Scope.UPDATE,
    reason="The impact level decides how loud the page is and how often customers hear from "
    "you; a total outage filed as minor misleads everyone who glances at the page (SPEC §2.3; "
    "Atlassian's incident handbook on severity).",
    advice="raise `impact:` to match what customers see (`major` for a broad failure, "
    "`critical` for a total outage), and the components' states with it",
)
def impact_underrated(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The impact is `none` or `minor` while a component is in `major_outage`, or the text
    says every customer is affected ("unavailable for all users", "a complete outage")."""
    update = view.update
    if view.incident.kind is Kind.MAINTENANCE or update.is_closing:
        return
    if update.impact.rank > Impact.MINOR.rank:
        return
    down = [c for c, state in update.components.items() if state is ComponentState.MAJOR_OUTAGE]
    if down:
        yield update_finding(
            update,
            update.line_of("impact"),
            f"'{down[0]}' is in major_outage but the impact is only {update.impact.value}",
        )
        return
    for segment, start, words in _whole_outage(view.prose):
        yield update_finding(
            update,
            segment.line_at(start),
            f"'{words}' describes an outage for everyone, but the impact is only "
            f"{update.impact.value}",
        )
        return


def _whole_outage(prose: Prose) -> Iterator[tuple[Segment, int, str]]:
    for segment in prose.segments:
        for match in _WHOLE.finditer(segment.cleaned):
            yield segment, match.start(), " ".join(match.group(0).split())
