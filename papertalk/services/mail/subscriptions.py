"""Opting in and out of digest email. Opting in (daily or weekly, at an hour of the person's timezone)
sends a confirmation link and stays pending until its page is confirmed with a POST; an active person who
only changes the cadence or hour needs no new confirmation. Unsubscribing takes the token of a message's
link (one POST, no sign-in: RFC 8058) or the signed-in person's own button. Only the person may change
their subscription."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formataddr

from papertalk.config import MailSettings
from papertalk.core.people_records import User
from papertalk.services.mail.mail_tokens import instance_secret, new_token, token_hash, unsubscribe_token
from papertalk.services.mail.smtp_client import MailFailure, SmtpConnection
from papertalk.services.people.form_problems import FormProblem
from papertalk.services.people.permissions import Actor, require_self
from papertalk.storage.engine import Engine
from papertalk.storage.mail import subscription_rows
from papertalk.storage.mail.subscription_rows import Subscription

CADENCES = ("daily", "weekly")


def subscription_for(engine: Engine, actor: Actor, owner: User) -> Subscription | None:
    if isinstance(actor, User):
        require_self(actor, owner.id, "see the digest email settings")
    with engine.connect() as conn:
        return subscription_rows.subscription_of(conn, owner.id)


def _checked(cadence: str, hour: str) -> tuple[str, int]:
    if cadence not in CADENCES:
        raise FormProblem(f"mail_cadence: choose daily or weekly, not {cadence[:20]!r}")
    text = hour.strip()
    if not text.isdigit() or not 0 <= int(text) <= 23:
        raise FormProblem(f"mail_hour: an hour from 0 to 23 in your timezone, not {text[:10]!r}")
    return cadence, int(text)


def opt_in(
    engine: Engine, mail: MailSettings, base_url: str, actor: Actor, owner: User, cadence: str, hour: str, now: int
) -> str:
    """Ask for digest email (or change its schedule); "pending" when a confirmation link went out,
    "active" when the schedule of an active subscription changed. FormProblem for a refused field, or when
    the confirmation could not be sent (then nothing is saved)."""
    if isinstance(actor, User):
        require_self(actor, owner.id, "change the digest email settings")
    chosen, at = _checked(cadence, hour)
    with engine.begin() as conn:
        current = subscription_rows.subscription_of(conn, owner.id)
        if current is not None and current.state == "active":
            subscription_rows.change_schedule(conn, owner.id, chosen, at)
            return "active"
    if not mail.host:
        raise FormProblem("mail_cadence: this site sends no email (its SMTP server is not set)")
    if "@" not in owner.email:
        raise FormProblem("mail_cadence: your account has no email address")
    token = new_token()
    link = f"{base_url.rstrip('/')}/mail/confirm/{token}"
    try:
        with SmtpConnection(mail) as smtp:
            smtp.send(_confirmation(mail, owner, chosen, at, link), mail.sender, owner.email)
    except MailFailure as failure:
        raise FormProblem(f"mail_cadence: the confirmation could not be sent: {failure}") from None
    secret = instance_secret(engine)
    with engine.begin() as conn:
        subscription_rows.put_pending(conn, owner.id, chosen, at, token_hash(token),
                                      token_hash(unsubscribe_token(secret, owner.id, now)), now)  # fmt: skip
    return "pending"


def _confirmation(mail: MailSettings, owner: User, cadence: str, hour: int, link: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Confirm your papertalk digest email"
    message["From"] = mail.sender
    message["To"] = formataddr((owner.name, owner.email))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Someone (we hope you) asked for the papertalk digest by email, {cadence}, at {hour}:00 in your "
        f"timezone.\n\nTo start it, open this link and press Confirm:\n{link}\n\nIf it was not you, ignore "
        "this message: nothing is sent without the confirmation.\n"
    )
    return message


def pending_with_token(engine: Engine, token: str) -> Subscription | None:
    with engine.connect() as conn:
        return subscription_rows.pending_with(conn, token_hash(token))


def confirm(engine: Engine, token: str, now: int) -> bool:
    """Start the subscription this link's token confirms; False for an unknown or used token."""
    with engine.begin() as conn:
        return subscription_rows.activate(conn, token_hash(token), now) is not None


def subscribed_with_token(engine: Engine, token: str) -> Subscription | None:
    with engine.connect() as conn:
        return subscription_rows.subscribed_with(conn, token_hash(token))


def unsubscribe(engine: Engine, token: str) -> bool:
    """Stop the digest email of this unsubscribe token (anyone holding the link may: RFC 8058); False for an
    unknown token. Unsubscribing twice is fine."""
    with engine.begin() as conn:
        found = subscription_rows.subscribed_with(conn, token_hash(token))
        if found is None:
            return False
        subscription_rows.turn_off(conn, found.user_id)
        return True


def stop(engine: Engine, actor: Actor, owner: User) -> None:
    if isinstance(actor, User):
        require_self(actor, owner.id, "stop the digest email")
    with engine.begin() as conn:
        subscription_rows.turn_off(conn, owner.id)
