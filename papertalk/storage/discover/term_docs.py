"""The term statistics similar papers weigh terms by: how many papers of a sample of the catalogue hold
each title/abstract token (``discover_term_docs``), the sample itself, and when it was taken.

A sample, not exact counts: exact document frequencies would cost an update of thousands of rows per
imported batch, and an IDF estimated on tens of thousands of papers orders terms the same way. The sample
is spread over the whole range of row ids (``SLICES`` runs of consecutive ids), so old and new papers
count alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import orjson
from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.instance_meta import get_meta, set_meta

SAMPLE_KEY = "discover_term_sample"
SLICES = 20


@dataclass(frozen=True)
class SampleState:
    papers: int  # papers in the sample the counts were taken on (0: never taken)
    top_row: int  # the highest paper row id when it was taken
    taken: str = ""  # a token new at each taking: what a reader's copy of the counts is checked against


def sample_state(conn: Connection) -> SampleState:
    raw = get_meta(conn, SAMPLE_KEY)
    if raw is None:
        return SampleState(0, 0)
    data = orjson.loads(raw)
    return SampleState(int(data["papers"]), int(data["top_row"]), str(data.get("taken", "")))


def top_row(conn: Connection) -> int:
    found = for_connection(conn).all(conn, "SELECT COALESCE(MAX(id), 0) FROM papers")
    return int(found[0][0])


def sample_texts(conn: Connection, size: int) -> Iterator[tuple[str, str]]:
    """(title, abstract) of up to ``size`` titled papers: ``SLICES`` runs of consecutive row ids spread
    evenly from the first id to the last (each run an index range read, never a scan of the table)."""
    sql = for_connection(conn)
    bounds = sql.all(conn, "SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM papers")
    low, high = int(bounds[0][0]), int(bounds[0][1])
    per_slice = max(1, size // SLICES)
    step = max(1, (high - low + 1) // SLICES)
    for start in range(low, high + 1, step):
        rows = sql.all(
            conn,
            "SELECT title, abstract FROM papers WHERE id >= ? AND id < ? AND title IS NOT NULL ORDER BY id LIMIT ?",
            (start, start + step, per_slice),
        )
        for title, abstract in rows:
            yield str(title), str(abstract or "")


def replace_counts(conn: Connection, counts: Mapping[str, int], state: SampleState) -> None:
    """Put ``counts`` in place of the stored ones (in the caller's transaction)."""
    sql = for_connection(conn)
    sql.execute(conn, "DELETE FROM discover_term_docs")
    # An upsert, not a plain insert: two processes refreshing at once then both succeed (last one wins).
    sql.many(
        conn,
        "INSERT INTO discover_term_docs (term, docs) VALUES (?, ?) "
        "ON CONFLICT (term) DO UPDATE SET docs = excluded.docs",
        sorted(counts.items()),
    )
    meta = {"papers": state.papers, "top_row": state.top_row, "taken": state.taken}
    set_meta(conn, SAMPLE_KEY, orjson.dumps(meta).decode())


def all_counts(conn: Connection) -> dict[str, int]:
    """Every stored count (one read of the table: the terms the sample saw twice or more)."""
    return {str(t): int(d) for t, d in for_connection(conn).all(conn, "SELECT term, docs FROM discover_term_docs")}
