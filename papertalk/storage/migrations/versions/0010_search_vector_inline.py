"""PostgreSQL: keep papers.search_vector in the row (STORAGE MAIN), so the abstract is moved to TOAST instead

A paper's row (title, authors, ~1,000-character abstract, ~2 KB tsvector) is over PostgreSQL's 2 KB
TOAST threshold, and by default the largest value, the tsvector, went out of line: every ``@@`` on a row
then fetched it from the TOAST table. Search checks ``@@`` row by row when it walks the newest papers,
rechecks GIN matches and counts the IDF sample, so that fetch was most of its cost (~5.6 µs a row; 0.8-2
µs inline, docs/performance.md 2026-12-03). Rows written from now on keep the tsvector inline; existing
rows keep their layout until rewritten (``VACUUM FULL papers``: docs/operations.md). Nothing on SQLite.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE papers ALTER COLUMN search_vector SET STORAGE MAIN")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE papers ALTER COLUMN search_vector SET STORAGE EXTENDED")
