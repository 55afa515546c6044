"""The classes real incident text showed: every text rule on every public text, rules that
decide by meaning rather than by punctuation or fixed headings, and the rules added for
patterns the old ones missed. Each test has a text the rule must flag and one it must let
through."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from statuspress.lint.linter import history_findings
from statuspress.model import ActionItem, Impact, Site
from statuspress.model.types import ComponentState
from test_lint_phrases import (
    SETTINGS,
    at,
    found,
    lint,
    make_incident,
    make_update,
    opened,
    rules,
    text_findings,
)
from test_lint_rules import closed_major, major, major_first, postmortem


def postmortem_findings(**fields: object) -> dict[str, list[int]]:
    """rule -> lines of its findings in the postmortem of a closed major incident."""
    result: dict[str, list[int]] = {}
    for d in lint(closed_major(postmortem=postmortem(**fields))):
        if d.path.endswith("postmortem.md"):
            result.setdefault(d.rule, []).append(d.line)
    return result


# --- every text rule on every public text ---------------------------------------------------


def test_phrase_rules_judge_postmortem_bodies_summaries_and_action_items() -> None:
    body = postmortem().body + "\n\nWe deeply apologize for any inconvenience caused."
    assert "rote-apology" in postmortem_findings(body=body)
    summary = "Due to an outage at our hosting provider, webhooks were late for 40 minutes."
    assert postmortem_findings(summary=summary)["vendor-blame"] == [4]
    item = ActionItem("Rest assured, we are taking the necessary steps", "Ops", None, "open", 9)
    assert set(postmortem_findings(action_items=(item,))["generic-statement"]) == {9}


# --- rote-apology by the words -------------------------------------------------------------


def test_a_stock_apology_is_rote_whatever_punctuation_follows_it() -> None:
    for text in (
        "Sorry for the trouble here.",
        "Sorry for the trouble here, we are on it.",
        "Our sincerest apologies for the trouble.",
        "We apologize for the trouble and thank you for your patience.",
    ):
        assert "rote-apology" in found(text), text
    assert "rote-apology" not in found("We are sorry for the trouble with file uploads today.")


def test_only_the_inconvenience_apology_is_an_error() -> None:
    def rote(text: str) -> str:
        [finding] = [d for d in text_findings(text) if d.rule == "rote-apology"]
        return finding.severity.value

    assert rote("We apologize for any inconvenience.") == "error"
    assert rote("Sorry for the trouble.") == "warning"


# --- vendor-blame ---------------------------------------------------------------------------


def test_vendor_blame_finds_a_provider_named_as_the_cause_within_the_sentence() -> None:
    for text in (
        "This was the result of an outage affecting one of our service providers.",
        "The root cause was a service issue in our service provider's infrastructure.",
        "A 3rd party service component crashed, causing errors for checkout.",
        "Our billing vendor is experiencing an interruption which is impacting invoices.",
    ):
        assert "vendor-blame" in found(text), text
    for text in (
        "We are working with our provider to add capacity for affected customers.",
        "Due to the outage, payments through Stripe failed for 20 minutes.",
        "We moved e-mail to a second provider; messages go out again.",
    ):
        assert "vendor-blame" not in found(text), text


def test_the_sites_own_company_is_never_a_vendor() -> None:
    text = "Builds failed due to an outage at Heroku."
    assert "vendor-blame" in found(text)
    heroku = replace(SETTINGS, company="Heroku", site_name="Heroku Status")
    update = make_update(30, "identified", text)
    assert "vendor-blame" not in rules(make_incident(opened(), update), settings=heroku)


# --- vague-scope ----------------------------------------------------------------------------


def test_vague_scope_reports_a_sentence_once_and_dates_are_not_numbers() -> None:
    twice = "Some users and some customers are experiencing issues."
    assert [d.rule for d in text_findings(twice)].count("vague-scope") == 1
    assert "vague-scope" in found("Some customers have been affected since the 1st of the month.")
    assert "vague-scope" in found("Few active customers reported problems on 12 March.")
    assert "vague-scope" not in found("Some customers, 14 accounts in all, were charged twice.")


def test_saying_what_people_cannot_do_says_who_is_affected() -> None:
    for text in (
        "A small number of users are reporting latency, including delays in sending messages.",
        "Some users may see errors when loading channels.",
        "Some customers are unable to export reports.",
    ):
        assert "vague-scope" not in found(text), text
    assert "vague-scope" in found("Some Cloud customers across multiple products are affected.")


# --- generic-statement, eta-in-text, action-item-vague --------------------------------------


def test_more_boilerplate_is_generic() -> None:
    for text in (
        "We are taking the necessary steps to prevent similar issues in the future.",
        "Reliability is our utmost priority.",
        "As a valued customer, you deserve better.",
    ):
        assert "generic-statement" in found(text), text


def test_eta_in_text_finds_expected_recovery() -> None:
    assert "eta-in-text" in found("We expect recovery shortly.")
    assert "eta-in-text" in found("It will take another 10 minutes for all users to reconnect.")
    assert "eta-in-text" not in found("We expect to post another update in 30 minutes.")


def test_action_items_that_cannot_be_checked_are_vague_in_any_form() -> None:
    def vague(what: str) -> bool:
        item = ActionItem(what, "Ops", None, "open", 9)
        return "action-item-vague" in postmortem_findings(action_items=(item,))

    for what in (
        "Enhance monitoring and alerting to detect issues faster",
        "Improving our safety nets for third-party failures",
        "Reviewing our processes",
        "Work to better separate the API from the dashboard",
        "Our team is reviewing this event",
    ):
        assert vague(what), what
    assert not vague("Alert when the error rate passes 2% for 5 minutes")
    assert not vague("Improve the deploy tool so a change reaches one region at a time")


def test_action_item_owner_is_opt_in_and_its_hint_names_the_option() -> None:
    item = ActionItem("Alert when the queue passes 1,000 jobs", None, None, "open", 9)
    assert "action-item-owner" not in postmortem_findings(action_items=(item,))


# --- postmortem-incomplete by meaning; followup and postmortem-missing ----------------------


def test_a_postmortem_in_prose_without_headings_is_complete() -> None:
    body = (
        "From 14:05 to 14:50 UTC webhooks were delayed by up to 40 minutes. A full disk on "
        "the queue servers caused it. We have added an alert at 80% disk use, and we will "
        "move the queue to larger disks this month. We are sorry for the late deliveries."
    )
    assert "postmortem-incomplete" not in postmortem_findings(
        body=body, summary=None, action_items=()
    )


def test_a_resolving_update_that_carries_the_write_up_needs_no_postmortem() -> None:
    writeup = (
        "From 09:00 to 09:25 UTC webhooks were delayed. The cause was a full disk on the queue "
        "servers. We have added an alert at 80% disk use and will move the queue to larger "
        "disks. Thank you for your patience."
    )
    closing = major(25, "resolved", writeup, next_in=None)
    incident = make_incident(major_first(), closing)
    assert "followup-missing" not in rules(incident)
    assert "postmortem-missing" not in rules(incident, now=at(25) + timedelta(days=30))
    bare = major(25, "resolved", "Webhooks are on time again. Thank you.", next_in=None)
    assert "followup-missing" in rules(make_incident(major_first(), bare))


def test_a_promised_full_explanation_is_a_followup() -> None:
    text = "Webhooks are on time again. Thank you. A full explanation of what happened follows."
    closing = major(25, "resolved", text, next_in=None)
    assert "followup-missing" not in rules(make_incident(major_first(), closing))


def test_a_major_postmortem_without_an_apology() -> None:
    assert "postmortem-apology-missing" in postmortem_findings()
    sorry = postmortem().body + "\n\nWe are sorry that your webhooks arrived late."
    assert "postmortem-apology-missing" not in postmortem_findings(body=sorry)


# --- the new rules on updates ---------------------------------------------------------------


def test_no_new_information() -> None:
    for text in (
        "We've identified the issue.",
        "We are continuing to investigate this issue. We will provide an update in 30 minutes.",
        "A fix has been implemented and we are monitoring the results.",
        "We don't have any news to share at present, but our investigation is ongoing.",
    ):
        assert "no-new-information" in found(text), text
    for text in (
        "We are investigating failed sign-ins with Google accounts.",
        "We have rolled back the 14:00 deploy in Europe; Asia follows next.",
    ):
        assert "no-new-information" not in found(text), text
    assert "no-new-information" not in found(
        "We are continuing to investigate.", cause="A bad deploy"
    )


def test_status_mismatch() -> None:
    mitigated = "The errors stopped after we rolled back the deploy; we are monitoring the results."
    assert "status-mismatch" in found(mitigated, status="investigating")
    assert "status-mismatch" not in found(mitigated, status="monitoring")
    pending = "Once the issue has been fixed, we will monitor the results for an hour."
    assert "status-mismatch" not in found(pending, status="identified")


def test_hedged_cause() -> None:
    assert "hedged-cause" in found("The issue seems to be a database issue.")
    assert "hedged-cause" in found("The errors are possibly related to the 14:00 deploy.")
    assert "hedged-cause" not in found("The issue seems to be resolved for most customers.")


def test_cause_jargon_in_a_cause_sentence_only() -> None:
    assert "cause-jargon" in found("The errors were caused by a hot key in our memcached proxy.")
    assert "cause-jargon" in found("Exports fail.", cause="Redis ran out of memory")
    assert "cause-jargon" not in found("Our pods restart one by one; sign-in works throughout.")


def test_minimising() -> None:
    assert "minimising" in found("The impact was very limited.")
    assert "minimising" in found("This was a minor hiccup.")
    assert "minimising" not in found("0.2% of payments failed between 14:05 and 14:20 UTC.")


def test_impact_underrated() -> None:
    down = make_update(
        30, "identified", "The API is down.", components={"api": ComponentState.MAJOR_OUTAGE}
    )
    assert "impact-underrated" in rules(make_incident(opened(), down))
    total = make_update(30, "identified", "Sign-in fails for all customers.", impact=Impact.NONE)
    assert "impact-underrated" in rules(make_incident(opened(), total))
    scoped = make_update(
        30, "identified", "Errors for all services in Madrid.", impact=Impact.MINOR
    )
    assert "impact-underrated" not in rules(make_incident(opened(), scoped))


# --- long-silence ---------------------------------------------------------------------------


def test_long_silence_now_and_in_history() -> None:
    silent = make_update(30, "identified", "We found the failing disk.", next_in=None)
    incident = make_incident(opened(), silent)
    # A minor incident that is identified should update within 60 minutes (plus 5 grace).
    assert "long-silence" not in rules(incident, now=at(30 + 65))
    [finding] = [d for d in lint(incident, now=at(30 + 66)) if d.rule == "long-silence"]
    assert "should update within 1 h" in finding.message
    assert "`next_update: 60m`" in finding.hint
    slow = replace(SETTINGS, lint_thresholds={"cadence": {"minor": [timedelta(minutes=90)] * 3}})
    assert "long-silence" not in rules(incident, now=at(30 + 66), settings=slow)
    late = make_update(30 + 70, "resolved", "Fixed. Thank you.", next_in=None)
    history = history_findings(Site(SETTINGS, (make_incident(opened(), silent, late),)), at(200))
    assert [d.rule for _, d in history].count("long-silence") == 1
