"""summary search: an FTS5 index over summaries and notes kept by triggers (SQLite), a generated tsvector
with a GIN index (PostgreSQL), replacing the substring scan (issue 16)

Revision ID: 0024
Revises: 0023
"""

from alembic import op

from papertalk.storage.library.summary_search_schema import PG_CREATE, PG_DROP, SQLITE_CREATE, SQLITE_DROP

revision = "0024"
down_revision = "0023"
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
