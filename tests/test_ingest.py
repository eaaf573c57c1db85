"""Ingestion end to end against a real HTTP server and the store under test (SQLite, or
PostgreSQL with MONITOR_TEST_DATABASE_URL): idempotent storage, conditional GET, feed health,
duplicates, overlapping runs, and the command line."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select, text

from monitor.config import FeedConfig, FeedHealthSettings, HttpSettings, Settings
from monitor.errors import StoreError
from monitor.ingest import due_feeds, enable_feed, ingest, sync_feeds
from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, items
from monitor.timeutil import as_utc

DATA = Path(__file__).parent / "data" / "ingest"
ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def rss(*entries: tuple[str, str, str]) -> bytes:
    body = "".join(f"<item><guid>{g}</guid><title>{t}</title><description>{d}</description>"
                   f"<pubDate>Tue, 03 Jan 2017 10:00:00 GMT</pubDate></item>" for g, t, d in entries)
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
    return f"{head}{body}</channel></rss>".encode()


FEED = rss(("1", "Floods close the road", "The coastal road was closed."),
           ("2", "Budget approved", "The council approved the budget."))


@pytest.fixture
def server() -> Iterator[HTTPServer]:
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


def settings(**health: Any) -> Settings:
    return Settings(http=HttpSettings(allow_private_networks=True, retry_backoff=0.01, retries=1),
                    feed_health=FeedHealthSettings(**health))


def add_feeds(store: Store, server: HTTPServer, *paths: str, interval: int | None = None) -> None:
    sync_feeds(store, [FeedConfig(name=p.strip("/"), url=server.url_for(p), interval=interval) for p in paths], NOW)


def feed_row(store: Store, name: str) -> dict[str, Any]:
    with store.read() as conn:
        return dict(conn.execute(select(feeds).where(feeds.c.name == name)).one()._mapping)


def count(store: Store, table: Any) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_items_are_stored_once_and_a_rerun_adds_nothing(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    add_feeds(store, server, "/a")
    first = ingest(store, settings(), force=True, clock=lambda: NOW)
    second = ingest(store, settings(), force=True, clock=lambda: NOW)
    assert (first.items_new, second.items_new) == (2, 0)
    assert count(store, items) == 2


def test_the_etag_round_trip_makes_the_second_fetch_a_304_without_parsing(store: Store, server: HTTPServer) -> None:
    server.expect_ordered_request("/a").respond_with_data(FEED, headers={"ETag": '"v1"'})
    server.expect_ordered_request("/a", headers={"If-None-Match": '"v1"'}).respond_with_data(b"", status=304)
    add_feeds(store, server, "/a")
    ingest(store, settings(), force=True)
    again = ingest(store, settings(), force=True)
    assert again.outcomes[0].status == "not_modified" and again.outcomes[0].items_seen == 0
    assert feed_row(store, "a")["etag"] == '"v1"'
    server.check_assertions()


def test_validators_are_not_kept_when_the_body_could_not_be_parsed(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"<html>maintenance</html>", headers={"ETag": '"broken"'})
    add_feeds(store, server, "/a")
    out = ingest(store, settings(), force=True).outcomes[0]
    assert out.status == "error" and out.reason in ("not_a_feed", "no_entries")
    assert feed_row(store, "a")["etag"] is None


def test_every_run_writes_one_fetch_log_row_per_feed(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    server.expect_request("/b").respond_with_data(b"", status=500)
    add_feeds(store, server, "/a", "/b")
    ingest(store, settings(), force=True)
    ingest(store, settings(), force=True)
    with store.read() as conn:
        rows = conn.execute(select(fetch_log.c.status, fetch_log.c.reason, fetch_log.c.attempts)).all()
    assert sorted(r.status for r in rows) == ["error", "error", "ok", "ok"]
    assert {(r.reason, r.attempts) for r in rows if r.status == "error"} == {("http_status", 2)}


def test_a_retried_task_with_the_same_run_id_keeps_one_log_row(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    add_feeds(store, server, "/a")
    ingest(store, settings(), force=True, run_id="run-1")
    ingest(store, settings(), force=True, run_id="run-1")
    with store.read() as conn:
        rows = conn.execute(select(fetch_log.c.items_new)).all()
    assert [r.items_new for r in rows] == [2]


def test_failures_back_off_exponentially(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"", status=500)
    add_feeds(store, server, "/a", interval=10)
    ingest(store, settings(), force=True, clock=lambda: NOW)
    first = feed_row(store, "a")
    ingest(store, settings(), force=True, clock=lambda: NOW)
    second = feed_row(store, "a")
    assert (first["consecutive_failures"], second["consecutive_failures"]) == (1, 2)
    assert as_utc(first["next_due_at"]) == NOW + timedelta(minutes=20)
    assert as_utc(second["next_due_at"]) == NOW + timedelta(minutes=40)
    assert first["last_error"] and first["last_http_status"] == 500


def test_a_success_resets_failures_and_uses_the_feed_interval(store: Store, server: HTTPServer) -> None:
    server.expect_ordered_request("/a").respond_with_data(b"", status=404)
    server.expect_ordered_request("/a").respond_with_data(FEED)
    add_feeds(store, server, "/a", interval=7)
    ingest(store, settings(), force=True, clock=lambda: NOW)
    ingest(store, settings(), force=True, clock=lambda: NOW)
    row = feed_row(store, "a")
    assert row["consecutive_failures"] == 0 and row["last_status"] == "ok"
    assert as_utc(row["next_due_at"]) == NOW + timedelta(minutes=7)


def test_a_feed_is_disabled_after_repeated_failures_and_enabled_by_command(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"", status=404)
    add_feeds(store, server, "/a")
    for _ in range(3):
        ingest(store, settings(disable_after_failures=3), force=True)
    row = feed_row(store, "a")
    assert not row["enabled"] and "3 consecutive failures" in row["disabled_reason"]
    assert due_feeds(store, force=True) == []
    assert enable_feed(store, "a")
    row = feed_row(store, "a")
    assert row["enabled"] and row["consecutive_failures"] == 0 and [f["name"] for f in due_feeds(store)] == ["a"]


def test_http_410_gone_disables_the_feed_at_once(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"", status=410)
    add_feeds(store, server, "/a")
    out = ingest(store, settings(), force=True).outcomes[0]
    assert out.disabled and not feed_row(store, "a")["enabled"]


def test_a_long_retry_after_pushes_the_next_due_time(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(b"", status=429, headers={"Retry-After": "7200"})
    add_feeds(store, server, "/a", interval=5)
    ingest(store, settings(), force=True, clock=lambda: NOW)
    assert as_utc(feed_row(store, "a")["next_due_at"]) >= NOW + timedelta(seconds=7200)


def test_a_permanent_redirect_is_reported_and_the_configured_url_kept(store: Store, server: HTTPServer) -> None:
    server.expect_request("/old").respond_with_data(b"", status=308, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(FEED)
    add_feeds(store, server, "/old")
    out = ingest(store, settings(), force=True).outcomes[0]
    row = feed_row(store, "old")
    assert out.status == "ok" and row["url"] == server.url_for("/old")
    assert row["permanent_redirect"] == server.url_for("/new") and "moved permanently" in (out.warning or "")


def test_exact_duplicates_across_feeds_are_linked_to_the_first(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    server.expect_request("/b").respond_with_data(rss(("x", "Budget  approved", "The council approved the budget.")))
    add_feeds(store, server, "/a")
    ingest(store, settings(), force=True)
    add_feeds(store, server, "/a", "/b")
    ingest(store, settings(), force=True, names=["b"])
    with store.read() as conn:
        rows = {r.item_key: r for r in conn.execute(select(items.c.id, items.c.item_key, items.c.duplicate_of))}
    assert rows["x"].duplicate_of == rows["2"].id and rows["2"].duplicate_of is None
    assert rows["1"].duplicate_of is None


def test_a_scheduled_run_skips_feeds_not_yet_due(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    add_feeds(store, server, "/a", interval=15)
    ingest(store, settings(), clock=lambda: NOW)
    assert ingest(store, settings(), clock=lambda: NOW + timedelta(minutes=5)).outcomes == []
    assert len(ingest(store, settings(), clock=lambda: NOW + timedelta(minutes=16)).outcomes) == 1


def test_overlapping_scheduled_runs_poll_each_feed_once(store: Store, server: HTTPServer) -> None:
    names = [f"/f{i}" for i in range(12)]
    for p in names:
        server.expect_request(p).respond_with_data(rss((p, f"Title {p}", f"Text of {p}")))
    add_feeds(store, server, *names)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(len(ingest(store, settings()).outcomes))
        except BaseException as e:  # surfaced below
            errors.append(e)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sum(results) == 12
    assert count(store, items) == 12 and len(server.log) == 12


def test_overlapping_forced_runs_never_duplicate_items(store: Store, server: HTTPServer) -> None:
    names = [f"/f{i}" for i in range(8)]
    for p in names:
        server.expect_request(p).respond_with_data(FEED)
    add_feeds(store, server, *names)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            ingest(store, settings(), force=True)
        except BaseException as e:  # surfaced below
            errors.append(e)
    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and count(store, items) == 16 and count(store, fetch_log) == 24
    with store.read() as conn:
        dupes = conn.execute(select(func.count()).where(items.c.duplicate_of.is_not(None))).scalar_one()
    assert dupes == 14  # the same two texts in eight feeds: seven copies of each point at the first


def test_a_store_that_refuses_every_write_stops_the_run_with_a_store_error(store: Store,
                                                                           server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED)
    add_feeds(store, server, "/a")
    with store.write() as conn:  # the run can still read its feeds, but never store an item
        conn.execute(text("DROP TABLE items CASCADE" if conn.dialect.name == "postgresql" else "DROP TABLE items"))
    with pytest.raises(StoreError, match="could not write to the store"):
        ingest(store, settings(), force=True)


def test_a_changed_url_in_the_feeds_file_forgets_the_old_validators(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data(FEED, headers={"ETag": '"v1"'})
    add_feeds(store, server, "/a")
    ingest(store, settings(), force=True)
    sync_feeds(store, [FeedConfig(name="a", url=server.url_for("/a2"))])
    row = feed_row(store, "a")
    assert row["url"].endswith("/a2") and row["etag"] is None


def test_enabled_false_in_the_feeds_file_disables_and_true_restores(store: Store, server: HTTPServer) -> None:
    url = server.url_for("/a")
    sync_feeds(store, [FeedConfig(name="a", url=url, enabled=False)])
    assert not feed_row(store, "a")["enabled"]
    sync_feeds(store, [FeedConfig(name="a", url=url)])
    assert feed_row(store, "a")["enabled"]


def test_stored_items_carry_the_date_source_and_declared_language(store: Store, server: HTTPServer) -> None:
    server.expect_request("/dates").respond_with_data((DATA / "dates.atom").read_bytes(),
                                                      content_type="application/atom+xml")
    add_feeds(store, server, "/dates")
    ingest(store, settings(), force=True, clock=lambda: NOW)
    with store.read() as conn:
        rows = {r.item_key: r for r in conn.execute(select(items))}
    assert rows["urn:e3"].published_source == "fetched"
    assert rows["urn:e4"].published_source == "future_clamped" and as_utc(rows["urn:e4"].published_at) == NOW
    assert rows["urn:e1"].declared_language == "de" and rows["urn:e5"].declared_language == "fr"


# --------------------------------------------------------------------------- command line

def monitor(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(ROOT / ".venv" / "bin" / "monitor"), *args], env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, server: HTTPServer) -> dict[str, str]:
    server.expect_request("/good").respond_with_data(FEED)
    server.expect_request("/bad").respond_with_data(b"", status=500)
    (tmp_path / "feeds.yaml").write_text(
        f"feeds:\n  - {{name: good, url: '{server.url_for('/good')}'}}\n"
        f"  - {{name: bad, url: '{server.url_for('/bad')}'}}\n", encoding="utf-8")
    return {"MONITOR_DATABASE_URL": database_url, "MONITOR_DATA_DIR": str(tmp_path),
            "MONITOR_FEEDS": str(tmp_path / "feeds.yaml"), "MONITOR_CONFIG": ""}


def test_cli_ingest_exits_0_despite_feed_failures_and_3_with_strict(cli_env: dict[str, str]) -> None:
    assert monitor("ingest", "--allow-private-networks", env=cli_env).returncode == 0
    assert monitor("ingest", "--allow-private-networks", "--strict", env=cli_env).returncode == 3


def test_cli_ingest_refuses_loopback_without_the_flag(cli_env: dict[str, str]) -> None:
    out = monitor("ingest", "--json", env=cli_env)
    summary = json.loads(out.stdout)
    assert out.returncode == 0 and summary["feeds_failed"] == 2
    assert {o["reason"] for o in summary["outcomes"]} == {"blocked_address"}


def test_cli_items_prints_json_lines_with_the_contract_fields(cli_env: dict[str, str]) -> None:
    monitor("ingest", "--allow-private-networks", env=cli_env)
    lines = monitor("items", env=cli_env).stdout.splitlines()
    objs = [json.loads(line) for line in lines]
    assert len(objs) == 2
    assert all({"id", "feed", "url", "title", "lang", "published", "text"} <= set(o) for o in objs)


def test_cli_feeds_check_probes_every_feed(cli_env: dict[str, str]) -> None:
    out = monitor("feeds", "check", "--allow-private-networks", "--json", env=cli_env)
    rows = {r["feed"]: r for r in map(json.loads, out.stdout.splitlines())}
    assert rows["good"]["status"] == "ok" and rows["good"]["items"] == 2 and rows["good"]["encoding"] == "utf-8"
    assert rows["bad"]["status"] == "error" and rows["bad"]["http"] == 500


def test_parsing_in_a_worker_process_stores_the_same_items(store: Store, server: HTTPServer) -> None:
    server.expect_request("/a").respond_with_data((DATA / "html_heavy.rss").read_bytes())
    server.expect_request("/b").respond_with_data(b"<html>not a feed</html>", content_type="text/html")
    add_feeds(store, server, "/a", "/b")
    summary = ingest(store, settings(), force=True, parse_workers=1)
    by_feed = {o.feed: o for o in summary.outcomes}
    assert by_feed["a"].items_new == 2 and by_feed["b"].reason == "not_a_feed"
    with store.read() as conn:
        titles = sorted(conn.execute(select(items.c.title)).scalars())
    assert titles == ["Escaped twice", "Prices soar by 5 % & more"]


def stored_titles(store: Store, feed: str) -> dict[str, str]:
    with store.read() as conn:
        return dict(conn.execute(select(items.c.item_key, items.c.title).join(feeds, feeds.c.id == items.c.feed_id)
                                 .where(feeds.c.name == feed)).tuples().all())


def test_the_charset_served_in_http_headers_decodes_the_feed(store: Store, server: HTTPServer) -> None:
    server.expect_request("/cyr").respond_with_data((DATA / "http_charset.rss").read_bytes(),
                                                    content_type="application/rss+xml; charset=windows-1251")
    server.expect_request("/none").respond_with_data((DATA / "no_charset.rss").read_bytes(),
                                                     content_type="application/rss+xml")
    add_feeds(store, server, "/cyr", "/none")
    outcomes = {o.feed: o for o in ingest(store, settings(), force=True).outcomes}
    assert list(stored_titles(store, "cyr").values()) == ["Москва"] and outcomes["cyr"].encoding == "windows-1251"
    assert outcomes["none"].status == "ok" and list(stored_titles(store, "none").values()) == [
        "Café in München – “quoted”"]


def test_duplicate_guids_served_over_http_are_stored_once_each(store: Store, server: HTTPServer) -> None:
    server.expect_request("/dupes").respond_with_data((DATA / "duplicate_guids.rss").read_bytes())
    add_feeds(store, server, "/dupes")
    ingest(store, settings(), force=True)
    ingest(store, settings(), force=True)
    titles = stored_titles(store, "dupes")
    assert sorted(titles.values()) == ["Council approves the new budget", "Floods close the coastal road",
                                       "No guid here"]
