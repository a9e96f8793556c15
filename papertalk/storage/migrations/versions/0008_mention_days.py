"""mentions per paper and day: a maintained table of mentions per paper, UTC day and kind (the trending
page's counts and day charts without reading every mention of a hot paper), filled from the mentions

Revision ID: 0008_mention_days
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.ranking.mention_days import rebuild

revision = "0008_mention_days"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_day_mentions",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind_bit", sa.SmallInteger(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], name=op.f("fk_paper_day_mentions_paper_id_papers")),
        sa.PrimaryKeyConstraint("paper_id", "day", "kind_bit", name=op.f("pk_paper_day_mentions")),
        sqlite_with_rowid=False,
    )
    conn = op.get_bind()
    rebuild(conn, for_connection(conn))


def downgrade() -> None:
    op.drop_table("paper_day_mentions")
