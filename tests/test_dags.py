"""The Airflow DAGs: they import cleanly without doing work, follow the operating rules of the
project (retries with backoff, timeouts, one run at a time, no catch-up, docs, tags), and each one
runs to success through real Airflow (``dag.test()``) on the offline demo corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Settings
from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, figures, items, narrative_members, narratives
from tests.airflow_support import DAG_IDS, DAGS, airflow_env, airflow_home


def _count(store: Store, table: Any) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


@pytest.fixture(scope="module")
def dagbag() -> Any:
    airflow_home()
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def _run(dagbag: Any, dag_id: str, conf: dict[str, Any] | None = None) -> Any:
    """Run a DAG with ``dag.test()``; it returns the DagRun instead of raising on failure.

    Every param is passed explicitly: dag.test() runs tasks in this process on shared task objects,
    and Airflow 3.3.2 lets an earlier run's conf leak into a later run that passes none."""
    dag = dagbag.get_dag(dag_id)
    return dag.test(run_conf={**{k: dag.params[k] for k in dag.params}, **(conf or {})})


# ------------------------------------------------------------------ parsing


def test_dag_folder_imports_without_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert sorted(dagbag.dag_ids) == sorted(DAG_IDS)


def test_parsing_the_dag_files_does_no_work(tmp_path: Path) -> None:
    """Parsing must not touch the store, the network or the heavy analysis modules: they are
    imported inside the tasks. Checked in a fresh interpreter that parses the whole folder."""
    probe = (
        "import sys; from airflow.dag_processing.dagbag import DagBag\n"
        "bag = DagBag(dag_folder=sys.argv[1])\n"
        "heavy = ['monitor.store', 'monitor.matching', 'monitor.ingest', 'monitor.analyze', 'monitor.fetch',"
        " 'numpy', 'langdetect', 'feedparser', 'scipy']\n"
        "import json; print(json.dumps({'errors': list(bag.import_errors),"
        " 'loaded': [m for m in heavy if m in sys.modules], 'dags': sorted(bag.dag_ids)}))\n"
    )
    env = {**os.environ, **airflow_env(airflow_home()), "MONITOR_DATA_DIR": str(tmp_path / "must-not-exist")}
    out = subprocess.run([sys.executable, "-c", probe, str(DAGS)], env=env, capture_output=True,
                         text=True, check=True).stdout
    assert json.loads(out.strip().splitlines()[-1]) == {"errors": [], "loaded": [], "dags": sorted(DAG_IDS)}
    assert not (tmp_path / "must-not-exist").exists()


@pytest.mark.parametrize("dag_id", DAG_IDS)
def test_dag_follows_the_operating_rules(dagbag: Any, dag_id: str) -> None:
    dag = dagbag.get_dag(dag_id)
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    assert "monitor" in dag.tags
    assert dag.doc_md and len(dag.doc_md.strip().splitlines()) >= 3
    for t in dag.tasks:
        assert t.retries >= 1, t.task_id
        assert t.retry_exponential_backoff >= 2, t.task_id
        assert t.max_retry_delay is not None, t.task_id
        assert t.execution_timeout is not None, t.task_id


def test_fetch_tasks_are_mapped_over_feed_batches_in_the_fetch_pool(dagbag: Any) -> None:
    fetch = dagbag.get_dag("monitor_ingest").get_task("fetch")
    assert fetch.pool == "feed_fetch"
    assert fetch.map_index_template
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    assert isinstance(fetch, MappedOperator)


def test_ingest_publishes_the_asset_analyze_is_scheduled_on(dagbag: Any) -> None:
    ingest = dagbag.get_dag("monitor_ingest")
    analyze = dagbag.get_dag("monitor_analyze")
    published = {o.uri for t in ingest.tasks for o in t.outlets}
    consumed = {a.uri for a in analyze.timetable.asset_condition.objects}  # schedule=[asset] is an AssetAll
    assert published and published == consumed


def test_failure_notifier_is_configured_from_the_environment() -> None:
    probe = (
        "import sys; from airflow.dag_processing.dagbag import DagBag\n"
        "bag = DagBag(dag_folder=sys.argv[1])\n"
        "cbs = {d: sorted({type(c).__name__ for t in bag.get_dag(d).tasks for c in (t.on_failure_callback or [])})"
        " for d in bag.dag_ids}\n"
        "import json; print(json.dumps(cbs))\n"
    )
    base = {**os.environ, **airflow_env(airflow_home())}
    on = subprocess.run([sys.executable, "-c", probe, str(DAGS)], capture_output=True, text=True, check=True,
                        env={**base, "MONITOR_AIRFLOW_ALERT_EMAIL": "ops@example.org"}).stdout
    off = subprocess.run([sys.executable, "-c", probe, str(DAGS)], capture_output=True, text=True, check=True,
                         env={k: v for k, v in base.items() if k != "MONITOR_AIRFLOW_ALERT_EMAIL"}).stdout
    assert json.loads(on.strip().splitlines()[-1]) == {key: ["SmtpNotifier"] for key in DAG_IDS}
    assert json.loads(off.strip().splitlines()[-1]) == {key: [] for key in DAG_IDS}


# ------------------------------------------------------------------ runs on the demo corpus


@pytest.mark.airflow
def test_ingest_run_fetches_every_demo_feed_and_stores_items(dagbag: Any, demo_settings: Settings,
                                                             store: Store) -> None:
    dr = _run(dagbag, "monitor_ingest", {"force": True})
    assert dr.state == "success"
    assert _count(store, feeds) >= 3
    assert _count(store, items) > 30
    with store.read() as conn:
        statuses = dict(conn.execute(select(feeds.c.name, fetch_log.c.status)
                                     .join(feeds, feeds.c.id == fetch_log.c.feed_id)).tuples().all())
        run_ids = {r[0] for r in conn.execute(select(fetch_log.c.run_id))}
    # the demo's planted failing feed (HTTP 404) is recorded, and does not fail the run
    assert statuses.pop("karachi-courier") == "error"
    assert set(statuses.values()) == {"ok"}
    assert run_ids == {dr.run_id}
    labels = [ti.rendered_map_index for ti in dr.get_task_instances() if ti.task_id == "fetch"]
    assert labels and all(label and label.endswith(")") for label in labels)  # "first … last (n)"


@pytest.mark.airflow
def test_analyze_run_with_nothing_pending_succeeds(dagbag: Any, demo_settings: Settings, store: Store) -> None:
    assert _run(dagbag, "monitor_analyze").state == "success"
    assert _count(store, narratives) == 0


@pytest.mark.airflow
def test_ingest_rerun_adds_nothing(dagbag: Any, demo_settings: Settings, store: Store) -> None:
    assert _run(dagbag, "monitor_ingest", {"force": True}).state == "success"
    before = _count(store, items)
    assert _run(dagbag, "monitor_ingest", {"force": True}).state == "success"
    assert _count(store, items) == before


@pytest.mark.airflow
def test_ingest_without_force_skips_feeds_not_yet_due(dagbag: Any, demo_settings: Settings, store: Store) -> None:
    assert _run(dagbag, "monitor_ingest", {"force": True}).state == "success"
    fetches = _count(store, fetch_log)
    assert _run(dagbag, "monitor_ingest").state == "success"
    assert _count(store, fetch_log) == fetches


@pytest.mark.airflow
def test_analyze_run_finds_narratives_and_figures(dagbag: Any, demo_settings: Settings, store: Store) -> None:
    from monitor.config import load_feeds
    from monitor.ingest import ingest, sync_feeds

    sync_feeds(store, load_feeds(demo_settings.feeds_file))
    ingest(store, demo_settings, force=True)
    dr = _run(dagbag, "monitor_analyze")
    assert dr.state == "success"
    with store.read() as conn:
        pending = conn.execute(select(func.count()).where(items.c.analyzed_at.is_(None))).scalar_one()
        multi_outlet = conn.execute(select(func.count()).where(narratives.c.outlets >= 2)).scalar_one()
    assert pending == 0
    assert multi_outlet >= 1
    assert _count(store, narrative_members) > 0
    assert _count(store, figures) > 0


@pytest.mark.airflow
def test_digest_run_renders_html_and_eml_without_sending(dagbag: Any, demo_settings: Settings,
                                                         store: Store) -> None:
    from monitor.pipeline import run_cycle

    run_cycle(demo_settings, store=store)
    for old in (demo_settings.data_dir / "digests").glob("*"):
        old.unlink()
    dr = _run(dagbag, "monitor_digest")
    assert dr.state == "success"
    html = sorted((demo_settings.data_dir / "digests").glob("*.html"))
    assert html and all(p.with_suffix(".eml").is_file() for p in html)


@pytest.mark.airflow
def test_maintenance_run_writes_feed_health_report(dagbag: Any, demo_settings: Settings, store: Store) -> None:
    from monitor.pipeline import run_cycle

    run_cycle(demo_settings, store=store)
    before = _count(store, items)
    dr = _run(dagbag, "monitor_maintenance")
    assert dr.state == "success"
    reports = list((demo_settings.data_dir / "reports").glob("feed-health-*.json"))
    assert len(reports) == 1
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    assert report["summary"]["total"] == _count(store, feeds)
    # The demo corpus is recent: a 365-day retention keeps every item.
    assert _count(store, items) == before


@pytest.mark.airflow
def test_digest_run_with_send_delivers_once_through_the_airflow_smtp_connection(
        dagbag: Any, demo_settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from monitor.pipeline import run_cycle
    from tests.test_digest_support import running_smtp_server

    run_cycle(demo_settings, store=store)
    recipients = [sub.email for sub in demo_settings.digest.subscriptions]
    with running_smtp_server() as server:
        port = int(server.url.rsplit(":", 1)[1])
        monkeypatch.setenv(f"AIRFLOW_CONN_{demo_settings.digest.airflow_conn_id.upper()}", json.dumps({
            "conn_type": "smtp", "host": "127.0.0.1", "port": port,
            "extra": {"disable_ssl": True, "disable_tls": True}}))
        first = _run(dagbag, "monitor_digest", {"send": True})
        delivered = len(server.received)
        again = _run(dagbag, "monitor_digest", {"send": True})
        assert first.state == "success" and again.state == "success"
        assert delivered == len(recipients) >= 1
        assert len(server.received) == delivered  # the ledger: a second run sends nothing twice
        assert server.to(recipients[0])[0]["Subject"]


@pytest.mark.airflow
def test_failed_run_emails_the_configured_recipients(dagbag: Any, demo_settings: Settings, store: Store, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.dag_processing.dagbag import DagBag

    from tests.test_digest_support import running_smtp_server

    with running_smtp_server() as server:
        port = int(server.url.rsplit(":", 1)[1])
        monkeypatch.setenv("MONITOR_AIRFLOW_ALERT_EMAIL", "ops@example.org")
        monkeypatch.setenv("AIRFLOW_CONN_SMTP_DEFAULT", json.dumps({
            "conn_type": "smtp", "host": "127.0.0.1", "port": port, "login": None,
            "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "airflow@example.org"}}))
        monkeypatch.setenv("MONITOR_FEEDS", str(tmp_path / "missing-feeds.yaml"))  # makes `plan` fail
        bag = DagBag(dag_folder=str(DAGS))  # parsed again: the notifier is configured at parse time
        dr = _run(bag, "monitor_ingest", {"force": True})
        assert dr.state == "failed"
        mails = server.to("ops@example.org")
        assert len(mails) == 1
        assert "monitor_ingest failed: plan" in mails[0]["Subject"]
