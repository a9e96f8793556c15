"""web pages: an index on posts' time (the posts page) and a covering index on mentions by paper (a page's
per-paper counts, day charts and best posts without reading the mentions table itself)

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_posts_created_at", "posts", ["created_at", "id"])
    op.create_index(
        "ix_mentions_paper_cover", "mentions", ["paper_id", "created_at", "kind_bit", "account_id", "post_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_mentions_paper_cover", table_name="mentions")
    op.drop_index("ix_posts_created_at", table_name="posts")
