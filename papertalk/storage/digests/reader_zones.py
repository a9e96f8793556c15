"""Whom digests are frozen for: the timezones people chose, and the people who may sign in."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.people_records import User
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.people.user_rows import list_users


def chosen_timezones(conn: Connection) -> list[str]:
    rows = for_connection(conn).all(conn, "SELECT DISTINCT timezone FROM user_settings ORDER BY timezone")
    return [str(r[0]) for r in rows]


def live_people(conn: Connection) -> list[User]:
    return [u for u in list_users(conn) if not u.disabled]
