"""Everything a signed-in reader's trending page reads about that reader, as one fingerprint from one query:
their settings, their own network and the shared ones they belong to (with their role in each), and the
network they asked for, each with the version of its accounts (``networks.accounts_version``, moved on by
every change of them), and the accounts they blocked. (The
site's own networks are site data, like the rankings: a page may show them as they were up to
``render_cache_seconds`` ago, as the signed-out pages do.)

The web app keeps a reader's rendered page for a few seconds under this fingerprint
(web.personal_cache).
The fingerprint spells the rows out in full (each network's accounts by their version, a counter every
writer of ``network_accounts`` moves on in its transaction; names with their length; every blocked
account id), so two different states never give the same text: a follow, an unfollow, a block, a settings
change or a membership change made through any process is seen by the next request in every process.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from papertalk.core.network_records import PERSONAL
from papertalk.storage.dialect_sql import for_connection


def reader_fingerprint(conn: Connection, user_id: int, asked_name: str | None) -> str:
    """A digest of the reader's page inputs (``asked_name``: the network the request names, if any); equal
    digests mean equal inputs."""
    sql = for_connection(conn)

    def joined(expression: str, separator: str) -> str:
        if sql.postgres:
            return f"string_agg(CAST({expression} AS TEXT), '{separator}')"
        return f"group_concat({expression}, '{separator}')"

    def shown(role: str) -> str:
        return (
            "CAST(n.id AS TEXT) || ':' || CAST(length(n.name) AS TEXT) || ':' || n.name || ':' || n.kind || ':' "
            "|| n.visibility || ':' || COALESCE(CAST(n.owner_user_id AS TEXT), '') || ':' "
            f"|| CAST(n.accounts_version AS TEXT) || ':' || {role} AS shown"
        )

    # Three indexed lookups (their own network, their memberships, the network asked for), not one OR
    # over all networks: with 10,000 people there are 10,000 personal networks to scan.
    offered = (
        f"SELECT {shown(repr('owner'))} FROM networks n WHERE n.owner_user_id = ? AND n.kind = '{PERSONAL}' "
        f"UNION ALL SELECT {shown('m.role')} FROM network_members m JOIN networks n ON n.id = m.network_id "
        f"WHERE m.user_id = ? UNION ALL SELECT {shown(repr(''))} FROM networks n WHERE n.name = ?"
    )
    row = sql.all(
        conn,
        "SELECT "
        "(SELECT timezone || '|' || categories || '|' || language FROM user_settings WHERE user_id = ?), "
        f"(SELECT {joined('x.shown', ';')} FROM ({offered}) x), "
        f"(SELECT {joined('b.account_id', ',')} FROM (SELECT account_id FROM user_blocks WHERE user_id = ? "
        "ORDER BY account_id) b)",
        (user_id, user_id, user_id, asked_name or "", user_id),
    )[0]
    spelled = "\n".join("" if part is None else str(part) for part in row)
    return hashlib.blake2b(spelled.encode(), digest_size=16).hexdigest()
