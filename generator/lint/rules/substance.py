"""What an update says, sentence by sentence: nothing new, something its status contradicts,
a guess given as the cause, the cause in engineers' words, the harm played down."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.types import Kind
from .patterns import phrase
from .phrases import ROTE_APOLOGY
from .registry import WARNING, Context, Finding, Scope, UpdateView, rule, update_finding
from .text import Prose, Segment
from .textrule import Hit, quote, text_rule

# --- no-new-information -------------------------------------------------------------------

_CLAUSES = re.compile(
    r",?\s+(?:and|but)\s+(?=(?:we|we're|we've|our|i|the team|will|thank|please|are|is)\b)|"
    r";\s*|,\s+but\s+|,\s+(?=we\b|we're\b|we've\b)",
    re.IGNORECASE,
)
_SUBJECT = (
    r"(?:we|we're|we've|we'll|i|i'm|i've|our(?: \w+)? (?:team|teams|engineers?|staff)|"
    r"the(?: \w+)? team|engineers?|our engineering team)"
)
_AUX = (
    r"(?:\s+(?:are|is|am|have been|has been|will|will be|continue to|continues to|continue|remain|"
    r"remains|currently|still|actively|now|also|continuing to|working to|closely|further|"
    r"going to|be))*"
)
_ONE_VERB = (
    r"(?:investigat\w*|look\w* into|work\w* on(?: (?:fixing|resolving|restoring|mitigating|"
    r"addressing))?|monitor\w*|keep\w* an eye on|(?:restor|resolv|fix|mitigat|address|evaluat|"
    r"assess|review|examin|diagnos|analy[sz]|remediat)\w*)"
)
_VERB = rf"(?:{_ONE_VERB}(?:,?\s+and\s+{_ONE_VERB})?)"
_OBJECT = (
    r"(?:\s+(?:(?:this|the|these)\s+[\w-]+\s+(?=(?:issues?|problems?|incident|errors?)\b)|"
    r"(?:this|the|these|an?|all|any|our|a fix for|a resolution for|the cause of)?\s*"
    r"(?:(?:underlying|reported|ongoing|current|affected|impacted|same|above|root|related|"
    r"intermittent|such|remaining|potential)\s+)?)(?:issues?|situation|problems?|incident|matter|"
    r"fix|results?|services?|systems?|recovery|cause|root cause|reports?|it|this|things|impact|"
    r"errors?))?"
)
_TRAIL = (
    r"(?:\s+(?:for|of|behind|with|into|on)\s+(?:this|the|these|any|further|an?|all)\s+"
    r"(?:(?:further|additional|underlying|reported|affected|remaining)\s+)?(?:issues?|incidents?|"
    r"problems?|situation|matter|cause|root cause|errors?|reports?|impact|services?|systems?)"
    r"(?:\s+(?:related to|with|affecting|reported|we are seeing)\s+[\w\s,-]{0,70})?)?"
    r"(?:\s+(?:as (?:a|the) (?:high|top|highest) priority|with (?:the |a )?(?:highest|top|high) "
    r"priority|closely|until [\w\s]{0,60}(?:restored|resolved|normal|fixed)|as (?:quickly|soon|"
    r"fast) as (?:possible|we can)))*"
)
_FILLER = [
    rf"{_SUBJECT}{_AUX}\s+{_VERB}{_OBJECT}{_TRAIL}",
    rf"{_SUBJECT}{_AUX}\s+(?:continuing|continue) to [a-z]+(?: [a-z-]+){{0,5}}",
    r"(?:the|our) investigation (?:continues|is (?:still )?(?:ongoing|continuing|underway|in "
    r"progress))(?:\s+[\w\s]{0,30})?",
    r"(?:we(?:'ll| will| are going to| shall)?|i(?:'ll| will)?)(?:\s+(?:continue to|be back|be|"
    r"also))?\s+(?:provide|post|share|send|give|update|be back|follow up|report back|keep you "
    r"(?:updated|posted|informed))\b(?=.*\b(?:updates?|information|news|details|progress|more|"
    r"shortly|soon|once|when|as|again|minutes?|hours?)\b).*",
    r"(?:more|further|additional) (?:information|details|updates?) will (?:be )?(?:added|shared|"
    r"provided|posted|follow)\b.*",
    r"(?:an?|the next|further|more) updates? will (?:be )?(?:provided|posted|follow|shared)\b.*",
    r"(?:a|the) fix has been (?:implemented|deployed|applied|rolled out)",
    r"we(?:'ve| have) (?:implemented|deployed|applied|rolled out) (?:a|the) fix",
    r"(?:the|this) (?:issue|problem|cause|root cause) has been identified(?: and a fix is being "
    r"(?:implemented|worked on|deployed|rolled out))?",
    r"(?:the )?(?:issue|problem|cause|root cause) (?:is|has been) identified",
    r"we(?:'ve| have) (?:now )?identified the (?:issue|problem|cause|root cause)",
    r"(?:a )?fix is being (?:implemented|worked on|deployed|rolled out)",
    r"(?:this|the)? ?(?:incident|issue|problem) (?:has been|has now been|is now|is|was|seems to "
    r"be|appears to be|should be) (?:fully )?(?:resolved|fixed|mitigated)(?:\s+for all "
    r"(?:affected |impacted )?(?:users|customers))?",
    r"(?:we believe |it (?:looks|seems) like )?(?:all |everything|all services|all systems|"
    r"services|systems)(?: (?:is|are|looks to be|seems to be|appears to be|should be))?(?: now)?"
    r" (?:back to normal|operational|fully operational|working normally|working as expected)",
    r"(?:thank you|thanks|we (?:really |truly |greatly |sincerely )?appreciate)(?: (?:you|all|so "
    r"much|very much))*(?: for)? (?:your |the |all )?(?:continued |ongoing )?(?:patience|"
    r"understanding|bearing with us|support)\b.*",
    r"we (?:don't|do not|currently don't|currently do not) have (?:any )?(?:news|(?:new |further "
    r"|additional |more )?(?:information|updates?|details))(?: to share)?(?: at (?:this (?:moment|"
    r"time|point)|present|the moment))?",
    r"(?:there is )?(?:no|nothing) (?:new|further|additional)(?: information| updates?| news| to "
    r"report)?(?: (?:to share|at this time|yet|to report))?",
    r"we (?:don't|do not) expect (?:any )?(?:further|more|additional) (?:issues|problems|impact)",
    r"(?:the )?(?:affected )?(?:components|services|systems|impact|situation|scope)(?: affected)? "
    r"(?:are|is|remain|remains) (?:still )?(?:the same|unchanged)",
    r"(?:(?:for|if) (?:customers|users|you)[\w\s]{0,60},\s*)?please (?:subscribe|reach out|"
    r"contact|get in touch|let us know|stay tuned|monitor|check|follow)\b.*",
]
_FILLER_CLAUSE = re.compile(rf"(?:{'|'.join(_FILLER)})[\s.!]*", re.IGNORECASE)
_APOLOGY_CLAUSE = re.compile(
    r"^(?:we(?:'re| are)?(?: \w+)? (?:sorry|apologi[sz]e)|our (?:\w+ )?apologies|apologies|"
    r"sorry|please accept our apologies)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^\s*(?:update|investigating|identified|monitoring|resolved)\s*[-:–]\s*", re.I)


def _filler(clause: str) -> bool:
    clause = _LABEL.sub("", clause).strip().strip(".!").strip()
    if not clause:
        return True
    if _FILLER_CLAUSE.fullmatch(clause):
        return True
    if re.fullmatch(r"please accept our apologies", clause, re.IGNORECASE):
        return True
    return bool(_APOLOGY_CLAUSE.search(clause) and ROTE_APOLOGY.search(clause))


def says_nothing(segment: Segment) -> bool:
    """Every sentence of the text restates the status, promises an update, thanks or
    apologizes by rote: nothing a reader did not know from the status alone."""
    for begin, end in segment.sentences():
        sentence = segment.cleaned[begin:end]
        if not all(_filler(clause) for clause in _CLAUSES.split(sentence)):
            return False
    return True


@rule(
    "no-new-information",
    WARNING,
    Scope.UPDATE,
    reason='An update that only restates its status ("We are continuing to investigate") '
    "spends the reader's attention and tells them nothing they can act on (SPEC §2.11; "
    "Atlassian's incident handbook: each update says what changed).",
    advice="say what changed since the last update: what you found, what you tried or ruled "
    "out, what customers can do meanwhile, and when you will update next",
)
def no_new_information(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """Every sentence only restates the status, promises another update or thanks readers
    ("We are continuing to investigate this issue.", "A fix has been implemented and we are
    monitoring the results.")."""
    update = view.update
    if view.incident.kind is Kind.MAINTENANCE or update.cause or update.workaround:
        return
    body = view.prose.segment("body")
    if body is None or not body.cleaned.strip() or not says_nothing(body):
        return
    first = next(body.sentences())
    words = " ".join(body.original[first[0] : first[1]].split())
    yield update_finding(
        update,
        body.line_at(first[0]),
        f"'{words}' says nothing the status '{update.status}' does not",
    )


# --- status-mismatch ----------------------------------------------------------------------

_SAYS_FIXED = re.compile(
    r"\b(?:has|have|had) (?:now )?been (?:fully )?(?:resolved|mitigated|fixed)\b|"
    r"\bwe(?:'ve| have) (?:now )?(?:addressed|fixed|resolved|mitigated|remediated) (?:the|this) "
    r"(?:root cause|cause|issue|problem)\b|"
    r"\bwe(?:'ve| have) (?:deployed|implemented|rolled out|applied) (?:a|the) fix\b|"
    r"\b(?:are|is|we're) (?:now )?monitoring (?:the (?:results|fix|recovery)|recovery)\b|"
    r"\b(?:issue|problem|impact|errors?|loss) (?:has |have )?(?:subsided|stopped|ceased)\b|"
    r"\bno (?:further|more|new) (?:[\w-]+ )?(?:issues|errors|problems) (?:have been|were) "
    r"(?:observed|seen|detected)\b|\b(?:fully|completely) (?:recovered|restored)\b|"
    r"\b(?:is|are) (?:now )?(?:back to normal|operating normally|fully operational)\b",
    re.IGNORECASE,
)
_NOT_YET = re.compile(
    r"\b(?:once|when|after|if|until|before|not|no longer|yet to|expect|hope|should|will|partial|"
    r"partially|some|most|begin\w*|start\w*)\b",
    re.IGNORECASE,
)
_STILL_DOWN = re.compile(
    r"\b(?:is|are) (?:still|currently) (?:down|unavailable|failing|degraded|unreachable)\b|"
    r"\b(?:continue|continues) to (?:fail|see errors|be unavailable)\b",
    re.IGNORECASE,
)
OPEN_STATUSES = ("investigating", "identified")


@rule(
    "status-mismatch",
    WARNING,
    Scope.UPDATE,
    reason="The status drives the page's colours, feeds and subscribers' notifications; when "
    "the text says the problem is fixed but the status says investigating (or the reverse), "
    "readers do not know which to believe (SPEC §2.3; Atlassian's incident handbook on "
    "incident states).",
    advice="set the status that matches the text: `monitoring` once a fix is in place and "
    "you are watching it, `resolved` once customers are no longer affected",
)
def status_mismatch(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The status says the problem is open (`investigating`, `identified`) but the text says
    it is fixed or mitigated ("the issue subsided", "we are monitoring the results"), or the
    status says `resolved` but the text says it is still failing."""
    update = view.update
    if view.incident.kind is Kind.MAINTENANCE:
        return
    if update.status in OPEN_STATUSES:
        pattern, says = _SAYS_FIXED, "fixed or mitigated"
    elif update.status == "resolved":
        pattern, says = _STILL_DOWN, "still failing"
    else:
        return
    for segment in view.prose.segments:
        for begin, end in segment.sentences():
            sentence = segment.cleaned[begin:end]
            match = pattern.search(sentence)
            if match is None or (
                pattern is _SAYS_FIXED and _NOT_YET.search(sentence[: match.start()])
            ):
                continue
            yield update_finding(
                update,
                segment.line_at(begin + match.start()),
                f"the status is '{update.status}' but the text says it is {says}: "
                f"'{' '.join(match.group(0).split())}'",
            )
            return


# --- hedged-cause -------------------------------------------------------------------------

HEDGED_CAUSE = phrase(
    r"(?:the |this )?(?:issue|problem|outage|incident|cause|root cause|culprit|source)(?: of "
    r"(?:the|this) \w+)? (?:seems|appears|is likely|is probably|may|might|could)(?: to)? (?:be|"
    r"have been|stem|come|relate)(?! (?:resolved|fixed|back|working|improving|recovering|stable|"
    r"stabili[sz]\w*|mitigated|over|normal|gone|subsiding|cleared)\b)",
    r"(?:possibly|probably|likely|presumably|perhaps|apparently) (?:caused|due|related|triggered"
    r"|the result|a result|because|stemming)",
    r"(?:seems|appears) to (?:be|have been) (?:caused|due|related|triggered|the result|a result)",
    r"(?:may|might|could) (?:have been|be) (?:caused|due to|related to|triggered)",
    r"we (?:think|suspect|guess|assume)(?: that)?(?: (?:it|this|the (?:issue|problem|cause|"
    r"outage)|the root cause))? (?:could|might|may|is|was)(?: (?:be|have been))?",
    keys=(
        "seems",
        "appears",
        "likely",
        "probably",
        "may",
        "might",
        "could",
        "possibly",
        "presumably",
        "perhaps",
        "apparently",
        "think",
        "suspect",
        "guess",
        "assume",
    ),
)


@text_rule(
    "hedged-cause",
    WARNING,
    reason="A guess published as the cause spreads: customers repeat it, and a wrong guess "
    "must be withdrawn in public (SPEC §2.6; Atlassian's incident handbook: state only what "
    "you know).",
    advice='say what you know ("we are investigating errors in sign-in") and give the cause '
    "once it is confirmed; if you must share a lead, say plainly that it is not confirmed yet",
)
def hedged_cause(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """A guess given as the cause: "the issue seems to be a database issue", "possibly
    related to", "we suspect it could be"."""
    for segment, match in prose.find(HEDGED_CAUSE):
        yield Hit(segment, match.start(), f"'{quote(match)}' gives a guess as the cause")


# --- cause-jargon -------------------------------------------------------------------------

JARGON = re.compile(
    r"\b(?:redis|memcached?|kafka|zookeeper|etcd|consul|kubernetes|k8s|pods?|crash-?loop\w*|"
    r"sidekiq|haproxy|nginx|envoy|istio|bgp|mpls|lacp|rstp|control[- ]plane|data[- ]plane|"
    r"ingress|hot (?:keys?|partitions?|shards?)|shard(?:s|ing|ed)?|replica ?sets?|read replicas?|"
    r"write (?:master|primary)|autovacuum\w*|vacuum(?:ing)?|iowait|hpa|oom|out[- ]of[- ]memory|"
    r"gc pauses?|garbage collect\w*|mutex\w*|deadlocks?|thundering herd|split[- ]brain|"
    r"cache nodes?|couchdb|mongodb|cassandra|elasticsearch|containerd|load[- ]shedding|"
    r"connection pools?|feature flags?|apdex|cgroups?|inodes?|syscalls?|segfault\w*|"
    r"kernel panics?|daemonsets?|statefulsets?)\b",
    re.IGNORECASE,
)
_CAUSE_WORDS = re.compile(
    r"\b(?:caus\w+|due to|because|result(?:ed|ing)? (?:of|in|from)|led to|leading to|"
    r"triggered|stemm\w*|culprit|root cause|the source|introduced|manifested)\b",
    re.IGNORECASE,
)


def _jargon_in_causes(segment: Segment, every_sentence: bool) -> Iterator[tuple[int, str]]:
    for begin, end in segment.sentences():
        sentence = segment.cleaned[begin:end]
        if not every_sentence and not _CAUSE_WORDS.search(sentence):
            continue
        match = JARGON.search(sentence)
        if match is not None:
            yield begin + match.start(), match.group(0)


@rule(
    "cause-jargon",
    WARNING,
    Scope.UPDATE,
    reason='The cause is for every reader; engineers\' words ("memcached proxy", "hot key", '
    '"control plane") tell most customers nothing and invite guesses; the detail belongs in '
    "the postmortem (SPEC §2.6; Atlassian's Statuspage communication tips).",
    advice='say the cause in customers\' words ("one of our databases ran out of memory") and '
    "keep component names for the postmortem",
)
def cause_jargon(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """Infrastructure jargon ("redis", "pods", "control plane", "shard") in the `cause` or in
    a sentence of the text that gives the cause."""
    for segment in view.prose.segments:
        if segment.field in ("title", "apology", "workaround"):
            continue
        for offset, word in _jargon_in_causes(segment, segment.field == "cause"):
            yield update_finding(
                view.update,
                segment.line_at(offset),
                f"'{word}' in the cause is engineers' jargon",
            )
            return


# --- minimising ---------------------------------------------------------------------------

MINIMISING = phrase(
    r"(?:the )?(?:impact|disruption|issue|outage|effect|downtime)s? (?:was|were|has been|is|"
    r"remained|remains) (?:very |extremely |relatively |fairly |quite |rather )?(?:limited|"
    r"minimal|negligible|insignificant|tiny|minor)",
    r"(?:only|just|merely) (?:a |an )?(?:very )?(?:minor|small|slight|brief|tiny|short|little) "
    r"(?:hiccup|blip|glitch|inconvenience|disruption)",
    r"(?:minor|small|slight|brief|tiny|little) (?:hiccup|blip|glitch)s?",
    r"nothing to worry about",
    r"no (?:real|significant|major) (?:impact|harm)",
    keys=(
        "limited",
        "minimal",
        "negligible",
        "insignificant",
        "tiny",
        "minor",
        "hiccup",
        "blip",
        "glitch",
        "worry",
        "impact",
        "harm",
    ),
)


@text_rule(
    "minimising",
    WARNING,
    reason='Whether an impact was small is for the affected customer to judge; "the impact '
    'was very limited" tells those who were hurt that their problem does not count (SPEC '
    "§2.2; PagerDuty's external-communication guide).",
    advice="give the facts and let them speak: how many were affected, for how long, what "
    'failed ("0.2% of payments failed between 14:05 and 14:20 UTC")',
)
def minimising(prose: Prose, ctx: Context) -> Iterator[Hit]:
    """The harm played down: "the impact was very limited", "a minor hiccup", "nothing to
    worry about"."""
    for segment, match in prose.find(MINIMISING):
        yield Hit(segment, match.start(), f"'{quote(match)}' plays the impact down")
