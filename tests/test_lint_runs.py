"""Each lint run keeps its own state: what it prepares once for its rules (a postmortem's
text) belongs to that run's `Context`, so runs in one process (`serve`, the tests, the
build's helper) never share it, and none keeps it once it is over."""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor

from statuspress.lint.linter import incident_diagnostics, lint_context, run_lint
from statuspress.model import Incident, Site
from test_lint_phrases import NOW, SETTINGS
from test_lint_rules import closed_major, postmortem


def found(incident: Incident) -> list[tuple[str, int, str]]:
    """What a fresh run finds in `incident` alone."""
    return [
        (d.rule, d.line, d.message)
        for d in incident_diagnostics(incident, lint_context(SETTINGS, NOW))
    ]


def complete() -> Incident:
    return closed_major(postmortem=postmortem())


def thin() -> Incident:
    """A postmortem that says neither why nor what changes, and apologises for nothing."""
    return closed_major(
        postmortem=postmortem(body="Webhooks were late for 40 minutes.", action_items=())
    )


def test_a_lint_run_keeps_nothing_of_the_postmortems_it_read() -> None:
    written = postmortem(body="Webhooks were late for 40 minutes.", action_items=())
    site = Site(SETTINGS, (closed_major(postmortem=written),))
    assert any(d.rule == "postmortem-incomplete" for d in run_lint(site, NOW))
    watched = weakref.ref(written)
    del site, written
    gc.collect()
    assert watched() is None, "a lint run kept a postmortem after it ended"


def test_interleaved_runs_each_find_their_own_postmortem_s_problems() -> None:
    first, second = complete(), thin()
    expected_first, expected_second = found(first), found(second)
    assert expected_first != expected_second
    one, other = lint_context(SETTINGS, NOW), lint_context(SETTINGS, NOW)
    for _ in range(3):
        assert [(d.rule, d.line, d.message) for d in incident_diagnostics(first, one)] == (
            expected_first
        )
        assert [(d.rule, d.line, d.message) for d in incident_diagnostics(second, other)] == (
            expected_second
        )


def test_a_postmortem_s_text_is_prepared_once_per_run_and_per_run_only() -> None:
    written = complete().postmortem
    assert written is not None
    one, other = lint_context(SETTINGS, NOW), lint_context(SETTINGS, NOW)
    prepared = one.postmortem_prose(written)
    assert one.postmortem_prose(written) is prepared  # the rules share it within the run
    assert other.postmortem_prose(written) is not prepared  # another run makes its own
    assert other.postmortem_prose(written).segments == prepared.segments


def test_runs_in_threads_at_once_find_what_each_finds_alone() -> None:
    incidents = [complete(), thin()] * 8
    expected = [found(incident) for incident in incidents]
    with ThreadPoolExecutor(max_workers=2) as pool:
        assert list(pool.map(found, incidents)) == expected
