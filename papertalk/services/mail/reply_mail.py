"""Reply notifications by email: a person's "email me replies" setting (off unless they turn it on, on
their settings page), the outbox rows it makes (one per notification, queued by the mail run like the
digests, with the same lease and retries), each row's message made when it is sent — none when the
comment was deleted or hidden, or the summary became unreadable to them, before that — and the one-click
unsubscribe token of its List-Unsubscribe link.

The address is the account's own: only its signed-in owner can turn the setting on, and every message
carries the unsubscribe link (the digests confirm by a link because they run on unattended). Only
notifications made after the opt-in, and in the last ``RECENT_SECONDS``, are mailed: turning it on does not
mail the archive, and a worker that was down for a month does not send month-old news."""

from __future__ import annotations

import base64
import hashlib
import hmac
from email.message import EmailMessage

from papertalk.config import MailSettings
from papertalk.core.people_records import User
from papertalk.services.library.discussion import find_comment
from papertalk.services.library.summaries import find
from papertalk.services.library.summary_rights import SummaryNotFound
from papertalk.services.mail.digest_message import Addressing
from papertalk.services.mail.reply_message import Reply, reply_message, reply_message_id
from papertalk.services.people.permissions import Actor, require_self
from papertalk.storage.engine import Engine
from papertalk.storage.mail import outbox_rows, reply_rows
from papertalk.storage.mail.reply_rows import REPLY_PREFIX

RECENT_SECONDS = 7 * 86_400
TOKEN_PREFIX = "r"  # a digest's unsubscribe token is bare base64url, which never holds a '.'


def wanted(engine: Engine, actor: Actor, owner: User) -> bool:
    if isinstance(actor, User):
        require_self(actor, owner.id, "see the reply email setting")
    with engine.connect() as conn:
        return reply_rows.since_of(conn, owner.id) is not None


def set_wanted(engine: Engine, actor: Actor, owner: User, on: bool, now: int) -> None:
    """Turn reply mail on (from now; kept as it was when already on) or off."""
    if isinstance(actor, User):
        require_self(actor, owner.id, "change the reply email setting")
    with engine.begin() as conn:
        since = reply_rows.since_of(conn, owner.id)
        if on and since is None:
            reply_rows.set_since(conn, owner.id, now)
        elif not on and since is not None:
            reply_rows.set_since(conn, owner.id, None)


def unsubscribe_token(secret: str, user_id: int) -> str:
    """``r<user id>.<HMAC>``: made again by the worker for each message, checked without being stored."""
    digest = hmac.new(secret.encode(), f"reply-unsubscribe:{user_id}".encode(), hashlib.sha256).digest()
    return f"{TOKEN_PREFIX}{user_id}.{base64.urlsafe_b64encode(digest).decode().rstrip('=')}"


def person_of_token(secret: str, token: str) -> int | None:
    """The person a reply unsubscribe token was made for, or None (not such a token, or forged)."""
    number, dot, _ = token[len(TOKEN_PREFIX) :].partition(".")
    if not token.startswith(TOKEN_PREFIX) or not dot or not number.isascii() or not number.isdigit():
        return None
    if len(number) > 10 or not hmac.compare_digest(unsubscribe_token(secret, int(number)), token):
        return None
    return int(number)


def unsubscribe(engine: Engine, secret: str, token: str) -> bool:
    """Stop reply mail for this link's token (anyone holding the link may: RFC 8058); False for a token that
    is not a valid reply token. Twice is fine."""
    user_id = person_of_token(secret, token)
    if user_id is None:
        return False
    with engine.begin() as conn:
        reply_rows.set_since(conn, user_id, None)
    return True


def queue_due(engine: Engine, base_url: str, now: int) -> int:
    """Queue a row for every notification due a message (idempotent: one row per notification, ever)."""
    with engine.begin() as conn:
        due = reply_rows.due(conn, now - RECENT_SECONDS)
        rows = [(u, reply_rows.reply_period(n), reply_message_id(u, n, base_url)) for u, n in due]
        return outbox_rows.queue(conn, rows, now)


def is_reply(period: str) -> bool:
    return period.startswith(REPLY_PREFIX)


def compose(
    engine: Engine, mail: MailSettings, base_url: str, secret: str, period: str, message_id: str, now: int
) -> tuple[EmailMessage, str] | str:
    """The message of a reply row and its address, or why none goes out (the comment was deleted or hidden,
    its summary is no longer the person's to read, or they turned reply mail off)."""
    notification_id = int(period[len(REPLY_PREFIX) :])
    with engine.connect() as conn:
        notice = reply_rows.notice_of(conn, notification_id)
    if notice is None:
        return "not sent: reply email was turned off before it was sent"
    person = notice.recipient
    try:
        comment = find_comment(engine, person, notice.comment_id)
        summary = find(engine, person, comment.summary_id)
    except SummaryNotFound:
        return "not sent: the comment or its summary was removed before it was sent"
    if not comment.shown:  # a hidden comment is still shown to an admin on the site, never mailed
        return "not sent: the comment was hidden before it was sent"
    to_your_comment = summary.user_id != person.id
    base = base_url.rstrip("/")
    stop = f"{base}/mail/unsubscribe/{unsubscribe_token(secret, person.id)}"
    to = Addressing(mail.sender, person.name, person.email, base, stop, f"{base}/settings#replies")
    message = reply_message(Reply(comment, summary, to_your_comment), to, notification_id, person.id, now)
    del message["Message-ID"]
    message["Message-ID"] = message_id  # the row's own: the same on every attempt
    return message, person.email
