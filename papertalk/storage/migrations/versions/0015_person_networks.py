"""person networks: a network may belong to a user (personal or shared, public or private), shared networks
have members with roles and invitation links, users block accounts for their own views, and keep settings

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("networks") as batch:
        batch.add_column(sa.Column("owner_user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(length=16), server_default="instance", nullable=False))
        batch.add_column(sa.Column("visibility", sa.String(length=16), server_default="public", nullable=False))
        batch.create_foreign_key(
            op.f("fk_networks_owner_user_id_users"), "users", ["owner_user_id"], ["id"], ondelete="CASCADE"
        )
    # One personal network per user; the partial index also finds it by owner without a scan.
    op.create_index(
        "ix_networks_personal_owner",
        "networks",
        ["owner_user_id"],
        unique=True,
        sqlite_where=sa.text("kind = 'personal'"),
        postgresql_where=sa.text("kind = 'personal'"),
    )
    op.create_table(
        "network_members",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("joined_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"], ["networks.id"], name=op.f("fk_network_members_network_id_networks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_network_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("network_id", "user_id", name=op.f("pk_network_members")),
    )
    op.create_index("ix_network_members_user_id", "network_members", ["user_id"])
    op.create_table(
        "network_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.Column("used_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_invitations_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_network_invitations_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_network_invitations_token_hash")),
    )
    op.create_table(
        "user_blocks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_blocks_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_user_blocks_account_id_accounts")),
        sa.PrimaryKeyConstraint("user_id", "account_id", name=op.f("pk_user_blocks")),
    )
    op.create_table(
        "user_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), server_default="UTC", nullable=False),
        sa.Column("categories", sa.Text(), server_default="", nullable=False),
        sa.Column("language", sa.String(length=35), server_default="en", nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_settings")),
    )


def downgrade() -> None:
    op.drop_table("user_settings")
    op.drop_table("user_blocks")
    op.drop_table("network_invitations")
    op.drop_index("ix_network_members_user_id", table_name="network_members")
    op.drop_table("network_members")
    op.drop_index("ix_networks_personal_owner", table_name="networks")
    with op.batch_alter_table("networks") as batch:
        batch.drop_constraint(op.f("fk_networks_owner_user_id_users"), type_="foreignkey")
        batch.drop_column("visibility")
        batch.drop_column("kind")
        batch.drop_column("owner_user_id")
