"""store_meta: named facts about how derived tables were built; first the LSH band layout, so a
changed matching.bands or matching.rows rebuilds lsh_bands (monitor.lshindex.ensure_band_layout)

Existing stores get no row here: the first analyze run reads the layout off the stored keys.

Revision ID: lshlayout_0006
Revises: lshindex_0005
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "lshlayout_0006"
down_revision = "lshindex_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "store_meta",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_store_meta")),
    )


def downgrade() -> None:
    op.drop_table("store_meta")
