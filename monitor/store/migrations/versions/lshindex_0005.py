"""lshindex: lsh_bands becomes one row per item with a 32-bit key per band column (k0..k31) and
one partial index per column: ~1 KB/doc on PostgreSQL instead of ~3.3 KB (see monitor.lshindex)

The new keys are the high 32 bits of the old 64-bit band keys, so existing rows convert in SQL
without reading the fingerprints.

Revision ID: lshindex_0005
Revises: matching_0003
Create Date: 2026-11-25 04:45:00
"""

import sqlalchemy as sa
from alembic import op

revision = "lshindex_0005"
down_revision = "matching_0003"  # after matching_0003, which rebuilt the old lsh_bands on SQLite
branch_labels = None
depends_on = None

MAX_BANDS = 32


def _item_id() -> sa.types.TypeEngine[int]:
    # SQLite: INTEGER PRIMARY KEY is the rowid itself, so the table needs no separate key index.
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    bind = op.get_bind()
    too_many = bind.execute(sa.text("SELECT COUNT(*) FROM lsh_bands WHERE band >= :n"), {"n": MAX_BANDS}).scalar()
    if too_many:
        raise RuntimeError(f"lsh_bands holds bands numbered {MAX_BANDS} or more; the new layout keeps at most "
                           f"{MAX_BANDS} bands per item (set matching.bands <= {MAX_BANDS} and re-index)")
    op.rename_table("lsh_bands", "lsh_bands_0003")
    if bind.dialect.name == "postgresql":  # constraint names are schema-wide there
        op.execute("ALTER TABLE lsh_bands_0003 RENAME CONSTRAINT pk_lsh_bands TO pk_lsh_bands_0003")
        op.execute("ALTER TABLE lsh_bands_0003 RENAME CONSTRAINT fk_lsh_bands_item_id_items"
                   " TO fk_lsh_bands_0003_item_id_items")
    op.create_table(
        "lsh_bands",
        sa.Column("item_id", _item_id(), nullable=False, autoincrement=False),
        *(sa.Column(f"k{b}", sa.Integer(), nullable=True) for b in range(MAX_BANDS)),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_lsh_bands_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_lsh_bands")),
    )
    cols = ", ".join(f"k{b}" for b in range(MAX_BANDS))
    pivot = ", ".join(f"MAX(CASE WHEN band = {b} THEN key >> 32 END)" for b in range(MAX_BANDS))
    op.execute(f"INSERT INTO lsh_bands (item_id, {cols}) SELECT item_id, {pivot} FROM lsh_bands_0003 GROUP BY item_id")
    op.drop_table("lsh_bands_0003")
    # indexes after the copy: one sorted build each instead of row-by-row inserts
    for b in range(MAX_BANDS):
        op.create_index(f"ix_lsh_bands_k{b}", "lsh_bands", [f"k{b}"], unique=False,
                        sqlite_where=sa.text(f"k{b} IS NOT NULL"), postgresql_where=sa.text(f"k{b} IS NOT NULL"))


def downgrade() -> None:
    # The old 64-bit keys cannot be recovered from 32 bits: recompute them from the fingerprints
    # with the default layout (32 bands of 4 rows).
    import numpy as np

    from monitor.fingerprint import band_keys_matrix

    op.drop_table("lsh_bands")
    table = op.create_table(
        "lsh_bands",
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("key", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_lsh_bands_item_id_items"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "key", "item_id", name=op.f("pk_lsh_bands")),
        sqlite_with_rowid=False,
    )
    assert table is not None
    rows = op.get_bind().execute(sa.text("SELECT item_id, minhash FROM fingerprints WHERE shingles > 0"))
    while chunk := rows.fetchmany(1000):
        sigs = np.stack([np.frombuffer(m, dtype="<u8") for _i, m in chunk])
        keys = band_keys_matrix(sigs, MAX_BANDS, 4)
        op.bulk_insert(table, [{"band": b, "key": int(keys[j, b]), "item_id": int(i)}
                               for j, (i, _m) in enumerate(chunk) for b in range(MAX_BANDS)])
