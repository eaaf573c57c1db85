"""How the PostgreSQL band index's size per document moves after the maintenance rebuild
(REINDEX, monitor_maintenance) as new documents arrive: B-trees fed random keys settle about
70 % full; a rebuild packs them to 90 %, and the first inserts after it split nearly every page.

    python -m benchmarks.lsh_regrowth [--pg-url URL] [--size 100000] [--no-report]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
from sqlalchemy import text

from benchmarks import scale
from monitor.config import MatchingSettings
from monitor.fingerprint import Fingerprinter, signatures_of_shingle_matrix
from monitor.lshindex import band_keys32

STEPS = (5, 5, 10, 10, 20, 50)  # percent of the rebuilt store added at each step


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pg-url", default=os.environ.get("MONITOR_TEST_DATABASE_URL"))
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--no-report", action="store_true")
    args = ap.parse_args(argv)
    if not args.pg_url:
        print("no PostgreSQL: pass --pg-url or set MONITOR_TEST_DATABASE_URL", file=sys.stderr)
        return 2
    settings = MatchingSettings()
    url = scale._fresh_url("postgresql", args.pg_url, Path("."), args.size)
    assert url is not None
    store = scale._prepare_store(url)
    with store.write() as conn:
        conn.execute(text("INSERT INTO feeds (id, name, url, outlet, tags, enabled, consecutive_failures, created_at)"
                          " VALUES (1, 'synthetic', 'https://example.org/rss', 'synthetic', '[]', true, 0,"
                          " '2026-01-01 00:00:00')"))
    rng = np.random.default_rng(3)
    fp = Fingerprinter(num_perm=settings.num_perm, shingle_size=settings.shingle_size)
    count = 0

    def add(n: int) -> None:
        nonlocal count
        for start in range(0, n, scale.BATCH):
            m = min(scale.BATCH, n - start)
            sigs = signatures_of_shingle_matrix(fp, scale._docs(rng, m))
            scale._bulk_insert(store, count + 1, sigs, band_keys32(sigs, settings))
            count += m

    rows: list[tuple[str, int]] = []
    try:
        add(args.size)
        rows.append(("as inserted", round(scale._index_bytes(store) / count)))
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("REINDEX TABLE lsh_bands"))
            conn.execute(text("VACUUM ANALYZE lsh_bands"))
        rows.append(("after REINDEX", round(scale._index_bytes(store) / count)))
        added = 0
        for pct in STEPS:
            add(args.size * pct // 100)
            added += pct
            rows.append((f"+{added} % new documents since the rebuild", round(scale._index_bytes(store) / count)))
    finally:
        store.close()
        scale._drop_schema(args.pg_url, args.size)
    body = "\n".join([
        f"PostgreSQL, {args.size:,} synthetic documents, then new ones in steps (COPY, random keys); "
        "index = `pg_total_relation_size('lsh_bands')` per document (table and its 32 B-trees).", "",
        "| store | B/doc |", "|---|---:|", *(f"| {k} | {v:,} |" for k, v in rows), "",
        "A rebuild packs the B-tree pages to 90 %; the next inserts split nearly every page, so the "
        "size per document overshoots and comes back down as the split pages fill. "
        "The floor is the entry itself: 16 bytes (tuple header and key, aligned) plus a "
        "4-byte line pointer per band, 32 bands, plus a ~170-byte heap row: about 810 B/doc at "
        "100 % fill, 1.0–1.2 KB as bulk-inserted (the scale section). Under 1 KB on PostgreSQL would take fewer "
        "indexed bands (lower recall between J 0.5 and 0.7) or a different index type.",
    ])
    print(body)
    if not args.no_report:
        write_section("lsh-regrowth", "PostgreSQL band index after a rebuild", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
