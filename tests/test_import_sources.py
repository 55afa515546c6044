"""`statuspress import cstate|upptime|instatus` on fixtures built from each tool's documented
format, and the HTML-to-Markdown conversion every import shares."""

from __future__ import annotations

import json
import os
import pty
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st
from statuspress.cli import main
from statuspress.importers.markup import to_markdown
from statuspress.outputs.markdown import render_markdown
from statuspress.publishing.build import build_site
from statuspress.publishing.loading import load_project
from test_import_statuspage import fresh_site

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


def run(config: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["import", *args, "-f", str(config), "--now", NOW.isoformat()])


# --- cState ----------------------------------------------------------------------------------

CSTATE_CONFIG = """\
baseURL: https://status.example.org
title: Example status
timeZone: Europe/Berlin
params:
  categories:
    - name: Backend
      description: Servers
  systems:
    - name: API
      category: Backend
      description: The public API
    - name: Website
      category: Frontend
"""
SEVERITIES = ("down", "disrupted", "notice")


def cstate_issue(number: int, start: datetime, rng: random.Random) -> str:
    severity = SEVERITIES[number % 3]
    resolved = number % 50 != 0
    steps = [("Investigating", start), ("Identified", start + timedelta(minutes=20))]
    if resolved:
        steps.append(("Resolved", start + timedelta(minutes=50)))
    body = "\n\n".join(
        f"*{word}* - Step {index} of issue {number} on the {rng.choice(['API', 'Website'])}. "
        f'{{{{< track "{at:%Y-%m-%d %H:%M:%S}" >}}}}'
        for index, (word, at) in enumerate(reversed(steps))
    )
    resolved_lines = (
        f"resolved: true\nresolvedWhen: {steps[-1][1]:%Y-%m-%d %H:%M:%S}\n"
        if resolved
        else "resolved: false\n"
    )
    return (
        f"---\ntitle: Issue number {number}\ndate: {start:%Y-%m-%d %H:%M:%S}\n"
        f"{resolved_lines}severity: {severity}\naffected:\n  - API\n  - Website\n"
        f"section: issue\n---\n\n{body}\n"
    )


def cstate_site(root: Path, count: int) -> Path:
    issues = root / "content" / "issues"
    issues.mkdir(parents=True)
    (root / "config.yml").write_text(CSTATE_CONFIG, encoding="utf-8")
    rng = random.Random(24)
    start = datetime(2021, 1, 1, 8, 0)
    for number in range(count):
        moment = start + timedelta(hours=31 * number)
        (issues / f"{moment:%Y-%m-%d}-issue-{number}.md").write_text(
            cstate_issue(number, moment, rng), encoding="utf-8"
        )
    (issues / "draft.md").write_text(
        "---\ntitle: Not yet\ndate: 2024-01-01 10:00:00\ndraft: true\nseverity: down\n---\nx\n",
        encoding="utf-8",
    )
    return root


def test_a_cstate_site_of_1000_issues_imports_and_builds(tmp_path: Path) -> None:
    source = cstate_site(tmp_path / "cstate", 1000)
    config = fresh_site(tmp_path / "fresh")
    result = run(config, "cstate", str(source))
    assert result.exit_code == 0, result.output
    assert "Read from cstate: 1000 incidents, 0 maintenances, 2 components." in result.output
    assert "draft.md: a draft, not published by cState" in result.output
    site = load_project(config, NOW).site
    assert len(site.incidents) == 1000
    assert [u.status for u in site.incidents[0].updates] == ["investigating", "identified"]
    first = site.incidents[1]
    assert [u.status for u in first.updates] == ["investigating", "identified", "resolved"]
    assert first.updates[0].at == datetime(2021, 1, 2, 14, 0, tzinfo=timezone.utc)  # Berlin
    assert first.updates[0].components == {"api": "partial_outage", "website": "partial_outage"}
    assert first.impact.value == "minor"
    assert first.updates[0].body.startswith("Step 2 of issue 1 on the ")
    assert "track" not in first.updates[0].body and "{{" not in first.updates[0].body
    api = load_project(config, NOW).settings.component("api")
    assert api is not None and (api.group, api.description) == ("Backend", "The public API")
    build_site(config, tmp_path / "built", NOW)
    assert (tmp_path / "built" / first.id / "index.html").is_file()
    again = run(config, "cstate", str(source))
    assert "0 created, 0 changed" in again.output


def test_a_cstate_folder_without_a_config_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "old" / "content" / "issues").mkdir(parents=True)
    result = run(fresh_site(tmp_path / "fresh"), "cstate", str(tmp_path / "old"))
    assert result.exit_code == 1
    assert "no config.yml" in result.output and "Traceback" not in result.output


# --- Upptime ---------------------------------------------------------------------------------

UPPTIMERC = """\
owner: example
repo: status
sites:
  - name: Google
    url: https://www.google.com
  - name: Hacker News
    url: https://news.ycombinator.com
    slug: hn
"""


def upptime_issues() -> list[dict[str, object]]:
    bot = {"login": "upptime-bot"}
    return [
        {
            "number": 12,
            "title": "🛑 Google is down",
            "body": "In [`ed88d4c`](https://github.com/example/status/commit/ed88d4c), Google "
            "(https://www.google.com) was **down**:\n- HTTP code: 0\n- Response time: 0 ms\n",
            "state": "CLOSED",
            "createdAt": "2024-03-01T10:05:00Z",
            "closedAt": "2024-03-01T10:40:00Z",
            "labels": [{"name": "status"}, {"name": "google"}],
            "url": "https://github.com/example/status/issues/12",
            "comments": [
                {
                    "author": {"login": "someone"},
                    "authorAssociation": "NONE",
                    "body": "Is it down for everyone?",
                    "createdAt": "2024-03-01T10:10:00Z",
                },
                {
                    "author": {"login": "octo"},
                    "authorAssociation": "OWNER",
                    "body": "Our provider is restoring the link.",
                    "createdAt": "2024-03-01T10:15:00Z",
                },
                {
                    "author": bot,
                    "authorAssociation": "NONE",
                    "body": "**Resolved:** Google is back up in "
                    "[`5f5ae27`](https://github.com/example/status/commit/5f5ae27).",
                    "createdAt": "2024-03-01T10:40:00Z",
                },
            ],
        },
        {
            "number": 13,
            "title": "⚠️ Hacker News has degraded performance",
            "body": "Hacker News is slow: response time 4200 ms.",
            "state": "OPEN",
            "createdAt": "2024-03-02T09:00:00Z",
            "closedAt": None,
            "labels": [{"name": "status"}, {"name": "hn"}],
            "url": "https://github.com/example/status/issues/13",
            "comments": [],
        },
        {
            "number": 14,
            "title": "Database upgrade",
            "body": "<!--\nstart: 2024-04-01T02:00:00Z\nend: 2024-04-01T03:00:00Z\n"
            "expectedDown: Google\nexpectedDegraded: hn\n-->\n"
            "We upgrade the database behind the checks.",
            "state": "CLOSED",
            "createdAt": "2024-03-25T09:00:00Z",
            "closedAt": "2024-04-01T03:00:00Z",
            "labels": [{"name": "maintenance"}],
            "url": "https://github.com/example/status/issues/14",
            "comments": [],
        },
        {
            "number": 15,
            "title": "Add a check for the blog",
            "body": "Please monitor the blog too.",
            "state": "OPEN",
            "createdAt": "2024-03-03T09:00:00Z",
            "closedAt": None,
            "labels": [],
            "url": "https://github.com/example/status/issues/15",
            "comments": [],
        },
    ]


def test_upptime_issues_and_sites_import(tmp_path: Path) -> None:
    (tmp_path / "issues.json").write_text(json.dumps(upptime_issues()), encoding="utf-8")
    (tmp_path / ".upptimerc.yml").write_text(UPPTIMERC, encoding="utf-8")
    config = fresh_site(tmp_path / "fresh")
    args = [
        "upptime",
        str(tmp_path / "issues.json"),
        "--upptimerc",
        str(tmp_path / ".upptimerc.yml"),
    ]
    result = run(config, *args)
    assert result.exit_code == 0, result.output
    assert "2 incidents, 1 maintenances, 2 components" in result.output
    assert "issue #15: not labelled 'status'" in result.output
    assert "comment 1 is by someone outside the team" in result.output
    site = load_project(config, NOW).site
    down = next(i for i in site.incidents if i.title == "Google is down")
    assert [u.status for u in down.updates] == ["investigating", "investigating", "resolved"]
    assert down.updates[0].components == {"google": "major_outage"}
    assert "Is it down for everyone" not in " ".join(u.body for u in down.updates)
    slow = next(i for i in site.incidents if i.title.startswith("Hacker News"))
    assert slow.impact.value == "minor" and slow.updates[0].components == {
        "hacker-news": "degraded_performance"
    }
    upgrade = next(i for i in site.incidents if i.is_maintenance)
    assert upgrade.window is not None and upgrade.window.start.hour == 2
    assert upgrade.updates[0].components == {
        "google": "under_maintenance",
        "hacker-news": "degraded_performance",
    }
    assert "start:" not in upgrade.updates[0].body
    assert run(config, *args).output.count("0 created, 0 changed") == 1


def test_an_upptime_export_that_is_not_a_list_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "issues.json").write_text('{"issues": []}', encoding="utf-8")
    (tmp_path / ".upptimerc.yml").write_text(UPPTIMERC, encoding="utf-8")
    result = run(
        fresh_site(tmp_path / "fresh"),
        "upptime",
        str(tmp_path / "issues.json"),
        "--upptimerc",
        str(tmp_path / ".upptimerc.yml"),
    )
    assert result.exit_code == 1
    assert "gh issue list --state all" in result.output


# --- Instatus (the documented API's shapes) ---------------------------------------------------

INSTATUS_INCIDENTS = [
    {
        "id": "ckf01m59ueaqb0a32wrljz1yd",
        "name": "Rocket is going down",
        "started": "2020-09-12T19:05:17.398Z",
        "status": "RESOLVED",
        "resolved": "2020-09-12T19:09:04.498Z",
        "impact": "MAJOROUTAGE",
        "updates": [
            {
                "id": "ckf01m5ioeaqi0a32jtv8ovp8",
                "message": "We are currently investigating this incident.",
                "messageHtml": "<p>We are <strong>currently</strong> investigating "
                '<a href="https://example.org/x">this</a> incident.</p><script>alert(1)</script>',
                "status": "INVESTIGATING",
                "notify": True,
                "started": "2020-09-12T19:05:17.398Z",
                "createdAt": "2020-09-12T19:08:50.160Z",
            },
            {
                "id": "ckf01mnk9eaui0a32mmhgq68g",
                "message": "This incident has been resolved.",
                "messageHtml": "<p>This incident has been resolved.</p>",
                "status": "RESOLVED",
                "notify": True,
                "started": "2020-09-12T19:09:04.498Z",
                "createdAt": "2020-09-12T19:09:13.545Z",
            },
        ],
        "components": [
            {"id": "ckf01fvnxywz50a35nh1qzssm", "name": "Website", "status": "OPERATIONAL"}
        ],
    }
]
INSTATUS_COMPONENTS = [
    {
        "id": "ckf01fvnxywz50a35nh1qzssm",
        "name": "Website",
        "status": "OPERATIONAL",
        "uniqueEmail": "nasa-website-1nozrueut@automation.instatus.com",
        "description": "",
        "showUptime": True,
        "order": 0,
        "group": None,
    }
]


def test_instatus_incidents_and_components_import(tmp_path: Path) -> None:
    (tmp_path / "incidents.json").write_text(json.dumps(INSTATUS_INCIDENTS), encoding="utf-8")
    (tmp_path / "components.json").write_text(json.dumps(INSTATUS_COMPONENTS), encoding="utf-8")
    config = fresh_site(tmp_path / "fresh")
    result = run(
        config, "instatus", str(tmp_path / "incidents.json"), str(tmp_path / "components.json")
    )
    assert result.exit_code == 0, result.output
    site = load_project(config, NOW).site
    (incident,) = site.incidents
    assert incident.impact.value == "major"
    assert incident.updates[0].components == {"website": "major_outage"}
    assert incident.updates[0].body == (
        "We are **currently** investigating [this](https://example.org/x) incident."
    )
    written = "".join(p.read_text() for p in (config.parent / "incidents").rglob("*.md"))
    assert "automation.instatus.com" not in written + config.read_text()
    assert "alert" not in written


# --- HTML to Markdown ------------------------------------------------------------------------


def test_simple_statuspage_html_becomes_markdown() -> None:
    html = (
        "<p>We saw <em>errors</em> on <code>POST /v1</code>.</p>"
        "<ul><li>EU</li><li>US<br>East</li></ul><ol><li>one</li><li>two</li></ol>"
        '<p><a href="javascript:alert(1)">click</a> &amp; <b>done</b></p>'
    )
    assert to_markdown(html) == (
        "We saw *errors* on `POST /v1`.\n\n- EU\n- US\n   East\n\n1. one\n2. two\n\n"
        "click &amp; **done**"
    )


def test_plain_text_is_kept_as_it_is() -> None:
    text = "Latency < 100 ms again.\n\nWe are *monitoring*."
    assert to_markdown(text) == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/&;\"'= abpiscrtlhfy\n")), max_size=80))
def test_no_raw_html_ever_comes_out(markup: str) -> None:
    out = to_markdown("<p>" + markup)
    rendered = render_markdown(out)
    assert "<script" not in rendered and '<a href="javascript' not in rendered
    assert not any(tag in out for tag in ("<p", "<script", "<a ", "<img", "<b>"))


def _import_on_a_terminal(config: Path, source: Path, ci: bool) -> str:
    """The import's standard error when it is a terminal (a pseudo-terminal here)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from statuspress.cli import run; run()",
            "import",
            "cstate",
            str(source),
            "-f",
            str(config),
            "--now",
            NOW.isoformat(),
        ],
        stdout=subprocess.DEVNULL,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace")


def test_a_long_import_shows_a_bar_on_a_terminal_and_nothing_in_ci(tmp_path: Path) -> None:
    source = cstate_site(tmp_path / "cstate", 80)  # 240 files
    shown = _import_on_a_terminal(fresh_site(tmp_path / "a"), source, ci=False)
    assert "Writing files" in shown
    quiet = _import_on_a_terminal(fresh_site(tmp_path / "b"), source, ci=True)
    assert "Writing files" not in quiet


def test_cstate_issues_in_their_older_and_freer_shapes(tmp_path: Path) -> None:
    source = tmp_path / "old"
    issues = source / "content" / "issues"
    issues.mkdir(parents=True)
    (source / "config.yml").write_text(
        "params:\n  categories:\n    - name: Uncategorized\n      untitled: true\n"
        "  systems:\n    - name: Gateway A\n      displayName: Gateway\n"
        "      category: Uncategorized\n    - name: Maps\n      category: Uncategorized\n",
        encoding="utf-8",
    )
    (issues / "2017-06-29-maps.md").write_text(
        '+++\ntitle = "Map tiles failing"\ndate = "2017-06-29T16:10:00Z"\n'
        'severity = "down"\naffectedsystems = ["Maps"]\nresolved = true\n'
        'resolvedWhen = "2017-06-29T17:00:00Z"\n+++\n'
        'Tiles fail to load for many users. {{< track "2017-06-29T16:18:00.000Z" >}}\n\n'
        '**Update**: We found a full disk. {{< track "2017-06-29T16:27:00.000Z" >}}\n',
        encoding="utf-8",
    )
    (issues / "2018-04-13-gateway.md").write_text(
        "---\ntitle: Gateway unreachable\ndate: 2018-04-13 15:00:00\nresolved: true\n"
        "resolvedWhen: 2018-04-13 17:30:00\nseverity: disrupted\naffected:\n  - Gateway A\n"
        "section: issue\n---\n\n*Post-mortem*\n\nA database primary went offline.\n\n---\n\n"
        '*Update* - Fixed for everyone. {{< track "2018-04-13 17:30:00" >}}\n\n'
        '<!-- *Identified* - DRAFT-NOTE never published {{< track "2018-04-13 16:00:00" >}} -->\n\n'
        '*Monitoring* - Logins recover. {{< track "2018-04-13 16:50:00" >}}\n\n'
        '*Investigating* - Users cannot connect. {{< track "2018-04-13 15:05:00" >}}\n',
        encoding="utf-8",
    )
    config = fresh_site(tmp_path / "fresh")
    result = run(config, "cstate", str(source))
    assert result.exit_code == 0, result.output
    project = load_project(config, NOW)
    maps, gateway = project.site.incidents
    assert [(u.status, u.body) for u in maps.updates] == [
        ("investigating", "Tiles fail to load for many users."),
        ("investigating", "We found a full disk."),
        ("resolved", "This issue is resolved."),
    ]
    assert maps.updates[0].components == {"maps": "major_outage"}
    statuses = [u.status for u in gateway.updates]
    assert statuses == ["investigating", "monitoring", "monitoring", "resolved"]
    assert gateway.updates[2].body == "Fixed for everyone."
    written = "".join(p.read_text() for p in (config.parent / "incidents").rglob("*.md"))
    assert "DRAFT-NOTE" not in written
    assert gateway.postmortem is not None
    assert "A database primary went offline." in gateway.postmortem.body
    components = {c.id: (c.name, c.group) for c in project.settings.components}
    assert components == {"gateway": ("Gateway", None), "maps": ("Maps", None)}
