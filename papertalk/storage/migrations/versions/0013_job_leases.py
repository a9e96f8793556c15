"""job_leases and request_pacing: exclusive jobs and a shared request pace across worker processes

A Jetstream listener and enrichment run in one process at a time, whichever holds the job's lease
(``storage.jobs.job_leases``); arXiv's one request every 3 seconds holds across processes through one
shared "next request at" row (``storage.jobs.request_pacing``). Two small tables, instant on both backends.

Revision ID: 0013
Revises: 0011 (the lead re-chains this onto 0012 at merge)
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("job", sa.String(length=500), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "request_pacing",
        sa.Column("service", sa.String(length=100), nullable=False),
        sa.Column("next_start_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("service", name=op.f("pk_request_pacing")),
    )


def downgrade() -> None:
    op.drop_table("request_pacing")
    op.drop_table("job_leases")
