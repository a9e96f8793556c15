"""Rows of ``mail_subscriptions``: a person's opt-in (pending until its link is confirmed), found by the
hash of its confirmation or unsubscribe token, and the last permanent failure shown on their settings."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, delete, insert, select, update

from papertalk.storage.tables import mail_subscriptions, user_settings, users


@dataclass(frozen=True, slots=True)
class Subscription:
    user_id: int
    cadence: str  # "daily" or "weekly"
    hour: int
    state: str  # "pending", "active" or "off"
    created_at: int
    confirmed_at: int | None
    last_failure: str | None
    last_failure_at: int | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """An active subscription with what sending needs: the address and the timezone its hour is in."""

    user_id: int
    name: str
    email: str
    cadence: str
    hour: int
    timezone: str
    confirmed_at: int
    created_at: int  # the subscription's: its unsubscribe token is derived from it


COLUMNS = (
    mail_subscriptions.c.user_id, mail_subscriptions.c.cadence, mail_subscriptions.c.hour, mail_subscriptions.c.state,
    mail_subscriptions.c.created_at, mail_subscriptions.c.confirmed_at, mail_subscriptions.c.last_failure,
    mail_subscriptions.c.last_failure_at,
)  # fmt: skip


def subscription_of(conn: Connection, user_id: int) -> Subscription | None:
    row = conn.execute(select(*COLUMNS).where(mail_subscriptions.c.user_id == user_id)).first()
    return Subscription(*row) if row is not None else None


def put_pending(
    conn: Connection, user_id: int, cadence: str, hour: int, confirm_hash: str, unsubscribe_hash: str, now: int
) -> None:
    """Start (or restart) an opt-in: pending until ``confirm_hash``'s link is confirmed."""
    conn.execute(delete(mail_subscriptions).where(mail_subscriptions.c.user_id == user_id))
    conn.execute(
        insert(mail_subscriptions).values(
            user_id=user_id, cadence=cadence, hour=hour, state="pending", confirm_hash=confirm_hash,
            unsubscribe_hash=unsubscribe_hash, created_at=now,
        )
    )  # fmt: skip


def change_schedule(conn: Connection, user_id: int, cadence: str, hour: int) -> None:
    conn.execute(
        update(mail_subscriptions).where(mail_subscriptions.c.user_id == user_id).values(cadence=cadence, hour=hour)
    )


def pending_with(conn: Connection, confirm_hash: str) -> Subscription | None:
    row = conn.execute(
        select(*COLUMNS).where(
            mail_subscriptions.c.confirm_hash == confirm_hash, mail_subscriptions.c.state == "pending"
        )
    ).first()
    return Subscription(*row) if row is not None else None


def activate(conn: Connection, confirm_hash: str, now: int) -> int | None:
    """Confirm the pending subscription of ``confirm_hash`` (its token then stops working); whose it was."""
    found = pending_with(conn, confirm_hash)
    if found is None:
        return None
    conn.execute(
        update(mail_subscriptions)
        .where(mail_subscriptions.c.user_id == found.user_id)
        .values(state="active", confirm_hash=None, confirmed_at=now, last_failure=None, last_failure_at=None)
    )
    return found.user_id


def subscribed_with(conn: Connection, unsubscribe_hash: str) -> Subscription | None:
    row = conn.execute(select(*COLUMNS).where(mail_subscriptions.c.unsubscribe_hash == unsubscribe_hash)).first()
    return Subscription(*row) if row is not None else None


def turn_off(conn: Connection, user_id: int) -> None:
    conn.execute(
        update(mail_subscriptions).where(mail_subscriptions.c.user_id == user_id).values(state="off", confirm_hash=None)
    )


def note_failure(conn: Connection, user_id: int, failure: str, now: int) -> None:
    conn.execute(
        update(mail_subscriptions)
        .where(mail_subscriptions.c.user_id == user_id)
        .values(last_failure=failure[:500], last_failure_at=now)
    )


def active_recipients(conn: Connection) -> list[Recipient]:
    """Every active subscription of a person who may sign in, with their address and timezone (one query)."""
    query = (
        select(
            users.c.id,
            users.c.name,
            users.c.email,
            mail_subscriptions.c.cadence,
            mail_subscriptions.c.hour,
            user_settings.c.timezone,
            mail_subscriptions.c.confirmed_at,
            mail_subscriptions.c.created_at,
        )
        .join(users, users.c.id == mail_subscriptions.c.user_id)
        .outerjoin(user_settings, user_settings.c.user_id == users.c.id)
        .where(mail_subscriptions.c.state == "active", users.c.disabled.is_(False))
        .order_by(users.c.id)
    )
    return [Recipient(int(r[0]), r[1], r[2], r[3], int(r[4]), r[5] or "UTC", int(r[6] or 0), int(r[7]))
            for r in conn.execute(query)]  # fmt: skip
