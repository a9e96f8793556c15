"""summaries, notes, their versions, votes and comments; notifications; reports (issue 16)

Revision ID: 0018
Revises: 0016 (the lead re-chains it at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("paper_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("visibility", sa.String(length=8), nullable=False),
        sa.Column("anonymous", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("renderer_version", sa.Integer(), nullable=False),
        sa.Column("formula_errors", sa.Integer(), server_default="0", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("score", sa.Integer(), server_default="0", nullable=False),
        sa.Column("comments", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("hidden_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["paper_id"], ["papers.id"], name=op.f("fk_summaries_paper_id_papers")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_summaries_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summaries")),
    )
    op.create_index("ix_summaries_best", "summaries", ["visibility", "score", "created_at", "id"], unique=False)
    op.create_index(
        "ix_summaries_one_per_person",
        "summaries",
        ["user_id", "paper_id"],
        unique=True,
        sqlite_where=sa.text("kind = 'summary'"),
        postgresql_where=sa.text("kind = 'summary'"),
    )
    op.create_index("ix_summaries_paper", "summaries", ["paper_id", "visibility", "score", "created_at"], unique=False)
    op.create_index("ix_summaries_recent", "summaries", ["visibility", "created_at", "id"], unique=False)
    op.create_index("ix_summaries_user", "summaries", ["user_id", "updated_at"], unique=False)
    op.create_table(
        "summary_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=8), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("resolved_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_summary_reports_reporter_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_reports")),
    )
    op.create_index("ix_summary_reports_open", "summary_reports", ["resolved_at", "id"], unique=False)
    op.create_table(
        "summary_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("renderer_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("deleted_at", sa.BigInteger(), nullable=True),
        sa.Column("hidden_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["summary_comments.id"],
            name=op.f("fk_summary_comments_parent_id_summary_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"], name=op.f("fk_summary_comments_summary_id_summaries"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_summary_comments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_comments")),
    )
    op.create_index("ix_summary_comments_summary", "summary_comments", ["summary_id", "id"], unique=False)
    op.create_index("ix_summary_comments_user", "summary_comments", ["user_id", "created_at"], unique=False)
    op.create_table(
        "summary_versions",
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"], name=op.f("fk_summary_versions_summary_id_summaries"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("summary_id", "version", name=op.f("pk_summary_versions")),
    )
    op.create_table(
        "summary_votes",
        sa.Column("summary_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.Column("voted_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["summary_id"], ["summaries.id"], name=op.f("fk_summary_votes_summary_id_summaries"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_summary_votes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("summary_id", "user_id", name=op.f("pk_summary_votes")),
    )
    op.create_index("ix_summary_votes_at", "summary_votes", ["voted_at", "summary_id", "value"], unique=False)
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("read_at", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["summary_comments.id"],
            name=op.f("fk_notifications_comment_id_summary_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user", "notifications", ["user_id", "read_at", "id"], unique=False)


def downgrade() -> None:

    op.drop_index("ix_notifications_user", table_name="notifications")
    op.drop_table("notifications")
    op.drop_index("ix_summary_votes_at", table_name="summary_votes")
    op.drop_table("summary_votes")
    op.drop_table("summary_versions")
    op.drop_index("ix_summary_comments_user", table_name="summary_comments")
    op.drop_index("ix_summary_comments_summary", table_name="summary_comments")
    op.drop_table("summary_comments")
    op.drop_index("ix_summary_reports_open", table_name="summary_reports")
    op.drop_table("summary_reports")
    op.drop_index("ix_summaries_user", table_name="summaries")
    op.drop_index("ix_summaries_recent", table_name="summaries")
    op.drop_index("ix_summaries_paper", table_name="summaries")
    op.drop_index(
        "ix_summaries_one_per_person",
        table_name="summaries",
        sqlite_where=sa.text("kind = 'summary'"),
        postgresql_where=sa.text("kind = 'summary'"),
    )
    op.drop_index("ix_summaries_best", table_name="summaries")
    op.drop_table("summaries")
