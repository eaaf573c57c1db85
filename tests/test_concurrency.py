"""Concurrency: two overlapping ``monitor run`` processes on one store (SQLite or PostgreSQL)
never insert an item, narrative, alert or digest twice; a locked SQLite database is waited on,
not failed.

The overlap is forced, not hoped for: every feed's server holds its answer until both processes
have asked for it, so both write the same items at the same moment.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from monitor.store import Store, open_store
from monitor.store.tables import alerts, digest_ledger, feeds, fetch_log, items, narrative_members
from tests.conftest import backend
from tests.faultserver import FaultServer, rss
from tests.test_crash_recovery import orphans
from tests.test_digest_support import running_smtp_server

MONITOR = [sys.executable, "-m", "monitor.cli.app"]
STORY = ("The regional council of Northport approved a budget of 240 million euros for the new harbour "
         "bridge on Tuesday after a debate that lasted eleven hours, the mayor said in a statement.")
FEEDS = {
    f"wire-{i}": [(f"w{i}-bridge", f"Northport approves harbour bridge budget ({i})", STORY),
                  (f"w{i}-other", f"Local sports results from district {i}",
                   f"District {i} won its match {i + 2} to {i} in front of {1000 + i * 37} spectators.")]
    for i in range(4)
}


@pytest.fixture
def site(tmp_path: Path, database_url: str) -> Iterator[tuple[FaultServer, dict[str, str]]]:
    with FaultServer() as srv:
        listed = [{"name": n, "url": srv.add_feed(n, rss(n, e)), "language": "en"} for n, e in FEEDS.items()]
        feeds_file = tmp_path / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": listed}), encoding="utf-8")
        config = tmp_path / "monitor.yaml"
        config.write_text(yaml.safe_dump({"digest": {"subscriptions": [
            {"email": "ana@newsroom.example", "frequency": "hourly"}]}}), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
        env.update({"MONITOR_CONFIG": str(config), "MONITOR_FEEDS": str(feeds_file),
                    "MONITOR_DATA_DIR": str(tmp_path / "data"), "MONITOR_DATABASE_URL": database_url,
                    "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true", "MONITOR_HTTP__READ_TIMEOUT": "120",
                    "MONITOR_HTTP__TOTAL_TIMEOUT": "120"})
        yield srv, env


def _count(store: Store, table: Any, *where: Any) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def _wait_for(cond: Any, procs: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 240  # a safety net for a wedged run, not a timing assertion
    while not cond():
        for p in procs:
            if p.poll() is not None:
                pytest.fail(f"a run ended early (exit {p.returncode}): {p.stderr.read().decode() if p.stderr else ''}")
        if time.monotonic() > deadline:
            pytest.fail("condition never reached")
        time.sleep(0.05)


def test_two_overlapping_runs_insert_and_send_everything_once(site: tuple[FaultServer, dict[str, str]],
                                                              database_url: str) -> None:
    srv, env = site
    open_store(database_url).close()  # migrated once up front: both runs then race on data, not schema
    srv.gated_feeds.update(FEEDS)
    with running_smtp_server() as smtp:
        # every feed at once from each run (all are on one host), so both runs can reach the gate
        run_env = {**env, "MONITOR_SMTP_URL": smtp.url, "MONITOR_HTTP__PER_HOST_CONCURRENCY": str(len(FEEDS))}
        procs = [subprocess.Popen([*MONITOR, "run", "--send"], env=run_env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE) for _ in range(2)]
        _wait_for(lambda: all(srv.hits.get(f"/feed/{n}.xml", 0) >= 2 for n in FEEDS), procs)
        srv.gate.set()  # both runs now receive every feed at once
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, err.decode()
        store = open_store(database_url)
        try:
            assert _count(store, items) == sum(len(e) for e in FEEDS.values())
            with store.read() as conn:
                logged = conn.execute(select(fetch_log.c.status, func.count()).group_by(fetch_log.c.status)).all()
            assert dict(logged) == {"ok": 2 * len(FEEDS)}  # two runs, each feed ok, none refused by the store
            assert _count(store, items, items.c.analyzed_at.is_(None)) == 0
            with store.read() as conn:
                bridge = conn.execute(select(func.count(func.distinct(narrative_members.c.narrative_id)))
                                      .join(items, items.c.id == narrative_members.c.item_id)
                                      .where(items.c.item_key.like("%-bridge"))).scalar_one()
                kinds = conn.execute(select(alerts.c.kind, alerts.c.subject, alerts.c.level)).all()
            assert bridge == 1  # the same story from four wires is one narrative, not one per run
            assert len(kinds) == len(set(kinds))
            sent = _count(store, digest_ledger, digest_ledger.c.status == "sent")
            assert sent >= 1 and len(smtp.received) == sent
            assert orphans(store) == []
        finally:
            store.close()


@pytest.mark.skipif(backend() != "sqlite", reason="SQLite's database-wide write lock")
def test_a_locked_sqlite_database_is_waited_on_not_failed(site: tuple[FaultServer, dict[str, str]],
                                                          database_url: str) -> None:
    srv, env = site
    open_store(database_url).close()
    path = make_url(database_url).database
    assert path
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    p = subprocess.Popen([*MONITOR, "ingest"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # The run has opened the database and then outlasts sqlite3's own 5 s default timeout
        # while the lock is held: a store that did not wait would have failed by now.
        _wait_for(lambda: any(os.path.realpath(f"/proc/{p.pid}/fd/{fd}") == os.path.realpath(path)
                              for fd in _fds(p.pid)), [p])
        time.sleep(6)
        assert p.poll() is None, p.stderr.read().decode() if p.stderr else ""
        assert srv.hits == {}  # blocked on its first write (registering feeds), before any fetch
    finally:
        locker.execute("COMMIT")
        locker.close()
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()
    store = open_store(database_url)
    try:
        assert _count(store, items) == sum(len(e) for e in FEEDS.values())
        assert _count(store, feeds, feeds.c.last_status == "ok") == len(FEEDS)
    finally:
        store.close()


def _fds(pid: int) -> list[str]:
    try:
        return os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
