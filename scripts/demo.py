"""`make demo`: one full monitoring cycle through the real Airflow DAGs on the bundled offline demo
feeds, with SQLite and a project-local AIRFLOW_HOME, then a summary of what was found.

Steps: migrate Airflow's metadata DB, serve config/demo/site on 127.0.0.1, run monitor_ingest →
monitor_analyze → monitor_digest with dag.test(), stop the server, print feeds fetched, items per
language, narratives with their origin outlet, repeated figures, and the digest files. Re-running
adds nothing: the summary shows what this run added.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAG_IDS = ("monitor_ingest", "monitor_analyze", "monitor_digest")


def _environment(data_dir: Path, airflow_home: Path) -> None:
    os.environ.update({
        "AIRFLOW_HOME": str(airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": os.environ.get("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING"),
        "MONITOR_FEEDS": str(ROOT / "config" / "demo" / "feeds.yaml"),
        "MONITOR_DATA_DIR": str(data_dir),
        "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true",
    })
    os.environ.pop("MONITOR_DATABASE_URL", None)  # the demo always uses SQLite under data_dir
    os.environ.setdefault("PATH", "")
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"


def _counts() -> dict[str, int]:
    from sqlalchemy import func, select

    from monitor.config import load_settings
    from monitor.pipeline import open_configured_store
    from monitor.store.tables import alerts, figure_groups, items, narrative_members, narratives

    store = open_configured_store(load_settings())
    out = {}
    with store.read() as conn:
        for name, table in (("items", items), ("narratives", narratives), ("narrative members", narrative_members),
                            ("repeated figures", figure_groups), ("alerts", alerts)):
            out[name] = int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    store.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "var" / "demo", help="where the demo store lives")
    ap.add_argument("--airflow-home", type=Path, default=ROOT / "airflow_home", help="Airflow's home (gitignored)")
    args = ap.parse_args()
    _environment(args.data_dir.resolve(), args.airflow_home.resolve())
    args.airflow_home.mkdir(parents=True, exist_ok=True)

    t0 = time.monotonic()
    print("» migrating Airflow's metadata database …", flush=True)
    subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], check=True,
                   stdout=subprocess.DEVNULL)

    from airflow.dag_processing.dagbag import DagBag

    from monitor.cli.cmd_run import print_report
    from monitor.config import load_settings
    from monitor.demo import DEMO_DIR, serve_directory
    from monitor.pipeline import digest_dir, open_configured_store
    from monitor.report import store_report

    before = _counts()
    bag = DagBag(dag_folder=str(ROOT / "dags"))
    if bag.import_errors:
        for path, err in bag.import_errors.items():
            print(f"DAG import error in {path}:\n{err}", file=sys.stderr)
        return 1
    with serve_directory(DEMO_DIR / "site") as base:
        os.environ["MONITOR_DEMO_BASE"] = base
        print(f"» serving the demo feeds at {base}", flush=True)
        for dag_id in DAG_IDS:
            dag = bag.get_dag(dag_id)
            if dag is None:
                print(f"DAG {dag_id} not found in {ROOT / 'dags'}", file=sys.stderr)
                return 1
            started = time.monotonic()
            run = dag.test(run_conf={"force": True})
            state = str(getattr(run, "state", "unknown"))
            print(f"» {dag_id}: {state} in {time.monotonic() - started:.1f} s", flush=True)
            if state not in ("success", "DagRunState.SUCCESS"):
                print(f"{dag_id} did not succeed; see the task logs under {os.environ['AIRFLOW_HOME']}/logs",
                      file=sys.stderr)
                return 1
    after = _counts()
    settings = load_settings()
    store = open_configured_store(settings)
    report = store_report(store)
    digests = sorted(digest_dir(settings).glob("*.html"))
    print()
    print_report(report)
    from monitor.demo import check_planted

    print("planted cases (config/demo/expected.yaml):")
    for case in check_planted(store):
        print(f"  {'✓' if case.found else '✗'} {case.kind:<13} {case.name} — {case.detail}")
    print("digest files:")
    for p in digests:
        print(f"  {p}\n  {p.with_suffix('.eml')}")
    added = ", ".join(f"{k} +{after[k] - before[k]}" for k in after)
    print(f"\nthis run added: {added}")
    print(f"store: {settings.resolved_database_url()}   ({time.monotonic() - t0:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
