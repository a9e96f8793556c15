"""Everything a signed-in reader's trending page reads about that reader, as one fingerprint from one query:
their settings, the networks they are offered (with their role in each), the accounts of their own network
and of the network they asked for, and the accounts they blocked.

The web app keeps a reader's rendered page for a few seconds under this fingerprint
(web.personal_cache).
The fingerprint spells the rows out in full (every account id, not a count or a sum; names with their
length), so two different states never give the same text: a follow, an unfollow, a block, a settings
change or a membership change made through any process is seen by the next request in every process.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from papertalk.core.network_records import INSTANCE, PERSONAL, PUBLIC
from papertalk.storage.dialect_sql import for_connection


def reader_fingerprint(conn: Connection, user_id: int, personal_name: str, asked_name: str | None) -> str:
    """A digest of the reader's page inputs (``personal_name``: their network's name; ``asked_name``: the
    network the request names, if any); equal digests mean equal inputs."""
    sql = for_connection(conn)

    def joined(expression: str, separator: str) -> str:
        if sql.postgres:
            return f"string_agg(CAST({expression} AS TEXT), '{separator}')"
        return f"group_concat({expression}, '{separator}')"

    def accounts_of(name_param: str) -> str:
        return (
            f"(SELECT {joined('a.account_id', ',')} FROM (SELECT na.account_id FROM network_accounts na "
            f"WHERE na.network_id = (SELECT id FROM networks WHERE name = {name_param}) ORDER BY na.account_id) a)"
        )

    row = sql.all(
        conn,
        "SELECT "
        "(SELECT timezone || '|' || categories || '|' || language FROM user_settings WHERE user_id = ?), "
        f"(SELECT {joined('x.shown', ';')} FROM (SELECT CAST(n.id AS TEXT) || ':' || CAST(length(n.name) AS TEXT) "
        "|| ':' || n.name || ':' || n.kind || ':' || n.visibility "
        "|| ':' || COALESCE(CAST(n.owner_user_id AS TEXT), '') || ':' || COALESCE(m.role, '') AS shown "
        "FROM networks n LEFT JOIN network_members m ON m.network_id = n.id AND m.user_id = ? "
        "WHERE (n.kind = ? AND n.owner_user_id = ?) OR m.user_id IS NOT NULL OR (n.kind = ? AND n.visibility = ?) "
        "OR n.name = ? ORDER BY n.id) x), "
        f"{accounts_of('?')}, {accounts_of('?')}, "
        f"(SELECT {joined('b.account_id', ',')} FROM (SELECT account_id FROM user_blocks WHERE user_id = ? "
        "ORDER BY account_id) b)",
        (user_id, user_id, PERSONAL, user_id, INSTANCE, PUBLIC, asked_name or "", personal_name, asked_name or "",
         user_id),
    )[0]  # fmt: skip
    spelled = "\n".join("" if part is None else str(part) for part in row)
    return hashlib.blake2b(spelled.encode(), digest_size=16).hexdigest()
