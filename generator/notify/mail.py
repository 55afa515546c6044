"""One e-mail per update: plain text and HTML, threaded by incident through its headers."""

from __future__ import annotations

import re
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from ..configuration.notify import EmailChannel
from ..model.ids import short_id
from .message import Notice, html_body, one_line, plain_text

SUBJECT_PREFIX = "[Status]"
_NOT_ATOM = re.compile(r"[^A-Za-z0-9!#$%&'*+\-=?^_`{|}~]+")
_NOT_DOMAIN = re.compile(r"[^A-Za-z0-9.-]+")


def message_id(entry_id: str, authority: str) -> str:
    """A Message-ID derived from a feed entry id, so a resent update keeps its Message-ID.

    `tag:status.acme.example,2005:update/<incident>/<file>` becomes
    `<update.<incident>.<file>.<hash>@status.acme.example>`; the hash keeps two ids distinct
    even when characters had to be replaced.
    """
    specific = entry_id.partition(",2005:")[2] or entry_id
    local = _NOT_ATOM.sub(".", specific).strip(".")
    domain = _NOT_DOMAIN.sub("", authority.rpartition("@")[2]).strip(".") or "statuspress.invalid"
    return f"<{local}.{short_id(entry_id)[:8]}@{domain}>"


def subject(notice: Notice) -> str:
    return notice._(
        "[Status] %(status)s: %(title)s", status=notice.status_label, title=one_line(notice.title)
    )


def email_message(notice: Notice, channel: EmailChannel) -> EmailMessage:
    """The update as multipart/alternative; later updates reply to the incident's first one."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(notice)
    message["From"] = channel.sender
    message["To"] = channel.to
    message["Date"] = format_datetime(notice.at)
    message["Message-ID"] = message_id(notice.key, notice.authority)
    if not notice.is_first:
        root = message_id(notice.thread_key, notice.authority)
        message["In-Reply-To"] = root
        message["References"] = root
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    message.set_content(plain_text(notice))
    message.add_alternative(html_body(notice), subtype="html")
    return message
