"""PostgreSQL: papers.search_vector becomes a plain column kept by a trigger instead of a generated column

A generated column cannot be written, so every catalogue import ran PostgreSQL's text-search parser over
each paper, ~80 % of that import's time (docs/performance.md). Now the import sends the vector's parts
built in its parser process (``storage.search.pg_search_vector``, exact where it builds one; the database computes
the rest), and the trigger ``papers_search_vector`` computes the vector, with the same expression as before,
for every write that changes a paper's text without writing a vector (enrich, harvest, anything else).
The stored vectors are kept as they are (``DROP EXPRESSION`` does not rewrite the table; PostgreSQL 13+).
Nothing on SQLite.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

from papertalk.storage.search.search_schema import PG_VECTOR_TRIGGER, SEARCH_COLUMN, pg_create, pg_vector_function

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE papers ALTER COLUMN {SEARCH_COLUMN} DROP EXPRESSION")
        op.execute(pg_vector_function(folded=False))  # as first made: 0012 folds accents
        op.execute(PG_VECTOR_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A column cannot become generated again: it is rebuilt (every vector recomputed, the index too).
        op.execute("DROP TRIGGER papers_search_vector ON papers")
        op.execute("DROP FUNCTION papers_search_vector()")
        op.execute("DROP INDEX ix_papers_search")
        op.execute(f"ALTER TABLE papers DROP COLUMN {SEARCH_COLUMN}")
        for statement in pg_create(folded=False):
            op.execute(statement)
        op.execute(f"ALTER TABLE papers ALTER COLUMN {SEARCH_COLUMN} SET STORAGE MAIN")  # as 0010 left it
