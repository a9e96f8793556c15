"""harvest state: where an OAI-PMH harvest got to, so an interrupted one resumes

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "harvest_state",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("from_date", sa.String(length=10), nullable=True),
        sa.Column("set_spec", sa.String(length=100), nullable=True),
        sa.Column("resumption_token", sa.Text(), nullable=True),
        sa.Column("records", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_harvest_state")),
    )


def downgrade() -> None:
    op.drop_table("harvest_state")
