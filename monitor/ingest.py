"""Ingestion: sync the configured feeds into the store, fetch the due ones, parse them and
store their items idempotently, with a fetch-log row and health update per feed."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from monitor.config import FeedConfig, Settings
from monitor.errors import FeedParseError
from monitor.fetch import FetchRequest, FetchResult, fetch_all
from monitor.parse import ParsedFeed, parse_feed
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, fetch_log, items
from monitor.timeutil import Clock, as_utc, utcnow


@dataclass(slots=True)
class FeedOutcome:
    feed: str
    status: str  # ok | not_modified | error | skipped
    items_seen: int = 0
    items_new: int = 0
    http_status: int | None = None
    error: str | None = None
    reason: str | None = None
    duration_ms: int = 0
    bytes: int = 0


@dataclass(slots=True)
class IngestSummary:
    run_id: str
    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def feeds_ok(self) -> int:
        return sum(1 for o in self.outcomes if o.status in ("ok", "not_modified"))

    @property
    def feeds_failed(self) -> int:
        return sum(1 for o in self.outcomes if o.status == "error")

    @property
    def items_new(self) -> int:
        return sum(o.items_new for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {"run_id": self.run_id, "feeds": len(self.outcomes), "feeds_ok": self.feeds_ok,
                "feeds_failed": self.feeds_failed, "items_new": self.items_new}


def sync_feeds(store: Store, configured: Sequence[FeedConfig], now: datetime | None = None) -> int:
    """Insert new feeds and update the descriptive fields of known ones. Health state
    (validators, failures, disabled) is kept. Returns the number of feeds configured."""
    now = now or utcnow()
    with store.write() as conn:
        insert_ignore(conn, feeds, [
            {"name": f.name, "url": f.url, "outlet": f.outlet_name, "language": f.language,
             "country": f.country, "tags": list(f.tags), "interval_minutes": f.interval,
             "enabled": f.enabled, "consecutive_failures": 0, "created_at": now}
            for f in configured
        ], ["name"])
        for f in configured:
            conn.execute(update(feeds).where(feeds.c.name == f.name).values(
                url=f.url, outlet=f.outlet_name, language=f.language, country=f.country,
                tags=list(f.tags), interval_minutes=f.interval))
    return len(configured)


def due_feeds(store: Store, names: Sequence[str] | None = None, *, now: datetime | None = None,
              force: bool = False) -> list[dict[str, Any]]:
    """Enabled feeds whose next due time has come (all enabled ones when ``force``)."""
    now = now or utcnow()
    with store.read() as conn:
        q = select(feeds).where(feeds.c.enabled.is_(True)).order_by(feeds.c.name)
        if names is not None:
            q = q.where(feeds.c.name.in_(list(names)))
        rows = [dict(r._mapping) for r in conn.execute(q)]
    if force:
        return rows
    return [r for r in rows if r["next_due_at"] is None or as_utc(r["next_due_at"]) <= now]


def _store_parsed(store: Store, feed_row: dict[str, Any], parsed: ParsedFeed, fetched_at: datetime) -> int:
    rows = [{
        "feed_id": feed_row["id"], "item_key": it.item_key, "url": it.url, "canonical_url": it.canonical_url,
        "title": it.title, "summary": it.summary, "content": it.content, "author": it.author,
        "published_at": it.published_at, "published_source": it.published_source, "fetched_at": fetched_at,
        "declared_language": feed_row["language"] or parsed.language, "content_hash": it.content_hash,
        "text_source": "feed",
    } for it in parsed.items]
    with store.write() as conn:
        new = insert_ignore(conn, items, rows, ["feed_id", "item_key"])
        if new:
            # Exact duplicates across feeds: link later copies to the earliest item with the same hash.
            hashes = sorted({r["content_hash"] for r in rows})
            firsts: dict[str, int] = {}
            for h, item_id in conn.execute(
                    select(items.c.content_hash, items.c.id).where(items.c.content_hash.in_(hashes))
                    .order_by(items.c.id)):
                firsts.setdefault(h, item_id)
            for h, first in firsts.items():
                conn.execute(update(items).where(items.c.content_hash == h, items.c.id != first,
                                                 items.c.duplicate_of.is_(None)).values(duplicate_of=first))
    return new


def _record(store: Store, feed_row: dict[str, Any], outcome: FeedOutcome, run_id: str, started: datetime,
            result: FetchResult | None, settings: Settings) -> None:
    failed = outcome.status == "error"
    failures = (feed_row["consecutive_failures"] + 1) if failed else 0
    interval = feed_row["interval_minutes"] or settings.feed_health.default_interval
    if failed:
        backoff = min(interval * (2 ** min(failures, 16)), settings.feed_health.max_backoff_minutes)
        next_due = started + timedelta(minutes=backoff)
    else:
        next_due = started + timedelta(minutes=interval)
    values: dict[str, Any] = {
        "last_status": outcome.status, "last_http_status": outcome.http_status,
        "last_error": outcome.error, "consecutive_failures": failures, "last_fetched_at": started,
        "next_due_at": next_due,
    }
    if not failed:
        values["last_success_at"] = started
        if result is not None and result.ok:
            values["etag"] = result.etag
            values["last_modified"] = result.last_modified
    if outcome.items_new:
        values["last_new_item_at"] = started
    if result is not None and result.permanent_redirect:
        values["permanent_redirect"] = result.permanent_redirect
    if failed and failures >= settings.feed_health.disable_after_failures:
        values["enabled"] = False
        values["disabled_reason"] = f"{failures} consecutive failures; last: {outcome.error}"
    with store.write() as conn:
        conn.execute(update(feeds).where(feeds.c.id == feed_row["id"]).values(**values))
        conn.execute(fetch_log.insert().values(
            feed_id=feed_row["id"], run_id=run_id, started_at=started, status=outcome.status,
            http_status=outcome.http_status, bytes=outcome.bytes, items_seen=outcome.items_seen,
            items_new=outcome.items_new, items_updated=0, duration_ms=outcome.duration_ms,
            error=outcome.error, reason=outcome.reason))


def ingest(store: Store, settings: Settings, *, names: Sequence[str] | None = None, force: bool = False,
           run_id: str | None = None, clock: Clock = utcnow,
           transport: httpx.AsyncBaseTransport | None = None,
           progress: Callable[[FeedOutcome], None] | None = None) -> IngestSummary:
    """Fetch, parse and store the due feeds (or ``names``). Per-feed failures are recorded,
    never raised."""
    run_id = run_id or uuid.uuid4().hex[:16]
    started = clock()
    targets = due_feeds(store, names, now=started, force=force)
    reqs = [FetchRequest(key=r["name"], url=r["url"], etag=r["etag"], last_modified=r["last_modified"])
            for r in targets]
    results = fetch_all(reqs, settings.http, transport=transport)
    summary = IngestSummary(run_id=run_id)
    for row, res in zip(targets, results, strict=True):
        outcome = FeedOutcome(feed=row["name"], status="ok", http_status=res.status,
                              duration_ms=res.duration_ms, bytes=len(res.content))
        if res.error:
            outcome.status, outcome.error, outcome.reason = "error", res.error, res.reason
        elif res.not_modified:
            outcome.status = "not_modified"
        else:
            try:
                parsed = parse_feed(res.content, res.headers, fetched_at=started, url=res.url)
                outcome.items_seen = len(parsed.items)
                outcome.items_new = _store_parsed(store, row, parsed, started)
                if parsed.bozo:
                    outcome.reason = "salvaged"
            except FeedParseError as e:
                outcome.status, outcome.error, outcome.reason = "error", str(e), e.reason
        _record(store, row, outcome, run_id, started, res, settings)
        summary.outcomes.append(outcome)
        if progress:
            progress(outcome)
    return summary
