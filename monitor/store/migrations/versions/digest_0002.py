"""alerts: escalation level (a narrative that grows further gets an update alert);
digest ledger: claimed alert ids, claim and send times (exactly-once delivery)

Revision ID: digest_0002
Revises: 0001_initial
Create Date: 2026-11-25 02:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "digest_0002"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("level", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.drop_constraint("uq_alerts_kind_subject", type_="unique")
        batch_op.create_unique_constraint("uq_alerts_kind_subject_level", ["kind", "subject", "level"])
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.alter_column("level", server_default=None)
    with op.batch_alter_table("digest_ledger", schema=None) as batch_op:
        batch_op.add_column(sa.Column("alert_ids", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("digest_ledger", schema=None) as batch_op:
        batch_op.drop_column("sent_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("alert_ids")
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_alerts_kind_subject_level", type_="unique")
        batch_op.create_unique_constraint("uq_alerts_kind_subject", ["kind", "subject"])
        batch_op.drop_column("level")
