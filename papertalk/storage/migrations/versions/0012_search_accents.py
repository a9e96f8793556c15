"""Search ignores accents: ``author:balazs`` finds Balázs, on both backends alike (issue 14 item 9)

SQLite: the FTS5 index is rebuilt with ``remove_diacritics 2``. PostgreSQL: the trigger function folds the
same letters (``core.accent_fold``, FTS5's own table) with ``translate`` before the vector is built, and
every stored vector is recomputed (setting it to NULL makes the trigger compute it). The ``unaccent``
extension is not used: it may not be installed or allowed, and its rules differ from FTS5's.

Revision ID: 0012
Revises: 0011
"""

from alembic import op

from papertalk.storage.search.search_schema import SEARCH_COLUMN, SQLITE_DROP, pg_vector_function, sqlite_create

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _rebuild(folded: bool) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(pg_vector_function(folded=folded))
        op.execute(f"UPDATE papers SET {SEARCH_COLUMN} = NULL WHERE title IS NOT NULL")
        return
    for statement in (*SQLITE_DROP, *sqlite_create(remove_diacritics=2 if folded else 0)):
        op.execute(statement)


def upgrade() -> None:
    _rebuild(folded=True)


def downgrade() -> None:
    _rebuild(folded=False)
