"""Rows of ``invitations``: make one for a token hash, and use it up once (atomically, across processes)."""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from papertalk.storage.tables import invitations


def add_invitation(conn: Connection, token_hash: str, created_by: int | None, now: int, expires_at: int) -> None:
    conn.execute(
        insert(invitations).values(token_hash=token_hash, created_by=created_by, created_at=now, expires_at=expires_at)
    )


def use_invitation(conn: Connection, token_hash: str, now: int) -> int | None:
    """Mark an unused, unexpired invitation used; its id, or None when there is none such. The UPDATE's
    condition makes two concurrent sign-ups with one link end in one success."""
    row = conn.execute(
        update(invitations)
        .where(invitations.c.token_hash == token_hash, invitations.c.used_at.is_(None), invitations.c.expires_at > now)
        .values(used_at=now)
        .returning(invitations.c.id)
    ).first()
    return None if row is None else int(row.id)


def mark_used_by(conn: Connection, invitation_id: int, user_id: int) -> None:
    conn.execute(update(invitations).where(invitations.c.id == invitation_id).values(used_by=user_id))


def invitation_is_open(conn: Connection, token_hash: str, now: int) -> bool:
    row = conn.execute(
        select(invitations.c.id).where(
            invitations.c.token_hash == token_hash, invitations.c.used_at.is_(None), invitations.c.expires_at > now
        )
    ).first()
    return row is not None
