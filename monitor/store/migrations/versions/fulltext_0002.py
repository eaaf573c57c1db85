"""pages: article pages fetched for items (extracted text, metadata, flags, failures)

Revision ID: fulltext_0002
Revises: 0001_initial
Create Date: 2026-11-25 02:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "fulltext_0002"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pages",
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("published", sa.String(length=32), nullable=True),
        sa.Column("lang_hint", sa.String(length=16), nullable=True),
        sa.Column("extractor", sa.String(length=32), nullable=True),
        sa.Column("extractor_version", sa.String(length=32), nullable=True),
        sa.Column("flag", sa.String(length=16), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("feed_content", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_pages_item_id_items"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_pages")),
    )
    op.create_index("ix_pages_fetched", "pages", ["fetched_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_pages_fetched", table_name="pages")
    op.drop_table("pages")
