"""Rows of ``invitations``: make one for a token hash, use it up once (atomically, across processes), list
them, revoke one."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, insert, select, update

from papertalk.core.people_records import Invitation
from papertalk.storage.tables import invitations, users


def open_invitation(token_hash: str, now: int) -> tuple[ColumnElement[bool], ...]:
    """The invitation of this hash, while it is neither used, revoked nor expired."""
    c = invitations.c
    return (c.token_hash == token_hash, c.used_at.is_(None), c.revoked_at.is_(None), c.expires_at > now)


def add_invitation(conn: Connection, token_hash: str, created_by: int | None, now: int, expires_at: int) -> None:
    conn.execute(
        insert(invitations).values(token_hash=token_hash, created_by=created_by, created_at=now, expires_at=expires_at)
    )


def use_invitation(conn: Connection, token_hash: str, now: int) -> int | None:
    """Mark an open invitation used; its id, or None when there is none such. The UPDATE's condition makes
    two concurrent sign-ups with one link end in one success."""
    row = conn.execute(
        update(invitations).where(*open_invitation(token_hash, now)).values(used_at=now).returning(invitations.c.id)
    ).first()
    return None if row is None else int(row.id)


def mark_used_by(conn: Connection, invitation_id: int, user_id: int) -> None:
    conn.execute(update(invitations).where(invitations.c.id == invitation_id).values(used_by=user_id))


def invitation_is_open(conn: Connection, token_hash: str, now: int) -> bool:
    return conn.execute(select(invitations.c.id).where(*open_invitation(token_hash, now))).first() is not None


def list_invitations(conn: Connection, limit: int) -> list[Invitation]:
    """The newest invitations with the names of who made and who used each."""
    made_by, used_by = users.alias("made_by"), users.alias("used_by")
    c = invitations.c
    names = (made_by.c.name.label("maker"), used_by.c.name.label("user"))
    query = (
        select(c.id, c.created_at, c.expires_at, c.used_at, c.revoked_at, *names)
        .outerjoin(made_by, made_by.c.id == c.created_by)
        .outerjoin(used_by, used_by.c.id == c.used_by)
        .order_by(c.id.desc())
        .limit(limit)
    )
    return [
        Invitation(int(r.id), r.maker, int(r.created_at), int(r.expires_at), r.used_at, r.user, r.revoked_at)
        for r in conn.execute(query)
    ]


def revoke_invitation(conn: Connection, invitation_id: int, now: int) -> bool:
    """Take back an invitation nobody used yet; whether there was one."""
    c = invitations.c
    done = conn.execute(
        update(invitations)
        .where(c.id == invitation_id, c.used_at.is_(None), c.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return bool(done.rowcount)
