"""The full-text index over summaries and notes (their titles and Markdown sources), as DDL for each backend
(migration 0022) and the match expression of a search, the paper search's way (``storage.search``):

* SQLite: an FTS5 table ``summary_fts`` (title, source) with external content on ``summaries`` itself,
  kept in step by triggers on every insert, edit and delete, accents folded (``remove_diacritics 2``).
* PostgreSQL: a generated column ``summaries.search_vector`` (title weight A, text B) over text whose
  non-alphanumerics are spaces and whose accents are folded as FTS5 folds them, with a GIN index.

Every row is indexed, private notes included: who may see a hit is decided by the query's visibility
condition (``summary_rows.search_summaries``), never by the index."""

from __future__ import annotations

from collections.abc import Sequence

from papertalk.core.accent_fold import DROPPED, FOLDED_FROM, FOLDED_TO

FTS_TABLE = "summary_fts"
SEARCH_COLUMN = "search_vector"  # PostgreSQL
_INDEXED = "title, source"
REMOVE_DIACRITICS = 2  # as the paper index since migration 0012 (core.accent_fold is the same table)


def _pg_words(column: str) -> str:
    """``column`` with accents folded as FTS5 folds them and every run of non-alphanumerics a space."""
    return f"regexp_replace(translate({column}, '{FOLDED_FROM}{DROPPED}', '{FOLDED_TO}'), '[^[:alnum:]]+', ' ', 'g')"


SQLITE_CREATE = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({_INDEXED}, content='summaries', content_rowid='id', "
    f"tokenize='unicode61 remove_diacritics {REMOVE_DIACRITICS}')",
    f"CREATE TRIGGER summaries_search_insert AFTER INSERT ON summaries BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, {_INDEXED}) VALUES (new.id, new.title, new.source); END",
    f"CREATE TRIGGER summaries_search_update AFTER UPDATE OF title, source ON summaries BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_INDEXED}) VALUES ('delete', old.id, old.title, old.source); "
    f"INSERT INTO {FTS_TABLE} (rowid, {_INDEXED}) VALUES (new.id, new.title, new.source); END",
    f"CREATE TRIGGER summaries_search_delete AFTER DELETE ON summaries BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_INDEXED}) VALUES ('delete', old.id, old.title, old.source); END",
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",  # rows already stored, in one pass
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS summaries_search_insert",
    "DROP TRIGGER IF EXISTS summaries_search_update",
    "DROP TRIGGER IF EXISTS summaries_search_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)
PG_CREATE = (
    f"ALTER TABLE summaries ADD COLUMN {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('simple'::regconfig, {_pg_words('title')}), 'A') || "
    f"setweight(to_tsvector('simple'::regconfig, {_pg_words('source')}), 'B')) STORED",
    f"CREATE INDEX ix_summaries_search ON summaries USING gin ({SEARCH_COLUMN})",
)
PG_DROP = ("DROP INDEX IF EXISTS ix_summaries_search", f"ALTER TABLE summaries DROP COLUMN IF EXISTS {SEARCH_COLUMN}")


def fts5_match(tokens: Sequence[str]) -> str:
    """Every token, in the title or the text (tokens are letters and digits only: nothing to escape)."""
    return " AND ".join(f'"{t}"' for t in tokens)


def tsquery(tokens: Sequence[str]) -> str:
    """The same over ``summaries.search_vector``."""
    return " & ".join(f"'{t}'" for t in tokens)
