"""The library behind the weekly monitor_maintenance DAG: retention pruning (with everything
derived from the pruned items, keeping narratives still active), database upkeep, and the
feed-health report, on the demo corpus in the store under test (SQLite or PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from monitor.analyze import analyze_pending
from monitor.config import Settings, load_feeds
from monitor.ingest import ingest, sync_feeds
from monitor.maintenance import (
    expired_item_ids,
    feed_health,
    health_summary,
    optimize_database,
    prune,
    write_health_report,
)
from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, fingerprints, items, lsh_bands, narrative_members, narratives


def _count(store: Store, table: Any, *where: Any) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


@pytest.fixture
def analysed(demo_settings: Settings, store: Store) -> Store:
    """The demo corpus ingested and analysed, each item backdated as if fetched when published
    (the corpus spans several days; retention is about when items were seen)."""
    sync_feeds(store, load_feeds(demo_settings.feeds_file))
    ingest(store, demo_settings, force=True)
    with store.write() as conn:
        conn.execute(update(items).values(fetched_at=items.c.published_at))
    analyze_pending(store, demo_settings)
    return store


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _cutoff_inside_a_narrative(store: Store) -> datetime:
    """The median publication time of the corpus, checked to fall inside some narrative's span, so
    a prune at that cutoff has both expired items and an active narrative with older members."""
    with store.read() as conn:
        published = sorted(_utc(r[0]) for r in conn.execute(select(items.c.published_at)))
        cutoff = published[len(published) // 2]
        spans = [(_utc(r.first_seen), _utc(r.last_seen)) for r in conn.execute(
            select(narratives.c.first_seen, narratives.c.last_seen).where(narratives.c.size >= 2))]
    assert any(first < cutoff <= last for first, last in spans), "a demo narrative spans the median"
    return cutoff


def test_prune_with_the_default_retention_keeps_recent_items(analysed: Store) -> None:
    before = _count(analysed, items)
    summary = prune(analysed, 365, clock=lambda: datetime(2026, 11, 26, tzinfo=UTC))
    assert summary.items == 0
    assert _count(analysed, items) == before


def test_prune_deletes_old_items_with_everything_derived_from_them(analysed: Store) -> None:
    far_future = datetime(2030, 1, 1, tzinfo=UTC)
    summary = prune(analysed, 30, clock=lambda: far_future)
    assert summary.items > 0
    assert _count(analysed, items) == 0
    assert _count(analysed, fingerprints) == 0
    assert _count(analysed, lsh_bands) == 0
    assert _count(analysed, narrative_members) == 0
    assert _count(analysed, narratives) == 0
    assert _count(analysed, fetch_log) == 0
    assert _count(analysed, feeds) > 0  # feeds are configuration, never pruned


def test_prune_keeps_every_member_of_a_narrative_still_active(analysed: Store) -> None:
    cutoff = _cutoff_inside_a_narrative(analysed)
    active = select(narratives.c.id).where(narratives.c.last_seen >= cutoff)
    members_before = _count(analysed, narrative_members, narrative_members.c.narrative_id.in_(active))
    summary = prune(analysed, 10, clock=lambda: cutoff + timedelta(days=10))
    assert summary.items > 0
    assert _count(analysed, narrative_members, narrative_members.c.narrative_id.in_(active)) == members_before
    with analysed.read() as conn:
        origins_missing = conn.execute(
            select(func.count()).select_from(narratives).where(
                narratives.c.last_seen >= cutoff,
                ~narratives.c.origin_item_id.in_(select(items.c.id)))).scalar_one()
    assert origins_missing == 0


def test_prune_dry_run_counts_and_deletes_nothing(analysed: Store) -> None:
    far_future = datetime(2030, 1, 1, tzinfo=UTC)
    before = _count(analysed, items)
    summary = prune(analysed, 30, clock=lambda: far_future, dry_run=True)
    assert summary.items == before == len(expired_item_ids(analysed, far_future - timedelta(days=30)))
    assert _count(analysed, items) == before


def test_prune_twice_changes_nothing_the_second_time(analysed: Store) -> None:
    clock = lambda: datetime(2030, 1, 1, tzinfo=UTC)  # noqa: E731
    assert prune(analysed, 30, clock=clock).items > 0  # else the second run proves nothing
    assert prune(analysed, 30, clock=clock).items == 0


def test_optimize_runs_vacuum_and_analyze_and_keeps_the_data(analysed: Store) -> None:
    before = _count(analysed, items)
    statements = optimize_database(analysed)
    assert any("VACUUM" in s for s in statements) and any("ANALYZE" in s for s in statements)
    assert _count(analysed, items) == before


def test_feed_health_tells_ok_failing_stale_disabled_and_never_fetched(analysed: Store) -> None:
    now = datetime.now(UTC)
    names = [h.name for h in feed_health(analysed, clock=lambda: now)]
    assert len(names) >= 5
    failing, disabled, stale, never = names[:4]
    with analysed.write() as conn:
        conn.execute(update(feeds).where(feeds.c.name == failing).values(
            last_status="error", last_error="HTTP 503", consecutive_failures=3))
        conn.execute(update(feeds).where(feeds.c.name == disabled).values(
            enabled=False, disabled_reason="10 consecutive failures"))
        conn.execute(update(feeds).where(feeds.c.name == stale).values(last_new_item_at=now - timedelta(days=30)))
        conn.execute(update(feeds).where(feeds.c.name == never).values(last_fetched_at=None))
    rows = {h.name: h for h in feed_health(analysed, clock=lambda: now)}
    assert rows[failing].status == "failing" and rows[failing].last_error == "HTTP 503"
    assert rows[disabled].status == "disabled" and "consecutive" in (rows[disabled].last_error or "")
    assert rows[stale].status == "stale"
    assert rows[never].status == "never_fetched"
    assert all(rows[n].status == "ok" for n in names[4:])
    assert health_summary(list(rows.values()))["ok"] == len(names) - 4
    ordered = [h.status for h in feed_health(analysed, clock=lambda: now)]
    assert ordered[:4] == ["disabled", "failing", "stale", "never_fetched"]  # worst first


def test_feed_health_names_the_run_that_fetched_each_feed(demo_settings: Settings, store: Store) -> None:
    sync_feeds(store, load_feeds(demo_settings.feeds_file))
    ingest(store, demo_settings, force=True, run_id="manual__2026-11-25T01:00:00+00:00")
    rows = feed_health(store)
    assert {h.last_run_id for h in rows} == {"manual__2026-11-25T01:00:00+00:00"}
    # every feed but the demo's planted failing one (HTTP 404) brought items
    assert {h.name for h in rows if h.items_recent == 0} == {"karachi-courier"}


def test_health_report_is_written_as_json(analysed: Store, tmp_path: Path) -> None:
    rows = feed_health(analysed)
    path = write_health_report(rows, tmp_path / "reports" / "feed-health.json")
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["summary"]["total"] == len(rows) == len(doc["feeds"])
    assert {"name", "status", "last_run_id", "items_recent"} <= set(doc["feeds"][0])
