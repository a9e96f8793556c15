"""drop ix_mentions_paper_time: ix_mentions_paper_cover (paper_id, created_at, ...) starts with the same
columns and serves every query it served, and each index costs every imported mention a B-tree insert

Revision ID: 0009
Revises: 0008_mention_days
"""

from alembic import op

revision = "0009"
down_revision = "0008_mention_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_mentions_paper_time", table_name="mentions")


def downgrade() -> None:
    op.create_index("ix_mentions_paper_time", "mentions", ["paper_id", "created_at"])
