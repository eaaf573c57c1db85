"""The LSH band index in the store: which rows an item's MinHash signature adds, and which
stored items share a band key with a signature (one indexed lookup per band)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from monitor.config import MatchingSettings
from monitor.fingerprint import band_keys
from monitor.store import insert_ignore
from monitor.store.tables import lsh_bands

Signature = npt.NDArray[np.uint64]


def band_rows(item_id: int, sig: Signature, settings: MatchingSettings) -> list[dict[str, Any]]:
    """The index rows of one item's signature."""
    return [{"band": b, "key": k, "item_id": item_id}
            for b, k in enumerate(band_keys(sig, settings.bands, settings.rows))]


def write_band_rows(conn: Connection, rows: list[dict[str, Any]]) -> int:
    """Store band rows (from ``band_rows``); rows already there are left alone."""
    return insert_ignore(conn, lsh_bands, rows, ["band", "key", "item_id"])


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def lsh_candidates(conn: Connection, sig: Signature, settings: MatchingSettings) -> set[int]:
    """Items sharing at least one band key with ``sig`` (one primary-key search per band).

    An OR of (band, key) equalities, not a row-value IN: SQLite plans "(band, key) IN
    (VALUES ...)" as a full table scan, but each OR term as a primary-key search. Sent as
    driver SQL because building and compiling the expression costs more than the lookups.
    """
    keys = band_keys(sig, settings.bands, settings.rows)
    ph = _placeholder(conn)
    where = " OR ".join(f"(band = {b} AND key = {ph})" for b in range(len(keys)))
    rows = conn.exec_driver_sql(f"SELECT item_id FROM lsh_bands WHERE {where}", tuple(keys))
    return {int(r[0]) for r in rows}
