"""Papers in and out of the database: bulk upsert of metadata, and Paper records by row id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import orjson
from sqlalchemy import Connection

from papertalk.core.records import Paper
from papertalk.storage.dialect_sql import BulkSql, for_connection

COLUMNS = "arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version, metadata_at"


def upsert_papers(conn: Connection, papers: Iterable[Paper], now: int) -> int:
    """Insert or refresh metadata for many papers in one executemany; returns how many rows were given."""
    sql = for_connection(conn)
    rows = [
        (
            p.arxiv_id,
            p.title,
            orjson.dumps(list(p.authors)).decode(),
            p.abstract,
            " ".join(p.categories),
            p.published_at,
            p.updated_at,
            p.latest_version,
            now,
        )
        for p in papers
    ]
    sql.many(
        conn,
        f"INSERT INTO papers ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (arxiv_id) DO UPDATE SET "
        "title = excluded.title, authors = excluded.authors, abstract = excluded.abstract, "
        "categories = excluded.categories, published_at = excluded.published_at, "
        "updated_at = excluded.updated_at, latest_version = excluded.latest_version, "
        "metadata_at = excluded.metadata_at",
        rows,
    )
    return len(rows)


def _paper(row: Sequence[object]) -> Paper:
    arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version = row[:8]
    return Paper(
        arxiv_id=str(arxiv_id),
        title=title if isinstance(title, str) else None,
        authors=tuple(orjson.loads(authors)) if isinstance(authors, str) else (),
        abstract=abstract if isinstance(abstract, str) else None,
        categories=tuple(categories.split()) if isinstance(categories, str) else (),
        published_at=int(published_at) if isinstance(published_at, int) else None,
        updated_at=int(updated_at) if isinstance(updated_at, int) else None,
        latest_version=int(latest_version) if isinstance(latest_version, int) else None,
    )


def papers_by_row(conn: Connection, rows: Sequence[int]) -> dict[int, Paper]:
    if not rows:
        return {}
    sql: BulkSql = for_connection(conn)
    found = sql.all(
        conn,
        "SELECT arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version, id "
        "FROM papers WHERE " + sql.in_list("id"),
        (sql.list_param(rows),),
    )
    return {int(r[8]): _paper(r) for r in found}


def paper_row_id(conn: Connection, arxiv_id: str) -> int | None:
    sql = for_connection(conn)
    found = sql.all(conn, "SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,))
    return int(found[0][0]) if found else None
