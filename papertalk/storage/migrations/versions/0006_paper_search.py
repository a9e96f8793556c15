"""paper search: an FTS5 index kept by triggers (SQLite), a generated tsvector with a GIN index (PostgreSQL)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from papertalk.storage.search.search_schema import PG_DROP, SQLITE_DROP, pg_create, sqlite_create

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # As first made: accents kept (migration 0012 folds them).
    for statement in pg_create(folded=False) if postgres else sqlite_create(remove_diacritics=0):
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DROP if postgres else SQLITE_DROP:
        op.execute(statement)
