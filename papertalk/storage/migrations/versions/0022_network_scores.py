"""people15: each network's ranking precomputed (network_scores, network_rank_state), and the site's public
networks found by an index (networks kind, visibility, name) instead of a scan of every personal network, and
a change counter of each network's accounts (networks.accounts_version: the kept pages' cheap validator)

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_rank_state",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("window_name", sa.String(length=32), nullable=False),
        sa.Column("t0", sa.BigInteger(), nullable=False),
        sa.Column("cutoff", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.Column("papers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"], ["networks.id"], name=op.f("fk_network_rank_state_network_id_networks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("network_id", "window_name", name=op.f("pk_network_rank_state")),
    )
    op.create_table(
        "network_scores",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("window_name", sa.String(length=32), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"], ["networks.id"], name=op.f("fk_network_scores_network_id_networks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("network_id", "window_name", "paper_id", name=op.f("pk_network_scores")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_network_scores_rank", "network_scores", ["network_id", "window_name", "score", "people", "paper_id"]
    )
    op.create_index("ix_networks_kind", "networks", ["kind", "visibility", "name"])
    with op.batch_alter_table("networks") as batch:
        batch.add_column(sa.Column("accounts_version", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("networks") as batch:
        batch.drop_column("accounts_version")
    op.drop_index("ix_networks_kind", table_name="networks")
    op.drop_index("ix_network_scores_rank", table_name="network_scores")
    op.drop_table("network_scores")
    op.drop_table("network_rank_state")
