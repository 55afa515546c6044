"""Sending: HTTP POSTs and SMTP, each retried with exponential backoff on temporary failures."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

from .live import USER_AGENT

LOOPBACK = ("127.0.0.1", "::1", "localhost")
RETRYABLE_HTTP = frozenset({408, 425, 429})  # and every 5xx
T = TypeVar("T")


class DeliveryFailed(Exception):
    """A delivery that did not go through; `attempts` made, `permanent` when retrying is futile."""

    def __init__(
        self,
        reason: str,
        permanent: bool = False,
        retry_after: float | None = None,
        attempts: int = 1,
    ) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent
        self.retry_after, self.attempts = retry_after, attempts


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry; `sleep` is injectable so tests need not wait."""

    retries: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed attempt number `attempt` (1-based)."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return min(self.base_delay * 2.0 ** (attempt - 1), self.max_delay)


def with_retries(send: Callable[[], T], policy: RetryPolicy) -> tuple[T, int]:
    """`send()`'s result and the number of attempts it took; raises the last DeliveryFailed."""
    attempt = 1
    while True:
        try:
            return send(), attempt
        except DeliveryFailed as failed:
            if failed.permanent or attempt > policy.retries:
                failed.attempts = attempt
                raise
            policy.sleep(policy.delay(attempt, failed.retry_after))
            attempt += 1


# ---------------------------------------------------------------------------------------------
# HTTP


def check_url(url: str, variable: str) -> None:
    """Webhook URLs carry their secret in the path: only https, except to this machine."""
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if secure and parts.hostname:
        return
    raise DeliveryFailed(f"${variable} is not an https:// URL", permanent=True)


def json_request(
    url: str, payload: dict[str, Any], key: str, signing_secret: str | None = None
) -> urllib.request.Request:
    """A POST with the idempotency key (and, for the generic webhook, an HMAC signature)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "Idempotency-Key": key,
    }
    if signing_secret:
        digest = hmac.new(signing_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
        headers["X-Statuspress-Signature"] = f"sha256={digest}"
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would turn a redirected POST into a GET without its body: report it instead."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(request: urllib.request.Request, timeout: float) -> int:
    """One POST; the HTTP status on success (2xx), DeliveryFailed otherwise."""
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise _http_failure(exc) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise DeliveryFailed(f"cannot connect: {reason}") from None


def _http_failure(exc: urllib.error.HTTPError) -> DeliveryFailed:
    detail = " ".join(exc.read(300).decode("utf-8", "replace").split())
    reason = f"HTTP {exc.code} {exc.reason}" + (f": {detail[:200]}" if detail else "")
    if 300 <= exc.code < 400:
        return DeliveryFailed(f"{reason} (redirected: use the final URL)", permanent=True)
    retry_after = parse_retry_after(exc.headers.get("Retry-After"))
    retryable = exc.code in RETRYABLE_HTTP or exc.code >= 500
    return DeliveryFailed(reason, permanent=not retryable, retry_after=retry_after)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    current = datetime.fromtimestamp(time.time() if now is None else now, timezone.utc)
    return max(0.0, (moment - current).total_seconds())


# ---------------------------------------------------------------------------------------------
# SMTP


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    starttls: bool
    user: str | None = None
    password: str | None = None


def send_mail(server: SmtpServer, message: EmailMessage, timeout: float) -> None:
    """One message over one connection; 4xx replies and lost connections may be retried."""
    sender = parseaddr(str(message["From"]))[1]
    recipient = parseaddr(str(message["To"]))[1]
    try:
        with smtplib.SMTP(server.host, server.port, timeout=timeout) as smtp:
            smtp.ehlo()
            if server.starttls:
                if not smtp.has_extn("starttls"):
                    raise DeliveryFailed(
                        f"{server.host}:{server.port} does not offer STARTTLS", permanent=True
                    )
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if server.user is not None:
                smtp.login(server.user, server.password or "")
            smtp.send_message(message, sender, [recipient])
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        raise _smtp_failure(code, reply) from None
    except smtplib.SMTPResponseException as exc:
        raise _smtp_failure(exc.smtp_code, exc.smtp_error) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(
            f"SMTP {server.host}:{server.port}: {exc or type(exc).__name__}"
        ) from None


def _smtp_failure(code: int, reply: bytes | str) -> DeliveryFailed:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return DeliveryFailed(
        f"SMTP {code} {' '.join(text.split())[:200]}", permanent=not 400 <= code < 500
    )


def env_value(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise DeliveryFailed(f"${name} is not set", permanent=True)
    return value
