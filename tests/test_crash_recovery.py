"""Crash recovery: ``monitor run`` / ``monitor analyze`` killed with SIGKILL in the middle of
ingest and in the middle of analysis, then re-run. The store must come out consistent (no
orphan rows, no half-written item, every item analysed), equal to a run that never crashed
(same items, narratives, figures, alerts), and the digest delivered exactly once (aiosmtpd
on 127.0.0.1 counts the messages).

"The middle" is made deterministic without mocks: during ingest, one feed's server stalls its
body until the process has stored the other feeds' items; during analysis, small batches and a
kill as soon as the first fingerprints are written (and before any item is marked analysed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from monitor.config import load_settings
from monitor.demo import DEMO_DIR
from monitor.pipeline import run_cycle
from monitor.store import Store, open_store
from monitor.store.tables import (
    alerts,
    digest_ledger,
    feeds,
    fingerprints,
    items,
    metadata,
    narrative_members,
)
from tests.conftest import fresh_database
from tests.faultserver import FaultServer, rss
from tests.test_digest_support import running_smtp_server

MONITOR = [sys.executable, "-m", "monitor.cli.app"]
LATE = [(f"late-{j}", f"Harbour bridge vote number {j}",
         f"The council of Northport voted on item {j} of the harbour bridge plan after a long debate.")
        for j in range(4)]


@dataclass
class Site:
    server: FaultServer
    feeds_file: Path
    config: Path


@dataclass
class Setup:
    env: dict[str, str]
    url: str
    server: FaultServer


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, demo_base_url: str) -> Iterator[Site]:
    """The demo feeds plus one feed on a fault server ("late-wire"); two hourly digests."""
    tmp = tmp_path_factory.mktemp("crash-site")
    with FaultServer() as srv:
        demo = (DEMO_DIR / "feeds.yaml").read_text(encoding="utf-8")
        listed = yaml.safe_load(demo.replace("${MONITOR_DEMO_BASE:-http://127.0.0.1:8765}", demo_base_url))["feeds"]
        listed.append({"name": "late-wire", "url": srv.add_feed("late-wire", rss("Late wire", LATE)),
                       "language": "en"})
        feeds_file = tmp / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": listed}, allow_unicode=True), encoding="utf-8")
        config = tmp / "monitor.yaml"
        config.write_text(yaml.safe_dump({"digest": {"subscriptions": [
            {"email": "ana@newsroom.example", "frequency": "hourly"},
            {"email": "bob@newsroom.example", "frequency": "hourly", "min_severity": "high"}]}}), encoding="utf-8")
        yield Site(srv, feeds_file, config)


def _env(site: Site, url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env.update({"MONITOR_CONFIG": str(site.config), "MONITOR_FEEDS": str(site.feeds_file),
                "MONITOR_DATA_DIR": str(data_dir), "MONITOR_DATABASE_URL": url,
                "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true", "MONITOR_HTTP__READ_TIMEOUT": "120",
                "MONITOR_HTTP__TOTAL_TIMEOUT": "120", "MONITOR_FULLTEXT__PER_HOST_DELAY": "0"})
    return env


@pytest.fixture
def setup(site: Site, tmp_path: Path, database_url: str) -> Setup:
    site.server.stall_feeds.clear()
    return Setup(_env(site, database_url, tmp_path / "data"), database_url, site.server)


def _start(s: Setup, *args: str, extra: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*MONITOR, *args], env={**s.env, **(extra or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)


def _run(s: Setup, *args: str, extra: dict[str, str] | None = None) -> None:
    p = _start(s, *args, extra=extra)
    _, err = p.communicate(timeout=300)
    assert p.returncode == 0, err.decode()


def _kill_when(p: subprocess.Popen[bytes], store: Store, ready: Callable[[Any], bool]) -> None:
    """SIGKILL ``p`` as soon as ``ready(conn)`` holds (polling the store); fail if it exits first."""
    deadline = time.monotonic() + 240  # a safety net for a wedged run, not a timing assertion
    while time.monotonic() < deadline:
        if p.poll() is not None:
            pytest.fail(f"the run ended (exit {p.returncode}) before the kill point: "
                        f"{p.stderr.read().decode() if p.stderr else ''}")
        try:
            with store.read() as conn:
                if ready(conn):
                    break
        except Exception:  # the tables may not exist yet while the first process migrates
            pass
        time.sleep(0.05)
    else:
        pytest.fail("kill point never reached")
    p.send_signal(signal.SIGKILL)
    p.wait()


def _count(conn: Any, table: Any, *where: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def orphans(store: Store) -> list[str]:
    """Rows whose foreign key names a missing parent, for every foreign key of the schema."""
    found = []
    with store.read() as conn:
        for table in metadata.sorted_tables:
            for fk in table.foreign_keys:
                col, parent = fk.parent, fk.column
                n = _count(conn, table, col.is_not(None), col.not_in(select(parent)))
                if n:
                    found.append(f"{table.name}.{col.name}: {n}")
    return found


def snapshot(store: Store) -> dict[str, Any]:
    """What a run decided, by natural keys (database ids differ between stores). Narratives are
    compared by their members: which item founds a narrative (hence its id) still follows the
    order matches are applied in, which follows row ids (reported to the narratives owner)."""
    with store.read() as conn:
        key = {r.id: f"{r.name}/{r.item_key}" for r in conn.execute(
            select(items.c.id, items.c.item_key, feeds.c.name).join(feeds, feeds.c.id == items.c.feed_id))}
        members: dict[str, set[str]] = {}
        for r in conn.execute(select(narrative_members.c.narrative_id, narrative_members.c.item_id)):
            members.setdefault(r.narrative_id, set()).add(key[r.item_id])
        story = {n: " + ".join(sorted(m)) for n, m in members.items()}
        return {
            "items": sorted(key.values()),
            "narratives": sorted(story.values()),
            "alerts": sorted(f"{r.kind} {story.get(r.subject, r.subject)} {r.level}" for r in conn.execute(
                select(alerts.c.kind, alerts.c.subject, alerts.c.level))),
            "fingerprinted": _count(conn, fingerprints),
        }


def assert_consistent(store: Store) -> None:
    assert orphans(store) == []
    with store.read() as conn:
        assert _count(conn, items, items.c.analyzed_at.is_(None)) == 0
        assert _count(conn, items, items.c.normalized_text.is_(None)) == 0
        assert _count(conn, items, items.c.lang.is_(None)) == 0


def assert_same(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Equal snapshots, reporting only what differs."""
    for k in want:
        if isinstance(want[k], list):
            assert (sorted(set(got[k]) - set(want[k])), sorted(set(want[k]) - set(got[k]))) == ([], []), k
        else:
            assert got[k] == want[k], k


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory, site: Site) -> Iterator[dict[str, Any]]:
    """The same feeds through one uninterrupted cycle in another database."""
    tmp = tmp_path_factory.mktemp("reference")
    with fresh_database(tmp) as url:
        store = open_store(url)
        try:
            run_cycle(load_settings(env=_env(site, url, tmp)), store=store)
            yield snapshot(store)
        finally:
            store.close()


def test_a_run_killed_during_ingest_recovers_and_sends_each_digest_once(setup: Setup,
                                                                       reference: dict[str, Any]) -> None:
    setup.server.stall_feeds.add("late-wire")
    store = open_store(setup.url)
    try:
        with running_smtp_server() as smtp:
            env = {"MONITOR_SMTP_URL": smtp.url}
            p = _start(setup, "run", "--send", extra=env)
            _kill_when(p, store, lambda c: _count(c, items) >= 10)
            with store.read() as conn:  # killed in the middle of ingest: nothing analysed or sent yet
                assert _count(conn, items, items.c.analyzed_at.is_not(None)) == 0
                assert _count(conn, items, items.c.feed_id.in_(
                    select(feeds.c.id).where(feeds.c.name == "late-wire"))) == 0
            assert smtp.received == []
            assert orphans(store) == []

            setup.server.stall_feeds.clear()
            _run(setup, "run", "--send", extra=env)
            _run(setup, "run", "--send", extra=env)  # a retried run adds and sends nothing

            assert_consistent(store)
            assert_same(snapshot(store), reference)
            with store.read() as conn:
                sent = conn.execute(select(digest_ledger.c.recipient, digest_ledger.c.period)
                                    .where(digest_ledger.c.status == "sent")).all()
            assert sent and len(smtp.received) == len(sent)
            ids = [r.message["Message-ID"] for r in smtp.received]
            assert len(set(ids)) == len(ids)
    finally:
        store.close()


def test_a_run_killed_during_analysis_resumes_to_the_uninterrupted_result(setup: Setup,
                                                                        reference: dict[str, Any]) -> None:
    store = open_store(setup.url)
    try:
        with running_smtp_server() as smtp:
            env = {"MONITOR_SMTP_URL": smtp.url, "MONITOR_MATCHING__BATCH_SIZE": "4"}
            p = _start(setup, "run", "--send", extra=env)
            _kill_when(p, store, lambda c: _count(c, fingerprints) > 0)
            with store.read() as conn:
                assert _count(conn, items, items.c.analyzed_at.is_(None)) > 0, "killed too late to test anything"
            assert smtp.received == []
            assert orphans(store) == []

            _run(setup, "run", "--send", extra=env)
            _run(setup, "run", "--send", extra=env)
            assert_consistent(store)
            assert_same(snapshot(store), reference)
            with store.read() as conn:
                sent = _count(conn, digest_ledger, digest_ledger.c.status == "sent")
            assert sent and len(smtp.received) == sent
    finally:
        store.close()
