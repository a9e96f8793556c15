"""Rows of ``paper_translations``: where each digest paper's translation into a language stands (for the
worker), the finished ones (for pages, by arXiv id, one query for a whole digest), and storing an outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection


@dataclass(frozen=True, slots=True)
class TranslationState:
    """A paper to translate (its row id) and, when one exists, its translation row's standing."""

    paper_id: int
    source_hash: str | None
    state: str | None  # None: never tried
    attempts: int
    next_try_at: int | None


@dataclass(frozen=True, slots=True)
class StoredTranslation:
    source_hash: str
    title: str | None
    abstract: str | None


@dataclass(frozen=True, slots=True)
class TranslationOutcome:
    paper_id: int
    language: str
    source_hash: str
    state: str  # "done", "retry" or "failed"
    translator: str
    updated_at: int
    title: str | None = None
    abstract: str | None = None
    attempts: int = 0
    next_try_at: int | None = None
    error: str | None = None


def translation_states(conn: Connection, arxiv_ids: Sequence[str], language: str) -> dict[str, TranslationState]:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT p.arxiv_id, p.id, t.source_hash, t.state, t.attempts, t.next_try_at FROM papers p "
        "LEFT JOIN paper_translations t ON t.paper_id = p.id AND t.language = ? "
        f"WHERE {sql.in_list('p.arxiv_id')}",
        (language, sql.list_param(arxiv_ids)),
    )
    return {str(a): TranslationState(int(p), h, s, int(n or 0), w) for a, p, h, s, n, w in rows}


def done_translations(conn: Connection, arxiv_ids: Sequence[str], language: str) -> dict[str, StoredTranslation]:
    if not arxiv_ids:
        return {}
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        "SELECT p.arxiv_id, t.source_hash, t.title, t.abstract FROM paper_translations t "
        "JOIN papers p ON p.id = t.paper_id "
        f"WHERE t.language = ? AND t.state = 'done' AND {sql.in_list('p.arxiv_id')}",
        (language, sql.list_param(arxiv_ids)),
    )
    return {str(a): StoredTranslation(str(h), t, b) for a, h, t, b in rows}


def store_translation(conn: Connection, outcome: TranslationOutcome) -> None:
    """Write one outcome over whatever the row held for that paper and language."""
    o = outcome
    for_connection(conn).execute(
        conn,
        "INSERT INTO paper_translations (paper_id, language, source_hash, state, title, abstract, translator, "
        "attempts, next_try_at, error, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (paper_id, language) DO UPDATE SET source_hash = excluded.source_hash, "
        "state = excluded.state, title = excluded.title, abstract = excluded.abstract, "
        "translator = excluded.translator, attempts = excluded.attempts, next_try_at = excluded.next_try_at, "
        "error = excluded.error, updated_at = excluded.updated_at",
        (o.paper_id, o.language, o.source_hash, o.state, o.title, o.abstract, o.translator, o.attempts,
         o.next_try_at, (o.error or "")[:500] or None, o.updated_at),
    )  # fmt: skip


def reader_languages(conn: Connection) -> list[str]:
    """The languages people chose other than English (the papers' own), for the worker."""
    rows = for_connection(conn).all(
        conn, "SELECT DISTINCT language FROM user_settings WHERE language <> 'en' ORDER BY language"
    )
    return [str(r[0]) for r in rows]


def readers_of(conn: Connection, language: str) -> set[int]:
    """The people who chose ``language``."""
    rows = for_connection(conn).all(conn, "SELECT user_id FROM user_settings WHERE language = ?", (language,))
    return {int(r[0]) for r in rows}
