"""monitor_digest: render each subscription's alert digest (HTML and .eml) and, when sending is
configured, deliver it once per (recipient, period) through Airflow's SMTP connection."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, task

# Airflow puts the DAG bundle folder on sys.path; a bare DagBag (tests, `make demo`) does not.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))
from monitor_common import dag_defaults, open_monitor, smtp_sender

DOC = """
### Alert digests

Runs at the top of every hour. A scheduled run covers the periods that just closed: hourly
subscriptions every hour, daily ones at 00:00 UTC, weekly ones on Monday 00:00 UTC. A manual run
renders every subscription's *current* period (what `make demo` does).

Digests are written under `$MONITOR_DATA_DIR/digests/` as `.html` and `.eml`. With the `send` param
(default: the `digest.send` setting, off unless configured) they are delivered through the Airflow
SMTP connection `digest.airflow_conn_id` (default `smtp_default`). The digest ledger makes delivery
exactly-once: a retried run never sends twice and never skips a recipient.
"""


def closing_frequencies(boundary: datetime) -> set[str]:
    """The digest frequencies whose period ends at ``boundary`` (an hour boundary, UTC)."""
    due = {"hourly"}
    if boundary.hour == 0:
        due.add("daily")
        if boundary.weekday() == 0:
            due.add("weekly")
    return due


@dag(
    dag_id="monitor_digest",
    schedule="0 * * * *",
    doc_md=DOC,
    params={"send": Param(None, type=["null", "boolean"],
                          description="Deliver by SMTP; empty = the digest.send setting.")},
    **dag_defaults(timeout_minutes=15),
)
def monitor_digest() -> None:
    @task
    def render_and_send(params: dict[str, Any], dag_run: Any = None) -> dict[str, int]:
        from monitor.digest import run_digests
        from monitor.errors import DeliveryError

        settings, store = open_monitor()
        digest = settings.digest
        clock = None
        if dag_run is not None and dag_run.run_type == "scheduled":
            boundary = dag_run.run_after.astimezone(UTC) if dag_run.run_after else None
            if boundary is not None:
                due = closing_frequencies(boundary)
                digest = digest.model_copy(update={"subscriptions": [
                    s for s in digest.subscriptions if s.frequency in due]})
                # The period that just closed, not the one starting now.
                closed_at = boundary - timedelta(seconds=1)
                clock = lambda: closed_at  # noqa: E731
        send = digest.send if params["send"] is None else bool(params["send"])
        kwargs: dict[str, Any] = {"clock": clock} if clock else {}
        results = run_digests(store, digest, out_dir=settings.data_dir / "digests", send=send,
                              sender=smtp_sender(digest.airflow_conn_id), **kwargs)
        counts: dict[str, int] = {}
        for r in results:
            counts[r["status"]] = counts.get(r["status"], 0) + 1
        if counts.get("failed"):
            # The ledger remembers who already got theirs; failing makes Airflow retry only the rest.
            raise DeliveryError(f"{counts['failed']} digest(s) could not be delivered: "
                                + "; ".join(r.get("error", "") for r in results if r["status"] == "failed"))
        return counts

    render_and_send()


monitor_digest()
