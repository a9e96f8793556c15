"""Rows for reply notifications by email: a person's opt-in (``user_settings.reply_mail_since``, NULL when
off), the notifications due a message (made since the opt-in, recently, of a comment still shown, not in
the outbox yet) and the one a reply row of the outbox names."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, String, cast, exists, literal, select

from papertalk.core.people_records import User
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.tables import mail_outbox, notifications, summary_comments, user_settings, users

REPLY_PREFIX = "reply."  # an outbox period of a reply: reply.<notification id>


@dataclass(frozen=True, slots=True)
class ReplyNotice:
    """One notification to mail: whom to (the person, who may sign in) and which comment it is of."""

    notification_id: int
    recipient: User
    comment_id: int


def reply_period(notification_id: int) -> str:
    return f"{REPLY_PREFIX}{notification_id}"


def set_since(conn: Connection, user_id: int, since: int | None) -> None:
    """Turn reply mail on from ``since`` (None: off); the person's other settings are left as they are."""
    for_connection(conn).execute(
        conn,
        "INSERT INTO user_settings (user_id, reply_mail_since) VALUES (?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET reply_mail_since = excluded.reply_mail_since",
        (user_id, since),
    )


def since_of(conn: Connection, user_id: int) -> int | None:
    found = conn.execute(select(user_settings.c.reply_mail_since).where(user_settings.c.user_id == user_id)).first()
    return None if found is None or found[0] is None else int(found[0])


def due(conn: Connection, oldest: int) -> list[tuple[int, int]]:
    """(user id, notification id) of every notification to mail: it was made after the second its person
    asked for reply mail, may sign in, it is not older than ``oldest``, its comment is neither deleted nor hidden,
    and the outbox has no row of it yet."""
    queued = select(mail_outbox.c.id).where(mail_outbox.c.user_id == notifications.c.user_id,
                                            mail_outbox.c.period == _period_of_notification())  # fmt: skip
    query = (
        select(notifications.c.user_id, notifications.c.id)
        .join(user_settings, user_settings.c.user_id == notifications.c.user_id)
        .join(users, users.c.id == notifications.c.user_id)
        .join(summary_comments, summary_comments.c.id == notifications.c.comment_id)
        .where(
            user_settings.c.reply_mail_since.is_not(None),
            notifications.c.created_at > user_settings.c.reply_mail_since,
            notifications.c.created_at >= oldest,
            users.c.disabled.is_(False),
            summary_comments.c.deleted_at.is_(None),
            summary_comments.c.hidden_at.is_(None),
            ~exists(queued),
        )
        .order_by(notifications.c.id)
    )
    return [(int(r[0]), int(r[1])) for r in conn.execute(query)]


def _period_of_notification() -> ColumnElement[str]:
    # 'reply.' || id: PostgreSQL concatenates no integer without a cast
    return literal(REPLY_PREFIX) + cast(notifications.c.id, String)


def notice_of(conn: Connection, notification_id: int) -> ReplyNotice | None:
    """The notification of a reply row, with its person, if they still want reply mail and may sign in."""
    row = conn.execute(
        select(notifications.c.comment_id, users.c.id, users.c.name, users.c.email, users.c.is_admin,
               users.c.disabled, users.c.created_at)
        .join(users, users.c.id == notifications.c.user_id)
        .join(user_settings, user_settings.c.user_id == notifications.c.user_id)
        .where(notifications.c.id == notification_id, user_settings.c.reply_mail_since.is_not(None),
               users.c.disabled.is_(False))
    ).first()  # fmt: skip
    if row is None:
        return None
    person = User(int(row.id), row.name, row.email, bool(row.is_admin), bool(row.disabled), int(row.created_at))
    return ReplyNotice(notification_id, person, int(row.comment_id))
