"""Rows of ``user_settings``: one person's timezone, categories of interest and preferred language."""

from __future__ import annotations

from sqlalchemy import Connection

from papertalk.core.person_settings import PersonSettings
from papertalk.storage.dialect_sql import for_connection


def read_settings(conn: Connection, user_id: int) -> PersonSettings:
    """The person's settings, the defaults when they never saved any."""
    rows = for_connection(conn).all(
        conn, "SELECT timezone, categories, language FROM user_settings WHERE user_id = ?", (user_id,)
    )
    if not rows:
        return PersonSettings()
    timezone, categories, language = rows[0]
    return PersonSettings(str(timezone), tuple(str(categories).split()), str(language))


def write_settings(conn: Connection, user_id: int, chosen: PersonSettings) -> None:
    for_connection(conn).execute(
        conn,
        "INSERT INTO user_settings (user_id, timezone, categories, language) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone, categories = excluded.categories, "
        "language = excluded.language",
        (user_id, chosen.timezone, " ".join(chosen.categories), chosen.language),
    )
