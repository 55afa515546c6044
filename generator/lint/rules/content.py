"""Content rules that read fields rather than phrases: apology, cause, impact, leaks,
resolution."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from zoneinfo import ZoneInfo

from ...model.types import Impact, Incident, Kind
from .patterns import APOLOGY, THANKS, phrase
from .registry import (
    ERROR,
    WARNING,
    Context,
    Finding,
    Scope,
    UpdateView,
    rule,
    update_finding,
)
from .sections import carries_writeup
from .text import Prose, Segment

_RANK = {impact: rank for rank, impact in enumerate(Impact)}


def max_impact(incident: Incident) -> Impact:
    return max((u.impact for u in incident.updates), key=_RANK.__getitem__)


def apologizes(view: UpdateView) -> bool:
    return bool(view.update.apology) or view.prose.has(APOLOGY)


@rule(
    "apology-missing",
    WARNING,
    Scope.UPDATE,
    reason="A preliminary apology in the first update shows you know customers are hurting, "
    "before the cause is known (SPEC §2.2; PagerDuty's external-communication guide; "
    "Atlassian's incident handbook).",
    advice="add `apology:` naming the harm, e.g. \"We're sorry: card payments from European "
    'cards are failing, so your customers cannot pay you."',
)
def apology_missing(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The first update of a `major` or `critical` incident has no apology (field or text)."""
    update = view.update
    if not view.is_first or view.incident.kind is Kind.MAINTENANCE:
        return
    if update.impact.rank >= Impact.MAJOR.rank and not apologizes(view):
        yield update_finding(
            update,
            update.line_of("impact"),
            f"the first update of a {update.impact.value} incident does not apologize",
        )


_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_ABBREVIATION = re.compile(
    r"(?:\b(?:e\.g|i\.e|etc|vs|no|approx|incl|a\.m|p\.m)|\b[A-Z])$", re.IGNORECASE
)


def sentences(text: str) -> int:
    """Sentences in plain text; "e.g." and initials do not end one."""
    count, start = 0, 0
    for match in _SENTENCE_END.finditer(text):
        if _ABBREVIATION.search(text[start : match.start()]) and match.group(0) == ".":
            continue
        count, start = count + 1, match.end()
    return count + (1 if text[start:].strip() else 0)


@rule(
    "cause-too-long",
    WARNING,
    Scope.UPDATE,
    reason="The cause is for every reader: one or two plain sentences; the detail belongs in "
    "the postmortem (SPEC §2.6; Atlassian's Statuspage communication tips).",
    advice="say the cause in a few plain words (by default at most two sentences and 40 words, "
    "`lint_thresholds`); move the detail to the postmortem",
)
def cause_too_long(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """`cause` is longer than 2 sentences or 40 words."""
    cause = view.update.cause
    if not cause:
        return
    limits = ctx.thresholds
    words, count = len(cause.split()), sentences(cause)
    if words > limits.cause_max_words or count > limits.cause_max_sentences:
        yield update_finding(
            view.update,
            view.update.line_of("cause"),
            f"the cause has {count} sentence{'s' * (count != 1)} and {words} "
            f"words (at most {limits.cause_max_sentences} and "
            f"{limits.cause_max_words})",
            f"say the cause in at most {limits.cause_max_sentences} plain "
            f"sentence{'s' * (limits.cause_max_sentences != 1)} and {limits.cause_max_words} "
            "words; move the detail to the postmortem",
        )


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?:/\d{{1,2}})?(?![\w]|\.\d)")
_VERSION_BEFORE = re.compile(r"(?:version|release|v)\s*$", re.IGNORECASE)
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{1,4}:){2,7}:?[0-9a-f]{0,4}(?![\w:])", re.IGNORECASE)
HOSTNAME = re.compile(
    r"(?<![\w@.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)([a-z][a-z-]{1,62})"
    r"(?![\w-]|\.[a-z0-9])",
    re.IGNORECASE,
)
INTERNAL_SUFFIXES = frozenset(
    {
        "internal",
        "local",
        "localdomain",
        "lan",
        "corp",
        "intranet",
        "intra",
        "private",
        "priv",
        "svc",
        "consul",
        "localhost",
        "home",
        "arpa",
    }
)
FILE_EXTENSIONS = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "md",
        "html",
        "htm",
        "js",
        "ts",
        "json",
        "yaml",
        "yml",
        "py",
        "txt",
        "pdf",
        "csv",
        "sql",
        "log",
        "conf",
        "cfg",
        "ini",
        "toml",
        "xml",
        "go",
        "rb",
        "java",
        "sh",
        "zip",
        "gz",
        "tar",
        "exe",
        "dll",
        "so",
        "jar",
        "php",
        "css",
    }
)
MACHINE_LABEL = re.compile(
    r"^(?:[a-z]+-?)*[a-z]+-?\d+[a-z]?$|^ip(?:-\d+){4}$|^(?:us|eu|ap|sa|ca|me|af)-[a-z]+-\d$|"
    r"^(?:prod|production|staging|stage|stg|dev|qa|uat|int|internal|corp|mgmt|infra|k8s|kube|"
    r"cluster|svc|ec2|compute|rds|vpn|bastion|jump|db|mysql|postgres|redis|kafka)$",
    re.IGNORECASE,
)
MACHINE_NAME = re.compile(
    r"(?<![\w.-])(?:db|web|app|api|worker|node|host|srv|server|prod|stg|staging|cache|redis|pg|"
    r"postgres|mysql|mongo|kafka|rabbit|rabbitmq|es|elastic|lb|proxy|haproxy|nginx|k8s|vm|ip|"
    r"bastion|queue|mq|ingest|edge|gw|gateway|batch|cron|runner)(?:-[a-z0-9]+)*-\d{1,4}[a-z]?"
    r"(?![\w-]|\.\w)",
    re.IGNORECASE,
)
STACK_TRACE = re.compile(
    r"Traceback \(most recent call last\)|Exception in thread|^\s*at [\w$.]+\([\w$.]*:\d+\)|"
    r"File \"[^\"]+\", line \d+|\bpanic: |\bgoroutine \d+ \[|\bSIGSEGV\b|segmentation fault|"
    r"core dumped|\b(?:[A-Z][a-z0-9]+){1,}(?:Exception|Error)\b(?::|\s+at\b)?|"
    r"\b\w+\.(?:java|py|go|rb|js|ts|cs|php):\d+\b",
    re.MULTILINE,
)


def internal_host(name: str, suffix: str) -> bool:
    """An internal-looking hostname: an internal suffix or a label like db3 or eu-west-1."""
    if suffix.lower() in INTERNAL_SUFFIXES:
        return True
    if suffix.lower() in FILE_EXTENSIONS:
        return False
    return any(MACHINE_LABEL.match(label) for label in name.rstrip(".").split("."))


def leaks(segment: Segment) -> Iterator[tuple[int, str]]:
    """(offset, what) for every internal detail in the segment: code spans and quotes are
    searched too (a quoted log line is still a leak); code blocks are reported as a whole."""
    text = segment.literal
    if not _ANY_GATE.search(text):
        return
    if _GATES["ipv4"].search(text):
        allowlist = _ALLOWLIST.search(text) is not None
        for match in IPV4.finditer(text):
            if _VERSION_BEFORE.search(text, max(0, match.start() - 12), match.start()):
                continue
            if allowlist and not _private(match.group(0)):
                continue  # a public address customers must allow through their firewall
            yield match.start(), f"the IP address '{match.group(0)}'"
    if _GATES["ipv6"].search(text):
        for match in IPV6.finditer(text):
            if _looks_like_ipv6(match.group(0)):
                yield match.start(), f"the IP address '{match.group(0)}'"
    if _GATES["hostname"].search(text):
        for match in HOSTNAME.finditer(text):
            if internal_host(match.group(1), match.group(2)):
                yield match.start(), f"the internal hostname '{match.group(0)}'"
    if _GATES["machine"].search(text):
        for match in MACHINE_NAME.finditer(text):
            yield match.start(), f"the server name '{match.group(0)}'"
    if _GATES["trace"].search(text):
        for match in STACK_TRACE.finditer(text):
            yield match.start(), f"a stack trace or exception ('{match.group(0).strip()}')"


# Cheap searches that every match of the pattern above needs: most prose has none of them.
_GATES = {
    "ipv4": re.compile(r"\d\.\d"),
    "ipv6": re.compile(r"::|[0-9a-f]:[0-9a-f]+:[0-9a-f]", re.IGNORECASE),
    "hostname": re.compile(r"[a-z0-9]\.[a-z]", re.IGNORECASE),
    "machine": re.compile(r"-\d"),
    "trace": re.compile(
        r"Error|Exception|Traceback|File \"|panic: |goroutine|SIGSEGV|"
        r"segmentation|dumped|\.[a-z]+:\d"
    ),
}
_ANY_GATE = re.compile(
    r"\d\.\d|::|[0-9a-fA-F]:[0-9a-fA-F]+:[0-9a-fA-F]|[a-zA-Z0-9]\.[a-zA-Z]|-\d|"
    r"Error|Exception|Traceback|File \"|panic: |goroutine|SIGSEGV|"
    r"segmentation|dumped"
)


_ALLOWLIST = re.compile(
    r"allow-?list|white-?list|firewall|egress|outbound|source address|"
    r"IP (?:address(?:es)?|range)s? (?:we|our)",
    re.IGNORECASE,
)


def _private(address: str) -> bool:
    """A private, loopback or link-local IPv4 address: never meant for customers."""
    import ipaddress

    ip = ipaddress.ip_address(address.split("/")[0])
    return ip.is_private or ip.is_loopback or ip.is_link_local


def _looks_like_ipv6(text: str) -> bool:
    """Not a clock time such as 14:05:00: a `::` or four groups with a hex letter."""
    return "::" in text or (text.count(":") >= 4 and bool(re.search(r"[a-f]", text, re.I)))


def internal_details(prose: Prose, with_code_blocks: bool) -> Iterator[tuple[Segment, int, str]]:
    for segment in prose.segments:
        if with_code_blocks:
            for start in segment.code_blocks:
                yield segment, start, "a code block"
        for offset, what in leaks(segment):
            yield segment, offset, what


@rule(
    "internal-detail",
    WARNING,
    Scope.UPDATE,
    reason="Hostnames, addresses, stack traces and code mean nothing to customers and tell "
    "attackers about your systems (SPEC §2.6, §2.10; Atlassian's Statuspage communication "
    "tips). The build's `forbidden_patterns` leak guard is separate and stops the build.",
    advice="describe the component in customers' words (\"one of our database servers in the "
    'EU region"); keep hostnames, logs and code in `internal:`',
)
def internal_detail(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """Hostnames, IP addresses, stack traces, code blocks in public text."""
    for segment, offset, what in internal_details(view.prose, with_code_blocks=True):
        yield update_finding(view.update, segment.line_at(offset), f"{what} in public text")


@rule(
    "impact-missing",
    ERROR,
    Scope.UPDATE,
    reason="The first thing customers look for is whether they are affected: the first "
    "update names the components and says what customers see (SPEC §2.1, §2.3, §2.11).",
    advice="list the affected `components:` with their state, and write what customers see "
    "in the text",
)
def impact_missing(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The first update names no affected component or has no public text."""
    update = view.update
    if not view.is_first:
        return
    if not update.components and "components" not in update.explicit:  # else the loader says
        yield update_finding(
            update,
            1,
            "the first update names no affected component",
            "add `components:` with each affected component and its state, "
            "e.g. 'api: partial_outage'",
        )
    if not update.body.strip():
        yield update_finding(
            update,
            update.body_line,
            "the first update has no public text",
            "write below the front matter what customers see and what you are doing",
        )


@rule(
    "resolution-incomplete",
    WARNING,
    Scope.UPDATE,
    reason="Closing the incident publicly, with an apology or thanks, tells customers the "
    "harm is acknowledged and over (SPEC §2.2, §2.12; PagerDuty's external-communication "
    "guide).",
    advice="add `apology:` for the concrete harm, or thank customers for their patience",
)
def resolution_incomplete(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The resolving update of a `minor`+ incident has neither an apology nor thanks."""
    incident = view.incident
    if not _is_final_resolution(view) or max_impact(incident).rank < Impact.MINOR.rank:
        return
    if not apologizes(view) and not view.prose.has(THANKS):
        yield update_finding(
            view.update,
            view.update.line_of("status"),
            "the resolving update neither apologizes nor thanks customers",
        )


def _is_final_resolution(view: UpdateView) -> bool:
    return (
        view.is_latest and view.update.status == "resolved" and view.incident.kind is Kind.INCIDENT
    )


FOLLOWUP = phrase(
    r"post-? ?mortems?",
    r"incident (?:report|review|analysis|write-?up)",
    "rca",
    r"root[- ]cause analysis",
    r"retrospective",
    r"(?:full|detailed|written|complete|thorough|public) (?:report|analysis|account|write-?up|"
    r"explanation|summary|breakdown|review|blog post)",
    r"write-?up",
    r"(?:share|publish|post) (?:our|the|a|more)"
    r" (?:\w+ )?(?:findings|details|analysis|explanation)",
    r"blog post (?:describing|explaining|about)",
    r"(?:explain|share|publish) (?:more about |in detail )?(?:what happened|what went wrong|why "
    r"(?:it|this) happened)",
)


@rule(
    "followup-missing",
    WARNING,
    Scope.UPDATE,
    reason="After a serious incident, customers need to know the whole story and what "
    'changes is coming (SPEC §2.13; Google SRE book, "Postmortem Culture"; GitLab\'s '
    "incident-communication handbook).",
    advice='link the postmortem, or say by when it will come: "We will publish a postmortem '
    'by <the resolution date plus `postmortem_due_days`>."',
)
def followup_missing(view: UpdateView, ctx: Context) -> Iterator[Finding]:
    """The resolving update of a `major`+ incident neither links a postmortem, nor says
    when one (or "a full explanation") will come, nor carries the write-up itself (why it
    happened and what changes)."""
    incident = view.incident
    if not _is_final_resolution(view) or max_impact(incident).rank < Impact.MAJOR.rank:
        return
    if incident.postmortem is None and not view.prose.has(FOLLOWUP):
        if carries_writeup(view.prose):
            return  # the update is the write-up
        due = view.update.at + timedelta(days=ctx.settings.postmortem_due_days)
        local = due.astimezone(ZoneInfo(ctx.settings.timezone))
        yield update_finding(
            view.update,
            view.update.line_of("status"),
            f"the resolving update of a {max_impact(incident).value} incident "
            "does not mention a postmortem",
            "link the postmortem, or say when it will come: "
            f'"We will publish a postmortem by {local.day} {local:%B}."',
        )
