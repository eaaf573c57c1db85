"""The LSH band index in the store: which row an item's MinHash signature adds, and which
stored items share a band key with a signature (one indexed lookup per band)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, delete, insert, select

from monitor.config import MatchingSettings
from monitor.errors import ConfigError
from monitor.fingerprint import band_keys_matrix
from monitor.store import Store, insert_ignore
from monitor.store.tables import LSH_MAX_BANDS, fingerprints, lsh_bands, store_meta
from monitor.timeutil import utcnow

log = logging.getLogger(__name__)

Signature = npt.NDArray[np.uint64]

# Layout (lsh_bands, the same on SQLite and PostgreSQL): one row per item, band b's key in column
# k{b}, one index per band column. One row per item rather than one per (band, item) is what
# brings PostgreSQL from ~3.3 KB to ~1 KB per item: each heap tuple there costs 28 bytes before
# its data, which the per-band layout paid 32 times (benchmarks.lsh_layouts compares the options).
# A key is the high 32 bits of monitor.fingerprint.band_keys: as each band has its own column,
# two items share a key by accident with probability 2^-32 per band, and the Jaccard check that
# follows every lookup rejects such a stray candidate.

# Bound the parameters of one statement (SQLite allows 32,766) when looking up a batch.
_BATCH_KEYS = 8000


def check_layout(settings: MatchingSettings) -> None:
    """A ConfigError when the band index cannot hold ``settings``' bands."""
    if settings.bands > LSH_MAX_BANDS:
        raise ConfigError(f"matching.bands = {settings.bands}: the band index holds at most {LSH_MAX_BANDS} bands")


def _keys32(signatures: npt.NDArray[np.uint64], bands: int, rows: int) -> npt.NDArray[np.int32]:
    keys = band_keys_matrix(signatures, bands, rows)
    # the arithmetic shift keeps the sign, so the key equals SQL's "key >> 32" (the migration)
    return (keys >> np.int64(32)).astype(np.int32)


def band_keys32(signatures: npt.NDArray[np.uint64], settings: MatchingSettings) -> npt.NDArray[np.int32]:
    """The stored band keys of one or many signatures: shape (n, bands), signed 32-bit."""
    check_layout(settings)
    return _keys32(signatures, settings.bands, settings.rows)


def _rows(item_ids: list[int], keys: npt.NDArray[np.int32]) -> list[dict[str, Any]]:
    return [{"item_id": i, **{f"k{b}": int(k) for b, k in enumerate(keys[j])}} for j, i in enumerate(item_ids)]


def band_rows(item_id: int, sig: Signature, settings: MatchingSettings) -> list[dict[str, Any]]:
    """The index row of one item's signature (a list, for ``write_band_rows``)."""
    return _rows([item_id], band_keys32(sig, settings))


def write_band_rows(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Store rows from ``band_rows``; an item already indexed is left alone."""
    return insert_ignore(conn, lsh_bands, rows, ["item_id"])


def placeholder(conn: Connection) -> str:
    """The driver's bound-parameter marker, for driver SQL (here and in monitor.matching)."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def lsh_candidates(conn: Connection, sig: Signature, settings: MatchingSettings) -> set[int]:
    """Items sharing at least one band key with ``sig`` (one index search per band).

    Sent as driver SQL because building and compiling the expression costs more than the
    lookups. Both databases plan the OR as one index search per band column (SQLite:
    MULTI-INDEX OR; PostgreSQL: BitmapOr).
    """
    keys = band_keys32(sig, settings)[0]
    ph = placeholder(conn)
    where = " OR ".join(f"k{b} = {ph}" for b in range(len(keys)))
    rows = conn.exec_driver_sql(f"SELECT item_id FROM lsh_bands WHERE {where}", tuple(int(k) for k in keys))
    return {int(r[0]) for r in rows}


def lsh_candidates_many(conn: Connection, sigs: Mapping[int, Signature],
                        settings: MatchingSettings) -> dict[int, set[int]]:
    """``lsh_candidates`` of many signatures (query id -> signature) with one statement per
    few hundred signatures: each band column is searched for all of the batch's keys, and the
    band and key that come back tell which queries each candidate belongs to."""
    out: dict[int, set[int]] = {q: set() for q in sigs}
    if not sigs:
        return out
    qids = list(sigs)
    keys = band_keys32(np.stack([sigs[q] for q in qids]), settings)
    bands = keys.shape[1]
    per_statement = max(1, _BATCH_KEYS // bands)
    ph = placeholder(conn)
    pg = conn.dialect.name == "postgresql"
    for start in range(0, len(qids), per_statement):
        chunk = keys[start:start + per_statement]
        # band -> key -> the queries that have it
        wanted: list[dict[int, list[int]]] = [{} for _ in range(bands)]
        for j in range(chunk.shape[0]):
            for b in range(bands):
                wanted[b].setdefault(int(chunk[j, b]), []).append(qids[start + j])
        # One SELECT per band, glued with UNION ALL: each is a plain search of its band's index
        # (an OR of IN lists makes SQLite merge row sets, 3x slower), and each row says its band.
        # PostgreSQL gets one array per band: a long IN list costs it more to plan than to run.
        sql = " UNION ALL ".join(
            f"SELECT {b}, k{b}, item_id FROM lsh_bands WHERE "
            + (f"k{b} = ANY({ph})" if pg else f"k{b} IN ({', '.join([ph] * len(wanted[b]))})")
            for b in range(bands))
        params: tuple[Any, ...] = (tuple(list(w) for w in wanted) if pg
                                   else tuple(k for w in wanted for k in w))
        for band, key, item in conn.exec_driver_sql(sql, params):
            for q in wanted[band][key]:
                out[q].add(int(item))
    return out


def indexed_band_keys(conn: Connection, item_id: int, settings: MatchingSettings) -> list[int]:
    """The band keys stored for one item (empty when it is not indexed): for tests and checks."""
    cols = ", ".join(f"k{b}" for b in range(settings.bands))
    row = conn.exec_driver_sql(f"SELECT {cols} FROM lsh_bands WHERE item_id = {placeholder(conn)}",
                               (item_id,)).first()
    return [] if row is None else [int(k) for k in row if k is not None]


# ------------------------------------------------------------------ the layout of the stored keys

LAYOUT = "lsh_layout"  # the store_meta row naming the layout lsh_bands was built with
_REBUILD_CHUNK = 2000


def layout_name(settings: MatchingSettings) -> str:
    """How ``settings`` cut a signature into band keys, e.g. ``24x3`` (bands x rows)."""
    return f"{settings.bands}x{settings.rows}"


def stored_layout(conn: Connection) -> str | None:
    """The layout recorded for lsh_bands, or None when none is recorded yet."""
    value = conn.execute(select(store_meta.c.value).where(store_meta.c.name == LAYOUT)).scalar_one_or_none()
    return None if value is None else str(value)


def detect_layout(conn: Connection) -> str | None:
    """The layout of the keys already in lsh_bands, read off one indexed item (for stores indexed
    before the layout was recorded): its bands are its filled columns, its rows the number whose
    recomputed keys equal the stored ones. None when the index is empty; "unknown" when no
    number of rows reproduces the keys (the fingerprints changed since)."""
    cols = ", ".join(f"b.k{b}" for b in range(LSH_MAX_BANDS))
    row = conn.exec_driver_sql(f"SELECT f.minhash, {cols} FROM lsh_bands b JOIN fingerprints f "
                               "ON f.item_id = b.item_id ORDER BY b.item_id LIMIT 1").first()
    if row is None:
        return None
    stored = [int(k) for k in row[1:] if k is not None]
    sig = np.frombuffer(row[0], dtype="<u8")
    for rows in range(1, sig.size // max(len(stored), 1) + 1):
        if _keys32(sig[None, :], len(stored), rows)[0].tolist() == stored:
            return f"{len(stored)}x{rows}"
    return "unknown"


def rebuild_band_index(conn: Connection, settings: MatchingSettings) -> int:
    """Replace every row of lsh_bands with keys cut from the stored fingerprints by ``settings``,
    in the caller's transaction (a crash leaves the old index whole). Returns the items indexed."""
    check_layout(settings)  # before anything is deleted
    if conn.dialect.name == "postgresql":  # transactional there, and leaves no dead rows to vacuum
        conn.exec_driver_sql("TRUNCATE lsh_bands")
    else:  # SQLite empties a table deleted without a WHERE at once
        conn.execute(delete(lsh_bands))
    width = settings.num_perm * 8
    done, last = 0, -1
    while True:
        chunk = conn.execute(select(fingerprints.c.item_id, fingerprints.c.minhash)
                             .where(fingerprints.c.item_id > last, fingerprints.c.shingles > 0)
                             .order_by(fingerprints.c.item_id).limit(_REBUILD_CHUNK)).all()
        if not chunk:
            return done
        last = int(chunk[-1][0])
        usable = [(int(i), m) for i, m in chunk if len(m) == width]  # other recipes: not comparable
        if usable:
            keys = band_keys32(np.stack([np.frombuffer(m, dtype="<u8") for _i, m in usable]), settings)
            conn.execute(insert(lsh_bands), _rows([i for i, _m in usable], keys))
            done += len(usable)


def ensure_band_layout(store: Store, settings: MatchingSettings) -> int:
    """Make lsh_bands match ``settings`` before items are indexed or looked up: keys cut with
    another layout never equal the new ones, so every stored item would silently stop matching.
    Records the layout in store_meta; when it differs from the stored keys' layout (a changed
    ``matching.bands`` or ``matching.rows``), rebuilds the index from the fingerprints in one
    transaction. Safe to call from concurrent runs (one rebuilds, the others find it done).
    Returns the number of items re-keyed (0 when nothing changed)."""
    want = layout_name(settings)
    with store.read() as conn:
        if stored_layout(conn) == want:
            return 0
    with store.write() as conn:
        if conn.dialect.name == "postgresql":  # SQLite's write transaction is already exclusive
            conn.exec_driver_sql("LOCK TABLE store_meta IN EXCLUSIVE MODE")
        have = stored_layout(conn)
        if have == want:
            return 0
        before = have if have is not None else detect_layout(conn)
        rebuilt = 0
        if before is not None and before != want:
            log.warning("matching layout changed from %s to %s (bands x rows): rebuilding the LSH band index",
                        before, want)
            rebuilt = rebuild_band_index(conn, settings)
            log.warning("LSH band index rebuilt for %d items with layout %s", rebuilt, want)
        row = {"value": want, "updated_at": utcnow()}
        if have is None:
            conn.execute(insert(store_meta).values(name=LAYOUT, **row))
        else:
            conn.execute(store_meta.update().where(store_meta.c.name == LAYOUT).values(**row))
        return rebuilt
