"""The instance's random secret for signing form tokens, made once and shared by every process through the DB."""

from __future__ import annotations

import secrets

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.instance_meta import get_meta

SECRET_KEY = "form_secret"


def site_secret(conn: Connection) -> str:
    """The secret; the first process to ask makes it, and a concurrent second one reads the first one's."""
    sql = for_connection(conn)
    sql.execute(
        conn,
        "INSERT INTO instance_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
        (SECRET_KEY, secrets.token_urlsafe(32)),
    )
    found = get_meta(conn, SECRET_KEY)
    assert found is not None
    return found
