"""paper metadata from arXiv: DOI, journal reference, comments, versions, and the fetch state

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("papers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("doi", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("journal_ref", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("comments", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("versions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("fetch_state", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("fetch_attempts", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("next_fetch_at", sa.BigInteger(), nullable=True))
    op.create_index(
        "ix_papers_pending",
        "papers",
        ["next_fetch_at", "id"],
        unique=False,
        sqlite_where=sa.text("metadata_at IS NULL"),
        postgresql_where=sa.text("metadata_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_papers_pending", table_name="papers")
    with op.batch_alter_table("papers", schema=None) as batch_op:
        for column in ("next_fetch_at", "fetch_attempts", "fetch_state", "versions", "comments", "journal_ref", "doi"):
            batch_op.drop_column(column)
