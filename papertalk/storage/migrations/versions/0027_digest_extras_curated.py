"""digests: when a summary was first made public, a curated digest's stream and publication time, a picked link's author

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None
# One curated digest a day per stream: a person's own, a shared network's, everyone's (the admins').
CURATED_INDEXES = (
    ("ix_curated_person_day", ["owner_user_id", "digest_day"], "person"),
    ("ix_curated_network_day", ["network_id", "digest_day"], "network"),
    ("ix_curated_everyone_day", ["digest_day"], "everyone"),
)


def upgrade() -> None:
    op.add_column("summaries", sa.Column("published_at", sa.BigInteger(), nullable=True))
    # A summary public today was first published, as far as anyone can tell now, when it was written.
    op.execute("UPDATE summaries SET published_at = created_at WHERE kind = 'summary' AND visibility = 'public'")
    op.create_index("ix_summaries_published", "summaries", ["published_at"])
    op.add_column("reading_lists", sa.Column("published_at", sa.BigInteger(), nullable=True))
    op.add_column("reading_lists", sa.Column("digest_of", sa.String(length=16), nullable=True))
    for name, columns, kind in CURATED_INDEXES:
        where = sa.text(f"digest_of = '{kind}'")
        op.create_index(name, "reading_lists", columns, unique=True, sqlite_where=where, postgresql_where=where)
    op.add_column("list_items", sa.Column("author", sa.String(length=300), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("list_items") as batch:
        batch.drop_column("author")
    for name, _, _ in CURATED_INDEXES:
        op.drop_index(name, table_name="reading_lists")
    with op.batch_alter_table("reading_lists") as batch:
        batch.drop_column("digest_of")
        batch.drop_column("published_at")
    op.drop_index("ix_summaries_published", table_name="summaries")
    with op.batch_alter_table("summaries") as batch:
        batch.drop_column("published_at")
