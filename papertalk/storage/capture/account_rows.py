"""Accounts as groups: networks (whose votes make "my network") and blocked accounts (never counted)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, Engine

from papertalk.core.ranking import RankingSettings
from papertalk.core.records import Author
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.networks.network_rows import forget_network_ranking
from papertalk.storage.ranking.mention_days import recount_accounts
from papertalk.storage.ranking.network_scores import forget_rankings_with
from papertalk.storage.ranking.rank_tables import RankTables
from papertalk.storage.storable import storable_author


class UnknownAccount(LookupError):
    """An account named by platform and handle or id that papertalk has not seen."""


def find_account(conn: Connection, platform: str, handle_or_id: str) -> int:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT id FROM accounts WHERE platform = ? AND (platform_id = ? OR handle = ?) ORDER BY id LIMIT 1",
        (platform, handle_or_id, handle_or_id),
    )
    if not rows:
        raise UnknownAccount(f"no {platform} account {handle_or_id!r} has been captured yet")
    return int(rows[0][0])


def network_id(conn: Connection, name: str, create: bool = False) -> int | None:
    sql = for_connection(conn)
    if create:
        sql.many(conn, "INSERT INTO networks (name) VALUES (?) ON CONFLICT (name) DO NOTHING", [(name,)])
    rows = sql.all(conn, "SELECT id FROM networks WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else None


def add_to_network(conn: Connection, network: int, account_ids: Iterable[int]) -> None:
    sql = for_connection(conn)
    sql.many(
        conn,
        "INSERT INTO network_accounts (network_id, account_id) VALUES (?, ?) "
        "ON CONFLICT (network_id, account_id) DO NOTHING",
        [(network, a) for a in account_ids],
    )
    forget_network_ranking(conn, network)


def remove_from_network(conn: Connection, network: int, account_ids: Iterable[int]) -> None:
    sql = for_connection(conn)
    sql.many(
        conn,
        "DELETE FROM network_accounts WHERE network_id = ? AND account_id = ?",
        [(network, a) for a in account_ids],
    )
    forget_network_ranking(conn, network)


def network_members(conn: Connection, network: int) -> set[int]:
    sql = for_connection(conn)
    rows = sql.all(conn, "SELECT account_id FROM network_accounts WHERE network_id = ?", (network,))
    return {int(r[0]) for r in rows}


def in_any_network(conn: Connection, account_id: int) -> bool:
    """Whether some network (the site's, a person's, a shared one) still holds the account."""
    sql = for_connection(conn)
    return bool(sql.all(conn, "SELECT 1 FROM network_accounts WHERE account_id = ? LIMIT 1", (account_id,)))


def delete_network(conn: Connection, network: int) -> None:
    """The network and its memberships (the accounts and their posts stay)."""
    for_connection(conn).execute(conn, "DELETE FROM networks WHERE id = ?", (network,))


def platform_id_of(conn: Connection, account_id: int) -> str:
    sql = for_connection(conn)
    return str(sql.all(conn, "SELECT platform_id FROM accounts WHERE id = ?", (account_id,))[0][0])


def network_size(conn: Connection, network: int) -> int:
    sql = for_connection(conn)
    return int(sql.all(conn, "SELECT COUNT(*) FROM network_accounts WHERE network_id = ?", (network,))[0][0])


def set_blocked(conn: Connection, account_ids: Iterable[int], blocked: bool, ranking: RankingSettings) -> None:
    """Block or unblock accounts, and take their votes out of (or back into) the maintained rankings and
    their mentions out of (or back into) the maintained day counts."""
    sql = for_connection(conn)
    wanted = list(account_ids)
    if not wanted:
        return
    changing = [
        int(r[0])
        for r in sql.all(
            conn,
            "SELECT id FROM accounts WHERE blocked <> ? AND " + sql.in_list("id"),
            (blocked, sql.list_param(wanted)),
        )
    ]
    RankTables(sql, ranking).apply_accounts(conn, changing, -1 if blocked else 1)
    forget_rankings_with(conn, changing)
    sql.many(conn, "UPDATE accounts SET blocked = ? WHERE id = ?", [(blocked, a) for a in changing])
    recount_accounts(conn, sql, changing)


def list_networks(conn: Connection) -> list[tuple[str, int]]:
    """The site's own networks and their sizes (people's networks are listed by storage.networks)."""
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT n.name, COUNT(na.account_id) FROM networks n LEFT JOIN network_accounts na "
        "ON na.network_id = n.id WHERE n.kind = 'instance' GROUP BY n.name ORDER BY n.name",
    )
    return [(str(n), int(c)) for n, c in rows]


def account_ids_by_platform_id(conn: Connection) -> dict[tuple[str, str], int]:
    """Every account's row id by (platform, platform id): for small worlds such as the demo."""
    sql = for_connection(conn)
    return {(str(p), str(i)): int(r) for p, i, r in sql.all(conn, "SELECT platform, platform_id, id FROM accounts")}


def upsert_accounts(conn: Connection, authors: Iterable[Author]) -> list[int]:
    """Row ids of these accounts (same order), created or renamed as needed: for following accounts."""
    sql = for_connection(conn)
    wanted = [storable_author(a) for a in authors]  # as stage_batch writes them
    sql.many(
        conn,
        "INSERT INTO accounts (platform, platform_id, handle, display_name) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (platform, platform_id) DO UPDATE SET "
        "handle = COALESCE(excluded.handle, accounts.handle), "
        "display_name = COALESCE(excluded.display_name, accounts.display_name)",
        [(a.platform, a.platform_id, a.handle, a.display_name) for a in wanted],
    )
    ids: dict[tuple[str, str], int] = {}
    for platform in {a.platform for a in wanted}:
        pids = [a.platform_id for a in wanted if a.platform == platform]
        for pid, row_id in sql.all(
            conn,
            "SELECT platform_id, id FROM accounts WHERE platform = ? AND " + sql.in_list("platform_id"),
            (platform, sql.list_param(pids)),
        ):
            ids[(platform, str(pid))] = int(row_id)
    return [ids[(a.platform, a.platform_id)] for a in wanted]


def network_platform_ids(engine: Engine, network: str, platform: str) -> list[str]:
    """The platform ids of a network's accounts on one platform (e.g. the DIDs Jetstream should send)."""
    with engine.connect() as conn:
        rows = for_connection(conn).all(
            conn,
            "SELECT a.platform_id FROM network_accounts na JOIN networks n ON n.id = na.network_id "
            "JOIN accounts a ON a.id = na.account_id WHERE n.name = ? AND a.platform = ? ORDER BY a.platform_id",
            (network, platform),
        )
    return [str(r[0]) for r in rows]
