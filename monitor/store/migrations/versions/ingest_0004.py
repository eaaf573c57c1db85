"""fetch_log: warning text, attempts, and one row per (feed, run) so a retried task updates
its row instead of adding another

Revision ID: ingest_0004
Revises: 0001_initial
Create Date: 2026-11-25 02:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "ingest_0004"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warning", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.SmallInteger(), nullable=False, server_default="1"))
        batch_op.create_unique_constraint("uq_fetch_log_feed_run", ["feed_id", "run_id"])
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.alter_column("attempts", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("fetch_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_fetch_log_feed_run", type_="unique")
        batch_op.drop_column("attempts")
        batch_op.drop_column("warning")
