"""How long a changed band layout (matching.bands / matching.rows) holds up the next analyze run:
a store indexed with the old default (32 bands x 4 rows) is re-keyed to the current default by
``monitor.lshindex.ensure_band_layout``, one transaction that reads every stored fingerprint and
writes the band row again.

    python -m benchmarks.lsh_rekey [--sizes 100000] [--backends sqlite,postgresql] [--pg-url URL]
                                   [--workdir DIR] [--no-report]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import scale
from monitor.config import MatchingSettings
from monitor.fingerprint import Fingerprinter, signatures_of_shingle_matrix
from monitor.lshindex import band_keys32, ensure_band_layout, indexed_band_keys, layout_name, stored_layout

OLD = MatchingSettings(bands=32, rows=4)


def run_one(backend: str, size: int, url: str) -> dict[str, Any]:
    new = MatchingSettings()
    store = scale._prepare_store(url)
    try:
        rng = np.random.default_rng(11)
        fp = Fingerprinter(num_perm=new.num_perm, shingle_size=new.shingle_size)
        sample: dict[int, Any] = {}
        for start in range(0, size, scale.BATCH):
            m = min(scale.BATCH, size - start)
            sigs = signatures_of_shingle_matrix(fp, scale._docs(rng, m))
            scale._bulk_insert(store, start + 1, sigs, band_keys32(sigs, OLD))
            sample[start + 1] = sigs[0]
        before_bytes = scale._index_bytes(store)
        rss0 = scale._rss_mb()
        t0, c0 = time.perf_counter(), time.process_time()
        rekeyed = ensure_band_layout(store, new)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        again_t0 = time.perf_counter()
        again = ensure_band_layout(store, new)
        again_ms = 1000 * (time.perf_counter() - again_t0)
        with store.read() as conn:
            assert stored_layout(conn) == layout_name(new)
            wrong = sum(indexed_band_keys(conn, i, new) != band_keys32(s, new)[0].tolist() for i, s in sample.items())
        return {"backend": backend, "size": size, "rekeyed": rekeyed, "seconds": seconds, "cpu": cpu,
                "again": again, "again_ms": again_ms, "wrong": wrong, "checked": len(sample),
                "bytes_before": before_bytes / size, "bytes_after": scale._index_bytes(store) / size,
                "rss_growth_mb": scale._rss_mb() - rss0, "load": os.getloadavg()[0]}
    finally:
        store.close()


def render(rows: list[dict[str, Any]]) -> str:
    new = MatchingSettings()
    lines = [f"Synthetic stores (benchmarks.scale's generator) indexed with {OLD.bands} bands × {OLD.rows} rows, then "
             f"the first analyze run under {new.bands} × {new.rows}: `ensure_band_layout` reads every fingerprint "
             "and writes every band row again, in one transaction (a crash leaves the old index whole).", "",
             "| backend | documents | re-keyed | s | items/s | CPU s | index B/doc before → after | "
             "peak RSS growth MB | keys checked (wrong) | next run: re-keyed, ms | load |",
             "|---|---:|---:|---:|---:|---:|---|---:|---:|---|---:|"]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['size']:,} | {r['rekeyed']:,} | {r['seconds']:.1f} | "
                     f"{r['rekeyed'] / r['seconds']:,.0f} | {r['cpu']:.1f} | {r['bytes_before']:,.0f} → "
                     f"{r['bytes_after']:,.0f} | {r['rss_growth_mb']:.0f} | {r['checked']} ({r['wrong']}) | "
                     f"{r['again']}, {r['again_ms']:.1f} | {r['load']:.1f} |")
    lines += ["", "The old rows go at once (PostgreSQL: TRUNCATE inside the transaction, so no dead tuples wait "
              "for VACUUM; SQLite: an unqualified DELETE), and the B-trees are filled again in item order. "
              "The next run only reads the recorded layout."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--pg-url", default=os.environ.get("MONITOR_TEST_DATABASE_URL"))
    ap.add_argument("--workdir", default=None, help="where SQLite files go (default: a temp dir)")
    ap.add_argument("--no-report", action="store_true")
    args = ap.parse_args(argv)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        for backend in args.backends.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                url = scale._fresh_url(backend, args.pg_url, Path(tmp), size)
                if url is None:
                    print(f"{backend}: no server (set --pg-url or MONITOR_TEST_DATABASE_URL); skipped", file=sys.stderr)
                    break
                try:
                    rows.append(run_one(backend, size, url))
                finally:
                    if backend == "postgresql":
                        scale._drop_schema(args.pg_url, size)
                    else:
                        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
                print(rows[-1], flush=True)
    body = render(rows)
    print(body)
    if rows and not args.no_report:
        write_section("lsh-rekey", "Re-keying the band index after a layout change", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
