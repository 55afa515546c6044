"""The `notify:` option: channels name environment variables; every mistake has its line."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import MINIMAL_CONFIG
from statuspress.cli import main
from statuspress.configuration.notify import EmailChannel, HttpChannel, NotifyConfig, parse_notify

Tree = Callable[[dict[str, str]], Path]
BROKEN = """\
      notify:
        max_age: soon
        retries: 20
        chanels: []
        channels:
          - type: slack
            url: https://hooks.slack.com/services/T000/B000/XXXX
          - type: discord
            url_env: https://discord.com/api/webhooks/1/abc
          - type: temas
            url_env: TEAMS_URL
          - type: webhook
            url_env: HOOK URL
          - type: email
            to: list@test.example
            from: Status <status@test.example>
            host_env: SMTP_HOST
            user_env: SMTP_USER
          - type: email
            name: plain
            to: list@test.example
            from: Status <status@test.example>
            host_env: SMTP_HOST
            user_env: SMTP_USER
            password_env: SMTP_PASSWORD
            starttls: false
          - type: mattermost
          - type: slack
            url_env: SLACK_URL
            colour: red
          - type: email
            name: list
            to: nobody
            from: Status <status@test.example>
            host_env: smtp.test.example
          - just text
          - type: teams
            url_env: TEAMS_URL
          - type: teams
            url_env: OTHER_TEAMS_URL
"""


def notify(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["notify", "-f", str(root / "mkdocs.yml"), *args])
    return result.exit_code, result.output


def test_every_notify_problem_is_reported_at_its_line(write_tree: Tree) -> None:
    root = write_tree({"mkdocs.yml": MINIMAL_CONFIG + BROKEN, "incidents/.keep": ""})
    code, output = notify(root, "--dry-run")
    prefix = "mkdocs.yml:{}: error[config-option]: option 'notify': "
    expected = [
        (
            19,
            "'max_age' is not a duration: 'soon'",
            "write e.g. 12h or 1d: older updates are never sent",
        ),
        (20, "'retries' must be a whole number from 0 to 10, not 20", "write e.g. 'retries: 4'"),
        (21, "unknown key 'chanels' in 'notify'", "did you mean 'channels'?"),
        (
            24,
            "channel #1 (slack): 'url' would put a secret in the repository",
            "store it as a secret in an environment variable and name the variable instead: "
            "'url_env: SLACK_WEBHOOK_URL'",
        ),
        (
            26,
            "channel #2 (discord): 'url_env' must name an environment variable, not hold the "
            "value itself",
            "keep the value out of the repository: store it as a secret, pass it "
            "to the step in an environment variable and write 'url_env: DISCORD_WEBHOOK_URL'",
        ),
        (27, "channel #3: unknown type 'temas'", "did you mean 'teams'?"),
        (
            30,
            "channel #4 (webhook): 'HOOK URL' is not an environment variable name",
            "use letters, digits and '_', e.g. STATUS_WEBHOOK_URL",
        ),
        (
            31,
            "channel #5 (email): 'user_env' and 'password_env' go together",
            "name both variables to log in, or neither to send without logging in",
        ),
        (
            43,
            "channel #6 (plain): with 'starttls: false' the password would cross the network "
            "unencrypted",
            "remove 'starttls: false'",
        ),
        (
            44,
            "channel #7 (mattermost): 'url_env' is missing",
            "name the environment variable that holds it, e.g. 'url_env: MATTERMOST_WEBHOOK_URL'",
        ),
        (
            47,
            "channel #8 (slack): unknown key 'colour'",
            "known keys: type, name, url_env, components, min_impact",
        ),
        (
            50,
            "channel #9 (list): 'nobody' is not an e-mail address",
            "write e.g. 'to: status-updates@lists.acme.example'",
        ),
        (
            53,
            "channel #10 needs a 'type'",
            "use one of: webhook, slack, mattermost, discord, teams, email",
        ),
        (56, "two channels are named 'teams'", "give each channel its own 'name:'"),
    ]
    assert code == 1
    assert output == "".join(
        f"{prefix.format(line)}{message}\n  hint: {hint}\n" for line, message, hint in expected
    ) + ("14 errors in 1 file\nNothing was sent.\n")


def test_a_host_name_is_not_an_environment_variable(write_tree: Tree) -> None:
    config = (
        MINIMAL_CONFIG
        + """\
      notify:
        channels:
          - type: email
            to: list@test.example
            from: status@test.example
            host_env: smtp.test.example
"""
    )
    code, output = notify(write_tree({"mkdocs.yml": config}))
    assert code == 1
    assert output.startswith(
        "mkdocs.yml:23: error[config-option]: option 'notify': channel #1 (email): 'host_env' "
        "must name an environment variable, not hold the value itself\n"
        "  hint: keep the value out of the repository: store it as a secret, pass it to the "
        "step in an environment variable and write 'host_env: SMTP_HOST'\n"
    )


def test_check_and_build_refuse_a_webhook_url_in_mkdocs_yml(write_tree: Tree) -> None:
    config = (
        MINIMAL_CONFIG
        + """\
      notify:
        channels:
          - type: slack
            url: https://hooks.slack.com/services/T000/B000/XXXX
"""
    )
    root = write_tree({"mkdocs.yml": config, "incidents/.keep": ""})
    result = CliRunner().invoke(main, ["check", "-f", str(root / "mkdocs.yml")])
    assert result.exit_code == 1
    assert result.output == (
        "mkdocs.yml:19: error[config-option]: option 'notify': channel #1 (slack): 'url' would "
        "put a secret in the repository\n"
        "  hint: see the Notifications guide in the documentation; 'statuspress notify "
        "--dry-run' shows every problem with its line\n"
        "1 error in 1 file\n"
    )


def test_a_complete_configuration() -> None:
    config, problems = parse_notify(
        {
            "max_age": "12h",
            "retries": 2,
            "retry_delay": 0.5,
            "timeout": 20,
            "channels": [
                {"type": "webhook", "url_env": "HOOK", "secret_env": "HOOK_SECRET"},
                {"type": "teams", "name": "ops", "url_env": "TEAMS"},
                {
                    "type": "email",
                    "to": "list@acme.example",
                    "from": "Acme <status@acme.example>",
                    "host_env": "SMTP_HOST",
                    "port_env": "SMTP_PORT",
                    "user_env": "SMTP_USER",
                    "password_env": "SMTP_PASSWORD",
                },
            ],
        }
    )
    assert problems == []
    assert config == NotifyConfig(
        channels=(
            HttpChannel("webhook", "webhook", "HOOK", "HOOK_SECRET"),
            HttpChannel("ops", "teams", "TEAMS"),
            EmailChannel(
                "email",
                "list@acme.example",
                "Acme <status@acme.example>",
                "SMTP_HOST",
                "SMTP_PORT",
                "SMTP_USER",
                "SMTP_PASSWORD",
                True,
            ),
        ),
        max_age=timedelta(hours=12),
        retries=2,
        retry_delay=0.5,
        timeout=20.0,
    )


@pytest.mark.parametrize("value", [None, {}, {"channels": []}])
def test_no_channels_is_valid(value: object) -> None:
    assert parse_notify(value) == (NotifyConfig(), [])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("slack", "'notify' must be a mapping with 'channels:'"),
        ({"channels": {"type": "slack"}}, "'channels' must be a list of channels"),
        ({"timeout": True}, "'timeout' must be a number from 1 to 120, not True"),
        ({"retry_delay": 100}, "'retry_delay' must be a number from 0 to 60, not 100"),
        (
            {
                "channels": [
                    {
                        "type": "email",
                        "to": "a@b.example",
                        "from": "c@d.example",
                        "host_env": "H",
                        "starttls": "yes please",
                    }
                ]
            },
            "channel #1 (email): 'starttls' must be true or false",
        ),
        (
            {"channels": [{"type": "email", "from": "c@d.example", "host_env": "H"}]},
            "channel #1 (email): 'to' is missing",
        ),
    ],
)
def test_bad_values(value: object, message: str) -> None:
    config, problems = parse_notify(value)
    assert config is None
    assert [p.message for p in problems] == [message]
