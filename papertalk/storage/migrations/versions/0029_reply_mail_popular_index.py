"""notes16b: reply notifications by email: a person's opt-in time (``user_settings.reply_mail_since``,
NULL: off) and an outbox key wide enough for a reply's (``reply.<notification id>``); the Popular tab's
covering index ``ix_summaries_listing``

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("user_settings", sa.Column("reply_mail_since", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("period", existing_type=sa.String(length=10), type_=sa.String(length=40),
                           existing_nullable=False)  # fmt: skip
    op.create_index("ix_summaries_listing", "summaries",
                    ["id", "kind", "visibility", "hidden_at", "created_at", "paper_id"])  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_summaries_listing", table_name="summaries")
    op.execute("DELETE FROM mail_outbox WHERE period LIKE 'reply.%'")
    with op.batch_alter_table("mail_outbox") as batch:
        batch.alter_column("period", existing_type=sa.String(length=40), type_=sa.String(length=10),
                           existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("user_settings") as batch:
        batch.drop_column("reply_mail_since")
