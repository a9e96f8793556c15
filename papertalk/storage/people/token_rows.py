"""Rows of ``api_tokens``: add one, find the live one of a hash, list a user's, mark used, revoke."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from papertalk.core.people_records import ApiToken, User
from papertalk.storage.tables import api_tokens, users

TOKEN_COLUMNS = (
    api_tokens.c.id,
    api_tokens.c.user_id,
    api_tokens.c.prefix,
    api_tokens.c.label,
    api_tokens.c.scope,
    api_tokens.c.created_at,
    api_tokens.c.last_used_at,
    api_tokens.c.revoked_at,
)


def token_of_row(row: Any) -> ApiToken:
    return ApiToken(
        int(row.id), int(row.user_id), row.prefix, row.label, row.scope, int(row.created_at),
        None if row.last_used_at is None else int(row.last_used_at),
        None if row.revoked_at is None else int(row.revoked_at),
    )  # fmt: skip


def add_token(
    conn: Connection, user_id: int, token_hash: str, prefix: str, label: str, scope: str, now: int
) -> ApiToken:
    new_id = conn.execute(
        insert(api_tokens)
        .values(user_id=user_id, token_hash=token_hash, prefix=prefix, label=label, scope=scope, created_at=now)
        .returning(api_tokens.c.id)
    ).scalar_one()
    return ApiToken(int(new_id), user_id, prefix, label, scope, now, None, None)


def live_token_user(conn: Connection, token_hash: str) -> tuple[ApiToken, User] | None:
    """The token of this hash and its user, unless the token is revoked or the user disabled."""
    row = conn.execute(
        select(*TOKEN_COLUMNS, users.c.name, users.c.email, users.c.is_admin, users.c.created_at.label("user_since"))
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_hash, api_tokens.c.revoked_at.is_(None), ~users.c.disabled)
    ).first()
    if row is None:
        return None
    user = User(int(row.user_id), row.name, row.email, bool(row.is_admin), False, int(row.user_since))
    return token_of_row(row), user


def tokens_of(conn: Connection, user_id: int) -> list[ApiToken]:
    """A user's tokens, live ones first, newest first."""
    query = select(*TOKEN_COLUMNS).where(api_tokens.c.user_id == user_id)
    rows = conn.execute(query.order_by(api_tokens.c.revoked_at.is_not(None), api_tokens.c.id.desc()))
    return [token_of_row(r) for r in rows]


def mark_used(conn: Connection, token_id: int, now: int) -> None:
    conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(last_used_at=now))


def revoke(conn: Connection, token_id: int, user_id: int, now: int) -> bool:
    """Revoke a live token of this user; whether there was one (another user's token id revokes nothing)."""
    done = conn.execute(
        update(api_tokens)
        .where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(done.rowcount)


def revoke_all(conn: Connection, user_id: int, now: int) -> int:
    condition = (api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
    return int(conn.execute(update(api_tokens).where(*condition).values(revoked_at=now)).rowcount)
