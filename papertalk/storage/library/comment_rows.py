"""Rows of ``summary_comments``: add, edit, delete (a mark), hide, read a summary's discussion, and keep
each summary's count of shown comments equal to its rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from papertalk.core.summary_records import Comment
from papertalk.storage.tables import summaries, summary_comments, users

COLUMNS = (
    summary_comments.c.id, summary_comments.c.summary_id, summary_comments.c.user_id, users.c.name.label("author"),
    summary_comments.c.parent_id, summary_comments.c.source, summary_comments.c.html, summary_comments.c.created_at,
    summary_comments.c.updated_at, summary_comments.c.deleted_at, summary_comments.c.hidden_at,
)  # fmt: skip


def _comment(row: Any) -> Comment:
    return Comment(
        int(row.id), int(row.summary_id), int(row.user_id), row.author,
        None if row.parent_id is None else int(row.parent_id), row.source, row.html, int(row.created_at),
        int(row.updated_at), None if row.deleted_at is None else int(row.deleted_at),
        None if row.hidden_at is None else int(row.hidden_at),
    )  # fmt: skip


def _recount(conn: Connection, summary_id: int) -> None:
    shown = (
        select(func.count())
        .select_from(summary_comments)
        .where(summary_comments.c.summary_id == summary_id, summary_comments.c.deleted_at.is_(None),
               summary_comments.c.hidden_at.is_(None))
        .scalar_subquery()
    )  # fmt: skip
    conn.execute(update(summaries).where(summaries.c.id == summary_id).values(comments=shown))


def insert_comment(conn: Connection, summary_id: int, user_id: int, parent_id: int | None, source: str,
                   html: str, renderer_version: int, now: int) -> int:  # fmt: skip
    new_id = int(
        conn.execute(
            insert(summary_comments)
            .values(summary_id=summary_id, user_id=user_id, parent_id=parent_id, source=source, html=html,
                    renderer_version=renderer_version, created_at=now, updated_at=now)
            .returning(summary_comments.c.id)
        ).scalar_one()
    )  # fmt: skip
    _recount(conn, summary_id)
    return new_id


def update_comment(conn: Connection, comment_id: int, source: str, html: str, renderer_version: int, now: int) -> None:
    conn.execute(
        update(summary_comments)
        .where(summary_comments.c.id == comment_id)
        .values(source=source, html=html, renderer_version=renderer_version, updated_at=now)
    )


def mark(conn: Connection, comment: Comment, column: str, at: int | None) -> None:
    """Set ``deleted_at`` or ``hidden_at`` (None: restore), and the summary's count with it."""
    conn.execute(update(summary_comments).where(summary_comments.c.id == comment.id).values({column: at}))
    _recount(conn, comment.summary_id)


def comment_by_id(conn: Connection, comment_id: int) -> Comment | None:
    row = conn.execute(
        select(*COLUMNS)
        .join(users, users.c.id == summary_comments.c.user_id)
        .where(summary_comments.c.id == comment_id)
    ).first()
    return None if row is None else _comment(row)


def comments_of(conn: Connection, summary_id: int) -> list[Comment]:
    """A summary's comments, oldest first (deleted and hidden ones too: the caller decides what shows)."""
    rows = conn.execute(
        select(*COLUMNS)
        .join(users, users.c.id == summary_comments.c.user_id)
        .where(summary_comments.c.summary_id == summary_id)
        .order_by(summary_comments.c.id)
    )
    return [_comment(r) for r in rows]


def comments_since(conn: Connection, user_id: int, since: int) -> int:
    return int(
        conn.execute(
            select(func.count())
            .select_from(summary_comments)
            .where(summary_comments.c.user_id == user_id, summary_comments.c.created_at > since)
        ).scalar_one()
    )
