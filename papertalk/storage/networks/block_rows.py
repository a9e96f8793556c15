"""Rows of ``user_blocks``: the accounts one person keeps out of their own views."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from papertalk.core.network_records import FollowedAccount
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.networks.network_rows import delete_accounts


def block(conn: Connection, user_id: int, account_ids: Iterable[int]) -> None:
    for_connection(conn).many(
        conn,
        "INSERT INTO user_blocks (user_id, account_id) VALUES (?, ?) ON CONFLICT (user_id, account_id) DO NOTHING",
        [(user_id, a) for a in sorted(set(account_ids))],
    )


def unblock(conn: Connection, user_id: int, account_ids: Iterable[int]) -> int:
    return delete_accounts(conn, "user_blocks", "user_id", user_id, account_ids)


def blocked_ids(conn: Connection, user_id: int) -> set[int]:
    rows = for_connection(conn).all(conn, "SELECT account_id FROM user_blocks WHERE user_id = ?", (user_id,))
    return {int(r[0]) for r in rows}


def blocked_accounts(conn: Connection, user_id: int) -> list[FollowedAccount]:
    rows = for_connection(conn).all(
        conn,
        "SELECT a.id, a.platform, a.platform_id, a.handle FROM user_blocks b JOIN accounts a ON a.id = b.account_id "
        "WHERE b.user_id = ? ORDER BY a.platform, COALESCE(a.handle, a.platform_id)",
        (user_id,),
    )
    return [FollowedAccount(int(i), str(p), str(pid), None if h is None else str(h)) for i, p, pid, h in rows]
