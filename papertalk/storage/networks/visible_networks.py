"""Which networks one reader may see, in one query: the site's public networks, the reader's own, the shared
networks they belong to, and (asked by name) any network whose owner made it public. Nobody else's private
network is ever returned, so no page, answer, feed or count can name or rank it."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.network_records import INSTANCE, PERSONAL, PUBLIC, NetworkRef
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.networks.network_rows import NETWORK_COLUMNS, network_ref


def networks_of(conn: Connection, user_id: int | None) -> list[NetworkRef]:
    """The networks a reader is offered: their own first, then the shared ones they belong to (by name), then
    the site's public networks (by name). Signed out (``user_id`` None): the site's public networks only."""
    sql = for_connection(conn)
    site = sql.all(
        conn,
        f"SELECT {NETWORK_COLUMNS} FROM networks n WHERE n.kind = ? AND n.visibility = ? ORDER BY n.name",
        (INSTANCE, PUBLIC),
    )
    site_refs = [network_ref(r, None) for r in site]
    if user_id is None:
        return site_refs
    own = sql.all(
        conn,
        f"SELECT {NETWORK_COLUMNS}, m.role FROM networks n LEFT JOIN network_members m "
        "ON m.network_id = n.id AND m.user_id = ? WHERE (n.kind = ? AND n.owner_user_id = ?) OR m.user_id IS NOT NULL "
        "ORDER BY CASE WHEN n.kind = ? THEN 0 ELSE 1 END, n.name",
        (user_id, PERSONAL, user_id, PERSONAL),
    )
    mine = [network_ref(r, "owner" if r[2] == PERSONAL else str(r[5])) for r in own]
    taken = {n.id for n in mine}
    return mine + [n for n in site_refs if n.id not in taken]


def readable_network(conn: Connection, name: str, user_id: int | None) -> NetworkRef | None:
    """The network of this name if the reader may see it (theirs, theirs to share, or public), else None:
    a private network of someone else is answered exactly like one that does not exist."""
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        f"SELECT {NETWORK_COLUMNS}, m.role FROM networks n LEFT JOIN network_members m "
        "ON m.network_id = n.id AND m.user_id = ? WHERE n.name = ?",
        (user_id if user_id is not None else -1, name),
    )
    if not rows:
        return None
    row = rows[0]
    owner = None if row[4] is None else int(row[4])
    if user_id is not None and row[2] == PERSONAL and owner == user_id:
        return network_ref(row, "owner")
    if row[5] is not None:
        return network_ref(row, str(row[5]))
    return network_ref(row, None) if row[3] == PUBLIC else None
