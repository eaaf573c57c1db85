"""copy types of narrative members (with scores and thresholds) and analyst review labels

Revision ID: review_0002
Revises: 0001_initial
Create Date: 2026-11-25 02:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "review_0002"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "copy_types",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("narrative_id", sa.String(length=32), nullable=False),
        sa.Column("origin_item_id", sa.BigInteger(), nullable=False),
        sa.Column("copy_type", sa.String(length=16), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("thresholds", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_copy_types_item_id_items", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", name="pk_copy_types"),
    )
    op.create_index("ix_copy_types_narrative", "copy_types", ["narrative_id"])
    op.create_table(
        "review_labels",
        sa.Column("id", _BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("verdict", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=True),
        sa.Column("reviewer", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_review_labels"),
    )
    op.create_index("ix_review_labels_subject", "review_labels", ["kind", "subject"])


def downgrade() -> None:
    op.drop_index("ix_review_labels_subject", table_name="review_labels")
    op.drop_table("review_labels")
    op.drop_index("ix_copy_types_narrative", table_name="copy_types")
    op.drop_table("copy_types")
