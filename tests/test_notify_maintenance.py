"""Maintenance that runs itself: reminders, start and end notices, through the scheduled build
and `statuspress notify`, against a real live site, webhook receivers and an SMTP server.

Each run is what the deploy workflow does on its schedule: build at the run's clock, notify
by comparing with what is live, deploy. Runs come late, twice, or not at all for days; each
notice must reach each channel exactly once, never after the clock overtook it, and never
where the team wrote that status by hand.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINIMAL_CONFIG, served, write_files
from statuspress.cli import main
from statuspress.model.milestones import lead_text
from statuspress.notify.mail import message_id
from statuspress.publishing.build import build_site
from test_notify import Mailbox, Receiver, mailbox, receiver  # noqa: F401 - fixtures

AUTHORITY = "status.test.example"
NOTIFY = """\
      notify:
        retry_delay: 0.01
        timeout: 5
        channels:
          - type: webhook
            url_env: T_WEBHOOK_URL
          - type: webhook
            name: dashboard-only
            url_env: T_DASHBOARD_URL
            components: [dashboard]
          - type: webhook
            name: major-only
            url_env: T_MAJOR_URL
            min_impact: major
          - type: email
            name: list
            to: status-updates@lists.test.example
            from: Test Status <status@test.example>
            host_env: T_SMTP_HOST
            port_env: T_SMTP_PORT
            starttls: false
"""
SINGLE = "2026-11-20-db-upgrade"
BY_HAND = "2026-11-20-cache-move"
SERIES = "2027-03-01-weekly-tuning"
INCIDENT = "2026-12-02-slow-api"


def maintenance(at: str, title: str, window: str, component: str = "api") -> str:
    return f"""\
        ---
        at: {at}
        kind: maintenance
        status: scheduled
        title: {title}
        window:
{window}
        components:
          {component}: under_maintenance
        ---
        We move the work to a quiet hour; the API answers read-only meanwhile, for at most
        the length of the window.
        """


def by_hand(at: str, status: str, text: str) -> str:
    states = "\n        components:\n          api: operational" if status == "completed" else ""
    return f"""\
        ---
        at: {at}
        status: {status}{states}
        ---
        {text}
        """


# Each file, and from when it exists (a team writes an update when it happens).
CONTENT = {
    f"incidents/{SINGLE}/20261120T1000Z-scheduled.md": (
        "2026-11-20T10:00:00Z",
        maintenance(
            "2026-11-20T10:00:00Z",
            "Database upgrade",
            "          start: 2026-12-01T02:00:00Z\n          end: 2026-12-01T04:00:00Z",
        ),
    ),
    f"incidents/{BY_HAND}/20261120T1100Z-scheduled.md": (
        "2026-11-20T11:00:00Z",
        maintenance(
            "2026-11-20T11:00:00Z",
            "Cache cluster move",
            "          start: 2026-12-05T02:00:00Z\n          end: 2026-12-05T03:00:00Z",
        ),
    ),
    f"incidents/{BY_HAND}/20261205T0158Z-in_progress.md": (
        "2026-12-05T01:58:00Z",
        by_hand("2026-12-05T01:58:00Z", "in_progress", "We have begun moving the cache cluster."),
    ),
    f"incidents/{BY_HAND}/20261205T0250Z-completed.md": (
        "2026-12-05T02:50:00Z",
        by_hand("2026-12-05T02:50:00Z", "completed", "The cache cluster runs in its new home."),
    ),
    f"incidents/{INCIDENT}/20261202T1000Z-investigating.md": (
        "2026-12-02T10:00:00Z",
        """\
        ---
        at: 2026-12-02T10:00:00Z
        status: investigating
        title: Slow API responses
        impact: minor
        next_update: 1h
        components:
          api: degraded_performance
        ---
        Some API requests take several seconds; we are looking into it.
        """,
    ),
    f"incidents/{SERIES}/20270301T0900Z-scheduled.md": (
        "2027-03-01T09:00:00Z",
        maintenance(
            "2027-03-01T09:00:00Z",
            "Weekly database tuning",
            "          start: 2027-03-21T10:00 Europe/Berlin\n"
            "          end: 2027-03-21T10:30 Europe/Berlin\n"
            "          repeat: FREQ=WEEKLY;BYDAY=SU;COUNT=3",
        ),
    ),
}


def milestone(incident: str, kind: str, start: str) -> str:
    return f"tag:{AUTHORITY},2005:maintenance/{incident}/{kind}-{start}"


def update(incident: str, stem: str) -> str:
    return f"tag:{AUTHORITY},2005:update/{incident}/{stem}"


# The scheduled runs, in order, and what each sends to the unlimited channels. Windows of the
# series: 21 March 09:00Z (CET), 28 March 08:00Z and 4 April 08:00Z (CEST): 10:00 in Berlin.
RUNS: list[tuple[str, set[str]]] = [
    (
        "2026-11-20T12:00:00Z",
        {update(SINGLE, "20261120T1000Z-scheduled"), update(BY_HAND, "20261120T1100Z-scheduled")},
    ),
    ("2026-11-30T01:50:00Z", set()),  # the reminder is due at 02:00
    ("2026-11-30T02:07:00Z", {milestone(SINGLE, "reminder", "20261201T0200Z")}),  # 7 min late
    ("2026-11-30T02:07:00Z", set()),  # the same run again
    ("2026-11-30T02:22:00Z", set()),
    ("2026-12-01T02:03:00Z", {milestone(SINGLE, "started", "20261201T0200Z")}),
    # Runs missed for a while: the end comes, the start is not sent again.
    ("2026-12-01T05:00:00Z", {milestone(SINGLE, "ended", "20261201T0200Z")}),
    ("2026-12-02T10:05:00Z", {update(INCIDENT, "20261202T1000Z-investigating")}),
    # Written by hand: in_progress before the start, completed before the end.
    ("2026-12-04T02:10:00Z", {milestone(BY_HAND, "reminder", "20261205T0200Z")}),
    ("2026-12-05T02:05:00Z", {update(BY_HAND, "20261205T0158Z-in_progress")}),
    ("2026-12-05T03:05:00Z", {update(BY_HAND, "20261205T0250Z-completed")}),
    ("2026-12-06T03:05:00Z", set()),
    ("2027-03-01T09:15:00Z", {update(SERIES, "20270301T0900Z-scheduled")}),
    ("2027-03-20T09:05:00Z", {milestone(SERIES, "reminder", "20270321T0900Z")}),
    ("2027-03-21T09:20:00Z", {milestone(SERIES, "started", "20270321T0900Z")}),
    # A gap of six days: the end of the first window is older than max_age (1 day), so only
    # the reminder of the second is sent.
    ("2027-03-27T08:10:00Z", {milestone(SERIES, "reminder", "20270328T0800Z")}),
    ("2027-03-28T08:05:00Z", {milestone(SERIES, "started", "20270328T0800Z")}),
    # A week without runs: the end of the second window is too old and the third window's
    # reminder was overtaken by its start: only the start is sent.
    ("2027-04-04T08:10:00Z", {milestone(SERIES, "started", "20270404T0800Z")}),
    ("2027-04-04T08:10:00Z", set()),
    ("2027-04-04T09:00:00Z", {milestone(SERIES, "ended", "20270404T0800Z")}),
]


@dataclass
class Deployment:
    root: Path
    live_dir: Path
    live_url: str
    environ: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    @property
    def config(self) -> Path:
        return self.root / "mkdocs.yml"

    def run(self, clock: str) -> Result:
        """One scheduled run: write what exists by then, build, notify, deploy."""
        now = datetime.fromisoformat(clock.replace("Z", "+00:00"))
        present = {name: text for name, (since, text) in CONTENT.items() if since <= clock}
        write_files(self.root, present)
        site = self.root / "site"
        build_site(self.config, site, now)
        result = CliRunner().invoke(
            main,
            [
                *("notify", "-f", str(self.config), "--now", clock),
                *("--live-url", self.live_url, "--site-dir", str(site)),
            ],
            env=self.environ,
        )
        self.outputs.append(result.output)
        shutil.rmtree(self.live_dir)
        shutil.copytree(site, self.live_dir)
        return result


@pytest.fixture
def deployment(
    tmp_path: Path,
    receiver: Receiver,  # noqa: F811
    mailbox: Mailbox,  # noqa: F811
) -> Iterator[Deployment]:
    root = write_files(tmp_path / "repo", {"mkdocs.yml": MINIMAL_CONFIG + NOTIFY})
    (root / "incidents").mkdir()
    live = tmp_path / "live"
    build_site(root / "mkdocs.yml", live, datetime(2026, 11, 20, 9, tzinfo=timezone.utc))
    environ = {
        "T_WEBHOOK_URL": f"{receiver.base}all",
        "T_DASHBOARD_URL": f"{receiver.base}dashboard",
        "T_MAJOR_URL": f"{receiver.base}major",
        "T_SMTP_HOST": "127.0.0.1",
        "T_SMTP_PORT": str(mailbox.port),
    }
    with served(live) as url:
        yield Deployment(root, live, url, environ)


def test_each_notice_reaches_each_channel_once_across_scheduled_runs(
    deployment: Deployment,
    receiver: Receiver,  # noqa: F811
    mailbox: Mailbox,  # noqa: F811
) -> None:
    seen_all: list[str] = []
    for clock, expected in RUNS:
        before = len(receiver.on("/all"))
        result = deployment.run(clock)
        assert result.exit_code == 0, (clock, result.output)
        sent = [r.headers["idempotency-key"] for r in receiver.on("/all")[before:]]
        assert sorted(sent) == sorted(expected), (clock, result.output)
        seen_all += sent
    # Exactly once per channel, whatever the runs did.
    assert len(seen_all) == len(set(seen_all))
    mail_ids = [str(m["Message-ID"]) for m in mailbox.parsed()]
    assert sorted(mail_ids) == sorted(message_id(key, AUTHORITY) for key in seen_all)
    # The limits of each channel: no component of these is the dashboard; the incident is minor.
    assert receiver.on("/dashboard") == []
    major = [r.headers["idempotency-key"] for r in receiver.on("/major")]
    assert sorted(major) == sorted(k for k in seen_all if INCIDENT not in k)
    output = "\n".join(deployment.outputs)
    assert (
        "Not sent, overtaken by the maintenance window since (Apr 4, 2027, 8:00\u202fAM UTC): "
        f"{SERIES}/reminder-20270404T0800Z"
    ) in output
    assert (
        f"Not sent, older than max_age (Mar 28, 2027, 8:30\u202fAM UTC): {SERIES}/ended-" in output
    )


def test_the_notices_say_what_happens_when_in_the_sites_zone(
    deployment: Deployment,
    receiver: Receiver,  # noqa: F811
    mailbox: Mailbox,  # noqa: F811
) -> None:
    for clock, _ in RUNS[:6]:
        deployment.run(clock)
    payloads = [r.json for r in receiver.on("/all")]
    reminder, started = payloads[-2:]
    assert reminder["type"] == "maintenance.reminder"
    assert reminder["update"]["status_label"] == "Reminder"
    assert reminder["update"]["text"] == (
        "This maintenance starts in 24 hours: from Dec 1, 2026, 2:00\u202fAM UTC to Dec 1, 2026, "
        "4:00\u202fAM UTC."
    )
    assert reminder["incident"]["window"] == {
        "start": "2026-12-01T02:00:00Z",
        "end": "2026-12-01T04:00:00Z",
    }
    assert reminder["update"]["url"] == f"https://{AUTHORITY}/{SINGLE}/"
    assert started["type"] == "maintenance.started"
    assert "planned to end at Dec 1, 2026, 4:00\u202fAM UTC" in started["update"]["text"]
    mails = mailbox.parsed()
    assert str(mails[-2]["Subject"]) == "[Status] Reminder: Database upgrade"
    # Threaded under the announcement of the maintenance.
    root = message_id(update(SINGLE, "20261120T1000Z-scheduled"), AUTHORITY)
    assert str(mails[-1]["In-Reply-To"]) == root


def test_reminders_can_be_turned_off_or_moved(tmp_path: Path) -> None:
    files = {name: text for name, (_, text) in CONTENT.items() if SINGLE in name}
    for setting, present in (("false", False), ("2h", True)):
        root = write_files(
            tmp_path / setting,
            {
                "mkdocs.yml": MINIMAL_CONFIG
                + f"      notify:\n        maintenance_reminder: {setting}\n",
                **files,
            },
        )
        clock = datetime(2026, 12, 1, 0, 30, tzinfo=timezone.utc)
        build_site(root / "mkdocs.yml", root / "site", clock)
        feed = (root / "site" / "updates.atom").read_text(encoding="utf-8")
        assert ("reminder-20261201T0200Z" in feed) is present, setting
        assert "This maintenance starts in 2 hours" in feed or not present


def test_a_bad_reminder_or_limit_is_an_error_at_its_line(tmp_path: Path) -> None:
    config = MINIMAL_CONFIG + NOTIFY.replace(
        "        timeout: 5\n", "        timeout: 5\n        maintenance_reminder: soon\n"
    ).replace("components: [dashboard]", "components: [dashbord]").replace(
        "min_impact: major", "min_impact: huge"
    )
    root = write_files(tmp_path, {"mkdocs.yml": config})
    (root / "incidents").mkdir()
    result = CliRunner().invoke(main, ["notify", "-f", str(root / "mkdocs.yml"), "--dry-run"])
    assert result.exit_code == 1
    lines = config.splitlines()

    def line_of(text: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if text in line)

    assert (
        f"mkdocs.yml:{line_of('maintenance_reminder')}: error[config-option]: option 'notify': "
        "'maintenance_reminder' is not a duration: 'soon'"
    ) in result.output
    assert (
        f"mkdocs.yml:{line_of('dashbord')}: error[config-option]: option 'notify': channel #2 "
        "(dashboard-only): unknown component 'dashbord'\n  hint: did you mean 'dashboard'?"
    ) in result.output
    assert f"mkdocs.yml:{line_of('huge')}: error[config-option]" in result.output
    check = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    assert check.exit_code == 1 and "maintenance_reminder" in check.output


@pytest.mark.parametrize(
    ("lead", "text"),
    [
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(days=3), "3 days"),
        (timedelta(hours=36), "36 hours"),
        (timedelta(minutes=90), "1 hr, 30 min"),
    ],
)
def test_a_reminder_says_how_soon_in_words(lead: timedelta, text: str) -> None:
    assert lead_text(lead) == text
