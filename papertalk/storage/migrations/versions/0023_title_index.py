"""lists17: an index on lower(title), so that a list import finds its talk titles among 3M papers' titles
in one indexed lookup instead of one search each

Revision ID: 0023
Revises: 0022
"""

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX IF NOT EXISTS ix_papers_title_lower ON papers (lower(title))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_papers_title_lower")
