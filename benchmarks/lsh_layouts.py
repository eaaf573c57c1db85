"""Why lsh_bands has one row per item and one indexed column per band: the candidate layouts of
the LSH band index measured side by side on PostgreSQL (bytes per document, insert rate, lookup).

    python -m benchmarks.lsh_layouts [--size 100000] [--pg-url URL] [--layouts old,pair32,...]

Each layout gets its own table in a scratch schema, filled by COPY in batches of 250 documents
(random 128-value signatures, 32 bands × 4 rows) with its indexes in place, as the analyze
path fills it; size = pg_total_relation_size (table + every index), then again after REINDEX.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.fingerprint import band_keys_matrix

BANDS = 32
BATCH = 250
COLS = ", ".join(f"k{b}" for b in range(BANDS))

# name -> (description, DDL statements)
LAYOUTS: dict[str, tuple[str, list[str]]] = {
    "old": ("row per (band, 64-bit key, item), PK of all three (the layout before lshindex_0005)",
            ["CREATE TABLE t (band int2, key int8, item_id int8, PRIMARY KEY (band, key, item_id))"]),
    "pair32": ("row per (32-bit key with the band folded in, int4 item), PK (key, item)",
               ["CREATE TABLE t (key int4, item_id int4, PRIMARY KEY (key, item_id))"]),
    "gin": ("row per item with an int4[] of its keys, GIN index (fastupdate off)",
            ["CREATE TABLE t (item_id int8 PRIMARY KEY, keys int4[] NOT NULL)",
             "CREATE INDEX ON t USING gin (keys) WITH (fastupdate = off)"]),
    "hash": ("row per item, one int4 column per band, a hash index per column (fillfactor 100)",
             [f"CREATE TABLE t (item_id int8 PRIMARY KEY, {', '.join(f'k{b} int4' for b in range(BANDS))})",
              *(f"CREATE INDEX ON t USING hash (k{b}) WITH (fillfactor = 100)" for b in range(BANDS))]),
    "columns": ("row per item, one int4 column per band, a B-tree per column (the chosen layout)",
                [f"CREATE TABLE t (item_id int8 PRIMARY KEY, {', '.join(f'k{b} int4' for b in range(BANDS))})",
                 *(f"CREATE INDEX ON t (k{b}) WHERE k{b} IS NOT NULL" for b in range(BANDS))]),
}


def _fold(keys: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    return (keys >> np.int64(32)).astype(np.int32)


def _load(cur: Any, layout: str, first: int, keys: npt.NDArray[np.int64]) -> None:
    ids = range(first, first + keys.shape[0])
    if layout == "old":
        with cur.copy("COPY t (band, key, item_id) FROM STDIN") as cp:
            for j, i in enumerate(ids):
                for b in range(BANDS):
                    cp.write_row((b, int(keys[j, b]), i))
    elif layout == "pair32":
        # the band mixed into one 32-bit key: fold band b's 64-bit key with b
        folded = _fold(keys ^ (np.arange(BANDS, dtype=np.int64) << np.int64(40)))
        with cur.copy("COPY t (key, item_id) FROM STDIN") as cp:
            for j, i in enumerate(ids):
                for b in range(BANDS):
                    cp.write_row((int(folded[j, b]), i))
    elif layout == "gin":
        with cur.copy("COPY t (item_id, keys) FROM STDIN") as cp:
            for j, i in enumerate(ids):
                cp.write_row((i, [int(k) for k in _fold(keys[j])]))
    else:
        with cur.copy(f"COPY t (item_id, {COLS}) FROM STDIN") as cp:
            for j, i in enumerate(ids):
                cp.write_row((i, *(int(k) for k in _fold(keys[j]))))


def _lookup(layout: str, keys: npt.NDArray[np.int64]) -> tuple[str, list[Any]]:
    if layout == "old":
        return (f"SELECT item_id FROM t WHERE {' OR '.join(f'(band = {b} AND key = %s)' for b in range(BANDS))}",
                [int(k) for k in keys])
    if layout == "pair32":
        folded = _fold(keys ^ (np.arange(BANDS, dtype=np.int64) << np.int64(40)))
        return "SELECT item_id FROM t WHERE key = ANY(%s)", [[int(k) for k in folded]]
    if layout == "gin":
        return "SELECT item_id FROM t WHERE keys && %s::int4[]", [[int(k) for k in _fold(keys)]]
    return (f"SELECT item_id FROM t WHERE {' OR '.join(f'k{b} = %s' for b in range(BANDS))}",
            [int(k) for k in _fold(keys)])


def measure(url: str, layout: str, size: int, schema: str) -> dict[str, Any]:
    import psycopg

    rng = np.random.default_rng(3)
    opts = f"-csearch_path={schema}"
    with psycopg.connect(url, autocommit=True, options=opts) as c:
        c.execute("DROP TABLE IF EXISTS t")
        for stmt in LAYOUTS[layout][1]:
            c.execute(stmt)
    queries: list[npt.NDArray[np.int64]] = []
    t0 = time.perf_counter()
    with psycopg.connect(url, options=opts) as c:
        cur = c.cursor()
        for start in range(0, size, BATCH):
            n = min(BATCH, size - start)
            keys = band_keys_matrix(rng.integers(0, 2**63, size=(n, 128), dtype=np.uint64), BANDS, 4)
            if len(queries) < 300:
                queries.extend(keys[: 300 - len(queries)])
            _load(cur, layout, start + 1, keys)
            c.commit()
    insert_s = time.perf_counter() - t0
    with psycopg.connect(url, autocommit=True, options=opts) as c:
        c.execute("VACUUM ANALYZE t")
        inserted = int(c.execute("SELECT pg_total_relation_size('t')").fetchone()[0])  # type: ignore[index]
        lat = []
        found = 0
        for j, k in enumerate(queries):
            sql, params = _lookup(layout, k)
            q0 = time.perf_counter()
            rows = c.execute(sql, params).fetchall()
            lat.append(1000 * (time.perf_counter() - q0))
            found += (j + 1) in {r[0] for r in rows}
        c.execute("REINDEX TABLE t")
        rebuilt = int(c.execute("SELECT pg_total_relation_size('t')").fetchone()[0])  # type: ignore[index]
        c.execute("DROP TABLE t")
    return {"layout": layout, "bytes": inserted / size, "reindexed": rebuilt / size, "docs_s": size / insert_s,
            "p50": statistics.median(lat), "p95": float(np.percentile(lat, 95)), "found": found / len(queries)}


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--pg-url", default=os.environ.get("MONITOR_TEST_DATABASE_URL"))
    ap.add_argument("--layouts", default=",".join(LAYOUTS))
    ap.add_argument("--no-report", action="store_true")
    args = ap.parse_args(argv)
    if not args.pg_url:
        print("no PostgreSQL server: set --pg-url or MONITOR_TEST_DATABASE_URL (scripts/postgres-start.sh)")
        return 0
    import psycopg

    url = args.pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    schema = f"lsh_layouts_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')
    try:
        results = []
        for layout in args.layouts.split(","):
            r = measure(url, layout, args.size, schema)
            print(r, flush=True)
            results.append(r)
    finally:
        with psycopg.connect(url, autocommit=True) as c:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')
    lines = [f"{args.size:,} documents, 32 bands × 4 rows, COPY in batches of {BATCH} with the indexes in place; "
             "bytes = table + all its indexes (pg_total_relation_size).", "",
             "| layout | B/doc as inserted | B/doc after REINDEX | insert docs/s | lookup p50 ms | p95 ms | found |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {LAYOUTS[r['layout']][0]} | {r['bytes']:,.0f} | {r['reindexed']:,.0f} | "
                     f"{r['docs_s']:,.0f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['found']:.2f} |")
    lines += ["", "A PostgreSQL heap tuple costs 28 bytes before its data (header and line pointer) and a "
              "B-tree entry 20 (16-byte tuple, 4-byte pointer), and B-trees filled by random keys settle "
              "near 70% full. One row per band key pays the tuple cost 32 times per document; GIN entries "
              "for distinct keys cost more than B-tree entries; one row per item with a B-tree per band "
              "column pays the tuple cost once. Keys shared by many items would compress (GIN posting lists, "
              "B-tree deduplication), but only by turning them into candidates that every lookup must reject.",
              "", "The storage layouts are compared at 32 bands × 4 rows, the default until 2026-12-07; with the "
              "default since then, 24 × 3, every per-band cost shrinks by a quarter and the chosen layout holds "
              "807 B/doc as inserted at 100,000 documents (section 'The LSH index in the store at scale')."]
    body = "\n".join(lines)
    print(body)
    if not args.no_report:
        write_section("lsh-layouts", "LSH band index layouts on PostgreSQL", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
