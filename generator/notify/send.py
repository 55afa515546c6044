"""Every notice to every channel, in order; a failing channel never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ..configuration.notify import Channel, EmailChannel, HttpChannel
from .delivery import (
    DeliveryFailed,
    RetryPolicy,
    SmtpServer,
    check_url,
    env_value,
    json_request,
    post,
    send_mail,
    with_retries,
)
from .mail import email_message
from .message import Notice
from .payloads import PAYLOADS

Log = Callable[[str], None]


@dataclass
class ChannelResult:
    channel: Channel
    sent: list[Notice] = field(default_factory=list)
    failure: str | None = None
    planned: int = 0  # the notices for this channel (its `components` and `min_impact`)

    @property
    def ok(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Report:
    notices: tuple[Notice, ...]
    results: tuple[ChannelResult, ...]

    @property
    def failed(self) -> list[ChannelResult]:
        return [result for result in self.results if not result.ok]

    def summary(self) -> str:
        """`sent 2 updates to 5 channels`, and which channels failed and why."""
        updates, channels = _plural(len(self.notices), "update"), len(self.results)
        if not self.failed:
            return f"sent {updates} to {_plural(channels, 'channel')}"
        reached = channels - len(self.failed)
        reasons = "; ".join(
            f"{r.channel.name} ({r.failure}; {len(r.sent)} of {r.planned} sent)"
            for r in self.failed
        )
        return (
            f"sent {updates} to {reached} of {_plural(channels, 'channel')}; "
            f"{_plural(len(self.failed), 'channel')} failed: {reasons}"
        )


def _after(attempts: int) -> str:
    return f" after {attempts} attempts" if attempts > 1 else ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def deliver(
    notices: list[Notice],
    channels: tuple[Channel, ...],
    environ: Mapping[str, str],
    policy: RetryPolicy,
    timeout: float,
    log: Log,
) -> Report:
    """Send each notice, oldest first, to each channel; a channel stops at its first failure."""
    results = []
    for channel in channels:
        chosen = [n for n in notices if n.reaches(channel.components, channel.min_impact)]
        result = ChannelResult(channel, planned=len(chosen))
        if len(chosen) < len(notices):
            log(f"{channel.name}: {len(notices) - len(chosen)} not for this channel (its limits)")
        try:
            _send_all(channel, chosen, _sender(channel, environ, policy, timeout), result, log)
        except DeliveryFailed as failed:
            result.failure = f"{failed.reason}{_after(failed.attempts)}"
            log(f"{channel.name}: FAILED: {result.failure}")
        results.append(result)
    return Report(tuple(notices), tuple(results))


Sender = Callable[[Notice], int]  # sends one notice; returns the number of attempts


def _send_all(
    channel: Channel, notices: list[Notice], sender: Sender, result: ChannelResult, log: Log
) -> None:
    for notice in notices:
        attempts = sender(notice)
        result.sent.append(notice)
        log(f"{channel.name}: sent '{notice.headline}'{_after(attempts)}")


def _sender(
    channel: Channel, environ: Mapping[str, str], policy: RetryPolicy, timeout: float
) -> Sender:
    """A function that sends one notice on this channel; secrets are read here, once."""
    if isinstance(channel, EmailChannel):
        server = smtp_server(channel, environ)
        return lambda notice: with_retries(
            lambda: send_mail(server, email_message(notice, channel), timeout), policy
        )[1]
    return _http_sender(channel, environ, policy, timeout)


def _http_sender(
    channel: HttpChannel, environ: Mapping[str, str], policy: RetryPolicy, timeout: float
) -> Sender:
    url = env_value(environ, channel.url_env)
    check_url(url, channel.url_env)
    secret = env_value(environ, channel.secret_env) if channel.secret_env else None
    shape = PAYLOADS[channel.type]

    def send(notice: Notice) -> int:
        request = json_request(url, shape(notice), notice.key, secret)
        return with_retries(lambda: post(request, timeout), policy)[1]

    return send


def smtp_server(channel: EmailChannel, environ: Mapping[str, str]) -> SmtpServer:
    host = env_value(environ, channel.host_env)
    port_text = env_value(environ, channel.port_env) if channel.port_env else ""
    if port_text and not port_text.isdigit():
        raise DeliveryFailed(f"${channel.port_env} is not a port number", permanent=True)
    port = int(port_text) if port_text else (587 if channel.starttls else 25)
    user = env_value(environ, channel.user_env) if channel.user_env else None
    password = env_value(environ, channel.password_env) if channel.password_env else None
    return SmtpServer(host, port, channel.starttls, user, password)
