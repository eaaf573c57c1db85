"""`make bench`: run every benchmark and evaluation in turn; each writes its own section of
docs/benchmarks.md (with the date, the machine and its baseline side by side).

usage: python -m benchmarks.run_all [--only NAME,...] [--skip NAME,...] [--data DIR] [--quick]
(`make bench BENCH_ARGS="--quick"`; PostgreSQL rows need MONITOR_TEST_DATABASE_URL, which make bench sets
when scripts/postgres-start.sh can start a local server)
--quick uses smaller sizes (the scale benchmark stops at 100k documents, ingest at 200 feeds).
A benchmark that fails is reported and the others still run; the exit code is 1 if any failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCALE_RUNS = "build/scale.jsonl"
# name -> (module, full arguments, quick arguments); "{data}" is replaced by --data when given.
BENCHMARKS: dict[str, tuple[str, list[str], list[str]]] = {
    "langid": ("benchmarks.langid_eval", ["{data}"], ["{data}"]),
    "figures": ("benchmarks.figures_eval", ["{data}"], ["{data}"]),
    "similar": ("benchmarks.similar_eval", ["{data}"], ["{data}"]),
    "cluster": ("benchmarks.cluster_eval", ["{data}"], ["{data}"]),
    "copytype": ("benchmarks.copytype_eval", ["{data}"], ["{data}"]),
    "ingest": ("benchmarks.ingest_bench", [], ["--feeds", "200"]),
    "extract": ("benchmarks.extract_bench", [], []),
    "analyze": ("benchmarks.analyze_bench", [], []),
    # scale saves each run (backend × size) to build/scale.jsonl; growth then reuses those stores'
    # figures instead of building 1M documents again (PostgreSQL rows need MONITOR_TEST_DATABASE_URL)
    "scale": ("benchmarks.scale", ["--json-out", SCALE_RUNS], ["--sizes", "10000,100000", "--json-out", SCALE_RUNS]),
    "growth": ("benchmarks.growth", ["--from-json", SCALE_RUNS], ["--from-json", SCALE_RUNS]),
    "lsh-layouts": ("benchmarks.lsh_layouts", [], ["--size", "20000"]),
    "lsh-regrowth": ("benchmarks.lsh_regrowth", [], ["--size", "20000"]),
    "lsh-rekey": ("benchmarks.lsh_rekey", ["--sizes", "100000,1000000"], ["--sizes", "20000"]),
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated names: " + ", ".join(BENCHMARKS))
    ap.add_argument("--skip", default="", help="comma-separated names to skip")
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a first look")
    args = ap.parse_args()
    names = args.only.split(",") if args.only else list(BENCHMARKS)
    skip = set(filter(None, args.skip.split(",")))
    failed: list[str] = []
    for name in names:
        if name in skip:
            continue
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
            return 2
        module, full, quick = BENCHMARKS[name]
        if importlib.util.find_spec(module) is None:
            print(f"── {name}: {module} is not part of this checkout; skipped")
            continue
        argv: list[str] = []
        for a in quick if args.quick else full:
            if a == "{data}":
                argv += ["--data", args.data] if args.data else []
            else:
                argv.append(a)
        if name == "growth" and not (ROOT / SCALE_RUNS).exists():
            argv = ["--sizes", "10000,100000"] if args.quick else []  # no scale runs saved: build its own
        if name == "scale":  # this run's stores only
            (ROOT / "build").mkdir(exist_ok=True)
            (ROOT / SCALE_RUNS).unlink(missing_ok=True)
        print(f"── {name}: python -m {module} {' '.join(argv)}", flush=True)
        started = time.monotonic()
        rc = subprocess.call([sys.executable, "-m", module, *argv], cwd=ROOT, env=os.environ.copy())
        print(f"── {name}: exit {rc} after {time.monotonic() - started:.0f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"all done; see {ROOT / 'docs' / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
