"""Papers in and out of the database: bulk upsert of metadata, and Paper records by row id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection

from papertalk.core.records import Paper
from papertalk.storage.dialect_sql import BulkSql, for_connection
from papertalk.storage.search.pg_search_vector import VectorParts
from papertalk.storage.search.search_schema import SEARCH_COLUMN, pg_vector_from_parts

COLUMNS = (
    "arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version, doi, journal_ref, "
    "comments, versions, metadata_at"
)
READ_COLUMNS = (
    "arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version, doi, journal_ref, "
    "comments, versions"
)
UPSERT = (
    "ON CONFLICT (arxiv_id) DO UPDATE SET "
    "title = excluded.title, authors = excluded.authors, abstract = excluded.abstract, "
    "categories = excluded.categories, published_at = excluded.published_at, "
    "updated_at = excluded.updated_at, latest_version = excluded.latest_version, doi = excluded.doi, "
    "journal_ref = excluded.journal_ref, comments = excluded.comments, "
    "versions = COALESCE(excluded.versions, papers.versions), metadata_at = excluded.metadata_at, "
    "fetch_state = 'ok', fetch_attempts = 0, next_fetch_at = NULL"
)
COPY_FROM = 200  # rows: below this an executemany is cheaper than staging
STAGE_PAPERS_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS stage_papers (seq INTEGER NOT NULL, arxiv_id TEXT NOT NULL, title TEXT, "
    "authors TEXT, abstract TEXT, categories TEXT, published_at BIGINT, updated_at BIGINT, latest_version INTEGER, "
    "doi TEXT, journal_ref TEXT, comments TEXT, versions TEXT, metadata_at BIGINT, "
    "v_title TEXT, v_authors TEXT, v_abstract TEXT, v_cats TEXT) ON COMMIT DELETE ROWS"
)
# PostgreSQL: the parts of the search vector as ``storage.search.pg_search_vector`` literals (NULL: computed there).
_VECTOR_PARTS = ("v_title", "v_authors", "v_abstract", "v_cats")
_NO_PARTS: VectorParts = (None, None, None, None)
UNKNOWN_RETRY_FIRST = 3600  # an id arXiv does not know is asked again after 1 h, 4 h, 16 h, ...
UNKNOWN_RETRY_MAX = 30 * 86400
UNKNOWN_GIVE_UP_AFTER = 8  # attempts; then the paper stays known by its id only ("gone")


PaperRow = tuple[Any, ...]  # the values of COLUMNS, in order


def paper_row(p: Paper, now: int) -> PaperRow:
    """One paper as the values of ``COLUMNS`` (plain values: cheap to send from a parser process)."""
    return (
        p.arxiv_id,
        p.title,
        orjson.dumps(list(p.authors)).decode(),
        p.abstract,
        " ".join(p.categories),
        p.published_at,
        p.updated_at,
        p.latest_version,
        p.doi,
        p.journal_ref,
        p.comments,
        orjson.dumps([list(v) for v in p.versions]).decode() if p.versions else None,
        now,
    )


def upsert_papers(conn: Connection, papers: Iterable[Paper], now: int) -> int:
    """Insert or refresh metadata for many papers (PostgreSQL: COPY and one upsert; SQLite: one executemany,
    whose statement the search triggers follow); returns how many rows were given."""
    return upsert_paper_rows(conn, [paper_row(p, now) for p in papers])


def upsert_paper_rows(conn: Connection, rows: Sequence[PaperRow], vectors: Sequence[VectorParts] | None = None) -> int:
    """``upsert_papers`` for papers already turned into ``paper_row`` values; on PostgreSQL, ``vectors``
    (one per row, from ``pg_search_vector.row_vector_parts``) spares the database most of the search
    vectors' text parsing."""
    sql = for_connection(conn)
    if sql.postgres and len(rows) >= COPY_FROM:
        # COPY into a staging table, then one set-based upsert: the database does the per-row work.
        sql.execute(conn, STAGE_PAPERS_DDL)
        sql.execute(conn, "TRUNCATE stage_papers")
        parts = vectors if vectors is not None else [_NO_PARTS] * len(rows)
        staged = [(i, *r, *v) for i, (r, v) in enumerate(zip(rows, parts, strict=True))]
        sql.copy_rows(conn, "stage_papers", f"seq, {COLUMNS}, {', '.join(_VECTOR_PARTS)}", staged)
        # The last line of an id wins, as with one statement per row; new rows get ids in file order.
        last = (
            f"SELECT DISTINCT ON (arxiv_id) seq, {COLUMNS}, {', '.join(_VECTOR_PARTS)} FROM stage_papers "
            "ORDER BY arxiv_id, seq DESC"
        )
        source = f"SELECT {COLUMNS}, 'ok', {pg_vector_from_parts(_VECTOR_PARTS)} FROM ({last}) s ORDER BY seq"
        sql.execute(
            conn,
            f"INSERT INTO papers ({COLUMNS}, fetch_state, {SEARCH_COLUMN}) {source} {UPSERT}, "
            f"{SEARCH_COLUMN} = excluded.{SEARCH_COLUMN}",
        )
    else:
        marks = ", ".join("?" * 13)
        sql.many(conn, f"INSERT INTO papers ({COLUMNS}, fetch_state) VALUES ({marks}, 'ok') {UPSERT}", rows)
    return len(rows)


def _paper(row: Sequence[object]) -> Paper:
    arxiv_id, title, authors, abstract, categories, published_at, updated_at, latest_version = row[:8]
    doi, journal_ref, comments, versions = row[8:12]
    return Paper(
        arxiv_id=str(arxiv_id),
        title=title if isinstance(title, str) else None,
        authors=tuple(orjson.loads(authors)) if isinstance(authors, str) else (),
        abstract=abstract if isinstance(abstract, str) else None,
        categories=tuple(categories.split()) if isinstance(categories, str) else (),
        published_at=int(published_at) if isinstance(published_at, int) else None,
        updated_at=int(updated_at) if isinstance(updated_at, int) else None,
        latest_version=int(latest_version) if isinstance(latest_version, int) else None,
        doi=doi if isinstance(doi, str) else None,
        journal_ref=journal_ref if isinstance(journal_ref, str) else None,
        comments=comments if isinstance(comments, str) else None,
        versions=tuple((int(v), int(t)) for v, t in orjson.loads(versions)) if isinstance(versions, str) else (),
    )


def papers_by_row(conn: Connection, rows: Sequence[int]) -> dict[int, Paper]:
    if not rows:
        return {}
    sql: BulkSql = for_connection(conn)
    found = sql.all(
        conn,
        f"SELECT {READ_COLUMNS}, id FROM papers WHERE " + sql.in_list("id"),
        (sql.list_param(rows),),
    )
    return {int(r[12]): _paper(r) for r in found}


def paper_row_id(conn: Connection, arxiv_id: str) -> int | None:
    sql = for_connection(conn)
    found = sql.all(conn, "SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,))
    return int(found[0][0]) if found else None


def papers_by_arxiv_id(conn: Connection, arxiv_ids: Sequence[str]) -> dict[str, Paper]:
    sql = for_connection(conn)
    found = sql.all(
        conn, f"SELECT {READ_COLUMNS} FROM papers WHERE " + sql.in_list("arxiv_id"), (sql.list_param(arxiv_ids),)
    )
    return {str(r[0]): _paper(r) for r in found}


PENDING = (
    "FROM papers WHERE metadata_at IS NULL AND (next_fetch_at IS NULL OR next_fetch_at <= ?) "
    "AND (fetch_state IS NULL OR fetch_state <> 'gone')"
)


def pending_papers(conn: Connection, now: int, limit: int) -> list[str]:
    """Papers that may be asked about now: first those cited in a newer version than we hold, then those
    known only by id, most recently discovered first."""
    sql = for_connection(conn)
    stale = sql.all(conn, "SELECT arxiv_id FROM papers WHERE fetch_state = 'stale' ORDER BY id DESC LIMIT ?", (limit,))
    rows = sql.all(conn, f"SELECT arxiv_id {PENDING} ORDER BY id DESC LIMIT ?", (now, limit - len(stale)))
    return [str(r[0]) for r in [*stale, *rows]]


def count_pending(conn: Connection, now: int) -> int:
    sql = for_connection(conn)
    rows = sql.all(
        conn,
        f"SELECT (SELECT COUNT(*) {PENDING}) + (SELECT COUNT(*) FROM papers WHERE fetch_state = 'stale')",
        (now,),
    )
    return int(rows[0][0])


def mark_cited_versions(conn: Connection, cited: str) -> int:
    """Papers with metadata that ``cited`` (a query of ``arxiv_id, version`` rows) names in a newer version
    than the stored latest one become "stale", so enrichment fetches them again. Returns how many."""
    sql = for_connection(conn)
    return sql.execute(
        conn,
        "UPDATE papers SET fetch_state = 'stale', next_fetch_at = NULL WHERE id IN ("
        f"SELECT pa.id FROM ({cited}) AS c JOIN papers pa ON pa.arxiv_id = c.arxiv_id "
        "WHERE c.version IS NOT NULL AND pa.metadata_at IS NOT NULL AND c.version > COALESCE(pa.latest_version, 0) "
        "AND pa.fetch_state <> 'stale')",
    )


def mark_unknown(conn: Connection, arxiv_ids: Sequence[str], now: int) -> None:
    """arXiv did not return these ids: ask again later, waiting 4x longer each time, then give up."""
    if not arxiv_ids:
        return
    sql = for_connection(conn)
    attempts = sql.all(
        conn,
        "SELECT id, fetch_attempts, metadata_at FROM papers WHERE " + sql.in_list("arxiv_id"),
        (sql.list_param(arxiv_ids),),
    )
    updates = []
    for row_id, tried, metadata_at in attempts:
        if metadata_at is not None:  # a stale paper arXiv did not return this time: keep what we hold
            updates.append(("ok", int(tried), None, int(row_id)))
            continue
        count = int(tried) + 1
        delay = min(UNKNOWN_RETRY_FIRST * 4 ** (count - 1), UNKNOWN_RETRY_MAX)
        gone = count >= UNKNOWN_GIVE_UP_AFTER
        updates.append(("gone" if gone else "unknown", count, None if gone else now + delay, int(row_id)))
    sql.many(conn, "UPDATE papers SET fetch_state = ?, fetch_attempts = ?, next_fetch_at = ? WHERE id = ?", updates)


def papers_titled(conn: Connection, lowered_titles: Sequence[str], per_title: int) -> dict[str, list[Paper]]:
    """The papers whose ``lower(title)`` is one of ``lowered_titles`` (lower-cased, spaces collapsed), newest
    first, at most ``per_title`` each: one query on ``ix_papers_title_lower`` for the whole batch."""
    if not lowered_titles:
        return {}
    sql = for_connection(conn)
    found = sql.all(
        conn,
        f"SELECT {READ_COLUMNS}, lower(title) FROM papers WHERE " + sql.in_list("lower(title)") + " ORDER BY id DESC",
        (sql.list_param(list(dict.fromkeys(lowered_titles))),),
    )
    made: dict[str, list[Paper]] = {}
    for row in found:
        shelf = made.setdefault(str(row[12]), [])
        if len(shelf) < per_title:
            shelf.append(_paper(row))
    return made
