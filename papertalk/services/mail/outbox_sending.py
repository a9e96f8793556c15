"""Sending digests (and reply notifications, services/mail/reply_mail.py: their rows are queued and sent
the same way) through the outbox (``papertalk digest send`` and the worker's mail thread).

1. **Queue.** Each active subscription whose hour has come in its timezone gets one outbox row for its
   latest finished day (daily) or ISO week (weekly), with a Message-ID derived from (person, period).
   ``(user_id, period)`` is unique and the insert is ``ON CONFLICT DO NOTHING``: queueing is idempotent,
   run by any number of workers, any number of times.
2. **Claim.** A worker takes a batch of due rows under a lease (its holder id and an expiry); rows of a
   worker that died come back when its lease ends.
3. **Send.** Per row: compose the message from the person's *frozen* digest of that period (frozen first
   if the freezer has not yet: the mail is the page); commit ``state = 'sending'`` (with a renewed lease);
   hand the message to SMTP; commit ``state = 'sent'``.

What a crash or ``kill -9`` does at each moment:

- before ``sending`` is committed: nothing went out; the row is claimed again after the lease: no loss;
- after ``sent`` is committed: done, never sent again;
- between the two (the SMTP transaction itself, and the instant after the server's 250 before our
  commit): papertalk cannot know whether the server took the message. **We choose at-least-once**: the
  row, still ``sending``, is claimed again after its lease and sent again *with the same Message-ID*
  (logged ``event=mail_resend_unconfirmed``). A lost digest is worse than a rare duplicate, and a
  duplicate carries the Message-ID of the first, which mail stores and clients collapse. At-most-once
  (give such a row up) would lose a digest at every kill inside DATA, a much wider window than the
  millisecond between the 250 and the commit. The kill -9 test counts the server's Message-IDs.

Failures: 4xx answers, a dropped connection and timeouts are temporary: the row goes back to ``queued``
with an exponential backoff (``BACKOFF_SECONDS`` doubling, up to an hour) and fails after
``TEMPORARY_TRIES``; 5xx answers are permanent: tried ``PERMANENT_TRIES`` times, then ``failed``, and the
line is shown on the person's settings page. A server that cannot be reached stops the run (the rest
stays queued for the next one)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from papertalk.config import MailSettings
from papertalk.core.people_records import User
from papertalk.core.ranking import RankingSettings
from papertalk.services.digests.digest_dates import Period, day_period, parse_period, week_of
from papertalk.services.digests.digest_streams import own_stream
from papertalk.services.digests.digest_view import digest, freeze
from papertalk.services.mail import reply_mail
from papertalk.services.mail.digest_message import Addressing, digest_message, message_id
from papertalk.services.mail.mail_tokens import instance_secret, unsubscribe_token
from papertalk.services.mail.smtp_client import MailFailure, SmtpConnection
from papertalk.storage.engine import Engine
from papertalk.storage.mail import outbox_rows, subscription_rows
from papertalk.storage.mail.outbox_rows import OutboxRow
from papertalk.storage.mail.subscription_rows import Recipient

log = logging.getLogger("papertalk.mail")

CLAIM_BATCH = 200
BACKOFF_SECONDS = 60
MAX_BACKOFF_SECONDS = 3600
TEMPORARY_TRIES = 10
PERMANENT_TRIES = 3


@dataclass(frozen=True)
class MailJob:
    """What sending needs: the SMTP server, the site's absolute base URL, the ranking (to freeze a digest
    not frozen yet), and the outbox's pace (tests shorten them)."""

    mail: MailSettings
    base_url: str
    ranking: RankingSettings
    batch: int = CLAIM_BATCH
    backoff_seconds: int = BACKOFF_SECONDS


@dataclass
class SendSummary:
    queued: int = 0  # new outbox rows
    sent: int = 0
    resent_unconfirmed: int = 0  # rows found "sending" after a crash, sent again (same Message-ID)
    retried: int = 0  # temporary failures, queued again with a backoff
    failed: int = 0  # given up (permanent failures, or too many temporary ones)
    stopped: str | None = None  # why the run ended early (the server could not be reached)
    planned: list[dict[str, str]] = field(default_factory=list)  # --dry-run: what would go out


def due_period(recipient: Recipient, now: int) -> Period | None:
    """The latest period whose message is due at ``now`` (its hour has come in the person's timezone), or
    None when it ended too long before they confirmed (a newcomer gets the latest one, not the archive)."""
    zone = _zone(recipient.timezone)
    local = datetime.fromtimestamp(now, zone)
    today = local.date()
    early = local.hour < recipient.hour
    if recipient.cadence == "weekly":
        monday = today - timedelta(days=today.weekday())
        period = week_of(monday - timedelta(days=14 if today == monday and early else 7))
        length = 7 * 86_400
    else:
        period = day_period(today - timedelta(days=2 if early else 1))
        length = 86_400
    _, end = period.bounds(zone)
    return period if end >= recipient.confirmed_at - length else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _due_rows(recipients: list[Recipient], now: int, base_url: str) -> list[tuple[int, str, str]]:
    rows = []
    for r in recipients:
        period = due_period(r, now)
        if period is not None:
            rows.append((r.user_id, period.name, message_id(r.user_id, period.name, base_url)))
    return rows


def queue_due(engine: Engine, job: MailJob, now: int) -> int:
    """Queue every due message not queued yet, digests and replies (idempotent); how many rows were new."""
    with engine.begin() as conn:
        rows = _due_rows(subscription_rows.active_recipients(conn), now, job.base_url)
        digests = outbox_rows.queue(conn, rows, now)
    return digests + reply_mail.queue_due(engine, job.base_url, now)


def plan(engine: Engine, job: MailJob, now: int, limit: int = 100_000) -> list[dict[str, str]]:
    """What a run would send now (reads only): the rows waiting in the outbox and those it would queue."""
    with engine.connect() as conn:
        recipients = {r.user_id: r for r in subscription_rows.active_recipients(conn)}
        due = _due_rows(list(recipients.values()), now, job.base_url)
        known = outbox_rows.queued_keys(conn, [u for u, _, _ in due])
        waiting = outbox_rows.open_rows(conn, limit)
    rows = [(r.user_id, r.period, r.message_id, r.state) for r in waiting]
    rows += [(u, p, m, "to queue") for u, p, m in due if (u, p) not in known]
    return [
        {"user": recipients[u].name, "email": recipients[u].email, "period": p, "message_id": m, "state": s}
        for u, p, m, s in rows[:limit]
        if u in recipients
    ]


def send_due(
    engine: Engine,
    job: MailJob,
    clock: Callable[[], float],
    on_progress: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    holder: str | None = None,
) -> SendSummary:
    """Queue what is due, then send the outbox batch by batch until it is empty (or ``should_stop``)."""
    summary = SendSummary()
    if not job.mail.host:
        summary.stopped = "mail is off: set PAPERTALK_SMTP_HOST (see docs/settings.md)"
        return summary
    holder = holder or f"mail-{uuid.uuid4().hex[:16]}"
    summary.queued = queue_due(engine, job, int(clock()))
    with engine.connect() as conn:
        counts = outbox_rows.state_counts(conn)
        recipients = {r.user_id: r for r in subscription_rows.active_recipients(conn)}
    total = sum(counts.get(s, 0) for s in outbox_rows.OPEN_STATES)
    secret = instance_secret(engine)
    done = 0
    smtp = SmtpConnection(job.mail)  # opened by the first message: an unreachable server ends the run
    try:
        while not should_stop() and summary.stopped is None:
            with engine.begin() as conn:
                claimed = outbox_rows.claim(conn, holder, int(clock()), job.mail.lease_seconds, job.batch)
            if not claimed:
                break
            for row in claimed:
                if should_stop() or summary.stopped is not None:
                    break
                _send_one(engine, job, clock, smtp, holder, row, recipients.get(row.user_id), secret, summary)
                done += 1
                if on_progress is not None:
                    on_progress(done, max(total, done))
    finally:
        smtp.close()
    with engine.begin() as conn:
        outbox_rows.release(conn, holder)
    return summary


def _send_one(
    engine: Engine, job: MailJob, clock: Callable[[], float], smtp: SmtpConnection, holder: str, row: OutboxRow,
    recipient: Recipient | None, secret: str, summary: SendSummary,
) -> None:  # fmt: skip
    now = int(clock())
    composed = _compose(engine, job, now, row, recipient, secret)
    if isinstance(composed, str):  # unsubscribed (or disabled), or the reply withdrawn, since it was queued
        with engine.begin() as conn:
            outbox_rows.mark_dropped(conn, row.id, holder, composed)
        return
    message, address = composed
    if smtp.smtp is None:
        try:
            smtp.open()
        except MailFailure as failure:  # the server is unreachable: keep the row queued, end the run
            summary.stopped = str(failure)
            log.warning("event=mail_server_unreachable error=%r", str(failure))
            return
    with engine.begin() as conn:
        if not outbox_rows.mark_sending(conn, row.id, holder, now + job.mail.lease_seconds):
            return  # the lease ran out and another worker holds the row now
    if row.state == "sending":
        summary.resent_unconfirmed += 1
        log.warning("event=mail_resend_unconfirmed user=%d period=%s message_id=%s", row.user_id, row.period,
                    row.message_id)  # fmt: skip
    try:
        smtp.send(message, job.mail.sender, address)
    except MailFailure as failure:
        _failed(engine, job, now, holder, row, failure, summary)
        return
    with engine.begin() as conn:
        outbox_rows.mark_sent(conn, row.id, holder, int(clock()))
    summary.sent += 1


def _compose(
    engine: Engine, job: MailJob, now: int, row: OutboxRow, recipient: Recipient | None, secret: str
) -> tuple[EmailMessage, str] | str:
    """The row's message and its address, or why nothing goes out."""
    if reply_mail.is_reply(row.period):
        return reply_mail.compose(engine, job.mail, job.base_url, secret, row.period, row.message_id, now)
    if recipient is None:
        return "unsubscribed before it was sent"
    user = User(recipient.user_id, recipient.name, recipient.email, False, False, 0)
    stream = own_stream(engine, user)
    period = parse_period(row.period)
    freeze(engine, job.ranking, now, period, stream)  # the worker's freezer may not have come by yet
    found = digest(engine, job.ranking, now, period, stream)
    base = job.base_url.rstrip("/")
    token = unsubscribe_token(secret, recipient.user_id, recipient.created_at)
    to = Addressing(job.mail.sender, recipient.name, recipient.email, base, f"{base}/mail/unsubscribe/{token}",
                    f"{base}/settings#mail-heading")  # fmt: skip
    message = digest_message(found, to, now)
    del message["Message-ID"]
    message["Message-ID"] = row.message_id  # the row's own: the same on every attempt
    return message, recipient.email


def _failed(
    engine: Engine, job: MailJob, now: int, holder: str, row: OutboxRow, failure: MailFailure, summary: SendSummary
) -> None:
    attempts = row.attempts + 1
    tries = TEMPORARY_TRIES if failure.temporary else PERMANENT_TRIES
    line = str(failure)
    with engine.begin() as conn:
        if attempts >= tries:
            outbox_rows.mark_failed(conn, row.id, holder, line)
            if not reply_mail.is_reply(row.period):  # the settings page shows a digest's failure
                subscription_rows.note_failure(conn, row.user_id, f"digest {row.period}: {line}", now)
            summary.failed += 1
        else:
            wait = min(job.backoff_seconds * 2 ** (attempts - 1), MAX_BACKOFF_SECONDS)
            outbox_rows.mark_retry(conn, row.id, holder, line, now + wait)
            summary.retried += 1
    log.warning("event=mail_failed user=%d period=%s attempts=%d temporary=%s error=%r", row.user_id, row.period,
                attempts, failure.temporary, line)  # fmt: skip
