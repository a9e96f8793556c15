"""Rows of ``digest_feed_tokens``: set a person's (replacing the old one), and find whose a token is."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select

from papertalk.core.people_records import User
from papertalk.storage.people.user_rows import USER_COLUMNS, user_of_row
from papertalk.storage.tables import digest_feed_tokens, users


def set_feed_token(conn: Connection, user_id: int, token_hash: str, now: int) -> None:
    conn.execute(delete(digest_feed_tokens).where(digest_feed_tokens.c.user_id == user_id))
    conn.execute(insert(digest_feed_tokens).values(user_id=user_id, token_hash=token_hash, created_at=now))


def feed_token_owner(conn: Connection, token_hash: str) -> User | None:
    """The live (not disabled) user whose feed token has this hash."""
    row = conn.execute(
        select(*USER_COLUMNS)
        .join(digest_feed_tokens, digest_feed_tokens.c.user_id == users.c.id)
        .where(digest_feed_tokens.c.token_hash == token_hash, users.c.disabled.is_(False))
    ).first()
    return user_of_row(row) if row is not None else None
