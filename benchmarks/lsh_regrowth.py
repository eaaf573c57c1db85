"""How the PostgreSQL band index's size per document moves as new documents arrive, left as
inserted and after a rebuild (REINDEX): B-trees fed random keys settle about 70 % full; a
rebuild packs them to 90 %, and the first inserts after it split nearly every page.

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
    series = {rebuild: _grow(args.pg_url, args.size, settings, rebuild) for rebuild in (False, True)}
    labels = ["as inserted", "after REINDEX (rebuild series only)",
              *(f"+{sum(STEPS[:k + 1])} % new documents" for k in range(len(STEPS)))]
    plain, rebuilt = series[False], series[True]
    plain = [plain[0], None, *plain[1:]]

    def cell(v: int | None) -> str:
        return "" if v is None else f"{v:,}"

    body = "\n".join([
        f"PostgreSQL, {args.size:,} synthetic documents, then new ones in steps (COPY, random keys), layout "
        f"{settings.bands} bands × {settings.rows} rows; index = `pg_total_relation_size('lsh_bands')` per "
        f"document (table and its {settings.bands} B-trees). Two stores grown alike, one left as inserted, "
        "one rebuilt (REINDEX) once it held the first documents.", "",
        "| store | B/doc, never rebuilt | B/doc, rebuilt at the start |", "|---|---:|---:|",
        *(f"| {k} | {cell(a)} | {cell(b)} |" for k, a, b in zip(labels, plain, rebuilt, strict=True)), "",
        "A rebuild packs the B-tree pages to 90 %; the next inserts split nearly every page, so the "
        "size per document overshoots what it was before the rebuild and comes back down only as the "
        f"split pages fill (here up to {max(rebuilt):,} B); left alone, B-trees fed random keys stay about "
        f"70 % full and the size per document moves between {min(series[False]):,} and {max(series[False]):,} B "
        "as pages split and fill again. So the maintenance DAG no longer rebuilds lsh_bands (its optimize "
        "task runs VACUUM (ANALYZE) only). The floor is the entry itself: 16 bytes (tuple header and key, "
        f"aligned) plus a 4-byte line pointer per band, {settings.bands} bands, plus the heap row.",
    ])
    print(body)
    if not args.no_report:
        write_section("lsh-regrowth", "PostgreSQL band index after a rebuild", body)
    return 0


def _grow(pg_url: str, size: int, settings: MatchingSettings, rebuild: bool) -> list[int]:
    """Bytes per document of a store of ``size`` documents, (rebuilt, when asked), then after each step."""
    url = scale._fresh_url("postgresql", pg_url, Path("."), size)
    assert url is not None
    store = scale._prepare_store(url)
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

    out: list[int] = []
    try:
        add(size)
        out.append(round(scale._index_bytes(store) / count))
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if rebuild:
                conn.execute(text("REINDEX TABLE lsh_bands"))
            conn.execute(text("VACUUM ANALYZE lsh_bands"))
        if rebuild:
            out.append(round(scale._index_bytes(store) / count))
        for pct in STEPS:
            add(size * pct // 100)
            out.append(round(scale._index_bytes(store) / count))
    finally:
        store.close()
        scale._drop_schema(pg_url, size)
    return out


if __name__ == "__main__":
    sys.exit(main())
