"""daily digests: frozen snapshots of finished periods, private feed tokens

Revision ID: 0020
Revises: 0019 (the lead re-chains it at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "digest_snapshots",
        sa.Column("stream_key", sa.String(length=300), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("made_at", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("stream_key", "period", name=op.f("pk_digest_snapshots")),
    )
    op.create_table(
        "digest_feed_tokens",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_digest_feed_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest_feed_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_digest_feed_tokens_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("digest_feed_tokens")
    op.drop_table("digest_snapshots")
