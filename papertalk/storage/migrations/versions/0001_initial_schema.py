"""initial schema: papers, accounts, posts, mentions, votes, networks, checkpoints, meta

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_instance_meta")),
    )

    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("platform_id", sa.String(length=512), nullable=False),
        sa.Column("handle", sa.Text(), nullable=True),
        sa.Column("display_name", sa.Text(), nullable=True),
        sa.Column("blocked", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("platform", "platform_id", name="uq_accounts_platform_id"),
    )
    op.create_index(
        "ix_accounts_blocked",
        "accounts",
        ["id"],
        unique=False,
        sqlite_where=sa.text("blocked"),
        postgresql_where=sa.text("blocked"),
    )
    op.create_table(
        "import_checkpoints",
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("byte_offset", sa.BigInteger(), nullable=False),
        sa.Column("line_number", sa.BigInteger(), nullable=False),
        sa.Column("rejected", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("file_key", name=op.f("pk_import_checkpoints")),
    )
    op.create_table(
        "networks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networks")),
        sa.UniqueConstraint("name", name=op.f("uq_networks_name")),
    )
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("authors", sa.Text(), nullable=True),
        sa.Column("abstract", sa.Text(), nullable=True),
        sa.Column("categories", sa.Text(), nullable=True),
        sa.Column("published_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=True),
        sa.Column("latest_version", sa.Integer(), nullable=True),
        sa.Column("metadata_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_papers")),
        sa.UniqueConstraint("arxiv_id", name=op.f("uq_papers_arxiv_id")),
    )
    op.create_table(
        "network_accounts",
        sa.Column("network_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_network_accounts_account_id_accounts")),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_accounts_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("network_id", "account_id", name=op.f("pk_network_accounts")),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("post_id", sa.String(length=512), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=True),
        sa.Column("original_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("links", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=35), nullable=True),
        sa.Column("platform_score", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_posts_account_id_accounts")),
        sa.ForeignKeyConstraint(["original_id"], ["posts.id"], name=op.f("fk_posts_original_id_posts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_posts")),
        sa.UniqueConstraint("platform", "post_id", name="uq_posts_platform_post_id"),
    )
    op.create_index(
        "ix_posts_original_id",
        "posts",
        ["original_id"],
        unique=False,
        sqlite_where=sa.text("original_id IS NOT NULL"),
        postgresql_where=sa.text("original_id IS NOT NULL"),
    )

    op.create_table(
        "votes",
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.BigInteger(), nullable=False),
        sa.Column("kinds", sa.SmallInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_votes_account_id_accounts")),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], name=op.f("fk_votes_paper_id_papers")),
        sa.PrimaryKeyConstraint("paper_id", "account_id", name=op.f("pk_votes")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index("ix_votes_account", ["account_id", "first_at", "paper_id", "kinds"], unique=False)
        batch_op.create_index("ix_votes_window", ["first_at", "paper_id", "kinds", "account_id"], unique=False)

    op.create_table(
        "mentions",
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("kind_bit", sa.SmallInteger(), nullable=False),
        sa.Column("inherited", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_mentions_account_id_accounts")),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], name=op.f("fk_mentions_paper_id_papers")),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_mentions_post_id_posts"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("post_id", "paper_id", name=op.f("pk_mentions")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.create_index("ix_mentions_paper_time", ["paper_id", "created_at"], unique=False)

    op.create_table(
        "window_scores",
        sa.Column("window_name", sa.String(length=32), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], name=op.f("fk_window_scores_paper_id_papers")),
        sa.PrimaryKeyConstraint("window_name", "paper_id", name=op.f("pk_window_scores")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_window_scores_rank", "window_scores", ["window_name", "score", "people", "paper_id"], unique=False
    )
    op.create_table(
        "window_state",
        sa.Column("window_name", sa.String(length=32), nullable=False),
        sa.Column("cutoff", sa.BigInteger(), nullable=False),
        sa.Column("t0", sa.BigInteger(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("window_name", name=op.f("pk_window_state")),
    )


def downgrade() -> None:
    op.drop_table("window_state")
    op.drop_index("ix_window_scores_rank", table_name="window_scores")
    op.drop_table("window_scores")

    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_index("ix_mentions_paper_time")

    op.drop_table("mentions")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_window")
        batch_op.drop_index("ix_votes_account")

    op.drop_table("votes")
    op.drop_index("ix_posts_original_id", table_name="posts")

    op.drop_table("posts")
    op.drop_table("network_accounts")
    op.drop_table("papers")
    op.drop_table("networks")
    op.drop_table("import_checkpoints")
    op.drop_index("ix_accounts_blocked", table_name="accounts")
    op.drop_table("accounts")
    op.drop_table("instance_meta")
