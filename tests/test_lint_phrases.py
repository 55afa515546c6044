"""Phrase rules on realistic status-page prose: what each must find, and good writing it must
leave alone (few false positives matter more than catching everything)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from statuspress.diagnostics import Diagnostic
from statuspress.lint.linter import run_lint
from statuspress.model import Component, Impact, Incident, Kind, Settings, Site, Update
from statuspress.model.types import ComponentState, Window

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)
SETTINGS = Settings(
    site_name="Acme Status",
    company="Acme",
    components=(
        Component("api", "API"),
        Component("dashboard", "Dashboard"),
        Component("webhooks", "Webhooks"),
        Component("auth", "Sign-in"),
        Component("payments", "Payments"),
    ),
)
INCIDENT_ID = "2026-11-22-test"


def at(minutes: float) -> datetime:
    """A time `minutes` after 09:00 UTC on the example day (negative: before)."""
    return datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc) + timedelta(minutes=minutes)


def make_update(
    minutes: float = 0,
    status: str = "investigating",
    body: str = "Dashboard pages take 10 seconds to load for every account.",
    *,
    impact: Impact = Impact.MINOR,
    components: dict[str, ComponentState] | None = None,
    next_in: float | None = 60,
    file: str | None = None,
    explicit: Sequence[str] = (),
    **fields: object,
) -> Update:
    """An update `minutes` after 09:00 whose body starts on line 10 of its file."""
    moment = at(minutes)
    name = file or f"{moment:%Y%m%dT%H%MZ}-{status}.md"
    lines = {
        "title": 2,
        "at": 3,
        "status": 4,
        "impact": 5,
        "components": 6,
        "eta": 7,
        "next_update": 8,
        "apology": 9,
        "cause": 9,
        "workaround": 9,
        "lint": 9,
    }
    return Update(
        incident_id=INCIDENT_ID,
        file=name,
        path=f"incidents/{INCIDENT_ID}/{name}",
        at=moment,
        status=status,
        title=str(fields.pop("title", "Dashboard pages loading slowly")),
        impact=impact,
        components={"dashboard": ComponentState.DEGRADED_PERFORMANCE}
        if components is None
        else components,
        body=body,
        next_update=moment + timedelta(minutes=next_in) if next_in is not None else None,
        explicit=frozenset({"at", "status", *explicit, *fields, "title"}),
        lines=lines,
        body_line=10,
        **fields,  # type: ignore[arg-type]
    )


def make_incident(*updates: Update, kind: Kind = Kind.INCIDENT, **fields: object) -> Incident:
    return Incident(
        id=INCIDENT_ID, kind=kind, path=f"incidents/{INCIDENT_ID}", updates=tuple(updates), **fields
    )  # type: ignore[arg-type]


def lint(
    *incidents: Incident, now: datetime = NOW, settings: Settings = SETTINGS
) -> list[Diagnostic]:
    return run_lint(Site(settings, tuple(incidents)), now)


def rules(*incidents: Incident, now: datetime = NOW, settings: Settings = SETTINGS) -> set[str]:
    return {d.rule for d in lint(*incidents, now=now, settings=settings)}


def opened() -> Update:
    """A clean first update at 09:00 of a minor incident that began at 08:50."""
    return make_update(0, started=at(-10), explicit=("title", "impact", "components"))


def text_findings(
    text: str, field: str = "body", *, status: str = "identified", **fields: object
) -> list[Diagnostic]:
    """Findings for `text` in the `field` of the second update of an open minor incident."""
    values: dict[str, object] = {"body": "We are rolling out the fix region by region."}
    values[field] = text
    body = str(values.pop("body"))
    second = make_update(30, status, body, **values, **fields)  # type: ignore[arg-type]
    return lint(make_incident(opened(), second))


def found(text: str, field: str = "body", **fields: object) -> set[str]:
    return {d.rule for d in text_findings(text, field, **fields)}


def case_ids(cases: Sequence[str]) -> list[str]:
    return [c[:40] for c in cases]


BAD: dict[str, list[str]] = {
    "rote-apology": [
        "We apologize for any inconvenience.",
        "We apologise for any inconvenience this may have caused.",
        "We sincerely apologize for any inconvenience caused by this outage.",
        "Apologies for any inconvenience.",
        "We are sorry for any trouble this may have caused.",
        "We regret any inconvenience this may have caused.",
        "Thank you for your patience, and we apologize for the inconvenience.",
        "We apologize for any disruption this may have caused to your service.",
        "We're sorry for any issues this may have caused.",
        "We understand the inconvenience this may have caused and apologize.",
        "Sorry for the\ninconvenience.",
        "We apologize for the disruption, and thank you for your patience.",
        "Sorry for the trouble.",
        "We would like to apologize for any negative effect this has had on your deliveries.",
    ],
    "generic-statement": [
        "We take the reliability of our platform very seriously.",
        "We take this seriously.",
        "Our engineers are working hard to resolve the issue.",
        "The team is working diligently on a fix.",
        "We are working around the clock to restore service.",
        "Out of an abundance of caution, we have paused deployments.",
        "The vast majority of customers are not affected.",
        "Rest assured that your data is safe.",
        "Please be advised that the dashboard may be slow.",
        "We regret to inform you that scheduled exports failed last night.",
        "Your business is important to us.",
        "We take the security of our customers' data extremely seriously.",
        "We are doing everything we can to restore service.",
        "Restoring the API is our top priority.",
    ],
    "vague-scope": [
        "Some users are experiencing issues.",
        "We are aware that a small number of customers are affected.",
        "Some Cloud customers across multiple products are affected.",
        "A few active customers reported problems.",
        "Some customers may be affected since the 1st of the month.",
        "Users may be experiencing issues with our service.",
        "A few customers have reported slow page loads.",
        "We are investigating reports of errors for some of our customers.",
        "Customers may be experiencing intermittent errors.",
        "Some customers are experiencing issues with our service.",
        "We are experiencing issues.",
    ],
    "vendor-blame": [
        "This outage was caused by a third-party provider.",
        "The issue is due to an upstream provider outage.",
        "Due to an issue with our cloud provider, requests to the API fail.",
        "This was outside of our control.",
        "The outage was beyond our control.",
        "This is not our fault: the DNS service we use is down.",
        "The problem is on our provider's side.",
        "Our payment provider is responsible for the declined cards.",
        "The provider was at fault for the declined cards.",
        "Our partner is solely responsible for the delay.",
        "The delay stems from our e-mail vendor.",
        "This was caused by an outage at AWS.",
        "Sign-in fails due to an outage at Auth0.",
        "Due to a problem with one of our upstream providers, calls to the API fail.",
    ],
    "person-blame": [
        "The outage was caused by human error.",
        "An engineer accidentally deleted the production database.",
        "One of our engineers forgot to renew the certificate.",
        "Someone made a mistake while editing the configuration.",
        "An operator error during maintenance took the cluster offline.",
        "Thanks to @jsmith for the quick fix.",
        "Contact john.doe@acme.example for details about your refund.",
        "A developer mistakenly pushed the wrong configuration.",
        "Our on-call engineer ignored the first alert.",
    ],
    "evasive-apology": [
        "Mistakes were made.",
        "We regret if this caused you any trouble.",
        "We apologize if you were affected.",
        "Sorry if you were inconvenienced.",
        "If you were inconvenienced by the delay, please accept our apologies.",
        "We apologize to anyone who may have been affected.",
        "We're sorry if your integrations failed.",
        "We regret that some customers may have been impacted.",
    ],
    "exclamation": [
        "Service is fully restored!",
        "Good news! The fix is live in every region.",
        "This was a disaster for many of you, and we are sorry.",
        "The migration turned into a nightmare for the dashboard.",
        "Ridiculous as it sounds, a single flag disabled sign-in.",
    ],
    "eta-in-text": [
        "We expect this to be fixed in 10 minutes.",
        "The API should be back shortly.",
        "This should be resolved soon.",
        "We expect to restore service within the next hour.",
        "The dashboard will be back up in about 30 minutes.",
        "We hope to have this resolved by 15:00 UTC.",
        "Service will be restored momentarily.",
        "A fix should be in place soon.",
        "Sign-in will be working again within 2 hours.",
        "We expect to have this resolved within the hour.",
        "We anticipate full resolution within 2 hours.",
        "ETA: 15:30 UTC.",
        "Estimated time for the backlog to fully clear: ~35 minutes.",
        "Expected resolution: within the next 30 minutes.",
    ],
    "internal-detail": [
        "Requests to db-prod-03 timed out.",
        "The primary at 10.0.3.17 stopped accepting connections.",
        "We restarted api-7.eu-west-1.compute.internal after it ran out of memory.",
        "Errors: java.lang.NullPointerException at com.acme.Billing(Billing.java:42)",
        'Traceback (most recent call last):\n  File "app.py", line 3',
        "The graphs on grafana.corp.acme.example show the spike.",
        "Run this to check:\n\n```\ncurl https://api.acme.example/health\n```",
        "The cache on redis-2.prod.acme.net filled up.",
        "Our fallback resolver at 2001:db8::53 answered slowly.",
        "Add 10.2.0.4 to your firewall allowlist.",
    ],
}

GOOD: dict[str, list[str]] = {
    "rote-apology": [
        "We're sorry: since 14:05 UTC you cannot sign in to the dashboard.",
        "We apologize for the failed payments this afternoon and the sales they cost you.",
        "We're sorry that webhooks were delayed for 40 minutes.",
        "We're sorry for the disruption to your checkout this morning.",
        "We apologize for the problems with exports since Monday: 3 in 10 failed.",
        "This was more than an inconvenience: your integrations stopped working, and we are sorry.",
        "We apologize to every customer whose invoices were sent twice this morning.",
        "The error page said `Sorry for any inconvenience`; it now links to this page.",
    ],
    "generic-statement": [
        "We are rolling back the 14:00 deploy region by region.",
        "Engineers are replacing the failed disk in the Frankfurt database cluster.",
        "Hard limits on request size are unchanged.",
        "The job queue keeps working; hard deadlines for exports move by one day.",
        "Data you stored before 14:05 UTC is safe: backups completed at 03:00 UTC.",
        "98% of API requests succeed; the rest fail with HTTP 503.",
        "Customers can work around the outage by using the API directly.",
        "Our first step is to move traffic to the EU region.",
    ],
    "vague-scope": [
        "Some customers in the EU region cannot sign in.",
        "Some users of the Dashboard see a blank page after signing in.",
        "Some customers using SAML single sign-on cannot log in.",
        "A subset of webhook deliveries, about 1 in 20, arrive late.",
        "Customers on the Enterprise plan are experiencing issues with exports.",
        "Some customers have asked whether data was lost: it was not.",
        "We are currently experiencing disruptions to logins and page loads.",
        "Users are experiencing errors when they upload files larger than 2 GB.",
        "A small number of customers, 14 accounts in total, were charged twice.",
        # what those affected cannot do says who they are
        "Some customers may be unable to log in.",
        "Certain customers are seeing errors when they save changes.",
        "A subset of users cannot open their invoices.",
        "A small number of users are reporting latency, including delays in sending messages.",
        "For some customers, images are not served from the cache.",
    ],
    "vendor-blame": [
        "Card payments fail because the certificate for our payment connection expired.",
        "We send e-mail through a second provider while we fix the first.",
        "We are working with our cloud provider to add capacity in the EU region.",
        "Payments through PayPal are not affected.",
        "We chose a single DNS provider and never tested failing over; that is on us.",
        "Due to the rollback, settings you changed after 14:00 UTC need to be saved again.",
        "Due to the outage, payments through Stripe failed for 20 minutes.",
        "We moved our DNS from Cloudflare to a second provider.",
    ],
    "person-blame": [
        "A configuration change reached all regions at once because our tooling allowed it.",
        "An engineer ran a routine command that our tooling should have blocked.",
        "Write to support@acme.example if a payment is still missing.",
        "Follow @AcmeStatus for updates.",
        "This was not human error: our deploy tool had no safety check.",
        "Our engineers have rolled the change back in every region.",
        "User error rates on the API are falling.",
        "Send questions to billing@acme.example.",
    ],
    "evasive-apology": [
        "If you were affected, retry the payment: no card was charged twice.",
        "We will contact customers who may have been affected by duplicate invoices.",
        "We're sorry: if you signed in between 10:00 and 10:20 UTC, sign in again.",
        "We will e-mail every customer who may have been affected by the duplicate invoices.",
        "We're sorry that the dashboard was down for 40 minutes.",
        "We made a mistake: we rolled the change out to every region at once.",
    ],
    "exclamation": [
        "![Error rates during the outage](errors.png)",
        "Our disaster recovery site took over at 14:10 UTC.",
        "Disaster-recovery drills continue as planned.",
        "The health check `status != ok` fired at 14:02 UTC.",
        '> A customer wrote: "Nothing works!"\n\nThat was the case for 12 minutes.',
    ],
    "eta-in-text": [
        "We will post another update in an hour.",
        "We'll be back with another update shortly.",
        "Please check back shortly for updates.",
        "Codes now arrive within 2 minutes.",
        "The API recovered within 5 minutes of the rollback.",
        "We will share more as soon as we have restored service.",
        "We are rolling back the change and will update you shortly.",
        "We are rolling back the change shortly.",
        "The postmortem will follow within five working days.",
        "We will post an ETA once the rollback is complete.",
        "Next update: in 30 minutes.",
        "Retries are safe: resolution of each request happens once.",
    ],
    "internal-detail": [
        "Payment links at pay.acme.example still work.",
        "Open app.acme.example/settings to rotate your key.",
        "PostgreSQL 17.2 now runs on every cluster.",
        "Version 2.14.1.3 of the SDK retries automatically.",
        "Our status page is at status.acme.example.",
        "Declined payments show the code `processing_error`.",
        "Node.js and Python clients are not affected.",
        "Requests failed between 14:05:00 and 14:07:30 UTC.",
        "The eu-west-1 region is not affected.",
        "The API returned 502 Bad Gateway to about 30% of calls.",
        "From 1 December, webhooks come from 52.94.12.10: add it to your firewall allowlist.",
        "The dashboard showed an Internal Server Error page.",
    ],
}


WELL_WRITTEN = [
    "Since 14:05 UTC, about 20% of card payments in the EU region fail with a timeout. "
    "Payments that fail are not charged; your customers can retry. We have found the cause, "
    "a database failover that did not complete, and are moving traffic to the healthy replica.",
    "We are investigating reports that sign-in with Google fails for accounts created before "
    "2024. Password sign-in works. We do not yet know the cause.",
    "The rollback finished in every region at 14:55 UTC. Error rates have been normal since; "
    "we are watching them for another hour before we close this incident.",
    "Scheduled exports that should have run at 02:00 UTC ran at 05:40 UTC instead. No data is "
    "missing. If your export is still missing, write to support@acme.example and we will send "
    "it by hand.",
    "We made a change to our load balancers at 13:50 UTC that sent traffic to servers that "
    "were not ready. We are reversing it now, one region at a time.",
    "Uploads larger than 100 MB fail with HTTP 413. Smaller uploads work. As a workaround, "
    "split large files or use the multipart API.",
    "We have restored service for customers in North America; Europe and Asia-Pacific follow next.",
    "Our monitoring shows that e-mail sent through Acme is delayed by up to 15 minutes. "
    "Messages are queued, not lost.",
    "- API: requests fail for about 1 in 10 calls\n- Dashboard: loads, but slowly\n"
    "- Webhooks: not affected",
    "We know this outage stopped your integrations for most of the afternoon, and we are "
    "sorry. Here is what we know so far.",
]


@pytest.mark.parametrize("text", WELL_WRITTEN, ids=[t[:40] for t in WELL_WRITTEN])
def test_well_written_updates_have_no_finding(text: str) -> None:
    assert [d.render() for d in text_findings(text)] == []


def test_a_well_written_resolution_has_no_finding() -> None:
    closing = make_update(
        40,
        "resolved",
        "Checkout works again since 15:12 UTC. We're sorry "
        "that it failed for 38 minutes: we know that cost you sales. Thank "
        "you for your patience; a postmortem follows by 28 November.",
        next_in=None,
    )
    assert [d.render() for d in lint(make_incident(opened(), closing))] == []


@pytest.mark.parametrize(
    ("rule", "text"),
    [(r, t) for r, ts in BAD.items() for t in ts],
    ids=[f"{r}:{t[:30]}" for r, ts in BAD.items() for t in ts],
)
def test_bad_writing_is_found(rule: str, text: str) -> None:
    assert rule in found(text)


@pytest.mark.parametrize(
    ("rule", "text"),
    [(r, t) for r, ts in GOOD.items() for t in ts],
    ids=[f"{r}:{t[:30]}" for r, ts in GOOD.items() for t in ts],
)
def test_good_writing_is_left_alone(rule: str, text: str) -> None:
    assert rule not in found(text)


@pytest.mark.parametrize(
    "text",
    [t for ts in GOOD.values() for t in ts],
    ids=[t[:40] for ts in GOOD.values() for t in ts],
)
def test_good_writing_has_no_finding_at_all(text: str) -> None:
    # With one fact beside it, so that an update about updates still says something.
    news = f"{text}\n\nAbout 5% of API requests fail with HTTP 503."
    assert [d.render() for d in text_findings(news)] == []


def test_phrases_are_found_in_every_public_field() -> None:
    for field in ("apology", "cause", "workaround"):
        assert "rote-apology" in found("We apologize for any inconvenience.", field)
    assert "exclamation" in found("API down!", "title")


def test_code_spans_fences_and_block_quotes_are_ignored_by_phrase_rules() -> None:
    quoted = (
        '> Customer: "some users are experiencing issues, we apologize for any '
        'inconvenience"\n\nWe have contacted the 3 affected accounts.'
    )
    assert found(quoted) == set()
    fenced = "Status:\n\n~~~\nwe apologize for any inconvenience\n~~~"
    assert found(fenced) == {"internal-detail"}  # the code block itself, not the phrase


def test_a_finding_quotes_the_phrase_and_points_at_its_line() -> None:
    text = "The API is slow.\n\nWe sincerely apologize for\nany inconvenience."
    [finding] = text_findings(text)
    assert finding.render() == (
        f"incidents/{INCIDENT_ID}/20261122T0930Z-identified.md:12: error[rote-apology]: "
        "'apologize for any inconvenience' is a rote apology: it names no harm\n"
        "  hint: apologize for the actual harm, e.g. \"We're sorry: since 14:05 UTC you "
        'cannot sign in to the dashboard."'
    )


def test_a_field_finding_points_at_its_key() -> None:
    [finding] = text_findings("Rest assured, we are on it.", "workaround")
    assert (finding.line, finding.rule) == (9, "generic-statement")


def test_curly_apostrophes_match_like_straight_ones() -> None:
    assert "evasive-apology" in found("We\u2019re sorry if your exports failed.")
    assert "eta-in-text" not in found("We\u2019ll be back with another update shortly.")


def test_eta_in_text_accepts_a_time_that_restates_the_eta_field() -> None:
    text = "We expect every region to be back by 15:30 UTC."
    assert "eta-in-text" in found(text)
    assert "eta-in-text" not in found(text, eta=at(390))
    assert "eta-in-text" in found("The API should be back shortly.", eta=at(390))


def test_eta_in_text_skips_resolutions_and_maintenance() -> None:
    closing = make_update(
        40,
        "resolved",
        "The API should be back shortly after caches refill.",
        next_in=None,
        apology="We're sorry for the slow API.",
    )
    assert "eta-in-text" not in rules(make_incident(opened(), closing))
    window = Window(at(60), at(120))
    planned = make_update(
        0,
        "scheduled",
        "The upgrade will be completed within 30 minutes.",
        next_in=None,
        window=window,
        components={"api": ComponentState.UNDER_MAINTENANCE},
    )
    assert "eta-in-text" not in rules(make_incident(planned, kind=Kind.MAINTENANCE))


def test_vague_scope_counts_a_configured_component_as_specific() -> None:
    assert "vague-scope" not in found("Some customers cannot receive Webhooks right now.")
    other = replace(SETTINGS, components=(Component("search", "Search"),))
    second = make_update(
        30,
        "identified",
        "Some customers cannot use search.",
        components={"search": ComponentState.DEGRADED_PERFORMANCE},
    )
    first = make_update(0, components={"search": ComponentState.DEGRADED_PERFORMANCE})
    assert "vague-scope" not in rules(make_incident(first, second), settings=other)


def test_person_blame_is_an_error_in_postmortems_only() -> None:
    [update_finding] = text_findings("The outage was caused by human error.")
    assert update_finding.severity.value == "warning"


PHRASES = {
    name: value
    for module in ("patterns", "phrases")
    for name, value in vars(__import__(f"statuspress.lint.rules.{module}", fromlist=["x"])).items()
    if type(value).__name__ == "Phrase"
}


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_every_text_a_phrase_matches_passes_its_word_gate(name: str) -> None:
    """A phrase's regex runs only on texts with one of its gate's words: a text it would match
    without one would never be found. Texts are generated from the regex itself."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from statuspress.lint.rules.patterns import words_of

    phrase = PHRASES[name]

    @settings(
        max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(st.from_regex(phrase.pattern))
    def gate_lets_it_through(text: str) -> None:
        if phrase.pattern.search(text):
            assert phrase.may_match(words_of(text)), text

    gate_lets_it_through()


@pytest.mark.parametrize("name", sorted(PHRASES))
def test_every_gate_word_is_one_a_text_can_have(name: str) -> None:
    """Texts are split into runs of letters (and ':' and '!'): a gate word with a digit or a
    hyphen ("auth0") would never be among a text's words."""
    from statuspress.lint.rules.patterns import words_of

    for keys, also in PHRASES[name].gates:
        for word in keys | also:
            assert words_of(word) == {word}, word
