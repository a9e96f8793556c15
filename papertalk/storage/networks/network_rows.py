"""Rows of people's ``networks``: a person's own network (made on first use), a shared one, their accounts
(``network_accounts``, which the ranking reads as it reads the site's networks), visibility and deletion."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection

from papertalk.core.network_records import PERSONAL, PRIVATE, SHARED, FollowedAccount, NetworkRef
from papertalk.storage.dialect_sql import for_connection

NETWORK_COLUMNS = "n.id, n.name, n.kind, n.visibility, n.owner_user_id"


class NetworkNameTaken(ValueError):
    """Another network has this name."""


def network_ref(row: Any, role: str | None) -> NetworkRef:
    owner = None if row[4] is None else int(row[4])
    return NetworkRef(int(row[0]), str(row[1]), str(row[2]), str(row[3]), owner, role)


def personal_network(conn: Connection, user_id: int, name: str, create: bool) -> NetworkRef | None:
    """The person's own network (private until they make it public); made when ``create`` and missing.
    The unique partial index on the owner makes two concurrent first uses end with one network."""
    sql = for_connection(conn)
    if create:
        sql.execute(
            conn,
            "INSERT INTO networks (name, owner_user_id, kind, visibility) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (name, user_id, PERSONAL, PRIVATE),
        )
    rows = sql.all(
        conn, f"SELECT {NETWORK_COLUMNS} FROM networks n WHERE n.owner_user_id = ? AND n.kind = ?", (user_id, PERSONAL)
    )
    return network_ref(rows[0], "owner") if rows else None


def create_shared(conn: Connection, name: str, owner_user_id: int, visibility: str) -> int:
    """A new shared network; NetworkNameTaken when the name is any network's already."""
    sql = for_connection(conn)
    changed = sql.execute(
        conn,
        "INSERT INTO networks (name, owner_user_id, kind, visibility) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (name) DO NOTHING",
        (name, owner_user_id, SHARED, visibility),
    )
    if not changed:
        raise NetworkNameTaken(f"name: a network named {name!r} exists already")
    return int(sql.all(conn, "SELECT id FROM networks WHERE name = ?", (name,))[0][0])


def network_by_name(conn: Connection, name: str) -> NetworkRef | None:
    rows = for_connection(conn).all(conn, f"SELECT {NETWORK_COLUMNS} FROM networks n WHERE n.name = ?", (name,))
    return network_ref(rows[0], None) if rows else None


def network_by_id(conn: Connection, network_id: int) -> NetworkRef | None:
    rows = for_connection(conn).all(conn, f"SELECT {NETWORK_COLUMNS} FROM networks n WHERE n.id = ?", (network_id,))
    return network_ref(rows[0], None) if rows else None


def set_visibility(conn: Connection, network_id: int, visibility: str) -> None:
    for_connection(conn).execute(conn, "UPDATE networks SET visibility = ? WHERE id = ?", (visibility, network_id))


def delete_network(conn: Connection, network_id: int) -> None:
    """The network with its accounts, members and invitations (each of those cascades from it)."""
    sql = for_connection(conn)
    for table in ("network_accounts", "network_rank_state", "network_scores"):
        sql.execute(conn, f"DELETE FROM {table} WHERE network_id = ?", (network_id,))
    sql.execute(conn, "DELETE FROM networks WHERE id = ?", (network_id,))


def add_accounts(conn: Connection, network_id: int, account_ids: Iterable[int]) -> int:
    """Put accounts in the network; how many were not in it yet."""
    sql = for_connection(conn)
    wanted = sorted(set(account_ids))
    before = network_size(conn, network_id)
    sql.many(
        conn,
        "INSERT INTO network_accounts (network_id, account_id) VALUES (?, ?) "
        "ON CONFLICT (network_id, account_id) DO NOTHING",
        [(network_id, a) for a in wanted],
    )
    forget_network_ranking(conn, network_id)
    return network_size(conn, network_id) - before


def remove_accounts(conn: Connection, network_id: int, account_ids: Iterable[int]) -> int:
    forget_network_ranking(conn, network_id)
    return delete_accounts(conn, "network_accounts", "network_id", network_id, account_ids)


def delete_accounts(conn: Connection, table: str, owner_column: str, owner: int, account_ids: Iterable[int]) -> int:
    """Delete the rows of ``table`` (one of this room's own) of one owner and these accounts; how many."""
    sql = for_connection(conn)
    wanted = sorted(set(account_ids))
    if not wanted:
        return 0
    return sql.execute(
        conn,
        f"DELETE FROM {table} WHERE {owner_column} = ? AND " + sql.in_list("account_id"),
        (owner, sql.list_param(wanted)),
    )


def network_size(conn: Connection, network_id: int) -> int:
    sql = for_connection(conn)
    return int(sql.all(conn, "SELECT COUNT(*) FROM network_accounts WHERE network_id = ?", (network_id,))[0][0])


def network_accounts(conn: Connection, network_id: int, limit: int, offset: int = 0) -> list[FollowedAccount]:
    """The network's accounts by platform and handle, a page at a time."""
    rows = for_connection(conn).all(
        conn,
        "SELECT a.id, a.platform, a.platform_id, a.handle FROM network_accounts na JOIN accounts a "
        "ON a.id = na.account_id WHERE na.network_id = ? ORDER BY a.platform, COALESCE(a.handle, a.platform_id), a.id "
        "LIMIT ? OFFSET ?",
        (network_id, limit, offset),
    )
    return [FollowedAccount(int(i), str(p), str(pid), None if h is None else str(h)) for i, p, pid, h in rows]


def account_by_id(conn: Connection, account_id: int) -> FollowedAccount:
    platform, platform_id, handle = for_connection(conn).all(
        conn, "SELECT platform, platform_id, handle FROM accounts WHERE id = ?", (account_id,)
    )[0]
    return FollowedAccount(account_id, str(platform), str(platform_id), None if handle is None else str(handle))


def forget_network_ranking(conn: Connection, network_id: int) -> None:
    """The network's accounts changed (every writer of ``network_accounts`` says so here, in its transaction):
    its version moves on (the kept pages' key, storage.networks.reader_inputs), and its pages read the votes
    directly until its precomputed ranking is made again (storage.ranking.network_scores; the worker does it
    within a round)."""
    sql = for_connection(conn)
    sql.execute(conn, "UPDATE networks SET accounts_version = accounts_version + 1 WHERE id = ?", (network_id,))
    sql.execute(conn, "DELETE FROM network_rank_state WHERE network_id = ?", (network_id,))
