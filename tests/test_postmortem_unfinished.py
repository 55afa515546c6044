"""postmortem-unfinished: placeholders and empty sections; the postmortem page shows "What we
are changing" once, with the action items in the author's own section."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from statuspress.model import ActionItem, Postmortem
from statuspress.outputs.pages import split_after_changes
from test_authoring import in_site, run
from test_authoring_postmortem import PATH, resolved_incident
from test_lint_phrases import NOW, at, lint, make_incident, make_update

_site = pytest.fixture(in_site, name="site")

FINISHED = """## What happened

A configuration change reached every region at once.

## Root cause

Routing sent traffic to servers that were not ready.

## What we are changing

Changes now reach one region at a time.
"""


def postmortem(
    body: str = FINISHED, summary: str = "Routing failed for an hour.", **item: str
) -> Postmortem:
    action = ActionItem(
        what=item.get("what", "Roll out configuration one region at a time"),
        owner=item.get("owner", "Platform team"),
        due=date(2026, 12, 1),
        status="open",
        line=9,
    )
    return Postmortem(
        incident_id="2026-11-22-test",
        path="incidents/2026-11-22-test/postmortem.md",
        title="Postmortem: routing",
        published=at(600),
        authors=("Platform team",),
        summary=summary,
        action_items=(action,),
        body=body,
        lines={"title": 2, "summary": 5, "action_items": 7},
        body_line=20,
    )


def unfinished(pm: Postmortem) -> list[tuple[int, str, str]]:
    resolved = make_update(60, "resolved", "Everything works again. Thank you.", next_in=None)
    incident = make_incident(make_update(0, started=at(-10)), resolved, postmortem=pm)
    return [
        (d.line, d.severity.value, d.message)
        for d in lint(incident, now=NOW.replace(day=28))
        if d.rule == "postmortem-unfinished"
    ]


def test_a_finished_postmortem_passes() -> None:
    assert unfinished(postmortem()) == []


@pytest.mark.parametrize(
    "placeholder",
    [
        "TODO",
        "TBD",
        "FIXME",
        "XXX",
        "Replace this with the cause",
        "[insert timeline here]",
        "Lorem ipsum dolor",
        "<describe the fix>",
    ],
)
def test_placeholders_in_the_text_are_errors(placeholder: str) -> None:
    body = FINISHED.replace("Routing sent traffic", f"{placeholder}: routing sent traffic")
    [(line, level, message)] = unfinished(postmortem(body))
    assert (line, level) == (26, "error")
    assert "placeholder" in message


def test_placeholders_in_fields_and_action_items() -> None:
    found = unfinished(
        postmortem(
            summary="TODO: summarize", what="Replace this with the first change", owner="TBD"
        )
    )
    assert [(line, level) for line, level, _ in found] == [(5, "error"), (9, "error"), (9, "error")]


@pytest.mark.parametrize("phrase", ["The date is to be confirmed.", "Set {{ retries }} to 3."])
def test_what_a_finished_text_may_hold_is_a_warning(phrase: str) -> None:
    body = FINISHED.replace("Changes now", f"{phrase} Changes now")
    assert [level for _, level, _ in unfinished(postmortem(body))] == ["warning"]


def test_words_that_only_look_like_placeholders_pass() -> None:
    body = FINISHED.replace(
        "Changes now",
        "Our todo list and the TBDX flag are unrelated. See the `TODO` file. Changes now",
    )
    body += "\n```\n# TODO in a code block is code\n```\n"
    assert unfinished(postmortem(body)) == []


def test_empty_sections_are_errors() -> None:
    body = FINISHED + "\n## Resolution\n\n## What went well\n\n### Detection\n\nAlerts fired.\n"
    found = unfinished(postmortem(body))
    assert [(line, level) for line, level, _ in found] == [(32, "error")]
    assert "'Resolution' is empty" in found[0][2]


def test_an_empty_changes_section_is_where_the_action_items_go() -> None:
    body = FINISHED.replace("Changes now reach one region at a time.\n", "")
    assert unfinished(postmortem(body)) == []


def test_the_scaffold_is_unfinished_until_written(site: Path) -> None:
    resolved_incident(site)
    run(site, "postmortem", "elevated", "--now", "2026-11-22T09:00:00Z")
    text = (site / PATH).read_text(encoding="utf-8").replace("draft: true\n", "")
    (site / PATH).write_text(text, encoding="utf-8")
    result = run(site, "check", "--now", "2026-11-22T09:00:00Z")
    assert result.exit_code == 1
    found = re.findall(r"error\[postmortem-unfinished\]: (.*)", result.output)
    assert "the action item still holds the placeholder 'Replace this'" in found
    assert {"the section 'Resolution' is empty", "the section 'What went well' is empty"} <= set(
        found
    )
    assert not any("What we are changing" in f for f in found)


def test_the_page_shows_what_we_are_changing_once(site: Path) -> None:
    resolved_incident(site)
    run(site, "postmortem", "elevated", "--now", "2026-11-22T09:00:00Z")
    text = (site / PATH).read_text(encoding="utf-8").replace("draft: true\n", "")
    text = text.replace("Replace this with the first change", "Roll out one region at a time")
    for comment in re.findall(r"<!--.*?-->", text, re.DOTALL):
        text = text.replace(comment, "We wrote this section.")
    text = text.replace(
        "## What we are changing\n\nWe wrote this section.",
        "## What we are changing\n\nRegion by region, with a pause.\n\n## Thanks\n\nTo support.",
    )
    (site / PATH).write_text(text, encoding="utf-8")
    result = run(site, "build", "--now", "2026-11-22T09:00:00Z")
    assert result.exit_code == 0, result.output
    page = (
        site / "site" / "2026-11-20-elevated-api-error-rates" / "postmortem" / "index.html"
    ).read_text(encoding="utf-8")
    assert len(re.findall(r">What we are changing</h2>", page)) == 1
    changes = page.index(">What we are changing</h2>")
    assert changes < page.index("Region by region") < page.index('<table class="actions">')
    assert page.index('<table class="actions">') < page.index(">Thanks</h2>")


def test_where_the_action_items_go() -> None:
    body = '<h2>What happened</h2><p>a</p><h2 id="x">Action <em>items</em></h2><p>b</p>'
    assert split_after_changes(body + "<h3>Detail</h3><p>c</p><h2>Thanks</h2><p>d</p>") == (
        body + "<h3>Detail</h3><p>c</p>",
        "<h2>Thanks</h2><p>d</p>",
    )
    assert split_after_changes(body) == (body, "")
    assert split_after_changes("<h2>What happened</h2><p>a</p>") == (
        "<h2>What happened</h2><p>a</p>",
        None,
    )
