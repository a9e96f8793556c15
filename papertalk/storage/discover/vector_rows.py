"""Rows of ``paper_vectors`` and ``paper_vector_sets``: papers' semantic vectors under one model (float16
bytes, unit length), which papers still need one, and each model's version token.

Bytes, not arrays: this room knows no numpy (the base install has none); services.discover.vector_index
turns the bytes into one matrix.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection

READ_BATCH = 20_000


@dataclass(frozen=True)
class ToEmbed:
    paper_id: int
    title: str
    abstract: str
    stored_hash: str | None  # the hash of the text its vector was made from; None: no vector yet


def _which(discussed_only: bool) -> str:
    # "Discussed": at least one account voted for it (posted about it); EXISTS stops at the first vote.
    extra = " AND EXISTS (SELECT 1 FROM votes d WHERE d.paper_id = p.id)" if discussed_only else ""
    return "p.title IS NOT NULL" + extra


def papers_to_consider(conn: Connection, discussed_only: bool) -> int:
    """How many titled (and, if asked, discussed) papers there are: the progress bar's total."""
    found = for_connection(conn).all(conn, f"SELECT COUNT(*) FROM papers p WHERE {_which(discussed_only)}")
    return int(found[0][0])


def next_papers(conn: Connection, model: str, after_id: int, limit: int, discussed_only: bool) -> list[ToEmbed]:
    """The next ``limit`` titled papers past row ``after_id``, in row order, each with its stored hash."""
    found = for_connection(conn).all(
        conn,
        "SELECT p.id, p.title, p.abstract, v.source_hash FROM papers p "
        "LEFT JOIN paper_vectors v ON v.model = ? AND v.paper_id = p.id "
        f"WHERE p.id > ? AND {_which(discussed_only)} ORDER BY p.id LIMIT ?",
        (model, after_id, limit),
    )
    return [ToEmbed(int(i), str(t), str(a or ""), None if h is None else str(h)) for i, t, a, h in found]


def store_vectors(
    conn: Connection, model: str, dim: int, rows: Sequence[tuple[int, bytes, str]], new: int, now: int
) -> None:
    """Write (paper, vector bytes, source hash) rows (new or replacing) and give the model a new version
    token; ``new`` of them are papers that had no vector. In the caller's transaction."""
    if not rows:
        return
    sql = for_connection(conn)
    sql.many(
        conn,
        "INSERT INTO paper_vectors (model, paper_id, dim, vector, source_hash, embedded_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (model, paper_id) DO UPDATE SET dim = excluded.dim, "
        "vector = excluded.vector, source_hash = excluded.source_hash, embedded_at = excluded.embedded_at",
        [(model, paper, dim, vector, digest, now) for paper, vector, digest in rows],
    )
    sql.execute(
        conn,
        "INSERT INTO paper_vector_sets (model, vectors, token, changed_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (model) DO UPDATE SET vectors = paper_vector_sets.vectors + excluded.vectors, "
        "token = excluded.token, changed_at = excluded.changed_at",
        (model, new, secrets.token_hex(8), now),
    )


def set_token(conn: Connection, model: str) -> tuple[str, int] | None:
    """(version token, vector count) of the model's vectors; None when it has none."""
    found = for_connection(conn).all(conn, "SELECT token, vectors FROM paper_vector_sets WHERE model = ?", (model,))
    return (str(found[0][0]), int(found[0][1])) if found else None


def all_vectors(conn: Connection, model: str) -> Iterator[list[tuple[int, bytes]]]:
    """Every (paper row, vector bytes) of the model in row order, in batches (keyset reads of the key)."""
    sql = for_connection(conn)
    after = 0
    while True:
        found = sql.all(
            conn,
            "SELECT paper_id, vector FROM paper_vectors WHERE model = ? AND paper_id > ? ORDER BY paper_id LIMIT ?",
            (model, after, READ_BATCH),
        )
        if not found:
            return
        yield [(int(p), bytes(v)) for p, v in found]
        after = int(found[-1][0])


def row_ids(conn: Connection, arxiv_ids: Sequence[str]) -> dict[str, int]:
    """The paper row of each of ``arxiv_ids`` that is in the catalogue (the vectors are keyed by row)."""
    sql = for_connection(conn)
    found = sql.all(
        conn, f"SELECT arxiv_id, id FROM papers WHERE {sql.in_list('arxiv_id')}", (sql.list_param(arxiv_ids),)
    )
    return {str(a): int(i) for a, i in found}
