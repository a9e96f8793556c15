"""The ``short_links`` cache: what a short link resolved to (or why it did not), and when."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine

from papertalk.storage.dialect_sql import for_connection


def cached_links(engine: Engine, urls: Sequence[str], fresh_after: int) -> dict[str, str | None]:
    """Known answers resolved at or after ``fresh_after``: url -> resolved URL (None: it failed)."""
    if not urls:
        return {}
    with engine.connect() as conn:
        sql = for_connection(conn)
        rows = sql.all(
            conn,
            "SELECT url, resolved FROM short_links WHERE resolved_at >= ? AND " + sql.in_list("url"),
            (fresh_after, sql.list_param(list(urls))),
        )
    return {str(u): None if r is None else str(r) for u, r in rows}


def save_links(engine: Engine, answers: Sequence[tuple[str, str | None, str | None]], now: int) -> None:
    """Store ``(url, resolved, error)`` answers, replacing older ones."""
    if not answers:
        return
    with engine.begin() as conn:
        for_connection(conn).many(
            conn,
            "INSERT INTO short_links (url, resolved, error, resolved_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET resolved = excluded.resolved, error = excluded.error, "
            "resolved_at = excluded.resolved_at",
            [(u, r, e, now) for u, r, e in answers],
        )
