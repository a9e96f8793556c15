"""Rows of ``sessions``: open one for a token hash, find the user of a live one, touch, revoke."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from papertalk.core.people_records import User
from papertalk.storage.people.user_rows import USER_COLUMNS, user_of_row
from papertalk.storage.tables import sessions, users


def open_session(conn: Connection, token_hash: str, user_id: int, now: int, expires_at: int) -> None:
    conn.execute(
        insert(sessions).values(
            token_hash=token_hash, user_id=user_id, created_at=now, last_seen_at=now, expires_at=expires_at
        )
    )


def live_session_user(conn: Connection, token_hash: str, now: int, idle_since: int) -> tuple[User, int] | None:
    """The user of a session that is neither revoked, expired, idle since before ``idle_since`` nor of a
    disabled user; with the session's last_seen_at."""
    row = conn.execute(
        select(*USER_COLUMNS, sessions.c.last_seen_at)
        .join(users, users.c.id == sessions.c.user_id)
        .where(
            sessions.c.token_hash == token_hash,
            sessions.c.revoked_at.is_(None),
            sessions.c.expires_at > now,
            sessions.c.last_seen_at >= idle_since,
            ~users.c.disabled,
        )
    ).first()
    return None if row is None else (user_of_row(row), int(row.last_seen_at))


def touch(conn: Connection, token_hash: str, now: int) -> None:
    conn.execute(update(sessions).where(sessions.c.token_hash == token_hash).values(last_seen_at=now))


def revoke(conn: Connection, token_hash: str, now: int) -> None:
    conn.execute(
        update(sessions)
        .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def revoke_all(conn: Connection, user_id: int, now: int, keep_hash: str | None = None) -> int:
    """Revoke every live session of a user (but the one with ``keep_hash``, the one in use); how many."""
    condition = [sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None)]
    if keep_hash is not None:
        condition.append(sessions.c.token_hash != keep_hash)
    return int(conn.execute(update(sessions).where(*condition).values(revoked_at=now)).rowcount)
