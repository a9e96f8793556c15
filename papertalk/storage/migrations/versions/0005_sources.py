"""sources: scheduled capture (cursor, schedule, errors), resolved short links, deleted-post tombstones

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("cursor", sa.Text(), nullable=True),
        sa.Column("posts_captured", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_run_at", sa.BigInteger(), nullable=True),
        sa.Column("last_ok_at", sa.BigInteger(), nullable=True),
        sa.Column("next_run_at", sa.BigInteger(), nullable=False),
        sa.Column("error_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_index("ix_sources_next_run_at", "sources", ["next_run_at"])
    op.create_table(
        "short_links",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("resolved", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("url", name=op.f("pk_short_links")),
    )
    op.create_table(
        "post_tombstones",
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("post_id", sa.String(length=512), nullable=False),
        sa.Column("deleted_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "post_id", name=op.f("pk_post_tombstones")),
    )


def downgrade() -> None:
    op.drop_table("post_tombstones")
    op.drop_table("short_links")
    op.drop_index("ix_sources_next_run_at", table_name="sources")
    op.drop_table("sources")
