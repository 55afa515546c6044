"""Timing, content, resolution and postmortem rules: each found when it should be, quiet when
the writing is good, and timing findings only for incidents that are still open."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from statuspress.lint.rules import RULES
from statuspress.model import ActionItem, Impact, Incident, Kind, Postmortem, Update
from statuspress.model.types import ComponentState, Window
from test_lint_phrases import (
    INCIDENT_ID,
    NOW,
    SETTINGS,
    at,
    found,
    lint,
    make_incident,
    make_update,
    opened,
    rules,
)

MAJOR = {"impact": Impact.MAJOR, "components": {"webhooks": ComponentState.PARTIAL_OUTAGE}}
SORRY = "We're sorry: webhook events reach your endpoints up to 40 minutes late."


def major(
    minutes: float,
    status: str = "investigating",
    body: str = "Webhook events are delivered up to 40 minutes late; none are lost.",
    **fields: object,
) -> Update:
    values = {**MAJOR, "next_in": 30, **fields}
    return make_update(minutes, status, body, **values)  # type: ignore[arg-type]


def major_first(**fields: object) -> Update:
    values = {"started": at(-10), "apology": SORRY, **fields}
    return major(0, **values)


# --- timing: next-update-missing, update-overdue, promise-broken --------------------------


def test_next_update_missing_judges_the_latest_update_of_an_open_incident() -> None:
    silent = make_update(30, "identified", "We found the slow query.", next_in=None)
    [finding] = [
        d for d in lint(make_incident(opened(), silent)) if d.rule == "next-update-missing"
    ]
    assert (finding.path.endswith("0930Z-identified.md"), finding.line) == (True, 4)
    assert finding.severity.value == "error"
    earlier_silent = make_update(0, started=at(-10), next_in=None)
    later = make_update(30, "identified", "We found the slow query.")
    assert "next-update-missing" not in rules(make_incident(earlier_silent, later))


def test_closed_incidents_and_maintenance_need_no_next_update() -> None:
    silent = make_update(0, started=at(-10), next_in=None)
    closing = make_update(
        30, "resolved", "Pages load in one second again. Thank you.", next_in=None
    )
    assert "next-update-missing" not in rules(make_incident(silent, closing))
    window = Window(at(300), at(360))
    planned = make_update(
        0,
        "scheduled",
        "We will upgrade the API.",
        next_in=None,
        window=window,
        components={"api": ComponentState.UNDER_MAINTENANCE},
    )
    assert rules(make_incident(planned, kind=Kind.MAINTENANCE)) == set()


def test_update_overdue_after_the_promise_and_the_grace() -> None:
    incident = make_incident(make_update(0, started=at(-10), next_in=30))
    assert "update-overdue" not in rules(incident, now=at(35))
    assert "update-overdue" in rules(incident, now=at(35.5))
    [finding] = [d for d in lint(incident, now=at(50)) if d.rule == "update-overdue"]
    assert finding.message == (
        "the next update was promised for 2026-11-22 09:30 UTC and is 20 min overdue"
    )
    assert finding.line == 8


def test_update_overdue_is_not_reported_once_the_incident_is_resolved() -> None:
    closing = make_update(
        90, "resolved", "Pages are fast again. Thank you for your patience.", next_in=None
    )
    incident = make_incident(make_update(0, started=at(-10), next_in=30), closing)
    assert "update-overdue" in rules(incident, now=at(89))
    assert "update-overdue" not in rules(incident, now=at(91))


def test_promise_broken_on_an_open_incident_only() -> None:
    late = make_update(66, "identified", "We found the slow query.")
    incident = make_incident(opened(), late)
    [finding] = [d for d in lint(incident, now=at(70)) if d.rule == "promise-broken"]
    assert finding.message == (
        "this update came 6 min after the 2026-11-22 10:00 UTC the previous update promised"
    )
    on_time = make_update(65, "identified", "We found the slow query.")
    assert "promise-broken" not in rules(make_incident(opened(), on_time), now=at(70))
    closed = make_incident(
        opened(), late, make_update(90, "resolved", "Fast again. Thanks.", next_in=None)
    )
    assert "promise-broken" not in rules(closed, now=at(100))


def test_updates_after_the_clock_do_not_count_yet() -> None:
    """At 09:40 the 09:45 update is not published: the incident is open and 09:00 promised
    10:00, so nothing is overdue; the future update's text is still linted."""
    later = make_update(45, "resolved", "All fixed! Thank you.", next_in=None)
    found_rules = rules(make_incident(opened(), later), now=at(40))
    assert found_rules == {"exclamation"}


# --- timing: acknowledgement, cadence, ETA, maintenance -----------------------------------


def test_slow_acknowledgement_limits_by_impact() -> None:
    for impact, limit in (
        (Impact.CRITICAL, 10),
        (Impact.MAJOR, 15),
        (Impact.MINOR, 30),
        (Impact.NONE, 30),
    ):
        on_time = make_update(0, started=at(-limit), impact=impact, next_in=20, apology=SORRY)
        late = make_update(0, started=at(-limit - 1), impact=impact, next_in=20, apology=SORRY)
        assert "slow-acknowledgement" not in rules(make_incident(on_time)), impact
        assert "slow-acknowledgement" in rules(make_incident(late)), impact


def test_slow_acknowledgement_needs_started() -> None:
    assert "slow-acknowledgement" not in rules(make_incident(make_update(0)))


def test_cadence_gap_per_impact_and_status() -> None:
    assert "cadence-gap" in rules(make_incident(major_first(next_in=31)))
    assert "cadence-gap" not in rules(make_incident(major_first(next_in=30)))
    monitoring = major(
        20, "monitoring", "Deliveries are on time again; we are watching.", next_in=60
    )
    assert "cadence-gap" not in rules(make_incident(major_first(), monitoring), now=at(25))
    critical = make_update(0, started=at(-5), impact=Impact.CRITICAL, next_in=30, apology=SORRY)
    assert "cadence-gap" in rules(make_incident(critical), now=at(5))


def test_cadence_relaxes_after_two_hours() -> None:
    first = major_first(next_in=30)
    steps = [major(25 * n, "identified", "Rolling back region by region.") for n in range(1, 5)]
    after_two_hours = major(115, "identified", "Rolling back region by region.", next_in=60)
    incident = make_incident(first, *steps, after_two_hours)
    assert "cadence-gap" not in rules(incident, now=at(120))
    too_far = major(115, "identified", "Rolling back region by region.", next_in=61)
    assert "cadence-gap" in rules(make_incident(first, *steps, too_far), now=at(120))


def test_eta_while_investigating() -> None:
    guess = make_update(0, started=at(-10), eta=at(60))
    assert "eta-while-investigating" in rules(make_incident(guess))
    unknown = make_update(0, started=at(-10), eta="unknown")
    assert "eta-while-investigating" not in rules(make_incident(unknown))
    identified = make_update(30, "identified", "We found the cause.", eta=at(90))
    assert "eta-while-investigating" not in rules(make_incident(opened(), identified))


def maintenance(*later: tuple[float, str]) -> Incident:
    window = Window(at(60), at(120))
    planned = make_update(
        0,
        "scheduled",
        "We will upgrade the database.",
        next_in=None,
        window=window,
        components={"api": ComponentState.UNDER_MAINTENANCE},
    )
    updates = [
        make_update(
            m,
            s,
            "The upgrade is under way.",
            next_in=None,
            window=window,
            components={"api": ComponentState.UNDER_MAINTENANCE},
        )
        for m, s in later
    ]
    return make_incident(planned, *updates, kind=Kind.MAINTENANCE)


def test_maintenance_overrun_once_the_window_has_ended() -> None:
    assert "maintenance-overrun" not in rules(maintenance((60, "in_progress")), now=at(119))
    assert "maintenance-overrun" in rules(maintenance((60, "in_progress")), now=at(121))
    assert "maintenance-overrun" in rules(maintenance(), now=at(121))
    done = maintenance((60, "in_progress"), (110, "completed"))
    assert "maintenance-overrun" not in rules(done, now=at(200))


# --- content ------------------------------------------------------------------------------


def test_apology_missing_on_the_first_update_of_a_major_incident() -> None:
    assert "apology-missing" in rules(make_incident(major_first(apology=None)))
    in_text = major_first(apology=None, body="We're sorry: webhooks arrive 40 minutes late.")
    assert "apology-missing" not in rules(make_incident(in_text))
    assert "apology-missing" not in rules(make_incident(major_first()))
    assert "apology-missing" not in rules(make_incident(opened()))  # minor


def test_cause_too_long() -> None:
    long_cause = " ".join(["word"] * 41)
    assert "cause-too-long" in found("Rolling back.", cause=long_cause)
    three = "A deploy changed routing. Traffic went to new servers. They were not ready."
    assert "cause-too-long" in found("Rolling back.", cause=three)
    two = (
        "A routing change, e.g. the one at 14:00 UTC, reached all regions at once. It sent "
        "traffic to servers that were not ready."
    )
    assert "cause-too-long" not in found("Rolling back.", cause=two)


def test_impact_missing_on_a_first_update_without_components_or_text() -> None:
    bare = make_update(0, started=at(-10), components={})
    assert "impact-missing" in rules(make_incident(bare))
    empty = make_update(0, started=at(-10), body="")
    assert "impact-missing" in rules(make_incident(empty))
    assert "impact-missing" not in rules(make_incident(opened()))


def test_resolution_incomplete_without_apology_or_thanks() -> None:
    bare = make_update(40, "resolved", "The dashboard is fast again.", next_in=None)
    assert "resolution-incomplete" in rules(make_incident(opened(), bare))
    for text in (
        "The dashboard is fast again. Thank you for your patience.",
        "The dashboard is fast again. We're sorry for the slow morning.",
        "The dashboard is fast again. We appreciate your patience.",
    ):
        good = make_update(40, "resolved", text, next_in=None)
        assert "resolution-incomplete" not in rules(make_incident(opened(), good)), text
    none = make_update(0, started=at(-10), impact=Impact.NONE)
    bare_none = make_update(
        40, "resolved", "Backups are on time again.", next_in=None, impact=Impact.NONE
    )
    assert "resolution-incomplete" not in rules(make_incident(none, bare_none))


def test_followup_missing_on_a_major_resolution() -> None:
    closing = major(
        25, "resolved", "Webhooks are on time again. Thank you for your patience.", next_in=None
    )
    assert "followup-missing" in rules(make_incident(major_first(), closing))
    promised = major(
        25,
        "resolved",
        "Webhooks are on time again. We will publish a postmortem by 24 November.",
        next_in=None,
    )
    assert "followup-missing" not in rules(make_incident(major_first(), promised))
    report = major(
        25,
        "resolved",
        "Webhooks are on time again. A full incident report follows this week.",
        next_in=None,
    )
    assert "followup-missing" not in rules(make_incident(major_first(), report))
    written = make_incident(major_first(), closing, postmortem=postmortem())
    assert "followup-missing" not in rules(written)


# --- postmortems ----------------------------------------------------------------------------

BODY = (
    "## What happened\n\nWebhooks were late.\n\n## Root cause\n\nA worker update.\n\n"
    "## What we are changing\n\nThe action items above.\n"
)


def postmortem(**fields: object) -> Postmortem:
    values: dict[str, object] = {
        "incident_id": INCIDENT_ID,
        "path": f"incidents/{INCIDENT_ID}/postmortem.md",
        "title": "Postmortem",
        "published": at(60 * 24),
        "authors": ("Integrations team",),
        "summary": "For 40 minutes, webhooks were late.",
        "action_items": (
            ActionItem(
                "Alert when delivery lag passes 5 minutes",
                "Integrations team",
                date(2026, 12, 1),
                "open",
                7,
            ),
        ),
        "body": BODY,
        "lines": {"summary": 4, "action_items": 5},
        "body_line": 12,
    }
    values.update(fields)
    return Postmortem(**values)  # type: ignore[arg-type]


def closed_major(**fields: object) -> Incident:
    closing = major(25, "resolved", "On time again. Thank you. A postmortem follows.", next_in=None)
    return make_incident(major_first(), closing, **fields)


def test_postmortem_missing_after_the_due_days() -> None:
    incident = closed_major()
    assert "postmortem-missing" not in rules(incident, now=at(25) + timedelta(days=7))
    assert "postmortem-missing" in rules(incident, now=at(26) + timedelta(days=7))
    assert "postmortem-missing" not in rules(
        closed_major(postmortem=postmortem()), now=NOW + timedelta(days=30)
    )


def test_postmortem_incomplete_by_meaning_and_a_warning() -> None:
    assert "postmortem-incomplete" not in rules(closed_major(postmortem=postmortem()))
    # A summary and action items are welcome, not required: the parts count wherever they are.
    whole = postmortem(summary=None, action_items=())
    assert "postmortem-incomplete" not in rules(closed_major(postmortem=whole))
    thin = postmortem(body="Webhooks were late for 40 minutes.", action_items=())
    [finding] = [
        d for d in lint(closed_major(postmortem=thin)) if d.rule == "postmortem-incomplete"
    ]
    assert finding.severity.value == "warning"
    assert finding.message == (
        "the postmortem does not say why it happened (no root cause, and no sentence such as "
        "'caused by'), what changes (no action items, and no sentence such as 'we will add')"
    )
    assert finding.line == 12
    # Action items are what changes; a sentence gives the cause.
    with_items = postmortem(body="Webhooks were late because a queue filled up.")
    assert "postmortem-incomplete" not in rules(closed_major(postmortem=with_items))
    empty = postmortem(summary=None, body="", action_items=())
    [finding] = [
        d for d in lint(closed_major(postmortem=empty)) if d.rule == "postmortem-incomplete"
    ]
    assert (finding.severity.value, finding.message) == ("error", "the postmortem has no text")


def test_postmortem_sections_are_recognised_under_their_usual_names() -> None:
    for body in (
        "## What We've Done\n\nWebhooks failed. The cause was a full queue. We added an alert.",
        "## Moving Forward\n\nWebhooks failed because a bad deploy reached every region.",
        "## Plans for the future\n\nDeliveries were delayed due to a full disk.",
        "## Future Measures\n\nAn outage was caused by a bad certificate.",
    ):
        pm = postmortem(body=body, action_items=())
        assert "postmortem-incomplete" not in rules(closed_major(postmortem=pm)), body
    prose = (
        "For 40 minutes webhooks were delayed. A full disk on the queue caused it. We have "
        "added an alert at 80% disk use and will move the queue to larger disks."
    )
    pm = postmortem(body=prose, action_items=())
    assert "postmortem-incomplete" not in rules(closed_major(postmortem=pm))


def test_postmortem_sections_accept_common_headings() -> None:
    body = "Timeline\n========\n\n### Contributing factors\n\n## Preventing a repeat\n"
    assert "postmortem-incomplete" not in rules(closed_major(postmortem=postmortem(body=body)))


def item(
    what: str,
    owner: str | None = "Platform team",
    due: date | None = date(2027, 1, 1),
    status: str = "open",
) -> ActionItem:
    return ActionItem(what, owner, due, status, 9)


def item_rules(*items: ActionItem) -> set[str]:
    return rules(closed_major(postmortem=postmortem(action_items=items)))


def test_action_item_owner_is_opt_in() -> None:
    assert "action-item-owner" not in item_rules(item("Alert at 2% errors", owner=None))
    assert RULES["action-item-owner"].level == "off"
    on = replace(SETTINGS, lint={"action-item-owner": "warning"})
    incident = closed_major(postmortem=postmortem(action_items=(item("Alert", owner=" "),)))
    assert "action-item-owner" in rules(incident, settings=on)
    owned = closed_major(postmortem=postmortem(action_items=(item("Alert at 2% errors"),)))
    assert "action-item-owner" not in rules(owned, settings=on)


def test_action_item_vague() -> None:
    for what in (
        "Improve monitoring",
        "Investigate the root cause",
        "Look into retries",
        "Review the deployment process",
        "Ensure better alerting",
        "Monitor the queue",
    ):
        assert "action-item-vague" in item_rules(item(what)), what
    for what in (
        "Improve alerting so a failed renewal pages on-call",
        "Review every certificate's expiry date each week",
        "Monitor delivery lag and alert when it passes 5 minutes",
        "Roll configuration changes out region by region",
        "Add a readiness check to the configuration validator",
    ):
        assert "action-item-vague" not in item_rules(item(what)), what


def test_action_item_people() -> None:
    for what in (
        "Train engineers on the new runbook",
        "Remind the team to double-check configuration",
        "Engineers must be more careful with deploys",
        "Hold an awareness session for on-call staff",
        "Re-train the support team",
    ):
        assert "action-item-people" in item_rules(item(what)), what
    for what in (
        "Block deploys that change every region at once",
        "Train the fraud model on last year's declines",
        "Add a second reviewer to configuration changes, enforced by CI",
    ):
        assert "action-item-people" not in item_rules(item(what)), what


def test_action_item_overdue() -> None:
    assert "action-item-overdue" in item_rules(item("Alert at 2%", due=date(2026, 11, 21)))
    assert "action-item-overdue" not in item_rules(item("Alert at 2%", due=date(2026, 11, 22)))
    done = item("Alert at 2%", due=date(2026, 1, 1), status="done")
    assert "action-item-overdue" not in item_rules(done)
    assert "action-item-overdue" not in item_rules(item("Alert at 2%", due=None))


def test_person_blame_and_leaks_in_postmortems() -> None:
    body = BODY + "\nAn engineer forgot to renew the certificate on db-prod-03.\n"
    found_rules = {d.rule: d for d in lint(closed_major(postmortem=postmortem(body=body)))}
    assert found_rules["person-blame"].severity.value == "error"
    assert found_rules["person-blame"].line == 12 + body.count("\n", 0, body.index("An eng"))
    assert found_rules["internal-detail"].severity.value == "warning"


# --- levels, suppression, registry ----------------------------------------------------------


def test_every_rule_has_an_id_level_reason_and_advice() -> None:
    for rule_id, rule in RULES.items():
        assert rule.id == rule_id and rule_id == rule_id.lower()
        assert rule.level in ("error", "warning", "off")
        assert rule.summary
        assert rule.reason.endswith(".")
        assert rule.advice and not rule.advice.endswith(".")
        assert "(" in rule.reason, f"{rule_id}: say where the reason comes from"
