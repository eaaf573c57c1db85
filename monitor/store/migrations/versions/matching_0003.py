"""matching: evidence_tokens (language-independent tokens for cross-lingual candidates);
lsh_bands rebuilt WITHOUT ROWID on SQLite (the primary key is the table: half the size)

Revision ID: matching_0003
Revises: 0001_initial
Create Date: 2026-11-25 02:20:00
"""

import sqlalchemy as sa
from alembic import op

revision = "matching_0003"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evidence_tokens",
        sa.Column("token", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_evidence_tokens_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token", "item_id", name=op.f("pk_evidence_tokens")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_evidence_tokens_item", "evidence_tokens", ["item_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE lsh_bands RENAME TO lsh_bands_rowid")
        op.create_table(
            "lsh_bands",
            sa.Column("band", sa.SmallInteger(), nullable=False),
            sa.Column("key", sa.BigInteger(), nullable=False),
            sa.Column("item_id", sa.BigInteger(), nullable=False),
            sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_lsh_bands_item_id_items"),
                                    ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("band", "key", "item_id", name=op.f("pk_lsh_bands")),
            sqlite_with_rowid=False,
        )
        op.execute("INSERT INTO lsh_bands (band, key, item_id) SELECT band, key, item_id FROM lsh_bands_rowid")
        op.drop_table("lsh_bands_rowid")


def downgrade() -> None:
    op.drop_index("ix_evidence_tokens_item", table_name="evidence_tokens")
    op.drop_table("evidence_tokens")
