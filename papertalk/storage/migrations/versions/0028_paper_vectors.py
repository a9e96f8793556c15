"""discover: semantic vectors of papers, per model, and each model's version token (derived data)

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "paper_vectors",
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("dim", sa.SmallInteger(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("embedded_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["paper_id"], ["papers.id"], name=op.f("fk_paper_vectors_paper_id_papers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("model", "paper_id", name=op.f("pk_paper_vectors")),
    )
    op.create_table(
        "paper_vector_sets",
        sa.Column("model", sa.String(length=80), nullable=False),
        sa.Column("vectors", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("model", name=op.f("pk_paper_vector_sets")),
    )


def downgrade() -> None:
    op.drop_table("paper_vector_sets")
    op.drop_table("paper_vectors")
