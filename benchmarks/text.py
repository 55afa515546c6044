"""Sentence pools for the benchmark corpus: varied, specific, and clean under the linter.

Every sentence names who is affected and how (no vague scope), promises no time in prose
(times live in `eta` and `next_update`), blames nobody and carries no hostnames.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

OPEN_STATUSES = ("investigating", "identified", "monitoring")
GROUPS: dict[str, tuple[tuple[str, str], ...]] = {
    "Core platform": (
        ("api", "API"),
        ("dashboard", "Dashboard"),
        ("auth", "Sign-in"),
        ("graphql", "GraphQL API"),
        ("search", "Search"),
    ),
    "Integrations": (
        ("webhooks", "Webhooks"),
        ("email", "E-mail delivery"),
        ("sms", "SMS delivery"),
        ("payments", "Payments"),
        ("chat-app", "Chat app"),
    ),
    "Data": (
        ("database", "Managed databases"),
        ("backups", "Backups"),
        ("storage", "Object storage"),
        ("analytics", "Analytics"),
        ("exports", "Data exports"),
    ),
    "Regions": (
        ("cdn", "Content delivery"),
        ("dns", "DNS"),
        ("eu-region", "EU region"),
        ("us-region", "US region"),
        ("ap-region", "Asia-Pacific region"),
    ),
}

SYMPTOMS = (
    ("Elevated error rates", "requests to {name} fail with HTTP 503 for about {pct}% of calls"),
    ("Slow responses", "{name} answers in {secs} seconds instead of the usual 200 milliseconds"),
    ("Delayed processing", "work queued for {name} is running {mins} minutes behind"),
    ("Intermittent timeouts", "about {pct}% of requests to {name} time out after 30 seconds"),
    ("Failed logins", "{pct}% of sign-in attempts through {name} are rejected"),
    ("Missing data", "{name} shows no results for changes made after {clock} UTC"),
    ("Degraded throughput", "{name} processes {pct}% fewer jobs per minute than normal"),
)
REGIONS = (
    "the EU region",
    "the US East region",
    "the US West region",
    "Asia-Pacific",
    "every region",
)
CAUSES = (
    "A configuration change raised the connection limit beyond what the {name} database "
    "could serve.",
    "A deploy of {name} shipped a query that scans a whole table instead of an index.",
    "The certificate used between {name} and its storage layer expired before our rotation "
    "job renewed it.",
    "A full disk on the {name} queue servers stopped new jobs from being accepted.",
    "A failover of the primary database for {name} left replicas pointing at the old primary.",
    "A surge of retries from our own workers overloaded the {name} rate limiter.",
    "Our cache for {name} was flushed during maintenance and rebuilt under full load.",
)
WORKAROUNDS = (
    "Retry failed requests with exponential backoff; nothing sent to {name} is lost.",
    "Use the EU endpoint of {name} meanwhile; it is not affected.",
    "Exports and reports can be downloaded again from the history tab once {name} recovers.",
    "Webhooks are queued and will be delivered in order once {name} recovers.",
    "Scheduled jobs can be started by hand from the dashboard while {name} is slow.",
)
INVESTIGATING = (
    "We are investigating reports that {symptom} in {region}.",
    "Our monitoring shows that {symptom} in {region}, starting at {clock} UTC.",
    "Since {clock} UTC, {symptom}; customers in {region} see the errors first.",
)
INVESTIGATING_MORE = (
    "We do not know the cause yet and are checking recent deploys and configuration changes.",
    "Data already stored is safe; only new requests are affected.",
    "Our on-call engineers have ruled out the network between our regions.",
    "We have added capacity while we look for the cause.",
    "Customers using the {name} integration see the same errors in their own logs.",
)
IDENTIFIED = (
    "We have found the cause and are rolling out a fix to {region}.",
    "The cause is known: {cause_lower} We are reverting the change region by region.",
    "We have isolated the faulty release of {name} and are deploying the previous version.",
)
MONITORING = (
    "The fix is live in {region} and error rates for {name} are back to normal.",
    "{name} has recovered; we are watching error rates and queue lengths closely.",
    "Delayed work for {name} has been processed; we are checking the last {pct} jobs.",
)
RESOLVED = (
    "{name} has been working normally since {clock} UTC and every delayed job is processed.",
    "This incident is resolved: error rates for {name} stayed at their normal level for an hour.",
    "All requests to {name} succeed again and no data was lost.",
)
APOLOGIES_FIRST = (
    "We're sorry: {symptom}, and that blocks your work.",
    "We apologize: {symptom} and your users may see errors.",
    "We're sorry that {name} is failing for you right now.",
)
APOLOGIES_LAST = (
    "We're sorry for the {duration} during which {name} failed you.",
    "We apologize for the failed requests to {name} during this incident.",
    "We're sorry that your work with {name} was disrupted for {duration}.",
)
THANKS = (
    "Thank you for your patience while we fixed {name}.",
    "Thanks to the customers who sent us request ids; they helped us find the cause.",
    "Thank you for bearing with us while {name} was degraded.",
)
FOLLOWUPS = (
    "We will publish a postmortem within five working days.",
    "A postmortem with the full timeline and what we are changing will follow this week.",
)
MAINTENANCE = (
    "We will upgrade {name} to a new major version with faster failover.",
    "We will move {name} to new hardware in {region}.",
    "We will rotate the encryption keys used by {name}.",
)
MAINTENANCE_EFFECT = (
    "During the window, {name} may reject writes for up to five minutes; reads keep working.",
    "Requests to {name} may be slower during the window; no downtime is expected.",
    "{name} will be read-only during the window.",
)
IDENTIFIED_MORE = (
    "Requests that failed can be retried safely; none of them were half applied.",
    "The change has been stopped from reaching any other region.",
    "We are checking every account that {name} touched during the incident.",
)
MONITORING_MORE = (
    "Error rates have been at their normal level for twenty minutes.",
    "Queued work is being processed in the order it arrived.",
    "We are keeping the extra capacity in place while we watch.",
)
RESOLVED_MORE = (
    "Requests that failed during the incident can be sent again.",
    "Delayed messages were delivered in the order they were sent.",
)
ACTION_ITEMS = (
    "Roll configuration changes for {name} out region by region with automatic rollback",
    "Alert when {name} error rates exceed 2% for five minutes",
    "Add a load test of {name} at twice peak traffic to every release",
    "Renew certificates for {name} 30 days before they expire, with an alert at 14 days",
    "Cap retries from internal workers to {name} at three per request",
    "Keep 40% free disk space on the {name} queue servers, enforced by an alert",
)
OWNERS = ("Platform team", "Data team", "Integrations team", "Reliability team", "Edge team")
POSTMORTEM_SECTIONS = (
    ("What happened", "{symptom_cap} in {region}. {detail}"),
    (
        "Impact",
        "For {duration}, customers of {name} saw failed or slow requests. No data was lost. "
        "We are sorry that your work with {name} was interrupted.",
    ),
    ("Root cause", "{cause} {detail}"),
    ("Resolution", "We reverted the change and confirmed recovery on every region."),
    ("What went well", "Monitoring caught the problem before most customers noticed it."),
    ("What went wrong", "Our rollout process sent the change to all regions at once."),
    ("What we are changing", "The action items above change how we roll out and watch {name}."),
)


@dataclass(frozen=True)
class Slots:
    """The facts one incident's sentences are filled with."""

    name: str
    symptom: str
    region: str
    cause: str
    pct: int
    secs: int
    mins: int

    def fill(self, template: str, **extra: str) -> str:
        return template.format(
            name=self.name,
            symptom=self.symptom,
            region=self.region,
            cause=self.cause,
            cause_lower=_lower_first(self.cause),
            pct=self.pct,
            secs=self.secs,
            mins=self.mins,
            symptom_cap=_upper_first(self.symptom),
            **extra,
        )


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def slots(rng: random.Random, name: str, clock: str) -> tuple[str, Slots]:
    """A title and the facts for one incident on the component called `name`."""
    heading, symptom = rng.choice(SYMPTOMS)
    pct, secs, mins = rng.randint(3, 60), rng.randint(4, 30), rng.randint(10, 90)
    filled = symptom.format(name=name, pct=pct, secs=secs, mins=mins, clock=clock)
    cause = rng.choice(CAUSES).format(name=name)
    facts = Slots(
        name=name,
        symptom=filled,
        region=rng.choice(REGIONS),
        cause=cause,
        pct=pct,
        secs=secs,
        mins=mins,
    )
    preposition = "in" if name.endswith("region") else "for"
    return f"{heading} {preposition} {name}", facts


STATUS_TEXT = {  # status -> (opening sentences, follow-up sentences)
    "investigating": (INVESTIGATING, INVESTIGATING_MORE),
    "identified": (IDENTIFIED, IDENTIFIED_MORE),
    "monitoring": (MONITORING, MONITORING_MORE),
    "resolved": (RESOLVED, RESOLVED_MORE),
}


def paragraph(rng: random.Random, facts: Slots, status: str, extra: int, clock: str) -> str:
    """One opening sentence for the status and up to `extra` distinct follow-ups."""
    openers, followups = STATUS_TEXT[status]
    sentences = [facts.fill(rng.choice(openers), clock=clock)]
    sentences += [facts.fill(s) for s in rng.sample(followups, min(extra, len(followups)))]
    return " ".join(sentences)
