"""`statuspress notify` against real servers on 127.0.0.1: the live site, webhooks and SMTP.

The example site is built twice: without the 09:55 update of the webhook incident (served as
the live site) and with it (site/). Notify must send exactly that update, once per channel.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner, Result
from conftest import EXAMPLE_NOW, REPO, served
from statuspress.cli import main
from statuspress.notify.delivery import (
    DeliveryFailed,
    RetryPolicy,
    json_request,
    post,
    with_retries,
)
from statuspress.publishing.build import build_site

NOW = "2026-11-22T10:00:00Z"
INCIDENT = "2026-11-22-webhook-delays"
NEW_FILE = "20261122T0955Z-identified"
NEW_ID = f"{INCIDENT}/{NEW_FILE}"
NEW_KEY = f"tag:status.acme.example,2005:update/{NEW_ID}"
ROOT_ID = f"{INCIDENT}/20261122T0904Z-investigating"
ROOT_KEY = f"tag:status.acme.example,2005:update/{ROOT_ID}"
SECRET = "s3cret-signing-key"
HTTP_CHANNELS = ("webhook", "slack", "mattermost", "discord", "teams")
NOTIFY = """\
      notify:
        retry_delay: 0.01
        timeout: 5
        channels:
          - type: webhook
            url_env: T_WEBHOOK_URL
            secret_env: T_WEBHOOK_SECRET
          - type: slack
            url_env: T_SLACK_URL
          - type: mattermost
            url_env: T_MATTERMOST_URL
          - type: discord
            url_env: T_DISCORD_URL
          - type: teams
            url_env: T_TEAMS_URL
          - type: email
            name: list
            to: status-updates@lists.acme.example
            from: Acme Status <status@acme.example>
            host_env: T_SMTP_HOST
            port_env: T_SMTP_PORT
            starttls: false
"""
# Never published, so never sent: an HTML comment, an `internal:` note and a draft update.
CANARIES = ("CANARY-COMMENT", "CANARY-INTERNAL", "CANARY-DRAFT", "Prepared for when the backlog")
DRAFT = """\
---
at: 2026-11-22T09:58:00Z
status: identified
next_update: 30m
draft: true
---
CANARY-DRAFT: the backlog is cleared.
"""


# ---------------------------------------------------------------------------------------------
# Servers


@dataclass(frozen=True)
class Request:
    path: str
    headers: dict[str, str]  # lower-case names
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Webhook endpoints: records every POST and answers from a script, then with 200."""

    base: str = ""
    requests: list[Request] = field(default_factory=list)
    script: dict[str, list[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, path: str, *responses: tuple[int, dict[str, str]]) -> None:
        self.script[path] = list(responses)

    def on(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        with self.lock:
            self.requests.append(Request(path, headers, body))
            pending = self.script.get(path) or []
            return pending.pop(0) if pending else (200, {})


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra = receiver.handle(self.path, headers, body)
            reply = b"ok" if status < 300 else b"temporarily unavailable"
            self.send_response(status)
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    """An aiosmtpd handler: keeps each message; answers DATA from a script, then with 250."""

    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.replies:
            return self.replies.pop(0)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"

    def parsed(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(content, policy=email.policy.default)  # type: ignore[misc]
            for _, _, content in self.messages
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox(port=free_port())
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


# ---------------------------------------------------------------------------------------------
# The example site, live (old) and freshly built (new)


@dataclass(frozen=True)
class Sites:
    root: Path
    config: Path
    live_dir: Path
    site_dir: Path


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("notify")
    shutil.copytree(REPO / "incidents", root / "incidents")
    config = root / "mkdocs.yml"
    config.write_text(
        (REPO / "mkdocs.yml").read_text(encoding="utf-8").rstrip("\n") + "\n" + NOTIFY,
        encoding="utf-8",
    )
    folder = root / "incidents" / INCIDENT
    new = folder / f"{NEW_FILE}.md"
    text = new.read_text(encoding="utf-8")
    text = text.replace("author:", "internal: CANARY-INTERNAL rollback ticket\nauthor:", 1)
    new.write_text(text + "\n<!-- CANARY-COMMENT: ask the on-call -->\n", encoding="utf-8")
    held = root / "held.md"
    shutil.move(new, held)
    build_site(config, root / "live", EXAMPLE_NOW)
    shutil.move(held, new)
    (folder / "20261122T0958Z-draft.md").write_text(DRAFT, encoding="utf-8")
    build_site(config, root / "site", EXAMPLE_NOW)
    return Sites(root, config, root / "live", root / "site")


@pytest.fixture(scope="module")
def live(sites: Sites) -> Iterator[str]:
    with served(sites.live_dir) as url:
        yield url


def environment(receiver: Receiver, mailbox: Mailbox) -> dict[str, str]:
    env = {f"T_{name.upper()}_URL": f"{receiver.base}{name}" for name in HTTP_CHANNELS}
    return {
        **env,
        "T_WEBHOOK_SECRET": SECRET,
        "T_SMTP_HOST": "127.0.0.1",
        "T_SMTP_PORT": str(mailbox.port),
    }


def notify(config: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["notify", "-f", str(config), "--now", NOW, *args], env=env)


@pytest.fixture
def sent(sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox) -> Result:
    """One normal run: the new update to all six channels."""
    return notify(sites.config, "--live-url", live, env=environment(receiver, mailbox))


# ---------------------------------------------------------------------------------------------
# Exactly the new update, to every channel


def test_sends_exactly_the_new_update_once_to_every_channel(
    sent: Result, receiver: Receiver, mailbox: Mailbox
) -> None:
    assert sent.exit_code == 0, sent.output
    assert sent.output == (
        "1 new update to send:\n"
        f"  Identified: Webhook deliveries delayed ({NEW_ID})\n"
        + "".join(
            f"{name}: sent 'Identified: Webhook deliveries delayed'\n"
            for name in (*HTTP_CHANNELS, "list")
        )
        + "sent 1 update to 6 channels\n"
    )
    assert sorted(r.path for r in receiver.requests) == sorted(f"/{n}" for n in HTTP_CHANNELS)
    assert len(mailbox.messages) == 1


def test_every_http_delivery_carries_the_update_feed_id_as_idempotency_key(
    sent: Result, receiver: Receiver
) -> None:
    for request in receiver.requests:
        assert request.headers["idempotency-key"] == NEW_KEY
        assert request.headers["content-type"] == "application/json; charset=utf-8"
        assert request.headers["user-agent"].startswith("statuspress/")


def test_generic_webhook_payload_is_version_1_and_signed(sent: Result, receiver: Receiver) -> None:
    [request] = receiver.on("/webhook")
    expected = hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-statuspress-signature"] == f"sha256={expected}"
    payload = request.json
    html = payload["update"].pop("html")
    assert html.startswith("<p>The rollback is complete")
    assert payload == {
        "version": 1,
        "type": "update.published",
        "idempotency_key": NEW_KEY,
        "site": {"name": "Acme Status", "url": "https://status.acme.example/"},
        "incident": {
            "id": INCIDENT,
            "kind": "incident",
            "title": "Webhook deliveries delayed",
            "impact": "major",
            "url": f"https://status.acme.example/{INCIDENT}/",
            "started_at": "2026-11-22T08:52:00Z",
            "window": None,
            "components": [{"id": "webhooks", "name": "Webhooks", "status": "partial_outage"}],
        },
        "update": {
            "id": NEW_ID,
            "feed_id": NEW_KEY,
            "status": "identified",
            "status_label": "Identified",
            "at": "2026-11-22T09:55:00Z",
            "url": f"https://status.acme.example/{INCIDENT}/#{NEW_FILE}",
            "text": payload["update"]["text"],
            "apology": None,
            "cause": None,
            "workaround": None,
            "eta": "2026-11-22T11:30:00Z",
            "next_update": "2026-11-22T10:25:00Z",
            "promise": "Expected resolution by Nov 22, 2026, 11:30\u202fAM UTC. "
            "Next update by Nov 22, 2026, 10:25\u202fAM UTC.",
        },
    }
    assert payload["update"]["text"].startswith("The rollback is complete, and new events")
    assert payload["update"]["text"].endswith("an older event after a newer one.")


def test_slack_gets_text_and_blocks(sent: Result, receiver: Receiver) -> None:
    [request] = receiver.on("/slack")
    payload = request.json
    assert payload["text"].startswith("Identified: Webhook deliveries delayed — The rollback")
    header, section, facts, context = payload["blocks"]
    assert header == {
        "type": "header",
        "text": {
            "type": "plain_text",
            "text": "Identified: Webhook deliveries delayed",
            "emoji": False,
        },
    }
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"].startswith("The rollback is complete")
    assert [f["text"] for f in facts["fields"]] == [
        "*Impact*\nMajor",
        "*Components*\nWebhooks: Partial outage",
        "*Expected resolution*\nNov 22, 2026, 11:30\u202fAM UTC",
        "*Next update*\nby Nov 22, 2026, 10:25\u202fAM UTC",
    ]
    assert context["elements"][0]["text"] == (
        f"<https://status.acme.example/{INCIDENT}/#{NEW_FILE}|Details and every update on "
        "Acme Status> · Nov 22, 2026, 9:55\u202fAM UTC"
    )


def test_mattermost_gets_text_and_an_attachment(sent: Result, receiver: Receiver) -> None:
    [request] = receiver.on("/mattermost")
    payload = request.json
    link = f"https://status.acme.example/{INCIDENT}/#{NEW_FILE}"
    assert payload["text"] == f"**Identified: Webhook deliveries delayed** · [Acme Status]({link})"
    [attachment] = payload["attachments"]
    assert attachment["title"] == "Identified: Webhook deliveries delayed"
    assert attachment["title_link"] == link
    assert attachment["color"] == "#e8590c"  # major
    assert attachment["text"].startswith("The rollback is complete")
    assert {f["title"]: f["value"] for f in attachment["fields"]}["Components"] == (
        "Webhooks: Partial outage"
    )


def test_discord_gets_content_and_an_embed_without_mentions(
    sent: Result, receiver: Receiver
) -> None:
    [request] = receiver.on("/discord")
    payload = request.json
    link = f"https://status.acme.example/{INCIDENT}/#{NEW_FILE}"
    assert payload["content"] == f"**Identified: Webhook deliveries delayed** · <{link}>"
    assert payload["allowed_mentions"] == {"parse": []}
    [embed] = payload["embeds"]
    assert (embed["title"], embed["url"], embed["timestamp"]) == (
        "Identified: Webhook deliveries delayed",
        link,
        "2026-11-22T09:55:00Z",
    )
    assert embed["color"] == 0xE8590C
    assert embed["description"].startswith("The rollback is complete")
    assert {
        "name": "Next update",
        "value": "by Nov 22, 2026, 10:25\u202fAM UTC",
        "inline": True,
    } in (embed["fields"])


def test_teams_gets_an_adaptive_card(sent: Result, receiver: Receiver) -> None:
    [request] = receiver.on("/teams")
    payload = request.json
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    title, meta, text, facts = card["body"]
    assert (title["text"], title["color"]) == ("Identified: Webhook deliveries delayed", "Warning")
    assert meta["text"] == "Acme Status · Nov 22, 2026, 9:55\u202fAM UTC"
    assert text["text"].startswith("The rollback is complete")
    assert facts["facts"][0] == {"title": "Impact", "value": "Major"}
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Details and every update",
            "url": f"https://status.acme.example/{INCIDENT}/#{NEW_FILE}",
        }
    ]


def test_email_is_threaded_under_the_incident_with_text_and_html(
    sent: Result, mailbox: Mailbox
) -> None:
    [(sender, recipients, _)] = mailbox.messages
    assert (sender, recipients) == ("status@acme.example", ["status-updates@lists.acme.example"])
    [message] = mailbox.parsed()
    assert message["Subject"] == "[Status] Identified: Webhook deliveries delayed"
    assert message["From"] == "Acme Status <status@acme.example>"
    assert message["To"] == "status-updates@lists.acme.example"
    assert message["Date"] == "Sun, 22 Nov 2026 09:55:00 +0000"
    assert re.fullmatch(
        rf"<update\.{INCIDENT}\.{NEW_FILE}\.[0-9a-z]{{8}}@status\.acme\.example>",
        message["Message-ID"],
    )
    root = message["In-Reply-To"]
    assert re.fullmatch(
        rf"<update\.{ROOT_ID.replace('/', '.')}\.[0-9a-z]{{8}}"
        r"@status\.acme\.example>",
        root,
    )
    assert message["References"] == root
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    text = plain.get_content().replace("\r\n", "\n")
    assert text.startswith("Identified: Webhook deliveries delayed\n\nAcme Status · Nov 22, 2026,")
    assert "Expected resolution: Nov 22, 2026, 11:30\u202fAM UTC" in text
    assert f"Details and every update: https://status.acme.example/{INCIDENT}/#{NEW_FILE}" in text
    assert "<p>The rollback is complete" in html.get_content()
    assert f'<a href="https://status.acme.example/{INCIDENT}/#{NEW_FILE}">' in html.get_content()


def test_the_first_update_of_an_incident_starts_the_thread(
    sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    env = environment(receiver, mailbox)
    for update in (ROOT_ID, NEW_ID):
        result = notify(sites.config, "--update", update, "--channel", "list", env=env)
        assert result.exit_code == 0, result.output
    first, later = mailbox.parsed()
    assert first["Subject"] == "[Status] Investigating: Webhook deliveries delayed"
    assert first["In-Reply-To"] is None and first["References"] is None
    assert later["In-Reply-To"] == later["References"] == first["Message-ID"]
    assert receiver.requests == []


def test_drafts_and_internal_text_are_never_sent(
    sent: Result, receiver: Receiver, mailbox: Mailbox
) -> None:
    everything = b"".join(r.body for r in receiver.requests) + b"".join(
        content for _, _, content in mailbox.messages
    )
    assert everything
    for canary in CANARIES:
        assert canary.encode() not in everything
        assert canary not in sent.output


# ---------------------------------------------------------------------------------------------
# Retries and failures


def test_retries_after_500s_and_429_honouring_retry_after(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    receiver.answer("/slack", (500, {}), (503, {}))
    receiver.answer("/discord", (429, {"Retry-After": "1"}))
    started = time.monotonic()
    result = notify(sites.config, "--live-url", live, env=environment(receiver, mailbox))
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0  # Retry-After: 1, not the 0.01 s base delay
    assert "slack: sent 'Identified: Webhook deliveries delayed' after 3 attempts\n" in (
        result.output
    )
    assert "discord: sent 'Identified: Webhook deliveries delayed' after 2 attempts\n" in (
        result.output
    )
    for path, attempts in (("/slack", 3), ("/discord", 2), ("/teams", 1)):
        requests = receiver.on(path)
        assert len(requests) == attempts
        assert {r.body for r in requests} == {requests[0].body}  # the same delivery, again
        assert {r.headers["idempotency-key"] for r in requests} == {NEW_KEY}
    assert result.output.endswith("sent 1 update to 6 channels\n")


def test_a_failing_channel_does_not_stop_the_others(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    receiver.answer("/slack", *[(500, {})] * 5)  # the first attempt and 4 retries
    receiver.answer("/discord", (404, {}))  # permanent: never retried
    receiver.answer("/teams", (302, {"Location": "https://elsewhere.example/"}))
    result = notify(sites.config, "--live-url", live, env=environment(receiver, mailbox))
    assert result.exit_code == 1
    assert len(receiver.on("/slack")) == 5
    assert len(receiver.on("/discord")) == len(receiver.on("/teams")) == 1
    assert len(receiver.on("/webhook")) == len(receiver.on("/mattermost")) == 1
    assert len(mailbox.messages) == 1
    assert result.output.splitlines()[-1] == (
        "sent 1 update to 3 of 6 channels; 3 channels failed: "
        "slack (HTTP 500 Internal Server Error: temporarily unavailable after 5 attempts; "
        "0 of 1 sent); discord (HTTP 404 Not Found: temporarily unavailable; 0 of 1 sent); "
        "teams (HTTP 302 Found: temporarily unavailable (redirected: use the final URL); "
        "0 of 1 sent)"
    )


def test_a_missing_secret_or_plain_http_url_fails_that_channel_only(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    env = environment(receiver, mailbox)
    del env["T_SLACK_URL"]
    env["T_TEAMS_URL"] = "http://teams.example/hook/abc"
    result = notify(sites.config, "--live-url", live, env=env)
    assert result.exit_code == 1
    assert "slack: FAILED: $T_SLACK_URL is not set\n" in result.output
    assert "teams: FAILED: $T_TEAMS_URL is not an https:// URL\n" in result.output
    assert "abc" not in result.output  # a webhook URL is a secret: never printed
    assert sorted(r.path for r in receiver.requests) == ["/discord", "/mattermost", "/webhook"]
    assert len(mailbox.messages) == 1


def test_temporary_smtp_refusals_are_retried(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    mailbox.replies = ["451 4.3.0 try again later"]
    result = notify(
        sites.config, "--live-url", live, "--channel", "list", env=environment(receiver, mailbox)
    )
    assert result.exit_code == 0, result.output
    assert "list: sent 'Identified: Webhook deliveries delayed' after 2 attempts\n" in (
        result.output
    )
    assert len(mailbox.messages) == 1


def test_a_permanent_smtp_refusal_fails_the_channel(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    mailbox.replies = ["554 5.7.1 rejected by policy"]
    result = notify(
        sites.config, "--live-url", live, "--channel", "list", env=environment(receiver, mailbox)
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (
        "sent 1 update to 0 of 1 channel; 1 channel failed: "
        "list (SMTP 554 5.7.1 rejected by policy; 0 of 1 sent)"
    )


def test_starttls_is_required_when_configured(
    tmp_path: Path, sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        sites.config.read_text(encoding="utf-8").replace("starttls: false", "starttls: true"),
        encoding="utf-8",
    )
    shutil.copytree(sites.root / "incidents", tmp_path / "incidents")
    result = notify(
        config,
        "--live-url",
        live,
        "--site-dir",
        str(sites.site_dir),
        env=environment(receiver, mailbox),
    )
    assert result.exit_code == 1
    assert f"list: FAILED: 127.0.0.1:{mailbox.port} does not offer STARTTLS\n" in result.output
    assert mailbox.messages == []
    assert len(receiver.requests) == 5


# ---------------------------------------------------------------------------------------------
# When nothing is sent


def test_dry_run_prints_and_sends_nothing(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    env = environment(receiver, mailbox)
    del env["T_SLACK_URL"]
    result = notify(sites.config, "--live-url", live, "--dry-run", env=env)
    assert result.exit_code == 0, result.output
    assert receiver.requests == [] and mailbox.messages == []
    assert f"--- {NEW_KEY}\nIdentified: Webhook deliveries delayed\n" in result.output
    assert "Next update: by Nov 22, 2026, 10:25\u202fAM UTC\n" in result.output
    assert result.output.endswith(
        "Dry run: nothing was sent. Each update would go to:\n"
        "  webhook: webhook webhook at the URL in $T_WEBHOOK_URL\n"
        "  slack: slack webhook at the URL in $T_SLACK_URL ($T_SLACK_URL not set here)\n"
        "  mattermost: mattermost webhook at the URL in $T_MATTERMOST_URL\n"
        "  discord: discord webhook at the URL in $T_DISCORD_URL\n"
        "  teams: teams webhook at the URL in $T_TEAMS_URL\n"
        "  list: e-mail to status-updates@lists.acme.example via the SMTP server in "
        "$T_SMTP_HOST\n"
    )
    assert "127.0.0.1" not in result.output  # the values of the variables are never shown


def test_first_deploy_with_nothing_live_sends_nothing(
    tmp_path: Path, sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    with served(tmp_path) as empty:
        result = notify(sites.config, "--live-url", empty, env=environment(receiver, mailbox))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Nothing was live at {empty}updates.atom: this is the first deploy, so nobody is "
        "notified of the updates it publishes.\n"
    )
    assert receiver.requests == [] and mailbox.messages == []


def test_nothing_new_when_the_live_site_is_the_new_one(
    sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    with served(sites.site_dir) as url:
        result = notify(sites.config, "--live-url", url, env=environment(receiver, mailbox))
    assert (result.exit_code, result.output) == (
        0,
        f"No new updates since {url}updates.atom: nothing to send.\n",
    )
    assert receiver.requests == []


def test_an_unreachable_live_site_sends_nothing_and_fails(
    sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    url = f"http://127.0.0.1:{free_port()}/"
    result = notify(sites.config, "--live-url", url, env=environment(receiver, mailbox))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot fetch the live feed {url}updates.atom: ")
    assert "Connection refused" in result.stderr
    assert result.stderr.endswith(
        "  hint: check site_url in mkdocs.yml (or --live-url) and that the site is up; nothing "
        "was sent, so run notify again once it answers\nNothing was sent.\n"
    )
    assert receiver.requests == [] and mailbox.messages == []


def test_changed_feed_ids_send_nothing_rather_than_the_whole_history(
    tmp_path: Path, sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    feed = (sites.live_dir / "updates.atom").read_text(encoding="utf-8")
    (tmp_path / "updates.atom").write_text(
        feed.replace("tag:status.acme.example,", "tag:old.acme.example,"), encoding="utf-8"
    )
    with served(tmp_path) as url:
        result = notify(sites.config, "--live-url", url, env=environment(receiver, mailbox))
    assert result.exit_code == 1
    assert "error: none of the 28 entries of the live feed is in the new build" in result.stderr
    assert receiver.requests == []


def test_updates_older_than_max_age_are_not_sent(
    sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    result = CliRunner().invoke(
        main,
        ["notify", "-f", str(sites.config), "--now", "2026-11-24T10:00:00Z", "--live-url", live],
        env=environment(receiver, mailbox),
    )
    assert (result.exit_code, result.output) == (
        0,
        (
            f"Not sent, older than max_age (Nov 22, 2026, 9:55\u202fAM UTC): {NEW_ID}\n"
            f"No new updates since {live}updates.atom: nothing to send.\n"
        ),
    )
    assert receiver.requests == []


def test_a_lint_error_means_nothing_is_sent(
    tmp_path: Path, sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    shutil.copy(sites.config, tmp_path / "mkdocs.yml")
    shutil.copytree(sites.root / "incidents", tmp_path / "incidents")
    new = tmp_path / "incidents" / INCIDENT / f"{NEW_FILE}.md"
    new.write_text(
        new.read_text(encoding="utf-8").replace(
            "The rollback is complete",
            "We apologize for any inconvenience. The rollback is complete",
        ),
        encoding="utf-8",
    )
    result = notify(
        tmp_path / "mkdocs.yml",
        "--live-url",
        live,
        "--site-dir",
        str(sites.site_dir),
        env=environment(receiver, mailbox),
    )
    assert result.exit_code == 1
    assert f"incidents/{INCIDENT}/{NEW_FILE}.md:" in result.stdout
    assert "error[rote-apology]" in result.stdout
    assert result.stderr.endswith("Nothing was sent.\n")
    assert receiver.requests == [] and mailbox.messages == []


def test_a_site_dir_that_was_never_built_sends_nothing(
    tmp_path: Path, sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    result = notify(
        sites.config,
        "--live-url",
        live,
        "--site-dir",
        str(tmp_path / "none"),
        env=environment(receiver, mailbox),
    )
    assert result.exit_code == 1
    assert f"error: no {tmp_path / 'none' / 'updates.atom'}: the site has not been built" in (
        result.stderr
    )
    assert receiver.requests == []


@pytest.mark.parametrize("option", [None, "--save-live", "--live-feed"])
def test_without_channels_there_is_nothing_to_do(site_root: Path, option: str | None) -> None:
    # The deploy workflow runs the same steps for sites that notify nobody: they must pass.
    saved = site_root / "saved" / "updates.atom"
    result = notify(site_root / "mkdocs.yml", *([option, str(saved)] if option else []))
    assert (result.exit_code, result.output) == (
        0,
        (
            "No notification channels are configured ('channels:' under 'notify:' in mkdocs.yml): "
            "nothing to send.\n"
        ),
    )
    if option == "--save-live":
        assert saved.read_bytes() == b""  # so the step after the deploy finds its file
    else:
        assert not saved.exists()


# ---------------------------------------------------------------------------------------------
# The deploy workflow: save what is live before deploying, compare with it afterwards


def test_save_live_before_deploying_then_notify_from_the_saved_feed(
    tmp_path: Path, sites: Sites, live: str, receiver: Receiver, mailbox: Mailbox
) -> None:
    saved = tmp_path / "live" / "updates.atom"
    result = notify(sites.config, "--live-url", live, "--save-live", str(saved))
    assert (result.exit_code, result.output) == (
        0,
        f"Saved the live feed (28 entries) to {saved}.\n",
    )
    assert saved.read_bytes() == (sites.live_dir / "updates.atom").read_bytes()
    result = notify(sites.config, "--live-feed", str(saved), env=environment(receiver, mailbox))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("sent 1 update to 6 channels\n")
    assert {r.headers["idempotency-key"] for r in receiver.requests} == {NEW_KEY}


def test_a_first_deploy_saves_an_empty_feed_and_notifies_nobody(
    tmp_path: Path, sites: Sites, receiver: Receiver, mailbox: Mailbox
) -> None:
    saved = tmp_path / "updates.atom"
    (tmp_path / "empty").mkdir()
    with served(tmp_path / "empty") as url:
        result = notify(sites.config, "--live-url", url, "--save-live", str(saved))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Nothing is live at {url}updates.atom yet: saved an empty "
        f"{saved}, so the first deploy notifies nobody.\n"
    )
    assert saved.read_bytes() == b""
    result = notify(sites.config, "--live-feed", str(saved), env=environment(receiver, mailbox))
    assert result.exit_code == 0
    assert result.output.startswith(f"Nothing was live at {saved}: this is the first deploy")
    assert receiver.requests == []


def test_a_missing_saved_feed_sends_nothing(sites: Sites, tmp_path: Path) -> None:
    result = notify(sites.config, "--live-feed", str(tmp_path / "gone.atom"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: cannot read the saved live feed {tmp_path}")
    assert "hint: save it before deploying with 'statuspress notify --save-live" in result.stderr


# ---------------------------------------------------------------------------------------------
# Usage


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--live-url", "http://x/", "--live-feed", "f"],
            "--live-url and --live-feed cannot be used together",
        ),
        (["--save-live", "f", "--dry-run"], "--save-live and --dry-run cannot be used together"),
        (
            ["--channel", "sms"],
            "Invalid value for '--channel': no channel named 'sms'; the channels "
            "are: webhook, slack, mattermost, discord, teams, list",
        ),
    ],
)
def test_usage_errors(sites: Sites, args: list[str], message: str) -> None:
    result = notify(sites.config, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_an_unknown_update_is_refused_with_a_suggestion(sites: Sites) -> None:
    result = notify(sites.config, "--update", f"{INCIDENT}/20261122T0955Z-identifed")
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: no published update '{INCIDENT}/20261122T0955Z-identifed'\n"
        f"  hint: did you mean '{NEW_ID}'?\nNothing was sent.\n"
    )


def test_help_lists_every_option() -> None:
    result = CliRunner().invoke(main, ["notify", "--help"])
    assert result.exit_code == 0
    for option in (
        "--config-file",
        "--site-dir",
        "--live-url",
        "--live-feed",
        "--save-live",
        "--update",
        "--channel",
        "--dry-run",
        "--now",
    ):
        assert option in result.output


def test_backoff_doubles_and_retry_after_is_honoured(receiver: Receiver) -> None:
    receiver.answer("/hook", (500, {}), (502, {}), (429, {"Retry-After": "7"}), (503, {}))
    waited: list[float] = []
    policy = RetryPolicy(retries=4, base_delay=0.5, max_delay=60, sleep=waited.append)
    request = json_request(f"{receiver.base}hook", {"version": 1}, "key-1")
    status, attempts = with_retries(lambda: post(request, timeout=5), policy)
    assert (status, attempts) == (200, 5)
    assert waited == [0.5, 1.0, 7.0, 4.0]  # 0.5 doubling; Retry-After overrides its turn
    assert len(receiver.on("/hook")) == 5


def test_retries_run_out(receiver: Receiver) -> None:
    receiver.answer("/hook", *[(503, {})] * 3)
    waited: list[float] = []
    request = json_request(f"{receiver.base}hook", {}, "key-2")
    with pytest.raises(DeliveryFailed) as failed:
        with_retries(lambda: post(request, 5), RetryPolicy(retries=2, sleep=waited.append))
    assert (failed.value.reason, failed.value.attempts) == (
        "HTTP 503 Service Unavailable: temporarily unavailable",
        3,
    )
    assert waited == [1.0, 2.0]
