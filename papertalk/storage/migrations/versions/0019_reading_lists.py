"""reading lists (issue 17): lists with sections (two levels), items (papers and links) with verdicts and
notes, editors, a change log per list version, and follows

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading_lists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description_source", sa.Text(), server_default="", nullable=False),
        sa.Column("description_html", sa.Text(), server_default="", nullable=False),
        sa.Column("text_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("visibility", sa.String(length=16), server_default="private", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("digest_day", sa.String(length=10), nullable=True),
        sa.Column("network_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["network_id"], ["networks.id"], name=op.f("fk_reading_lists_network_id_networks"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["users.id"], name=op.f("fk_reading_lists_owner_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reading_lists")),
    )
    op.create_index("ix_reading_lists_owner_user_id", "reading_lists", ["owner_user_id"], unique=False)
    op.create_table(
        "list_changes",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("what", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reading_lists.id"], name=op.f("fk_list_changes_list_id_reading_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_list_changes_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("list_id", "version", name=op.f("pk_list_changes")),
    )
    op.create_table(
        "list_editors",
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reading_lists.id"], name=op.f("fk_list_editors_list_id_reading_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_list_editors_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("list_id", "user_id", name=op.f("pk_list_editors")),
    )
    op.create_index("ix_list_editors_user_id", "list_editors", ["user_id"], unique=False)
    op.create_table(
        "list_follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("followed_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reading_lists.id"], name=op.f("fk_list_follows_list_id_reading_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_list_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "list_id", name=op.f("pk_list_follows")),
    )
    op.create_index("ix_list_follows_list_id", "list_follows", ["list_id"], unique=False)
    op.create_table(
        "list_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reading_lists.id"], name=op.f("fk_list_sections_list_id_reading_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["list_sections.id"],
            name=op.f("fk_list_sections_parent_id_list_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_sections")),
    )
    op.create_index("ix_list_sections_list_id", "list_sections", ["list_id"], unique=False)
    op.create_table(
        "list_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("arxiv_id", sa.String(length=64), nullable=True),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("verdict_source", sa.Text(), server_default="", nullable=False),
        sa.Column("verdict_html", sa.Text(), server_default="", nullable=False),
        sa.Column("note_source", sa.Text(), server_default="", nullable=False),
        sa.Column("note_html", sa.Text(), server_default="", nullable=False),
        sa.Column("text_version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("links", sa.Text(), server_default="[]", nullable=False),
        sa.Column("tags", sa.Text(), server_default="", nullable=False),
        sa.Column("read_state", sa.String(length=8), server_default="to-read", nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_list_items_added_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["list_id"], ["reading_lists.id"], name=op.f("fk_list_items_list_id_reading_lists"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["list_sections.id"],
            name=op.f("fk_list_items_section_id_list_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_items")),
    )
    op.create_index("ix_list_items_arxiv_id", "list_items", ["arxiv_id"], unique=False)
    op.create_index("ix_list_items_list_id", "list_items", ["list_id", "position"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_list_items_list_id", table_name="list_items")
    op.drop_index("ix_list_items_arxiv_id", table_name="list_items")
    op.drop_table("list_items")
    op.drop_index("ix_list_sections_list_id", table_name="list_sections")
    op.drop_table("list_sections")
    op.drop_index("ix_list_follows_list_id", table_name="list_follows")
    op.drop_table("list_follows")
    op.drop_index("ix_list_editors_user_id", table_name="list_editors")
    op.drop_table("list_editors")
    op.drop_table("list_changes")
    op.drop_index("ix_reading_lists_owner_user_id", table_name="reading_lists")
    op.drop_table("reading_lists")
