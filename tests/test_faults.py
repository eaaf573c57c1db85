"""Fault injection into a full cycle: a local server answers most feeds with resets, silence,
stalled bodies, 500/503/429, truncated and mis-encoded bodies, gzip and XML entity bombs, a 50 MB
response and redirect loops, next to healthy feeds. The cycle completes, the healthy feeds' items
are all stored, and every failure is recorded with its reason in fetch_log and on the feed.

One cycle (module-scoped) is shared by the tests below; each checks one behaviour of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from monitor.config import load_settings
from monitor.pipeline import CycleResult, run_cycle
from monitor.store import Store, open_store
from monitor.store.tables import feeds, fetch_log, items
from tests.conftest import fresh_database
from tests.faultserver import FaultServer, rss

HEALTHY = {
    f"healthy-{i}": [(f"h{i}-{j}", f"Healthy story {j} of feed {i}",
                      f"Council number {i} approved budget line {j} for the new harbour bridge in district {i}.")
                     for j in range(3)]
    for i in range(3)
}

# feed name -> (path, reasons it may be recorded with). A feed that parses despite the fault
# (salvaged) is not a failure: it must then be recorded as "ok" with a warning.
FAULTY: dict[str, tuple[str, set[str]]] = {
    "reset": ("/reset", {"network"}),
    "silent": ("/silent", {"timeout", "deadline"}),
    "stalled-body": ("/stalled-body", {"timeout", "deadline"}),
    "http-500": ("/500", {"http_status"}),
    "http-503": ("/503", {"http_status"}),
    "http-429": ("/429", {"http_status"}),
    "truncated": ("/truncated", {"network"}),
    "fake-gzip": ("/fake-gzip", {"bad_encoding", "network"}),
    "gzip-bomb": ("/gzip-bomb", {"too_large"}),
    "deflate-bomb": ("/deflate-bomb", {"too_large"}),
    "huge-50mb": ("/huge", {"too_large"}),
    "huge-declared": ("/huge-declared", {"too_large"}),
    "redirect-loop": ("/loop-a", {"redirect_loop"}),
    "html-page": ("/html", {"not_a_feed"}),
    "missing": ("/nowhere", {"http_status"}),
}
# Faults a tolerant parser may salvage: either an error with one of these reasons, or ok.
SALVAGEABLE: dict[str, tuple[str, set[str]]] = {
    "misencoded": ("/misencoded", {"parse_error", "not_a_feed", "no_entries", "no_usable_entries"}),
    "entity-bomb": ("/entity-bomb", {"parse_error", "not_a_feed", "no_entries", "no_usable_entries",
                                     "parser_crash", "too_large"}),
}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CycleResult, Store]]:
    tmp = tmp_path_factory.mktemp("faults")
    with FaultServer() as srv, fresh_database(tmp) as url:
        listed: list[dict[str, Any]] = []
        for name, entries in HEALTHY.items():
            listed.append({"name": name, "url": srv.add_feed(name, rss(name, entries)), "language": "en"})
        for name, (path, _) in {**FAULTY, **SALVAGEABLE}.items():
            listed.append({"name": name, "url": srv.url(path)})
        feeds_file = tmp / "feeds.yaml"
        feeds_file.write_text(yaml.safe_dump({"feeds": listed}), encoding="utf-8")
        # Silence and stalled bodies are caught by the read timeout; the whole-request deadline is
        # generous because storing a batch pauses the fetch loop (monitor.fetch.fetch_each), and
        # that pause counts against requests in flight.
        settings = load_settings(env={
            "MONITOR_DATABASE_URL": url, "MONITOR_FEEDS": str(feeds_file), "MONITOR_DATA_DIR": str(tmp / "data"),
            "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true", "MONITOR_HTTP__CONNECT_TIMEOUT": "1",
            "MONITOR_HTTP__READ_TIMEOUT": "1", "MONITOR_HTTP__TOTAL_TIMEOUT": "15",
            "MONITOR_HTTP__RETRIES": "1", "MONITOR_HTTP__RETRY_BACKOFF": "0",
            "MONITOR_HTTP__MAX_RETRY_WAIT": "1", "MONITOR_HTTP__MAX_BYTES": str(2 * 1024 * 1024),
        })
        store = open_store(url)
        try:
            yield run_cycle(settings, store=store), store
        finally:
            store.close()


def _log(store: Store) -> dict[str, dict[str, Any]]:
    with store.read() as conn:
        q = select(feeds.c.name, fetch_log.c.status, fetch_log.c.reason, fetch_log.c.error, fetch_log.c.warning,
                   fetch_log.c.http_status).join(feeds, feeds.c.id == fetch_log.c.feed_id)
        return {r.name: dict(r._mapping) for r in conn.execute(q)}


def test_the_cycle_completes_and_reports_every_feed(cycle: tuple[CycleResult, Store]) -> None:
    result, _ = cycle
    assert len(result.ingest.outcomes) == len(HEALTHY) + len(FAULTY) + len(SALVAGEABLE)
    assert result.ingest.feeds_failed >= len(FAULTY)


def test_healthy_feeds_store_every_item(cycle: tuple[CycleResult, Store]) -> None:
    _, store = cycle
    with store.read() as conn:
        got = {(r.name, r.item_key) for r in conn.execute(
            select(feeds.c.name, items.c.item_key).join(feeds, feeds.c.id == items.c.feed_id))}
    for name, entries in HEALTHY.items():
        assert {(name, g) for g, _, _ in entries} <= got, name


def test_healthy_feeds_are_recorded_ok(cycle: tuple[CycleResult, Store]) -> None:
    log = _log(cycle[1])
    for name in HEALTHY:
        assert log[name]["status"] == "ok" and log[name]["error"] is None, log[name]


def test_healthy_items_are_analysed(cycle: tuple[CycleResult, Store]) -> None:
    _, store = cycle
    with store.read() as conn:
        pending = conn.execute(select(items.c.id).where(items.c.analyzed_at.is_(None))).all()
    assert pending == []


@pytest.mark.parametrize("name", sorted(FAULTY))
def test_each_fault_is_logged_as_an_error_with_its_reason(cycle: tuple[CycleResult, Store], name: str) -> None:
    row = _log(cycle[1])[name]
    assert row["status"] == "error", row
    assert row["reason"] in FAULTY[name][1], row
    assert row["error"], row


@pytest.mark.parametrize("name", sorted(SALVAGEABLE))
def test_hostile_bodies_are_refused_or_salvaged_with_a_warning(cycle: tuple[CycleResult, Store],
                                                               name: str) -> None:
    row = _log(cycle[1])[name]
    if row["status"] == "error":
        assert row["reason"] in SALVAGEABLE[name][1] and row["error"], row
    else:
        assert row["status"] == "ok" and row["warning"], row


def test_the_entity_bomb_is_never_expanded_into_the_store(cycle: tuple[CycleResult, Store]) -> None:
    _, store = cycle
    with store.read() as conn:
        sizes = [len(r.title) + len(r.summary) + len(r.content) for r in conn.execute(
            select(items.c.title, items.c.summary, items.c.content).join(feeds, feeds.c.id == items.c.feed_id)
            .where(feeds.c.name == "entity-bomb"))]
    assert all(s < 100_000 for s in sizes), sizes


def test_failed_feeds_carry_the_error_and_a_failure_count(cycle: tuple[CycleResult, Store]) -> None:
    _, store = cycle
    with store.read() as conn:
        rows = {r.name: r for r in conn.execute(select(feeds.c.name, feeds.c.last_status, feeds.c.last_error,
                                                       feeds.c.consecutive_failures, feeds.c.next_due_at))}
    for name in FAULTY:
        r = rows[name]
        assert r.last_status == "error" and r.last_error and r.consecutive_failures == 1, name
        assert r.next_due_at is not None, name


def test_retry_after_longer_than_a_run_is_honoured_in_the_next_due_time(cycle: tuple[CycleResult, Store]) -> None:
    _, store = cycle
    with store.read() as conn:
        rows = {r.name: r.next_due_at for r in conn.execute(select(feeds.c.name, feeds.c.next_due_at))}
    # the 429 and 503 feeds asked for an hour; the plain 500 gets the ordinary backoff
    assert rows["http-429"] > rows["http-500"]
    assert rows["http-503"] > rows["http-500"]

