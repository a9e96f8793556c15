"""Rows of ``network_members`` and ``network_invitations``: who belongs to a shared network with which
role, and the single-use links that make someone a member."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.network_records import Member
from papertalk.storage.dialect_sql import for_connection


def role_of(conn: Connection, network_id: int, user_id: int) -> str | None:
    rows = for_connection(conn).all(
        conn, "SELECT role FROM network_members WHERE network_id = ? AND user_id = ?", (network_id, user_id)
    )
    return str(rows[0][0]) if rows else None


def set_role(conn: Connection, network_id: int, user_id: int, role: str, now: int) -> None:
    """Make the user a member with this role (or change the role of a member)."""
    for_connection(conn).execute(
        conn,
        "INSERT INTO network_members (network_id, user_id, role, joined_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (network_id, user_id) DO UPDATE SET role = excluded.role",
        (network_id, user_id, role, now),
    )


def join(conn: Connection, network_id: int, user_id: int, role: str, now: int) -> None:
    """Make the user a member unless they are one already (an invitation never lowers an editor's role)."""
    for_connection(conn).execute(
        conn,
        "INSERT INTO network_members (network_id, user_id, role, joined_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (network_id, user_id) DO NOTHING",
        (network_id, user_id, role, now),
    )


def remove_member(conn: Connection, network_id: int, user_id: int) -> int:
    return for_connection(conn).execute(
        conn, "DELETE FROM network_members WHERE network_id = ? AND user_id = ?", (network_id, user_id)
    )


def members(conn: Connection, network_id: int) -> list[Member]:
    rows = for_connection(conn).all(
        conn,
        "SELECT u.id, u.name, m.role FROM network_members m JOIN users u ON u.id = m.user_id "
        "WHERE m.network_id = ? ORDER BY u.name_key",
        (network_id,),
    )
    return [Member(int(i), str(n), str(r)) for i, n, r in rows]


def add_invitation(
    conn: Connection, network_id: int, token_hash: str, created_by: int, now: int, expires_at: int
) -> None:
    for_connection(conn).execute(
        conn,
        "INSERT INTO network_invitations (network_id, token_hash, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (network_id, token_hash, created_by, now, expires_at),
    )


def open_invitation(conn: Connection, token_hash: str, now: int) -> int | None:
    """The network of an invitation that is still usable (read only: the join page shows it first)."""
    rows = for_connection(conn).all(
        conn,
        "SELECT network_id FROM network_invitations WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?",
        (token_hash, now),
    )
    return int(rows[0][0]) if rows else None


def use_invitation(conn: Connection, token_hash: str, now: int) -> int | None:
    """Mark an open invitation used and return its network; None when it is unknown, used or expired. The
    UPDATE's condition makes two concurrent uses of one link end in one success."""
    rows = for_connection(conn).all(
        conn,
        "UPDATE network_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? "
        "RETURNING network_id",
        (now, token_hash, now),
    )
    return int(rows[0][0]) if rows else None
