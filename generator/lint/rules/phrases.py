"""Phrase rules: words that say nothing, hedge, blame or shout, found in every public text.

Each rule is a text rule (`textrule.text_rule`): it reads updates and postmortems alike, and
every finding quotes the words it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.types import Kind
from .patterns import APOLOGY, Phrase, phrase
from .registry import ERROR, WARNING, Context, Finding, Scope, UpdateView, rule, update_finding
from .text import Prose, Segment
from .textrule import Hit, quote, text_rule

_APOLOGY_LEAD = (
    r"(?:apologi[sz]e[sd]?|apologi[sz]ing|apologies|apology|sorry|regret(?:s|ted)?)"
    r"(?:\s+(?!and\b|but\b)[\w']+){0,5}?\s+(?:for|about)\s+"
    r"|(?:regret(?:s|ted)?)\s+(?=(?:any|all|the)\s)"
)
# Harm named by a word that fits every incident: the apology could be pasted anywhere.
_STOCK_HARM = (
    r"(?:inconveniences?|trouble|troubles|disruptions?|issues|problems|impact|frustration|"
    r"confusion|difficult(?:y|ies)|hassle|effects?)"
)
# What may follow without naming a harm: "this may have caused", "to your work day", "here".
_GENERIC_TAIL = (
    r"(?:\s+(?:that|this|it|these|which|the|any)(?:\s+[\w-]+){0,3}?\s+(?:may\s+|might\s+|"
    r"could\s+|will\s+|would\s+)?(?:have\s+|has\s+)?(?:caused|created|brought|had))?"
    r"(?:\s+(?:caused|created)(?:\s+by\s+(?:this|the|our)(?:\s+[\w-]+){1,3})?)?"
    r"(?:\s+(?:to|for|on)\s+(?:you|everyone|all\s+of\s+you|your\s+(?:(?:work\s+)?day|work|"
    r"business(?:es)?|workflows?|teams?|operations|productivity|customers|users|experience|"
    r"plans|schedule)|our\s+(?:customers|users|community)))?"
    r"(?:\s+(?:here|today|tonight|this\s+(?:morning|afternoon|evening|week)))?"
)
_HARM = (
    rf"(?:(?:possible|potential|negative|resulting|unexpected|temporary)\s+)?{_STOCK_HARM}"
    rf"(?:\s+(?:or|and)\s+{_STOCK_HARM})?"
)
# After "any", the harm is hypothetical whatever it is said to touch: "any negative effect
# this has had on your deliveries".
_ANY_TAIL = _GENERIC_TAIL.replace(
    r"your\s+(?:(?:work\s+)?day|", r"your\s+(?:[\w-]+\s+)?[\w-]+|your\s+(?:(?:work\s+)?day|"
)
# Where the apology's clause ends: nothing specific was said about the harm.
_CLAUSE_END = r"(?=\s*(?:[.!?;:,)(]|$|\s(?:and|but|if|as|while|we|please|thank)\b))"
ROTE_APOLOGY = Phrase(
    re.compile(
        rf"(?<![\w@])(?:(?:{_APOLOGY_LEAD})(?:any\s+{_HARM}{_ANY_TAIL}|(?:all|the|all\s+the)\s+"
        rf"{_HARM}{_GENERIC_TAIL}){_CLAUSE_END}|(?:any|the)\s+(?:inconvenience|disruption|"
        r"trouble)\s+(?:this|that|it)(?:\s+[\w-]+)?\s+(?:may\s+|might\s+|could\s+)?(?:have\s+|"
        r"has\s+)?caused(?!\w))",
        re.IGNORECASE,
    ),
    gates=(
        (
            (
                "apologize",
                "apologise",
                "apologized",
                "apologizes",
                "apologises",
                "apologies",
                "apology",
                "sorry",
                "regret",
                "apologizing",
                "apologising",
                "apologised",
                "regrets",
                "regretted",
            ),
            (
                "inconvenience",
                "inconveniences",
                "trouble",
                "troubles",
                "disruption",
                "disruptions",
                "issues",
                "problems",
                "impact",
                "frustration",
                "confusion",
                "difficulty",
                "difficulties",
                "hassle",
                "effect",
                "effects",
            ),
        ),
        (("inconvenience", "disruption", "trouble"), ("caused",)),
    ),
)


@text_rule(
    "rote-apology",
    WARNING,
    level_note='error for "any inconvenience"',
    reason="A rote apology tells customers nothing and reads as indifference (SPEC §2.2, "
    "§2.11; Atlassian's Statuspage communication tips; PagerDuty's external-communication "
    'guide). The classic "inconvenience" apology is an error: it is never anything else.',
    advice="apologize for the actual harm, e.g. \"We're sorry: since 14:05 UTC you cannot "
    'sign in to the dashboard."',
)
def rote_apology(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """A stock apology that names no harm: "we apologize for any inconvenience", "sorry for
    the trouble", "apologies for any disruption this may have caused"."""
    for segment, match in prose.find(ROTE_APOLOGY):
        level = ERROR if "inconvenience" in match.group(0).lower() else None
        yield Hit(
            segment,
            match.start(),
            f"'{quote(match)}' is a rote apology: it names no harm",
            level=level,
        )


GENERIC = phrase(
    r"we take (?:[\w'-]+ ){0,6}?(?:very |extremely |incredibly |really )?seriously",
    r"(?:working|work|works) (?:very |extremely |really )?(?:hard|diligently|tirelessly)"
    r"(?!\s*(?:-|disks?|drives?|limits?|coded|resets?|copy|wired))",
    r"(?:working|work|works) (?:a)?round the clock",
    "out of an abundance of caution",
    "the vast majority of",
    "rest assured",
    "please be advised",
    "we regret to inform",
    r"(?:is|are) (?:very |extremely |incredibly |really )?important to (?:us|our (?:users|"
    r"customers|community))",
    r"we value your (?:business|custom|trust|loyalty)",
    r"(?:a |our )?valued customers?",
    r"committed to (?:providing|ensuring|delivering|making continuous improvements|"
    r"continuous improvement|continuously improving)",
    r"doing everything (?:we can|in our power|possible)",
    r"(?:our|the|a|with the|with a) (?:utmost|top|highest|number one|first) priority",
    r"(?:our )?utmost priority",
    r"we understand (?:how frustrating|the frustration|your frustration)",
    r"tak(?:e|es|ing|en) (?:the |all )?(?:necessary|appropriate|immediate|all necessary|"
    r"all possible|every possible) (?:steps|measures|actions?)",
    r"tak(?:e|es|ing|en) steps to (?:prevent|avoid|ensure|improve)",
    r"(?:steps|measures|actions) to (?:ensure|make sure) (?:that )?(?:this|it|that|such an? "
    r"\w+) (?:doesn't|does not|won't|will not|never|can't|cannot) (?:happen|occur) again",
    keys=(
        "seriously",
        "hard",
        "diligently",
        "tirelessly",
        "clock",
        "abundance",
        "majority",
        "assured",
        "advised",
        "inform",
        "important",
        "value",
        "valued",
        "committed",
        "everything",
        "priority",
        "frustrating",
        "frustration",
        "steps",
        "measures",
        "actions",
        "action",
    ),
)


@text_rule(
    "generic-statement",
    WARNING,
    reason="Boilerplate takes the place of facts customers need (SPEC §2.11; PagerDuty's "
    "external-communication guide; GitLab's incident-communication handbook).",
    advice="replace it with a fact: what is affected, what you are doing now, what happens "
    "next, or the concrete change you are making",
)
def generic_statement(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """Empty boilerplate: "we take ... seriously", "working hard", "our utmost priority",
    "taking the necessary steps"."""
    for segment, match in prose.find(GENERIC):
        yield Hit(segment, match.start(), f"'{quote(match)}' is a generic statement")


_STAFF = (
    r"(?:engineers?|developers?|operators?|admins?|administrators?|employees?|staff|"
    r"staff members?|team members?|technicians?|contractors?|sysadmins?|interns?|"
    r"colleagues?|on-?call engineers?|support agents?)"
)
_SLIP = (
    r"(?:forgot|forgotten|made (?:an? )?(?:mistake|error|typo)|mistakenly|accidentally|"
    r"inadvertently|erroneously|carelessly|neglected to|did not follow|"
    r"failed to (?:follow|notice|check|test|review|verify|update|apply|run|read)|"
    r"didn't follow|ignored|mistyped|fat[- ]fingered|messed up|screwed up)"
)
PERSON_BLAME = phrase(
    r"(?:human|operator|user|engineer|employee|staff|manual|personnel)[- ]errors?"
    r"(?! ?(?:rates?|codes?|messages?|pages?|responses?|logs?))",
    rf"(?:an?|one of our|our|the|one|two) (?:\w+ )?{_STAFF} (?:\w+ ){{0,2}}?{_SLIP}",
    rf"(?:someone|somebody|a person|a colleague) (?:\w+ )?{_SLIP}",
    r"careless(?:ness)?",
    r"negligen(?:ce|t)",
    r"fat[- ]finger(?:ed|ing)?",
    gates=(  # "elevated error rates" is common: an error alone lets no text through
        (
            ("error", "errors"),
            ("human", "operator", "user", "engineer", "employee", "staff", "manual", "personnel"),
        ),
        (("mistake", "error", "typo"), ("made",)),
        (
            (
                "forgot",
                "forgotten",
                "mistakenly",
                "accidentally",
                "inadvertently",
                "erroneously",
                "careless",
                "carelessly",
                "carelessness",
                "neglected",
                "follow",
                "failed",
                "ignored",
                "mistyped",
                "finger",
                "fingered",
                "fingering",
                "messed",
                "screwed",
                "negligence",
                "negligent",
            ),
            (),
        ),
    ),
)
_NEGATED = re.compile(
    r"(?:\bnot|\bno|n't|rather than|instead of|never)\s+(?:\w+\s+){0,3}$", re.IGNORECASE
)
HANDLE = re.compile(r"(?<![\w.@/:+-])@([A-Za-z][A-Za-z0-9_-]{1,38})(?![\w@.-]*\.\w)")
ROLE_HANDLE = re.compile(
    r"status|support|help|team|ops|eng|news|official|here|channel|everyone", re.IGNORECASE
)
EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]*)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ROLE_MAILBOXES = re.compile(
    r"^(?:support|help|helpdesk|service|status|security|privacy|abuse|billing|invoices?|"
    r"accounts?|noreply|no-reply|donotreply|info|contact|sales|team|hello|hi|ops|incidents?|"
    r"legal|dpo|compliance|postmaster|webmaster|hostmaster|feedback|care|customers?|"
    r"customer[-_.]?\w+|press|media|partners?|careers|jobs|admin|office|enquiries|questions)"
    r"(?:[-_.+]\w+)?$",
    re.IGNORECASE,
)


def blamed_people(prose: Prose) -> Iterator[tuple[Segment, int, str]]:
    """(segment, offset, what) for each phrase, @handle or personal e-mail address."""
    for segment, match in prose.find(PERSON_BLAME):
        if not _NEGATED.search(segment.cleaned[max(0, match.start() - 40) : match.start()]):
            yield segment, match.start(), f"'{quote(match)}' blames people"
    for segment in prose.segments:
        if "@" not in segment.cleaned:
            continue
        for match in HANDLE.finditer(segment.cleaned):
            if not ROLE_HANDLE.search(match.group(1)):
                yield segment, match.start(), f"'{match.group(0)}' names a person"
        for match in EMAIL.finditer(segment.cleaned):
            if not ROLE_MAILBOXES.match(match.group(1)):
                yield segment, match.start(), f"'{match.group(0)}' names a person"


@text_rule(
    "person-blame",
    WARNING,
    postmortem_level=ERROR,
    reason="People are never the root cause: systems let a slip become an outage; naming "
    'people stops others from speaking up (SPEC §2.8; Google SRE book, "Postmortem '
    "Culture\"; Atlassian's incident handbook on blameless postmortems).",
    advice='describe what the system allowed ("a configuration change reached all regions '
    'at once"), not who did it; name teams, not people',
)
def person_blame(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """People as causes: "human error", "an engineer forgot", @handles, e-mail addresses."""
    for segment, offset, message in blamed_people(prose):
        yield Hit(segment, offset, message)


EVASIVE = phrase(
    r"mistakes (?:were|have been) made",
    r"errors (?:were|have been) made",
    r"(?:regret|apologi[sz]e|(?:are|'re|am|'m) sorry|sorry) if",
    r"if (?:you|anyone|any (?:customers?|users?)) (?:were|was|have been|has been|may have been|"
    r"might have been|felt|feel) (?:\w+ )?inconvenienced",
    r"sorry (?:that )?you (?:feel|felt)",
    keys=("made", "if", "feel", "felt"),
)
CONDITIONAL_AFFECTED = phrase(  # evasive only inside an apology
    r"if (?:you|your \w+) (?:were|was|have been|has been|had been|are|may have been|"
    r"might have been) (?:\w+ )?(?:affected|impacted|unable|not able)",
    r"if (?:you|your \w+) (?:had|have had|experienced|saw|ran into|encountered|noticed) "
    r"(?:any )?(?:issues|problems|trouble|errors|difficulties)",
    r"(?:anyone|those|any (?:customers|users)|customers|users|you|some \w+) (?:who )?"
    r"(?:may|might) have been (?:affected|impacted|inconvenienced)",
    keys=(
        "affected",
        "impacted",
        "inconvenienced",
        "unable",
        "able",
        "issues",
        "problems",
        "trouble",
        "errors",
        "difficulties",
    ),
)


@text_rule(
    "evasive-apology",
    WARNING,
    reason="A conditional or passive apology avoids saying what went wrong and who owns it "
    "(SPEC §2.2, §2.8; PagerDuty's external-communication guide).",
    advice="apologize without conditions and in the active voice: \"We're sorry: our "
    'configuration change made checkout fail for 40 minutes."',
)
def evasive_apology(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """ "mistakes were made", "we regret if", "if you were affected" in an apology."""
    for segment, match in prose.find(EVASIVE):
        yield Hit(segment, match.start(), f"'{quote(match)}' is an evasive apology")
    for segment, match in prose.find(CONDITIONAL_AFFECTED):
        begin, end = segment.sentence(match.start(), match.end())
        if APOLOGY.search(segment.cleaned[begin:end]):
            yield Hit(segment, match.start(), f"'{quote(match)}' makes the apology conditional")


JUDGEMENT = phrase(
    r"disasters?(?!\s*-?\s*recover)",
    "disastrous",
    r"nightmares?",
    "nightmarish",
    "ridiculous",
    "fiasco",
    "debacle",
    keys=(
        "disaster",
        "disasters",
        "disastrous",
        "nightmare",
        "nightmares",
        "nightmarish",
        "ridiculous",
        "fiasco",
        "debacle",
    ),
)


EXCLAMATION = Phrase(re.compile(r"!(?!\[)(?!=)"), ("!",))


@text_rule(
    "exclamation",
    WARNING,
    reason="Exclamation marks and judgement words sound alarmed or flippant; a status page "
    "speaks in one calm voice (SPEC §2.9; Atlassian's Statuspage communication tips).",
    advice="state the facts calmly, with a full stop, and let the facts carry the weight",
)
def exclamation(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """Exclamation marks and judgement words ("disaster", "nightmare", "ridiculous")."""
    for segment, match in prose.find(EXCLAMATION):
        yield Hit(segment, match.start(), "an exclamation mark in public text")
        break
    for segment, match in prose.find(JUDGEMENT):
        yield Hit(segment, match.start(), f"'{quote(match)}' is a judgement word")


_RESOLVE = (
    r"(?:fix(?:ed|es)?|resolv(?:e|ed|es|ing)|resolution|restor(?:e|ed|es|ing)|"
    r"recover(?:ed|s|ing|y)?|"
    r"clear(?:ed|s)?|mitigat(?:e|ed)|back (?:up|online|to normal)|back|up and running|"
    r"(?:available|working|operational|online|normal) again|complet(?:e|ed|ion)|"
    r"(?:all |fully )?(?:processed|caught up))"
)
RESOLVE_WORDS = (
    "fix",
    "fixed",
    "fixes",
    "resolve",
    "resolved",
    "resolves",
    "resolving",
    "restore",
    "restored",
    "restores",
    "restoring",
    "recover",
    "recovered",
    "recovers",
    "recovering",
    "clear",
    "cleared",
    "clears",
    "mitigate",
    "mitigated",
    "back",
    "running",
    "again",
    "resolution",
    "eta",
    "estimated",
    "expected",
    "recovery",
    "complete",
    "completed",
    "completion",
    "processed",
    "caught",
    "online",
    "take",
    "takes",
    "taking",
    "need",
    "needs",
    "estimate",
    "estimates",
    "estimating",
)
_VAGUE_TIME = (
    r"(?:shortly|soon|momentarily|imminently|any (?:minute|moment)(?: now)?|"
    r"in no time|in a (?:few|couple of) (?:minutes|moments))"
)
_AMOUNT = (
    r"(?:\d+(?:\s*-\s*\d+)?|a few|a couple of|half an?|an?|one|two|three|four|five|ten|"
    r"fifteen|twenty|thirty|forty-five|sixty|ninety)"
)
ETA_VAGUE = phrase(
    rf"{_RESOLVE}(?: \w+){{0,4}}? {_VAGUE_TIME}(?! (?:after|afterwards|before|thereafter|as))",
    keys=(
        "shortly",
        "soon",
        "momentarily",
        "imminently",
        "minute",
        "moment",
        "time",
        "minutes",
        "moments",
    ),
    also=RESOLVE_WORDS,
)
ETA_CONCRETE = phrase(
    rf"{_RESOLVE}(?: \w+){{0,5}}? (?:with)?in (?:the next |about |around |approximately |"
    rf"roughly |another |under |less than |the coming )*{_AMOUNT} (?:more )?"
    r"(?:minutes?|mins?|hours?|hrs?)",
    rf"{_RESOLVE}(?:[ ,]+[\w'-]+){{0,12}}?,? (?:by|before|around|at|until) (?:about |"
    r"approximately |around )?\d{1,2}(?::\d{2}|\s?[ap]\.?m\.?)",
    rf"(?:take|takes|taking|need|needs) (?:another |about |around |roughly |approximately |"
    rf"up to |a further )?{_AMOUNT} (?:more )?(?:minutes?|mins?|hours?|hrs?) "
    r"(?:for|until|before|to)",
    rf"estimat(?:e|es|ed|ing) (?:(?:another|about|around|roughly|approximately) )?(?:{_AMOUNT} )?"
    r"(?:more )?(?:minutes?|mins?|hours?|hrs?) (?:until|before|for|to|of)",
    rf"{_RESOLVE}(?: \w+){{0,5}}? (?:with)?in the (?:next |coming )?(?:few |couple of )?"
    r"(?:hour|half hour|minutes|hours)",
    rf"(?:estimated|expected) (?:time|resolution)(?: \w+){{0,6}}?:? ?~?(?:with)?(?:in )?"
    rf"(?:the next |about |approximately |around |roughly )*{_AMOUNT} (?:more )?"
    r"(?:minutes?|mins?|hours?|hrs?)",
    rf"eta(?: for (?:a |the )?(?:fix|resolution))?(?: is|:)? (?:about |approximately |around |"
    rf"roughly )?(?:{_AMOUNT} (?:more )?(?:minutes?|mins?|hours?|hrs?)|\d{{1,2}}:\d{{2}})",
    rf"{_RESOLVE}(?: \w+){{0,5}}? (?:by|before) (?:the end of (?:the|this) day|end of day|"
    r"tonight|this (?:morning|afternoon|evening)|midnight|noon)",
    keys=(
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "am",
        "pm",
        "m",
        ":",
        "tonight",
        "midnight",
        "noon",
        "end",
        "morning",
        "afternoon",
        "evening",
    ),
    also=RESOLVE_WORDS,
)
_FUTURE = re.compile(
    r"\b(?:will|'ll|should|shall|expect\w*|anticipat\w*|hope\w*|aim\w*|"
    r"plan\w*|estimat\w*|likely|going to|on track|eta)\b",
    re.IGNORECASE,
)
_ABOUT_UPDATES = re.compile(r"\bupdates?\b|\bpost\b|\bnews\b", re.IGNORECASE)
_SERVICE_BACK = re.compile(
    r"\b(?:be|been|is|are|was|were|'s|'re|come|comes|coming|get|gets|"
    r"getting)\s+$",
    re.IGNORECASE,
)


def _promises_time(segment: Segment, match: re.Match[str]) -> bool:
    """ "the API will be back shortly", not "we'll be back shortly" or "roll back soon"."""
    if not match.group(0).lower().startswith("back"):
        return True
    before = segment.cleaned[max(0, match.start() - 30) : match.start()]
    subject = [w.split("'")[0].lower() for w in re.findall(r"[\w']+", before)[-3:]]
    return bool(_SERVICE_BACK.search(before)) and not {"we", "i", "us"} & set(subject)


@rule(
    "eta-in-text",
    WARNING,
    Scope.UPDATE,
    reason='A resolution time in prose is a promise nobody tracks, and "soon" is one that '
    "cannot be kept or broken (SPEC §2.5; Atlassian's incident handbook).",
    advice="put a time you are confident in into `eta:` (or `eta: unknown`), and describe the "
    "next step in the text instead",
)
def eta_in_text(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """A resolution time promised in free text ("fixed in 10 minutes", "back shortly")
    instead of the `eta` field (a time that restates `eta` is fine; "soon" never is)."""
    update = view.update
    if update.is_closing or view.incident.kind is Kind.MAINTENANCE:
        return
    for segment, match in view.prose.find(ETA_VAGUE):
        if _promises_time(segment, match):
            yield update_finding(
                update,
                segment.line_at(match.start()),
                f"'{quote(match)}' promises a resolution time in the text",
            )
    if update.eta is not None:
        return  # a time in the text that restates `eta` is fine
    for segment, match in view.prose.find(ETA_CONCRETE):
        begin, _ = segment.sentence(match.start(), match.end())
        if _ABOUT_UPDATES.search(match.group(0)):
            continue  # "back with an update at 10:30" promises an update, not a fix
        if _FUTURE.search(segment.cleaned[begin : match.end()]) and _promises_time(segment, match):
            yield update_finding(
                update,
                segment.line_at(match.start()),
                f"'{quote(match)}' promises a resolution time in the text",
                "put the time into `eta:` so it is shown and tracked",
            )
