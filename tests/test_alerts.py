"""`statuspress new --from-alert`: the four tools' documented payloads, routing, and that
nothing of an alert reaches public text."""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG, write_files
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.cli import main
from statuspress.commands.alerts import AlertError, alerts_in
from statuspress.model.source import split_front_matter
from statuspress.publishing.build import build_site

SAMPLES = Path(__file__).parent / "data" / "alerts"
NOW = "2026-11-20T14:05:00Z"
ROUTES = """\
      alerts:
        - match: {alertname: ProbeFailure}
          components: {api: major_outage}
        - match: {service: API Service}
          components: {api: partial_outage}
          template: api-errors
        - match: {team: blue, zone: [us-1, us-2]}
          components: {dashboard: degraded_performance}
          title: Slow dashboard
        - match: {tags: tag2}
          components: {email: degraded_performance}
          template: email-delays
          publish: true
"""
API_ERRORS = """\
---
title: Elevated API error rates
impact: major
components:
  api: partial_outage
next_update: 20m
apology: We're sorry that some of your API requests are failing.
---
Some requests to the API are failing. We are investigating the cause.
"""
EMAIL_DELAYS = """\
---
title: Delays in e-mail delivery
impact: minor
components:
  email: degraded_performance
next_update: 30m
apology: We're sorry that e-mails sent on your behalf are arriving late.
---
E-mails sent on your behalf are arriving late. None is lost. We are investigating the cause.
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    write_files(
        tmp_path,
        {
            "mkdocs.yml": MINIMAL_CONFIG + ROUTES,
            "templates/incidents/api-errors.md": API_ERRORS,
            "templates/incidents/email-delays.md": EMAIL_DELAYS,
        },
    )
    (tmp_path / "incidents").mkdir()
    return tmp_path


def from_alert(site: Path, payload: str | Path, *extra: str) -> tuple[int, str]:
    args = ["new", "-f", str(site / "mkdocs.yml"), "--from-alert"]
    if isinstance(payload, Path):
        result = CliRunner().invoke(main, [*args, str(payload), "--now", NOW, *extra])
    else:
        result = CliRunner().invoke(main, [*args, "-", "--now", NOW, *extra], input=payload)
    return result.exit_code, result.output


def written(site: Path) -> list[tuple[dict[str, object], str]]:
    found = []
    for path in sorted((site / "incidents").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        raw, problems = split_front_matter("x", text)
        assert raw is not None and not problems
        found.append((yaml.safe_load(text.split("---\n")[1]), raw.body))
    return found


@pytest.mark.parametrize(
    ("sample", "source", "count"),
    [
        ("alertmanager-v4.json", "alertmanager", 1),
        ("grafana.json", "grafana", 2),
        ("pagerduty-v3.json", "pagerduty", 1),
        ("opsgenie-create.json", "opsgenie", 1),
    ],
)
def test_each_documented_payload_is_read(sample: str, source: str, count: int) -> None:
    found = alerts_in(json.loads((SAMPLES / sample).read_text(encoding="utf-8")))
    assert [a.source for a in found] == [source] * count
    assert all(a.firing and a.started is not None for a in found)


def test_alertmanager_sample_writes_a_draft(site: Path) -> None:
    code, output = from_alert(site, SAMPLES / "alertmanager-v4.json")
    assert code == 0, output
    ((meta, body),) = written(site)
    assert meta["draft"] is True
    assert meta["components"] == {"api": "major_outage"}
    assert meta["impact"] == "critical"  # severity: critical
    assert meta["started"] == datetime(2023, 2, 6, 13, 8, 45, tzinfo=timezone.utc)
    assert "server.example.org" not in f"{meta['title']} {meta['apology']} {body}"
    assert "server.example.org" in str(meta["internal"])


def test_pagerduty_sample_uses_the_routes_template(site: Path) -> None:
    code, output = from_alert(site, SAMPLES / "pagerduty-v3.json")
    assert code == 0, output
    ((meta, body),) = written(site)
    assert meta["title"] == "Elevated API error rates"
    assert meta["impact"] == "critical"  # P1
    assert body.strip().startswith("Some requests to the API are failing")
    assert "PGR0VU2" in str(meta["internal"]) and "PGR0VU2" not in body


def test_grafana_sample_matches_a_list_of_values(site: Path) -> None:
    code, output = from_alert(site, SAMPLES / "grafana.json")
    assert code == 0, output
    ((meta, _),) = written(site)
    assert meta["title"] == "Slow dashboard"
    # the earliest start of the alerts the route takes (only zone us-1 matches)
    assert meta["started"] == datetime(2021, 10, 12, 7, 51, 3, tzinfo=timezone.utc)
    assert "eu-1" not in str(meta["internal"])


def test_opsgenie_with_publish_true_publishes_the_checked_template(site: Path) -> None:
    code, output = from_alert(site, SAMPLES / "opsgenie-create.json")
    assert code == 0, output
    ((meta, _),) = written(site)
    assert "draft" not in meta
    assert meta["title"] == "Delays in e-mail delivery"


def test_publish_true_refuses_a_template_with_any_lint_finding(site: Path) -> None:
    write_files(
        site,
        {
            "templates/incidents/email-delays.md": EMAIL_DELAYS.replace(
                "None is lost.", "db3.prod.internal is down."
            )
        },
    )
    code, output = from_alert(site, SAMPLES / "opsgenie-create.json")
    assert code == 1
    assert "internal-detail" in output and "cannot be used" in output
    assert written(site) == []


def test_unmapped_alert_writes_nothing_and_says_why(site: Path) -> None:
    payload = json.loads((SAMPLES / "alertmanager-v4.json").read_text(encoding="utf-8"))
    for alert in payload["alerts"]:
        alert["labels"]["alertname"] = "DiskFull"
    payload["commonLabels"]["alertname"] = "DiskFull"
    code, output = from_alert(site, json.dumps(payload))
    assert code == 1
    assert "no route under 'alerts:' matches" in output and "nothing was written" in output
    assert "DiskFull" not in output  # label values are not repeated either
    assert written(site) == []


def test_resolved_alert_writes_nothing(site: Path) -> None:
    payload = json.loads((SAMPLES / "alertmanager-v4.json").read_text(encoding="utf-8"))
    payload["status"] = "resolved"
    payload["alerts"][0]["status"] = "resolved"
    code, output = from_alert(site, json.dumps(payload))
    assert code == 1 and "resolved" in output
    assert written(site) == []


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "not json",
        "[1, 2]",
        '{"alerts": "x"}',
        "[" * 100_000,
        '{"event": {"event_type": 3, "data": []}}',
        " " * 1_100_000,
    ],
)
def test_bad_payloads_are_refused_clearly(site: Path, payload: str) -> None:
    code, output = from_alert(site, payload)
    assert code == 1, output
    assert "Traceback" not in output and "nothing was written" in output
    assert written(site) == []


def test_odd_but_valid_shapes_do_not_crash() -> None:
    for payload in (
        {"alerts": [None, 3, {"labels": []}], "groupKey": "x"},
        {"event": {"event_type": "incident.triggered", "data": {"service": "x", "teams": 3}}},
        {"alert": {"tags": None, "createdAt": 10**30}, "action": "Create"},
    ):
        with contextlib.suppress(AlertError):
            alerts_in(payload)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
_SHAPES = st.sampled_from(
    [
        lambda x: {"alerts": [x, {"labels": x, "startsAt": x}], "groupKey": x},
        lambda x: {"alerts": [{"labels": x, "annotations": x, "status": x}], "orgId": x},
        lambda x: {"event": {"event_type": "incident.triggered", "data": x}},
        lambda x: {"event": {"event_type": x, "data": {"service": x, "teams": x, "priority": x}}},
        lambda x: {"alert": {"tags": x, "teams": x, "details": x, "createdAt": x}, "action": x},
    ]
)


@settings(max_examples=200, deadline=None)
@given(shape=_SHAPES, value=_JSON)
def test_any_value_in_a_known_shape_reads_or_is_refused(shape: object, value: object) -> None:
    try:
        found = alerts_in(shape(value))  # type: ignore[operator]
    except AlertError:
        return
    assert all(isinstance(a.fields, dict) for a in found)


HOSTILE = {
    "alertname": "ProbeFailure",
    "instance": "db3.prod.internal:9100",
    "ip": "10.20.30.40",
    "runbook": "https://wiki.corp.example/runbooks/payments",
    "yaml": "x\n---\ntitle: EVIL TITLE\ndraft: false\n",
    "html": "<script>alert(1)</script> -->",
}


def test_adversarial_labels_never_reach_the_built_site(site: Path) -> None:
    payload = json.loads((SAMPLES / "alertmanager-v4.json").read_text(encoding="utf-8"))
    payload["alerts"][0]["labels"] = dict(HOSTILE)
    payload["alerts"][0]["annotations"] = {
        "summary": HOSTILE["yaml"],
        "description": HOSTILE["html"],
    }
    payload["alerts"][0]["generatorURL"] = "http://10.20.30.40:9090/graph"
    code, output = from_alert(site, json.dumps(payload))
    assert code == 0, output
    ((meta, _body),) = written(site)
    assert meta["title"] == "An outage of API" and meta["draft"] is True
    # the on-call person publishes the draft as it is: nothing of the alert is public
    (path,) = (site / "incidents").rglob("*.md")
    path.write_text(path.read_text(encoding="utf-8").replace("draft: true\n", ""), encoding="utf-8")
    moment = datetime(2026, 11, 20, 14, 6, tzinfo=timezone.utc)
    build_site(site / "mkdocs.yml", site / "site", moment)
    public = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in (site / "site").rglob("*")
        if p.is_file()
        and p.suffix in (".html", ".json", ".xml", ".atom", ".rss", ".ics", ".txt", ".svg")
    )
    assert "An outage of API" in public
    for needle in (
        "db3.prod",
        "10.20.30.40",
        "wiki.corp",
        "EVIL TITLE",
        "<script>alert(1)",
        "ProbeFailure",
    ):
        assert needle not in public, needle


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("just text", "no '### Title' answer"),
        ("### Title\n\nX\n\n### Components\n\napi=broken\n", "not a component state"),
        ("### Title\n\nX\n\n### Components\n\napi=major_outage\n\n### Impact\n\nhuge\n", "impact"),
        ("### Title\n\nX\n\n### Components\n\nnosuch=major_outage\n", "unknown component"),
    ],
)
def test_a_bad_issue_report_writes_nothing(site: Path, body: str, problem: str) -> None:
    result = CliRunner().invoke(
        main, ["new", "-f", str(site / "mkdocs.yml"), "--from-issue", "-", "--now", NOW], input=body
    )
    assert result.exit_code != 0 and problem in result.output, result.output
    assert written(site) == []


def test_check_reports_a_route_whose_template_is_missing(site: Path) -> None:
    (site / "templates/incidents/api-errors.md").unlink()
    result = CliRunner().invoke(main, ["check", "-f", str(site / "mkdocs.yml"), "--now", NOW])
    assert result.exit_code == 1
    line = MINIMAL_CONFIG.count("\n") + 4  # the second route
    assert f"mkdocs.yml:{line}: error[config-option]: option 'alerts': item #2" in result.output
    assert "no template named 'api-errors'" in result.output


_ROUTE = "        - match: {a: b}\n          components: {api: major_outage}\n"


@pytest.mark.parametrize(
    ("route", "problem"),
    [
        ("        - components: {api: major_outage}\n", "'match' must map"),
        ("        - match: {a: b}\n          components: {api: down}\n", "not a component state"),
        (_ROUTE + "          publish: true\n", "needs a 'template'"),
        (_ROUTE + "          impact: huge\n", "impact 'huge'"),
    ],
)
def test_bad_routes_are_reported_at_their_line(tmp_path: Path, route: str, problem: str) -> None:
    write_files(tmp_path, {"mkdocs.yml": MINIMAL_CONFIG + "      alerts:\n" + route})
    (tmp_path / "incidents").mkdir()
    result = CliRunner().invoke(main, ["check", "-f", str(tmp_path / "mkdocs.yml"), "--now", NOW])
    assert result.exit_code == 1
    line = MINIMAL_CONFIG.count("\n") + 2
    assert f"mkdocs.yml:{line}: error[config-option]: option 'alerts'" in result.output
    assert problem in result.output
