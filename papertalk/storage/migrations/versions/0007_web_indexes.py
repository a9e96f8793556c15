"""web pages: the newest captured posts (the posts page) come from an index on posts' time

Revision ID: 0007
Revises: 0004
"""

from alembic import op

revision = "0007"
down_revision = "0004"  # the merger re-points this to the newest revision on main
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_posts_created_at", "posts", ["created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_posts_created_at", table_name="posts")
