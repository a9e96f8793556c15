"""Rows of ``notifications``: a reply or comment someone should hear about; unread ones counted."""

from __future__ import annotations

from sqlalchemy import Connection, func, insert, select, update

from papertalk.core.summary_records import Notification
from papertalk.storage.tables import notifications, papers, summaries, summary_comments, users


def notify(conn: Connection, user_id: int, comment_id: int, now: int) -> None:
    conn.execute(insert(notifications).values(user_id=user_id, comment_id=comment_id, created_at=now))


def unread_count(conn: Connection, user_id: int) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(notifications)
            .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        ).scalar_one()
    )


def notifications_of(conn: Connection, user_id: int, limit: int) -> list[Notification]:
    """The person's newest notifications, of comments still shown."""
    rows = conn.execute(
        select(notifications.c.id, notifications.c.comment_id, summary_comments.c.summary_id, papers.c.arxiv_id,
               users.c.name, notifications.c.created_at, notifications.c.read_at)
        .join(summary_comments, summary_comments.c.id == notifications.c.comment_id)
        .join(summaries, summaries.c.id == summary_comments.c.summary_id)
        .join(papers, papers.c.id == summaries.c.paper_id)
        .join(users, users.c.id == summary_comments.c.user_id)
        .where(notifications.c.user_id == user_id, summary_comments.c.deleted_at.is_(None),
               summary_comments.c.hidden_at.is_(None))
        .order_by(notifications.c.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [Notification(int(r.id), int(r.comment_id), int(r.summary_id), r.arxiv_id, r.name, int(r.created_at),
                         None if r.read_at is None else int(r.read_at)) for r in rows]  # fmt: skip


def mark_read(conn: Connection, user_id: int, now: int) -> int:
    return conn.execute(
        update(notifications)
        .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        .values(read_at=now)
    ).rowcount
