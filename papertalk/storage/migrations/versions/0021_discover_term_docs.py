"""discover: document counts of title/abstract tokens in a sample of the catalogue (similar papers' IDF)

Revision ID: 0021
Revises: 0020 (the lead re-chains it at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "discover_term_docs",
        sa.Column("term", sa.String(length=100), nullable=False),
        sa.Column("docs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_discover_term_docs")),
    )


def downgrade() -> None:
    op.drop_table("discover_term_docs")
