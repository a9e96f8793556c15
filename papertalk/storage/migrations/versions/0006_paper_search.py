"""paper search: an FTS5 index kept by triggers (SQLite), a generated tsvector with a GIN index (PostgreSQL)

Revision ID: 0006
Revises: 0005
"""

from alembic import op

from papertalk.storage.search.search_schema import PG_CREATE, PG_DROP, SQLITE_CREATE, SQLITE_DROP

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_CREATE if postgres else SQLITE_CREATE:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in PG_DROP if postgres else SQLITE_DROP:
        op.execute(statement)
