"""The SQL of similar papers: which papers hold one distinctive term or one author, read from the search
index (SQLite FTS5 ``paper_fts``, PostgreSQL ``papers.search_vector``) and bounded per term.

Tokens come from ``core.search_terms.tokens`` (letters and digits only), so they are put in the match
expressions as they are: nothing needs escaping.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection

from papertalk.storage.dialect_sql import for_connection

ORDERED_MATCHES = 3000  # PostgreSQL: above this many expected matches a term's papers are read unordered


def _expression(postgres: bool, words: Sequence[str], column: str) -> str:
    """Every one of ``words`` in the column(s), anywhere (not as a phrase: a phrase of common one-letter
    initials makes FTS5 check positions in thousands of rows)."""
    if postgres:
        weights = "AC" if column == "text" else "B"
        return " & ".join(f"'{token}':{weights}" for token in words)
    columns = "{title abstract}" if column == "text" else "{authors}"
    return " AND ".join(f'{columns} : "{token}"' for token in words)


def papers_with(conn: Connection, words: Sequence[str], column: str, limit: int, expected: float) -> list[int]:
    """Row ids of up to ``limit`` papers holding all of ``words`` in their title or abstract (``column``
    "text") or in their author list ("authors"), the newest first.

    SQLite walks the term's doclist backwards and stops at ``limit``. PostgreSQL reads the term's GIN
    posting list; with up to ``ORDERED_MATCHES`` ``expected`` matches (the caller's estimate) it sorts them
    newest first, above that it takes the first ``limit`` it meets in the table (a sort would visit every
    match), so a very common term's sample is not the newest there."""
    sql = for_connection(conn)
    match = _expression(sql.postgres, words, column)
    if not sql.postgres:
        found = sql.all(
            conn, "SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? ORDER BY rowid DESC LIMIT ?", (match, limit)
        )
    elif expected <= ORDERED_MATCHES:
        # ``id + 0``: not the primary key's order, so the planner reads the matches through GIN and sorts.
        found = sql.all(
            conn,
            "SELECT id FROM papers WHERE search_vector @@ CAST(? AS tsquery) ORDER BY id + 0 DESC LIMIT ?",
            (match, limit),
        )
    else:
        found = sql.all(conn, "SELECT id FROM papers WHERE search_vector @@ CAST(? AS tsquery) LIMIT ?", (match, limit))
    return [int(r[0]) for r in found]
