"""monitor_maintenance: weekly retention pruning, database upkeep (VACUUM/ANALYZE) and the
feed-health report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, task

# Airflow puts the DAG bundle folder on sys.path; a bare DagBag (tests, `make demo`) does not.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))
from monitor_common import dag_defaults, open_monitor

DOC = """
### Weekly maintenance

1. **feed_health** — classifies every feed (ok, stale, failing, disabled, never fetched) and writes
   `$MONITOR_DATA_DIR/reports/feed-health-<date>.json`; the counts are the task's XCom and the
   Narratives page in the Airflow UI shows the same table.
2. **prune** — deletes items older than `retention_days` (setting, default 365) with their
   fingerprints, matches and figures, old fetch-log rows and empty narratives. Members of a
   narrative still active after the cutoff are kept, so its origin stays known. `dry_run` only counts.
3. **optimize** — `VACUUM` and `ANALYZE` (SQLite: plus a WAL checkpoint) after the deletes.
"""


@dag(
    dag_id="monitor_maintenance",
    schedule="@weekly",
    doc_md=DOC,
    params={"dry_run": Param(False, type="boolean", description="Count what would be pruned, delete nothing.")},
    **dag_defaults(timeout_minutes=120, tags=("maintenance",), retries=2),
)
def monitor_maintenance() -> None:
    @task
    def feed_health(ds: str | None = None) -> dict[str, int]:
        from monitor.maintenance import feed_health, health_summary, write_health_report

        settings, store = open_monitor()
        rows = feed_health(store)
        write_health_report(rows, settings.data_dir / "reports" / f"feed-health-{ds or 'latest'}.json")
        return health_summary(rows)

    @task
    def prune(params: dict[str, Any]) -> dict[str, Any]:
        from monitor.maintenance import prune

        settings, store = open_monitor()
        return prune(store, settings.retention_days, dry_run=bool(params["dry_run"])).as_dict()

    @task
    def optimize() -> list[str]:
        from monitor.maintenance import optimize_database

        _, store = open_monitor()
        return optimize_database(store)

    feed_health() >> prune() >> optimize()


monitor_maintenance()
