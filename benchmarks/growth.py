"""Growth table: how the time and storage per item of the store-backed near-duplicate index change
as the store grows from 10k to 1M documents (they should stay flat).

    python -m benchmarks.growth [--sizes 10000,100000,1000000] [--backends sqlite,postgresql]
                                [--pg-url URL] [--queries 300]

Reuses benchmarks.scale (synthetic documents of 100 shingles, planted copies, one process per
size): per item, the time to index it (fingerprint + band keys written), the time to match it
(p50/p95 of the band-key lookup and verification), the index bytes it occupies (lsh_bands
with its indexes) and the whole database file per item (SQLite). The baseline next to
it is datasketch's in-memory MinHashLSH on the same signatures (query time, process memory).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path
from typing import Any

from benchmarks import scale
from monitor.config import MatchingSettings


def _run_one(backend: str, size: int, url: str, queries: int, path: str | None, ds: bool) -> dict[str, Any]:
    r = scale.run_one(backend, size, url, queries, MatchingSettings(), ds)
    if path:
        r["file_bytes_per_doc"] = sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p)) / size
    return r


def measure(backend: str, size: int, url: str, queries: int, path: str | None, ds: bool) -> dict[str, Any]:
    from benchmarks._report import in_fresh_process

    r: dict[str, Any] = in_fresh_process(_run_one, backend, size, url, queries, path, ds)
    return r


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "Synthetic documents (benchmarks.scale's generator), one process per size; per item:",
        "",
        "| backend | documents | index µs/item | match p50 ms | match p95 ms | index bytes/item | "
        "DB file bytes/item | peak RSS MB¹ | datasketch p50 ms | recall J≥0.7 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        rec = [v for k, v in r["recall"].items() if k >= 0.7]
        ds = r.get("datasketch") or {}
        fb = r.get("file_bytes_per_doc")
        ib = r.get("index_bytes_per_doc")
        ds_p50 = f"{ds['p50_ms']:.3f}" if ds else "—"
        ri = r.get("index_bytes_reindexed_per_doc")
        reindexed = f" ({ri:,.0f} after REINDEX)" if ri else ""
        lines.append(
            f"| {r['backend']} | {r['size']:,} | {1e6 / r['insert_docs_per_s']:.0f} | {r['p50_ms']:.2f} | "
            f"{r['p95_ms']:.2f} | {f'{ib:,.0f}' if ib else '—'}{reindexed} | {f'{fb:,.0f}' if fb else '—'} | "
            f"{r['peak_rss_mb']:,.0f} | {ds_p50} | "
            f"{sum(rec) / max(1, len(rec)):.2f} |")
    for backend in dict.fromkeys(r["backend"] for r in rows):
        mine = [r for r in rows if r["backend"] == backend]
        if len(mine) < 2:
            continue
        a, b = mine[0], mine[-1]
        t = a["insert_docs_per_s"] / b["insert_docs_per_s"]
        m = b["p50_ms"] / a["p50_ms"]
        by = (b.get("index_bytes_per_doc") or 0) / (a.get("index_bytes_per_doc") or 1)
        lines += ["", f"{backend}, from {a['size']:,} to {b['size']:,} documents ({b['size'] / a['size']:.1f}×): "
                  f"index time per item ×{t:.2f}, match p50 ×{m:.2f}, index bytes per item ×{by:.2f}."]
    lines += ["", "¹ of the benchmark process, which also holds the datasketch index when it is built "
              "(up to --datasketch-max documents) and the planted query signatures."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--backends", default="sqlite")
    ap.add_argument("--pg-url", default=os.environ.get("MONITOR_TEST_DATABASE_URL"))
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--datasketch-max", type=int, default=100_000,
                    help="build the datasketch baseline up to this size (it holds everything in memory)")
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--from-json", help="comma-separated JSON Lines files written by `benchmarks.scale "
                                        "--json-out`: tabulate those runs instead of building the stores again")
    ap.add_argument("--note", action="append", default=[], help="a paragraph to add under the table (repeatable)")
    args = ap.parse_args(argv)
    rows = scale.load_results(args.from_json) if args.from_json else []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in ([] if args.from_json else args.backends.split(",")):
            for size in (int(s) for s in args.sizes.split(",")):
                url = scale._fresh_url(backend, args.pg_url, Path(tmp), size)
                if url is None:
                    print(f"{backend}: no --pg-url; skipped")
                    break
                path = url.removeprefix("sqlite:///") if backend == "sqlite" else None
                try:
                    r = measure(backend, size, url, args.queries, path, size <= args.datasketch_max)
                finally:
                    if backend == "postgresql" and args.pg_url:
                        scale._drop_schema(args.pg_url, size)
                    elif path:
                        for p in (path, path + "-wal", path + "-shm"):
                            if os.path.exists(p):
                                os.remove(p)
                print(r, flush=True)
                rows.append(r)
    body = render(rows) + "".join(f"\n\n{n}" for n in args.note)
    print(body)
    if not args.no_write:
        write_section("growth", "Growth: time and storage per item, 10k → 1M documents", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
