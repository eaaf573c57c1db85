"""Defaults shared by the monitor DAGs: retries with exponential backoff, timeouts, the optional
SMTP failure notifier, the Assets that chain the DAGs, and the settings/store opener.

Not a DAG file (listed in .airflowignore); the DAG files import it from the dags folder, which
Airflow puts on ``sys.path``. Heavy imports (the monitor library) stay inside the functions.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.sdk import Asset

if TYPE_CHECKING:
    from email.message import EmailMessage

    from monitor.config import Settings
    from monitor.store import Store

START_DATE = pendulum.datetime(2026, 1, 1, tz="UTC")

# Published by monitor_ingest when new items are stored; monitor_analyze is scheduled on it.
ITEMS_ASSET = Asset("monitor://store/items", extra={"produced_by": "monitor_ingest"})
# Published by monitor_analyze once narratives, figures and alerts are up to date.
ANALYSIS_ASSET = Asset("monitor://store/analysis", extra={"produced_by": "monitor_analyze"})


def _failure_notifiers() -> list[Any]:
    """An SmtpNotifier when MONITOR_AIRFLOW_ALERT_EMAIL names recipients (comma-separated); it
    sends through the Airflow connection MONITOR_AIRFLOW_SMTP_CONN_ID (default smtp_default).

    Attached to every task (it fires once retries are exhausted, naming the task and its log)
    rather than to the DAG: task callbacks run in the task's own process with the real DAG,
    and under ``dag.test()`` too, so the notification is testable end to end."""
    recipients = [r.strip() for r in os.environ.get("MONITOR_AIRFLOW_ALERT_EMAIL", "").split(",") if r.strip()]
    if not recipients:
        return []
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    return [SmtpNotifier(
        to=recipients,
        smtp_conn_id=os.environ.get("MONITOR_AIRFLOW_SMTP_CONN_ID", "smtp_default"),
        subject="[monitor] {{ dag.dag_id }} failed: {{ ti.task_id }} in {{ run_id }}",
        html_content=("<p>Task <b>{{ ti.task_id }}</b> of DAG <b>{{ dag.dag_id }}</b> failed in run "
                      "<code>{{ run_id }}</code> after {{ ti.try_number }} tries.</p>"
                      "<p>Log: <a href=\"{{ ti.log_url }}\">{{ ti.log_url }}</a></p>"),
    )]


def dag_defaults(*, timeout_minutes: int, tags: tuple[str, ...] = (), retries: int = 3) -> dict[str, Any]:
    """Keyword arguments every monitor DAG shares (pass with ``**``)."""
    return {
        "start_date": START_DATE,
        "catchup": False,
        "max_active_runs": 1,
        "tags": ["monitor", *tags],
        "default_args": {
            "owner": "monitor",
            "retries": retries,
            # Seconds are configurable so tests and the demo do not sleep through real backoff.
            "retry_delay": timedelta(seconds=float(os.environ.get("MONITOR_AIRFLOW_RETRY_DELAY", "60"))),
            "retry_exponential_backoff": 2.0,
            "max_retry_delay": timedelta(minutes=30),
            "execution_timeout": timedelta(minutes=timeout_minutes),
            "on_failure_callback": _failure_notifiers(),
        },
    }


def ingest_schedule() -> str:
    """The ingest cron from MONITOR_INGEST_SCHEDULE, else the setting ``ingest_schedule``."""
    from_env = os.environ.get("MONITOR_INGEST_SCHEDULE")
    if from_env:
        return from_env
    from monitor.config import load_settings

    return load_settings().ingest_schedule


def open_monitor() -> tuple[Settings, Store]:
    """Settings from the environment (MONITOR_CONFIG, MONITOR_DATABASE_URL, ...) and the migrated store."""
    from monitor.config import load_settings
    from monitor.pipeline import open_configured_store

    settings = load_settings()
    return settings, open_configured_store(settings)


def smtp_sender(conn_id: str) -> Any:
    """A digest sender (``EmailMessage`` → None) that delivers through Airflow's SmtpHook, so the
    SMTP host and credentials live in an Airflow connection rather than in monitor's config."""

    def send(message: EmailMessage) -> None:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        from monitor.errors import DeliveryError

        try:
            with SmtpHook(smtp_conn_id=conn_id) as hook:
                # send_email_smtp builds its own MIME message; ours already has the text and HTML
                # parts and a stable Message-ID, so send it through the hook's logged-in client.
                hook._smtp_client.send_message(message)
        except Exception as e:
            raise DeliveryError(f"SMTP delivery to {message['To']} via connection {conn_id!r} failed: {e}") from e

    return send
