"""newer cited versions: papers whose posts cite a version newer than the stored metadata are re-fetched

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Few papers are stale at any time: a partial index finds them without scanning the catalogue.
    op.create_index(
        "ix_papers_stale",
        "papers",
        ["id"],
        sqlite_where=sa.text("fetch_state = 'stale'"),
        postgresql_where=sa.text("fetch_state = 'stale'"),
    )


def downgrade() -> None:
    op.drop_index("ix_papers_stale", table_name="papers")
