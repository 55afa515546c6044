"""The parts a write-up needs (what happened, why, what changes), recognised by meaning: by
a heading in any of its usual names, or by what a sentence says, wherever it stands."""

from __future__ import annotations

import re

from .patterns import Phrase, phrase
from .text import Prose

HEADING = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$|^(.+)\n {0,3}(?:=+|-+)\s*$", re.MULTILINE)
# Each part a postmortem needs, recognised by a heading ("## Moving forward") or by what its
# sentences say ("was caused by", "we will add"), wherever in the text it is.
SECTIONS: dict[str, tuple[Phrase, re.Pattern[str]]] = {
    "what happened": (
        phrase(
            r"what happened",
            "timeline",
            r"(?:sequence|chain) of events",
            "overview",
            "summary",
            r"(?:the )?incident(?: (?:summary|description|details))?",
            "description",
            r"what went wrong",
            r"(?:scope of )?impact",
            "background",
        ),
        re.compile(
            r"\b(?:outages?|unavailab\w+|fail(?:ed|ing|ures?)|errors?|degrad\w+|delay(?:s|ed)?|"
            r"could not|couldn't|unable|disruptions?|downtime|latency|timeouts?|issues?|"
            r"problems?|crash\w*|impact\w*|affect\w*|interrupt\w*|inaccessible|unreachable|"
            r"experienced|down for|late|slow(?:er|ly|ness)?|lost|missing|stuck|went down)\b",
            re.IGNORECASE,
        ),
    ),
    "root cause": (
        phrase(
            r"(?:root )?causes?",
            r"why (?:it|this) happened",
            r"how it happened",
            r"what went wrong",
            "contributing factors",
            "what caused",
            "analysis",
            r"technical (?:details|summary)",
            r"(?:the )?trigger",
        ),
        re.compile(
            r"\b(?:caus(?:e|ed|es|ing)|due to|because|triggered|the trigger|result(?:ed)? "
            r"(?:of|from)|stemm\w* from|led to|contribut\w+|culprit|traced (?:back )?to|"
            r"(?:revealed|discovered|identified|found|determined) (?:that )?(?:a|an|the)\b|"
            r"was identified|happened (?:when|because)|occurred (?:when|because))",
            re.IGNORECASE,
        ),
    ),
    "what we are changing": (
        phrase(
            r"what we(?: are|'re| will| have|'ve)? (?:chang(?:e|ed|ing)|doing|done|learned)",
            r"changes?",
            r"action (?:items?|plan)",
            r"(?:remedial )?actions?",
            "next steps",
            r"follow[- ]?ups?",
            r"prevent\w*",
            r"remediation",
            r"lessons(?: learned)?",
            r"what(?: is|'s) next",
            "improvements",
            r"corrective (?:actions?|measures?)",
            r"(?:going|moving) forward",
            r"(?:future|preventive|preventative) (?:measures|work|plans?)",
            r"plans? for the future",
            r"why it won't happen again",
        ),
        re.compile(
            r"\bwe(?:'ll| will| are going to| plan to| intend to)\s+(?!(?:continue to )?"
            r"(?:provide|post|share|publish|keep you|update you|follow up)\b)\w+|"
            r"\b(?:we|team)(?:'ve|'re|'s| have| are| is| has)?(?:[\s,]+[\w-]+){0,8}?[\s,]+(?:"
            r"add(?:s|ed|ing)?|implement\w*|introduc\w+|chang(?:e|es|ed|ing)|buil[dt]\w*|"
            r"remov(?:e|es|ed|ing)|increas(?:e|es|ed|ing)|updat(?:e|es|ed|ing)|"
            r"improv(?:e|es|ed|ing)|adjust\w*|tun(?:e|es|ed|ing)|lock(?:s|ed|ing)?|audit\w*|"
            r"deploy\w*|split|creat(?:e|es|ed|ing)|replac\w+|upgrad\w+|migrat\w+|"
            r"mov(?:e|es|ed|ing)|disabl\w+|enabl\w+|reconfigur\w+|rewr\w+|refactor\w*|"
            r"automat\w+|mirror\w*|decoupl\w+|prioriti[sz]\w+|invest\w*|validat\w+|"
            r"design\w*|develop\w*|extend\w*|expand\w*|harden\w*|redesign\w*|rework\w*|"
            r"rearchitect\w*|separat\w+|isolat\w+|shard\w*|scal(?:e|ed|ing)|"
            r"working on (?:a )?(?:fix|change|improvement))|"
            r"\b(?:to prevent|to avoid (?:a |this |similar |future |repeating )|going forward|"
            r"moving forward|in the future|from happening again|(?:prevent|avoid) (?:a )?"
            r"recurrence|will be (?:put in place|added|implemented)|(?:is|are) implementing|"
            r"(?:has|have) been (?:replaced|upgraded|fixed|added|implemented|removed)|"
            r"(?:deploy\w*|ship\w*|roll\w* out|made|making) (?:a |the )?(?:change|fix|workaround)"
            r"s?)\b",
            re.IGNORECASE,
        ),
    ),
}


def carries_writeup(prose: Prose) -> bool:
    """The text itself is the write-up (as many resolving updates are, instead of a separate
    postmortem): it gives a known cause, and what changes or enough detail to stand alone."""
    text = " ".join(segment.cleaned for segment in prose.segments)
    _, cause = SECTIONS["root cause"]
    _, change = SECTIONS["what we are changing"]
    if not cause.search(text) or _CAUSE_UNKNOWN.search(text):
        return False
    return bool(change.search(text)) or len(text.split()) >= WRITEUP_WORDS


# A resolving update this long that gives the cause is a write-up, with or without changes.
WRITEUP_WORDS = 60
_CAUSE_UNKNOWN = re.compile(
    r"\b(?:root )?causes? (?:\w+ ){0,5}?(?:is|are|remains?) (?:still )?(?:under investigation|"
    r"unknown|not (?:yet )?(?:known|clear|understood))",
    re.IGNORECASE,
)
