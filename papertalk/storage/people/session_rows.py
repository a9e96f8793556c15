"""Rows of ``sessions``: open one for a token hash, find the user of a live one, touch, revoke."""

from __future__ import annotations

from sqlalchemy import Connection, insert, update

from papertalk.core.people_records import User
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.tables import sessions


def open_session(conn: Connection, token_hash: str, user_id: int, now: int, expires_at: int) -> None:
    conn.execute(
        insert(sessions).values(
            token_hash=token_hash, user_id=user_id, created_at=now, last_seen_at=now, expires_at=expires_at
        )
    )


def live_session_user(conn: Connection, token_hash: str, now: int, idle_since: int) -> tuple[User, int] | None:
    """The user of a session that is neither revoked, expired, idle since before ``idle_since`` nor of a
    disabled user; with the session's last_seen_at. Every signed-in request asks this, so it is written as
    plain SQL on the driver's cursor: building the same statement with SQLAlchemy cost twice the query."""
    rows = for_connection(conn).all(
        conn,
        "SELECT u.id, u.name, u.email, u.is_admin, u.disabled, u.created_at, s.last_seen_at FROM sessions s "
        "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? "
        "AND s.last_seen_at >= ? AND NOT u.disabled",
        (token_hash, now, idle_since),
    )
    if not rows:
        return None
    uid, name, email, is_admin, disabled, created_at, last_seen = rows[0]
    return User(int(uid), str(name), str(email), bool(is_admin), bool(disabled), int(created_at)), int(last_seen)


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
