"""The full-text search index over papers, as DDL for each backend (used by migration 0006 and tests).

Both backends see the same tokens: letters and digits in runs, lowercased, everything else a separator.

* SQLite: an FTS5 table ``paper_fts`` (columns title, authors, abstract, cats) with external content read
  through the view ``paper_search_source``; triggers on ``papers`` keep it in step on every write path
  (enrich, harvest, catalogue import, anything else). Only papers with a title are indexed.
* PostgreSQL: a column ``papers.search_vector`` (title weight A, authors B, abstract C, categories D) built
  with the ``simple`` configuration over text whose non-alphanumerics are replaced by spaces, so
  PostgreSQL's parser splits exactly where FTS5's unicode61 tokenizer does; a GIN index on it. Migration
  0006 made it a generated column; 0011 made it a plain column kept by a trigger, so that the catalogue
  import can send vectors built in its parser process (``storage.search.pg_search_vector``).

Categories are indexed as single tokens: ``cs.LG`` -> ``cs0lg``, ``cond-mat.stat-mech`` ->
``cond1mat0stat1mech`` (``.`` -> ``0``, ``-`` -> ``1``), and each archive too (``cs``, ``hep1th``), so
``cat:cs.LG`` and ``cat:cs`` are each one exact token.
"""

from __future__ import annotations

from papertalk.core.accent_fold import DROPPED, FOLDED_FROM, FOLDED_TO

FTS_TABLE = "paper_fts"
SOURCE_VIEW = "paper_search_source"
SEARCH_COLUMN = "search_vector"  # PostgreSQL
# Positions of the indexed columns, and the BM25 weights of title, authors, abstract (categories: none).
FTS_COLUMNS = ("title", "authors", "abstract", "cats")
# Each category as one token (``cs.LG`` -> ``cs0lg``), then each archive as one (``cs``; subjects become
# ``z...`` tokens no query asks for): ``cat:cs.LG`` and ``cat:cs`` are both one exact token.
CATS_SQL = (
    "lower(replace(replace(coalesce({col}, ''), '-', '1'), '.', '0') || ' ' || "
    "replace(replace(coalesce({col}, ''), '-', '1'), '.', ' z'))"
)
INDEXED = "{row}.title IS NOT NULL"
# Accents are ignored (migration 0012): FTS5 folds them itself; PostgreSQL gets the same table (core.accent_fold).
REMOVE_DIACRITICS = 2
PG_FOLD = f"'{FOLDED_FROM}{DROPPED}', '{FOLDED_TO}'"  # translate() drops the characters past FOLDED_TO

# The insert and update triggers, by name: a bulk upsert suspends them inside its own transaction and
# indexes its rows set-based instead (``storage.catalogue.search_bulk``).
SQLITE_WRITE_TRIGGER_SQL = {
    "papers_search_insert": (
        f"CREATE TRIGGER papers_search_insert AFTER INSERT ON papers WHEN {INDEXED.format(row='new')} BEGIN "
        f"INSERT INTO {FTS_TABLE} (rowid, title, authors, abstract, cats) VALUES "
        f"(new.id, new.title, new.authors, new.abstract, {CATS_SQL.format(col='new.categories')}); END"
    ),
    # One trigger, two statements in order: SQLite fires several triggers of one event newest first.
    "papers_search_update": (
        f"CREATE TRIGGER papers_search_update AFTER UPDATE OF title, authors, abstract, categories ON papers BEGIN "
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, authors, abstract, cats) SELECT "
        f"'delete', old.id, old.title, old.authors, old.abstract, {CATS_SQL.format(col='old.categories')} "
        f"WHERE {INDEXED.format(row='old')}; "
        f"INSERT INTO {FTS_TABLE} (rowid, title, authors, abstract, cats) SELECT "
        f"new.id, new.title, new.authors, new.abstract, {CATS_SQL.format(col='new.categories')} "
        f"WHERE {INDEXED.format(row='new')}; END"
    ),
}
SQLITE_WRITE_TRIGGERS = tuple(SQLITE_WRITE_TRIGGER_SQL.values())


def sqlite_create(remove_diacritics: int = REMOVE_DIACRITICS) -> tuple[str, ...]:
    """The FTS5 index with its view and triggers; ``remove_diacritics`` 0 as migration 0006 made it, 2 since 0012."""
    return (
        f"CREATE VIEW {SOURCE_VIEW} AS SELECT id, title, authors, abstract, "
        f"{CATS_SQL.format(col='categories')} AS cats FROM papers WHERE {INDEXED.format(row='papers')}",
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, authors, abstract, cats, "
        f"content='{SOURCE_VIEW}', content_rowid='id', tokenize='unicode61 remove_diacritics {remove_diacritics}')",
        *SQLITE_WRITE_TRIGGERS,
        f"CREATE TRIGGER papers_search_delete AFTER DELETE ON papers WHEN {INDEXED.format(row='old')} BEGIN "
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, title, authors, abstract, cats) VALUES "
        f"('delete', old.id, old.title, old.authors, old.abstract, {CATS_SQL.format(col='old.categories')}); END",
        # Papers already stored (an upgrade of a filled database) are indexed once, in one pass.
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')",
    )


SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS papers_search_insert",
    "DROP TRIGGER IF EXISTS papers_search_update",
    "DROP TRIGGER IF EXISTS papers_search_delete",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
    f"DROP VIEW IF EXISTS {SOURCE_VIEW}",
)


def pg_words(column: str, folded: bool = True) -> str:
    """PostgreSQL: ``column`` as text whose separators are spaces (what FTS5's unicode61 splits on), its
    accents folded as FTS5's ``remove_diacritics 2`` folds them (``folded`` False: as before migration 0012)."""
    text = f"translate(coalesce({column}, ''), {PG_FOLD})" if folded else f"coalesce({column}, '')"
    return f"regexp_replace({text}, '[^[:alnum:]]+', ' ', 'g')"


def pg_field_vectors(row: str = "", folded: bool = True) -> tuple[str, str, str, str]:
    """The four weighted parts of the search vector (title A, authors B, abstract C, categories D) over the
    columns of ``row`` (``""`` for the table's own, ``"NEW."`` in a trigger); the vector is their ``||``."""
    return (
        f"setweight(to_tsvector('simple'::regconfig, {pg_words(row + 'title', folded)}), 'A')",
        f"setweight(to_tsvector('simple'::regconfig, {pg_words(row + 'authors', folded)}), 'B')",
        f"setweight(to_tsvector('simple'::regconfig, {pg_words(row + 'abstract', folded)}), 'C')",
        f"setweight(to_tsvector('simple'::regconfig, {CATS_SQL.format(col=row + 'categories')}), 'D')",
    )


PG_VECTOR = " || ".join(pg_field_vectors())


# Migration 0011 turns the generated column into a plain one kept by this trigger, so that the catalogue
# import may supply vectors it built itself (``storage.search.pg_search_vector``). A statement that writes a
# vector is trusted; one that changes the text without writing a vector gets it recomputed here.
def pg_vector_function(folded: bool = True) -> str:
    """The trigger function that computes a paper's vector (accents folded unless ``folded`` is False)."""
    return (
        "CREATE OR REPLACE FUNCTION papers_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.title IS NULL THEN NEW.search_vector := NULL; "
        "ELSIF NEW.search_vector IS NULL OR (TG_OP = 'UPDATE' "
        "AND NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector "
        "AND (NEW.title, NEW.authors, NEW.abstract, NEW.categories) "
        "IS DISTINCT FROM (OLD.title, OLD.authors, OLD.abstract, OLD.categories)) THEN "
        f"NEW.search_vector := {' || '.join(pg_field_vectors('NEW.', folded))}; "
        "END IF; RETURN NEW; END $$"
    )


PG_VECTOR_TRIGGER = (
    "CREATE TRIGGER papers_search_vector BEFORE INSERT OR UPDATE OF title, authors, abstract, categories, "
    f"{SEARCH_COLUMN} ON papers FOR EACH ROW EXECUTE FUNCTION papers_search_vector()"
)


def pg_vector_from_parts(literals: tuple[str, str, str, str]) -> str:
    """SQL for the search vector of a staged row: each part cast from its literal column, or computed where
    the literal is NULL (``storage.search.pg_search_vector`` leaves those to the database)."""
    parts = (
        f"COALESCE(CAST({literal} AS tsvector), {computed})"
        for literal, computed in zip(literals, pg_field_vectors(), strict=True)
    )
    return f"CASE WHEN title IS NOT NULL THEN {' || '.join(parts)} END"


def pg_create(folded: bool = True) -> tuple[str, ...]:
    """The generated vector column of migration 0006 (``folded`` False there) and its GIN index."""
    vector = " || ".join(pg_field_vectors(folded=folded))
    return (
        f"ALTER TABLE papers ADD COLUMN {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS "
        f"(CASE WHEN title IS NOT NULL THEN {vector} END) STORED",
        f"CREATE INDEX ix_papers_search ON papers USING gin ({SEARCH_COLUMN})",
    )


PG_DROP = (
    "DROP INDEX IF EXISTS ix_papers_search",
    f"ALTER TABLE papers DROP COLUMN IF EXISTS {SEARCH_COLUMN}",
)
