"""Store maintenance for the weekly maintenance DAG: retention pruning, database upkeep
(VACUUM/ANALYZE) and the feed-health report the digest, the UI and operators read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, delete, func, not_, select, text

from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, items, metadata, narrative_members, narratives
from monitor.timeutil import Clock, as_utc, utcnow

# Deleting in chunks keeps each transaction (and SQLite's write lock) short.
_CHUNK = 500


@dataclass(slots=True)
class PruneSummary:
    cutoff: str
    items: int = 0
    fetch_log: int = 0
    narratives: int = 0
    dependents: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _item_dependents() -> list[tuple[Table, str]]:
    """Every (table, column) holding a foreign key to ``items.id``, read from the schema so
    tables added by later migrations are pruned too."""
    found: list[tuple[Table, str]] = []
    for table in metadata.sorted_tables:
        if table is items:
            continue
        for col in table.columns:
            if any(fk.column.table is items and fk.column.name == "id" for fk in col.foreign_keys):
                found.append((table, col.name))
    return found


def expired_item_ids(store: Store, cutoff: datetime, limit: int | None = None) -> list[int]:
    """Items published and fetched before ``cutoff`` that no still-active narrative needs
    (a narrative seen after the cutoff keeps all its members, so its origin stays known)."""
    active = (select(narrative_members.c.item_id)
              .join(narratives, narratives.c.id == narrative_members.c.narrative_id)
              .where(narratives.c.last_seen >= cutoff))
    q = (select(items.c.id).where(items.c.published_at < cutoff, items.c.fetched_at < cutoff,
                                  not_(items.c.id.in_(active)))
         .order_by(items.c.id))
    if limit is not None:
        q = q.limit(limit)
    with store.read() as conn:
        return [int(r[0]) for r in conn.execute(q)]


def prune(store: Store, retention_days: int, *, clock: Clock = utcnow, dry_run: bool = False) -> PruneSummary:
    """Delete items older than ``retention_days`` with everything derived from them, fetch-log
    rows of the same age, and narratives left without members. Safe to re-run."""
    cutoff = clock() - timedelta(days=retention_days)
    summary = PruneSummary(cutoff=cutoff.isoformat())
    ids = expired_item_ids(store, cutoff)
    summary.items = len(ids)
    if dry_run:
        return summary
    dependents = _item_dependents()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        with store.write() as conn:
            for table, column in dependents:
                res = conn.execute(delete(table).where(table.c[column].in_(chunk)))
                if res.rowcount:
                    summary.dependents[table.name] = summary.dependents.get(table.name, 0) + int(res.rowcount)
            conn.execute(delete(items).where(items.c.id.in_(chunk)))
    with store.write() as conn:
        summary.fetch_log = int(conn.execute(delete(fetch_log).where(fetch_log.c.started_at < cutoff)).rowcount or 0)
        orphaned = not_(narratives.c.id.in_(select(narrative_members.c.narrative_id)))
        summary.narratives = int(conn.execute(delete(narratives).where(orphaned)).rowcount or 0)
    return summary


def optimize_database(store: Store) -> list[str]:
    """Reclaim space and refresh planner statistics: ``VACUUM`` + ``ANALYZE`` (plus a WAL
    checkpoint on SQLite). Returns the statements run."""
    # VACUUM cannot run inside a transaction on either database. SQLite connections of the store
    # open a transaction on every use (see monitor.store.db), so use the driver connection there.
    if store.dialect == "sqlite":
        statements = ["PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "ANALYZE", "PRAGMA optimize"]
        raw = store.engine.raw_connection()
        try:
            cur = raw.cursor()
            for stmt in statements:
                cur.execute(stmt)
            cur.close()
        finally:
            raw.close()
        return statements
    # No routine REINDEX of lsh_bands: random band keys leave its B-trees ~70% full, and a rebuild
    # packs them to 90% only for the next inserts to split nearly every page; the size per item
    # then overshoots what it was before the rebuild (benchmarks.lsh_regrowth: 805 B as inserted,
    # 708 after REINDEX, 1,067 after 20% more items).
    statements = ["VACUUM (ANALYZE)"]
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for stmt in statements:
            conn.execute(text(stmt))
    return statements


@dataclass(slots=True)
class FeedHealth:
    name: str
    outlet: str
    language: str | None
    status: str  # ok | failing | stale | disabled | never_fetched
    enabled: bool
    last_status: str | None
    consecutive_failures: int
    last_fetched_at: str | None
    last_success_at: str | None
    last_new_item_at: str | None
    items_recent: int
    last_error: str | None
    last_run_id: str | None


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).isoformat() if value is not None else None


def feed_health(store: Store, *, clock: Clock = utcnow, stale_days: int = 7,
                names: Sequence[str] | None = None) -> list[FeedHealth]:
    """One row per feed, worst first: disabled, failing (its last fetch failed), stale (no new
    item for ``stale_days``), never fetched, ok. ``items_recent`` counts items of the last
    ``stale_days``; ``last_run_id`` is the ingest run that fetched it last."""
    now = clock()
    since = now - timedelta(days=stale_days)
    recent = (select(items.c.feed_id, func.count().label("n")).where(items.c.fetched_at >= since)
              .group_by(items.c.feed_id).subquery())
    last_log = (select(fetch_log.c.feed_id, func.max(fetch_log.c.id).label("log_id"))
                .group_by(fetch_log.c.feed_id).subquery())
    q = (select(feeds, func.coalesce(recent.c.n, 0).label("items_recent"), fetch_log.c.run_id)
         .outerjoin(recent, recent.c.feed_id == feeds.c.id)
         .outerjoin(last_log, last_log.c.feed_id == feeds.c.id)
         .outerjoin(fetch_log, fetch_log.c.id == last_log.c.log_id)
         .order_by(feeds.c.name))
    if names is not None:
        q = q.where(feeds.c.name.in_(list(names)))
    out: list[FeedHealth] = []
    with store.read() as conn:
        for r in conn.execute(q):
            if not r.enabled:
                status = "disabled"
            elif r.last_fetched_at is None:
                status = "never_fetched"
            elif r.last_status == "error":
                status = "failing"
            elif r.last_new_item_at is None or as_utc(r.last_new_item_at) < since:
                status = "stale"
            else:
                status = "ok"
            out.append(FeedHealth(
                name=r.name, outlet=r.outlet, language=r.language, status=status, enabled=bool(r.enabled),
                last_status=r.last_status, consecutive_failures=int(r.consecutive_failures or 0),
                last_fetched_at=_iso(r.last_fetched_at), last_success_at=_iso(r.last_success_at),
                last_new_item_at=_iso(r.last_new_item_at), items_recent=int(r.items_recent),
                last_error=r.disabled_reason or r.last_error, last_run_id=r.run_id))
    order = {"disabled": 0, "failing": 1, "stale": 2, "never_fetched": 3, "ok": 4}
    out.sort(key=lambda h: (order[h.status], h.name))
    return out


def health_summary(rows: Sequence[FeedHealth]) -> dict[str, int]:
    """Feed counts per health status (every status present, zero when none)."""
    counts = dict.fromkeys(("ok", "stale", "failing", "disabled", "never_fetched"), 0)
    for r in rows:
        counts[r.status] += 1
    counts["total"] = len(rows)
    return counts


def write_health_report(rows: Sequence[FeedHealth], path: Path, *, clock: Clock = utcnow) -> Path:
    """Write the feed-health report as JSON (summary plus one object per feed) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"generated_at": clock().isoformat(), "summary": health_summary(rows), "feeds": [asdict(r) for r in rows]}
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
