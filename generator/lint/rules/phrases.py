"""Phrase rules: words that say nothing, hedge, blame or shout, found in the public text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...model.types import Kind
from .patterns import APOLOGY, NUMBER, REGION, REGION_CODE, Phrase, phrase, words_of
from .registry import ERROR, WARNING, Context, Finding, Scope, UpdateView, rule, update_finding
from .text import Prose, Segment

_APOLOGY_LEAD = r"(?:apologi[sz]e|apologies|apology|sorry|regret)(?:\W+\w+){0,5}?\W+"
APOLOGY_LEAD_WORDS = ("apologize", "apologise", "apologies", "apology", "sorry", "regret")

ROTE_APOLOGY = phrase(
    _APOLOGY_LEAD + r"(?:for |about )?(?:any|all|the) (?:\w+ )?inconveniences?",
    _APOLOGY_LEAD + r"for any (?:negative )?(?:disruption|trouble|issues?|problems?|"
    r"difficult(?:y|ies)|impact|effects?|frustration|confusion)",
    r"(?:any|the) (?:inconvenience|disruption|trouble|issues?|impact) (?:this|that|it) "
    r"(?:may|might|could) (?:have )?caused?",
    r"(?:any|the) inconvenience (?:this|that|it) (?:has )?caused",
    _APOLOGY_LEAD + r"for the (?:trouble|disruption|issues?|problems?)(?=\s*(?:[.!;,]|$))",
    gates=(
        (
            APOLOGY_LEAD_WORDS,
            (
                "inconvenience",
                "inconveniences",
                "any",
                "trouble",
                "disruption",
                "issue",
                "issues",
                "problem",
                "problems",
            ),
        ),
        (
            ("cause", "caused"),
            ("inconvenience", "disruption", "trouble", "issue", "issues", "impact"),
        ),
    ),
)


def _quote(match: re.Match[str]) -> str:
    return " ".join(match.group(0).split())


def _phrase_findings(
    view: UpdateView, pattern: Phrase, message: str, fields: tuple[str, ...] | None = None
) -> Iterator[Finding]:
    """One finding per match, quoting what was written; `message` has a {quote} slot."""
    for segment, match in view.prose.find(pattern, fields):
        yield update_finding(
            view.update, segment.line_at(match.start()), message.format(quote=_quote(match))
        )


@rule(
    "rote-apology",
    ERROR,
    Scope.UPDATE,
    reason="A rote apology tells customers nothing and reads as indifference (SPEC §2.2, "
    "§2.11; Atlassian's Statuspage communication tips; PagerDuty's external-communication "
    "guide).",
    advice="apologize for the actual harm, e.g. \"We're sorry: since 14:05 UTC you cannot "
    'sign in to the dashboard."',
)
def rote_apology(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """A stock apology: "we apologize for any inconvenience", "sorry for any inconvenience"."""
    yield from _phrase_findings(view, ROTE_APOLOGY, "'{quote}' is a rote apology")


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
    r"(?:is|are) (?:very |extremely |incredibly )?important to us",
    r"we value your (?:business|custom|trust|loyalty)",
    "committed to providing",
    r"doing everything (?:we can|in our power|possible)",
    r"(?:our|the|a) (?:top|highest|number one|first) priority",
    r"we understand (?:how frustrating|the frustration|your frustration)",
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
        "committed",
        "everything",
        "priority",
        "frustrating",
        "frustration",
    ),
)


@rule(
    "generic-statement",
    WARNING,
    Scope.UPDATE,
    reason="Boilerplate takes the place of facts customers need (SPEC §2.11; PagerDuty's "
    "external-communication guide; GitLab's incident-communication handbook).",
    advice="replace it with a fact: what is affected, what you are doing now, what happens next",
)
def generic_statement(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """Empty boilerplate: "we take ... seriously", "working hard", "rest assured"."""
    yield from _phrase_findings(view, GENERIC, "'{quote}' is a generic statement")


VAGUE_SCOPE = phrase(
    r"(?:some|certain|several|select|a few|a (?:small |limited |large )?(?:number|subset|"
    r"portion|fraction|percentage|handful|group|set) of) (?:of )?(?:our |the )?(?:users|customers"
    r"|accounts|clients|merchants|tenants|organi[sz]ations|workspaces|teams|people|members|"
    r"customer base|user base)",
    r"a subset of",
    r"(?:may be |are |is |be |been )?experiencing (?:some |intermittent |ongoing )?"
    r"(?:issues|problems|difficulties|disruptions?|errors|degradation)",
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


def _is_specific(segment: Segment, start: int, end: int, ctx: Context) -> bool:
    """A number, a region or a component (or another proper name) in the same sentence."""
    begin, finish = segment.sentence(start, end)
    sentence = segment.original[begin:finish]
    if NUMBER.search(sentence) or REGION.search(sentence) or REGION_CODE.search(sentence):
        return True
    lowered = sentence.lower()
    if any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered) for word in ctx.scope_words):
        return True
    return _names_something(sentence, ctx)


_SAYS_WHAT = re.compile(
    r"\s+(?:with|to|in|on|when|while|for)\s+(?!(?:our|the|your)\s+(?:services?|platform|"
    r"systems?|site|website|app|application|products?|account)\b)(?!(?:some|certain|our|the|"
    r"a)\s*[.,;]|it\b|this\b)\w",
    re.IGNORECASE,
)
_ASKED = re.compile(
    r"\s+(?:have\s+|had\s+)?(?:asked|wondered|requested|suggested|wrote in)\b", re.IGNORECASE
)
_WORD = re.compile(r"[A-Za-z][\w-]*")
_NOT_NAMES = frozenset(
    {
        "I",
        "We",
        "Our",
        "You",
        "Your",
        "The",
        "This",
        "These",
        "Some",
        "A",
        "Customers",
        "Users",
        "If",
        "It",
        "They",
        "Status",
        "Service",
    }
)


def _names_something(sentence: str, ctx: Context) -> bool:
    """A capitalised word after the first, such as "SAML" or "Enterprise plan"."""
    ignored = _NOT_NAMES | set(
        re.findall(r"\w+", f"{ctx.settings.company} {ctx.settings.site_name}")
    )
    words = [m.group(0) for m in _WORD.finditer(sentence)][1:]
    return any(w[0].isupper() and w not in ignored for w in words)


@rule(
    "vague-scope",
    WARNING,
    Scope.UPDATE,
    reason='Customers need to know whether they are affected; "some users" does not tell '
    "them (SPEC §2.3, §2.11; Atlassian's incident handbook).",
    advice='say who and how many: a share ("about 8% of API requests"), a region '
    '("customers in the EU region") or a component ("sign-in with SSO")',
)
def vague_scope(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """ "some users", "a subset of", "experiencing issues" with no number, region or component
    in the same sentence."""
    for segment, match in view.prose.find(VAGUE_SCOPE):
        if _ASKED.match(segment.cleaned, match.end()):
            continue  # "some customers asked whether ..." is not about who is affected
        if "experiencing" in match.group(0).lower() and _SAYS_WHAT.match(
            segment.cleaned, match.end()
        ):
            continue  # "experiencing disruptions to logins": it says what fails
        if not _is_specific(segment, match.start(), match.end(), ctx):
            yield update_finding(
                view.update,
                segment.line_at(match.start()),
                f"'{_quote(match)}' does not say who is affected",
            )


NAMED_PROVIDERS = (
    "aws",
    "amazon",
    "azure",
    "microsoft",
    "gcp",
    "google",
    "cloudflare",
    "fastly",
    "akamai",
    "digitalocean",
    "heroku",
    "github",
    "twilio",
    "sendgrid",
    "mailgun",
    "stripe",
    "okta",
    "auth0",
    "hetzner",
    "ovh",
    "linode",
    "vercel",
    "netlify",
    "salesforce",
    "atlassian",
    "slack",
    "zendesk",
    "datadog",
)
_PROVIDER = (
    r"(?:third[- ]party|upstream|external|cloud|hosting|network|dns|cdn|payment|"
    r"infrastructure|data ?cent(?:er|re)|isp) "
)
VENDOR_BLAME = phrase(
    r"(?:due to|caused by|because of|the result of|resulted from|stem(?:s|med|ming) from|"
    r"originat\w* (?:at|with|from)|(?:was|is) on) (?:an? |our |the |one of our )?"
    r"(?:[\w'-]+ ){0,5}?(?:third[- ]party|upstream|vendors?|providers?|suppliers?|partners?|isp|"
    r"carriers?)(?:'s)?",
    r"(?:due to|caused by|because of|the result of|resulted from|stem(?:s|med|ming) from) "
    r"(?:an? |the )?(?:[\w'-]+ ){0,3}?(?:(?:at|with|in|from|by|on) )?(?:"
    + "|".join(NAMED_PROVIDERS)
    + r")(?:'s)?(?: (?:web services|cloud|platform))?",
    r"(?:outside|beyond) (?:of )?our (?:direct |immediate )?control",
    r"not (?:our|the company's) fault",
    r"(?:through )?no fault of (?:our|ours|our own)",
    r"on (?:their|the (?:provider|vendor|supplier|partner)'?s?|our (?:\w+ )?(?:provider|vendor"
    r"|supplier|partner)'s) (?:end|side)",
    rf"(?:our|the|a) (?:{_PROVIDER})?(?:provider|vendor|supplier|partner) (?:is|was) "
    r"(?:entirely |solely |fully )?(?:responsible|to blame|at fault)",
    keys=(
        *(word for name in NAMED_PROVIDERS for word in words_of(name)),  # "auth0": "auth"
        "third",
        "upstream",
        "vendor",
        "vendors",
        "provider",
        "providers",
        "supplier",
        "suppliers",
        "partner",
        "partners",
        "isp",
        "carrier",
        "carriers",
        "control",
        "fault",
        "end",
        "side",
    ),
)


@rule(
    "vendor-blame",
    WARNING,
    Scope.UPDATE,
    reason="Customers chose you, not your vendors; pointing at a provider reads as dodging "
    "responsibility (SPEC §2.8; PagerDuty's external-communication guide; Atlassian's "
    "incident handbook).",
    advice='own it: say what failed for customers and what you are doing about it ("our '
    'payment processing failed"), without pointing at a provider',
)
def vendor_blame(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """ "due to a third-party provider", "outside our control", "not our fault"."""
    yield from _phrase_findings(view, VENDOR_BLAME, "'{quote}' blames a provider")


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
            yield segment, match.start(), f"'{_quote(match)}' blames people"
    for segment in prose.segments:
        if "@" not in segment.cleaned:
            continue
        for match in HANDLE.finditer(segment.cleaned):
            if not ROLE_HANDLE.search(match.group(1)):
                yield segment, match.start(), f"'{match.group(0)}' names a person"
        for match in EMAIL.finditer(segment.cleaned):
            if not ROLE_MAILBOXES.match(match.group(1)):
                yield segment, match.start(), f"'{match.group(0)}' names a person"


@rule(
    "person-blame",
    WARNING,
    Scope.UPDATE,
    postmortem_level=ERROR,
    reason="People are never the root cause: systems let a slip become an outage; naming "
    'people stops others from speaking up (SPEC §2.8; Google SRE book, "Postmortem '
    "Culture\"; Atlassian's incident handbook on blameless postmortems).",
    advice='describe what the system allowed ("a configuration change reached all regions '
    'at once"), not who did it; name teams, not people',
)
def person_blame(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """People as causes: "human error", "an engineer forgot", @handles, e-mail addresses."""
    for segment, offset, message in blamed_people(view.prose):
        yield update_finding(view.update, segment.line_at(offset), message)


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
    r"if (?:you|your \w+) (?:were|was|have been|has been|are|may have been|might have been) "
    r"(?:\w+ )?(?:affected|impacted)",
    r"(?:anyone|those|any (?:customers|users)|customers|users|you|some \w+) (?:who )?"
    r"(?:may|might) have been (?:affected|impacted|inconvenienced)",
    keys=("affected", "impacted", "inconvenienced"),
)


@rule(
    "evasive-apology",
    WARNING,
    Scope.UPDATE,
    reason="A conditional or passive apology avoids saying what went wrong and who owns it "
    "(SPEC §2.2, §2.8; PagerDuty's external-communication guide).",
    advice="apologize without conditions and in the active voice: \"We're sorry: our "
    'configuration change made checkout fail for 40 minutes."',
)
def evasive_apology(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """ "mistakes were made", "we regret if", "if you were affected" in an apology."""
    yield from _phrase_findings(view, EVASIVE, "'{quote}' is an evasive apology")
    for segment, match in view.prose.find(CONDITIONAL_AFFECTED):
        begin, end = segment.sentence(match.start(), match.end())
        if APOLOGY.search(segment.cleaned[begin:end]):
            yield update_finding(
                view.update,
                segment.line_at(match.start()),
                f"'{_quote(match)}' makes the apology conditional",
            )


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


@rule(
    "exclamation",
    WARNING,
    Scope.UPDATE,
    reason="Exclamation marks and judgement words sound alarmed or flippant; a status page "
    "speaks in one calm voice (SPEC §2.9; Atlassian's Statuspage communication tips).",
    advice="state the facts calmly, with a full stop, and let the facts carry the weight",
)
def exclamation(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """Exclamation marks and judgement words ("disaster", "nightmare", "ridiculous")."""
    for segment, match in view.prose.find(EXCLAMATION):
        yield update_finding(
            view.update, segment.line_at(match.start()), "an exclamation mark in public text"
        )
        break
    yield from _phrase_findings(view, JUDGEMENT, "'{quote}' is a judgement word")


_RESOLVE = (
    r"(?:fix(?:ed|es)?|resolv(?:e|ed|es|ing)|resolution|restor(?:e|ed|es|ing)|"
    r"recover(?:ed|s|ing)?|"
    r"clear(?:ed|s)?|mitigat(?:e|ed)|back (?:up|online|to normal)|back|up and running|"
    r"(?:available|working|operational|online|normal) again)"
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
)
_VAGUE_TIME = (
    r"(?:shortly|soon|momentarily|imminently|any (?:minute|moment)(?: now)?|"
    r"in no time|in a (?:few|couple of) (?:minutes|moments))"
)
_AMOUNT = (
    r"(?:\d+|a few|a couple of|an?|one|two|three|four|five|ten|fifteen|twenty|thirty|"
    r"forty-five|sixty|ninety)"
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
    rf"{_RESOLVE}(?: \w+){{0,5}}? (?:by|before|around|at|until) (?:about |approximately |"
    r"around )?\d{1,2}(?::\d{2}|\s?[ap]\.?m\.?)",
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
                f"'{_quote(match)}' promises a resolution time in the text",
            )
    if update.eta is not None:
        return  # a time in the text that restates `eta` is fine
    for segment, match in view.prose.find(ETA_CONCRETE):
        begin, _ = segment.sentence(match.start(), match.end())
        if _FUTURE.search(segment.cleaned[begin : match.end()]) and _promises_time(segment, match):
            yield update_finding(
                update,
                segment.line_at(match.start()),
                f"'{_quote(match)}' promises a resolution time in the text",
                "put the time into `eta:` so it is shown and tracked",
            )
