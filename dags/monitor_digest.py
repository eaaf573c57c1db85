"""monitor_digest: render each subscription's alert digest (HTML and .eml) and, when sending is
configured, deliver it once per (recipient, period) through Airflow's SMTP connection."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, task

# Airflow puts the DAG bundle folder on sys.path; a bare DagBag (tests, `make demo`) does not.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))
from monitor_common import dag_defaults, open_monitor, smtp_sender

DOC = """
### Alert digests

Runs at the top of every hour and renders each subscription's digest of the alerts not delivered
yet. Periods follow each subscription's `frequency`, `send_hour` and `timezone`: a digest belongs to
the latest send slot, so an hourly schedule sends hourly, daily and weekly digests exactly when
their slot comes (and a missed slot is sent by the next run).

Digests are written under `$MONITOR_DATA_DIR/digests/` as `.html` and `.eml`. With the `send` param
(default: the `digest.send` setting, off unless configured) they are delivered through the Airflow
SMTP connection `digest.airflow_conn_id` (default `smtp_default`). The digest ledger makes delivery
exactly-once per (recipient, period): a retried task never sends twice, and a failed recipient
fails the task (so Airflow retries it) without resending to the others.
"""


@dag(
    dag_id="monitor_digest",
    schedule="0 * * * *",
    doc_md=DOC,
    params={"send": Param(None, type=["null", "boolean"],
                          description="Deliver by SMTP; empty = the digest.send setting.")},
    **dag_defaults(timeout_minutes=15, tags=("digest", "email")),
)
def monitor_digest() -> None:
    @task
    def render_and_send(params: dict[str, Any]) -> dict[str, int]:
        from monitor.digest import run_digests
        from monitor.pipeline import digest_dir

        settings, store = open_monitor()
        send = settings.digest.send if params["send"] is None else bool(params["send"])
        results = run_digests(store, settings.digest, out_dir=digest_dir(settings), send=send,
                              sender=smtp_sender(settings.digest.airflow_conn_id), raise_on_failure=True,
                              coordination=settings.coordination, blind_spots=settings.blind_spots)
        counts: dict[str, int] = {}
        for r in results:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        return counts

    render_and_send()


monitor_digest()
