"""digests: when a summary was first made public, a curated digest's publication time, a picked link's author

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("summaries", sa.Column("published_at", sa.BigInteger(), nullable=True))
    # A summary public today was first published, as far as anyone can tell now, when it was written.
    op.execute("UPDATE summaries SET published_at = created_at WHERE kind = 'summary' AND visibility = 'public'")
    op.create_index("ix_summaries_published", "summaries", ["published_at"])
    op.add_column("reading_lists", sa.Column("published_at", sa.BigInteger(), nullable=True))
    op.create_index("ix_reading_lists_digest_day", "reading_lists", ["digest_day"])
    op.add_column("list_items", sa.Column("author", sa.String(length=300), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("list_items") as batch:
        batch.drop_column("author")
    op.drop_index("ix_reading_lists_digest_day", table_name="reading_lists")
    with op.batch_alter_table("reading_lists") as batch:
        batch.drop_column("published_at")
    op.drop_index("ix_summaries_published", table_name="summaries")
    with op.batch_alter_table("summaries") as batch:
        batch.drop_column("published_at")
