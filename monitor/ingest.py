"""Ingestion: sync the configured feeds into the store, fetch the due ones, parse them and
store their items idempotently, with one fetch-log row and a health update per feed and run.

Safe under overlapping runs (two Airflow batches, a retried task, a CLI run during a DAG run):
items are inserted with ON CONFLICT DO NOTHING on (feed, item key); health counters are read and
written inside one write transaction (row lock on PostgreSQL, BEGIN IMMEDIATE on SQLite); a
scheduled (non-forced) run first claims its due feeds, so two runs never poll one feed at once;
exact duplicates are linked after the items are committed, so whichever run links last sees both.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx
from sqlalchemy import Connection, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from monitor.config import FeedConfig, Settings
from monitor.errors import StoreError
from monitor.fetch import FetchRequest, FetchResult, fetch_each
from monitor.parse import ParsedFeed, ParseOutcome, ParserPool, PendingParse, parse_outcome
from monitor.store import Store, insert_ignore, with_retry
from monitor.store.tables import feeds, fetch_log, items
from monitor.timeutil import Clock, as_utc, utcnow

CONFIG_DISABLED = "disabled in the feeds file"
PARALLEL_PARSE_FROM = 200  # feeds in a run before a parser process pays for its start-up


@dataclass(slots=True)
class FeedOutcome:
    feed: str
    status: str  # ok | not_modified | error
    items_seen: int = 0
    items_new: int = 0
    items_updated: int = 0  # seen again with changed text (the first stored version is kept)
    http_status: int | None = None
    error: str | None = None
    reason: str | None = None
    warning: str | None = None
    duration_ms: int = 0
    bytes: int = 0
    attempts: int = 0
    encoding: str | None = None
    permanent_redirect: str | None = None
    next_due_at: datetime | None = None
    disabled: bool = False


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
                "feeds_failed": self.feeds_failed, "items_new": self.items_new,
                "not_modified": sum(1 for o in self.outcomes if o.status == "not_modified"),
                "disabled": sum(1 for o in self.outcomes if o.disabled)}


# --------------------------------------------------------------------------- feeds table

def sync_feeds(store: Store, configured: Sequence[FeedConfig], now: datetime | None = None) -> int:
    """Insert new feeds and update the descriptive fields of known ones. Health state is kept,
    except that a changed URL forgets the old URL's validators and redirect, and ``enabled:
    false`` in the file disables the feed (and ``true`` undoes only that). Returns the number
    of feeds configured."""
    now = now or utcnow()
    with store.write() as conn:
        insert_ignore(conn, feeds, [
            {"name": f.name, "url": f.url, "outlet": f.outlet_name, "language": f.language,
             "country": f.country, "tags": list(f.tags), "interval_minutes": f.interval,
             "enabled": f.enabled, "disabled_reason": None if f.enabled else CONFIG_DISABLED,
             "consecutive_failures": 0, "created_at": now}
            for f in configured
        ], ["name"])
        known = {r.name: r for r in conn.execute(
            select(feeds.c.name, feeds.c.url, feeds.c.enabled, feeds.c.disabled_reason)
            .where(feeds.c.name.in_([f.name for f in configured])))}
        for f in configured:
            row = known[f.name]
            values: dict[str, Any] = {"outlet": f.outlet_name, "language": f.language, "country": f.country,
                                      "tags": list(f.tags), "interval_minutes": f.interval}
            if row.url != f.url:
                values.update(url=f.url, etag=None, last_modified=None, permanent_redirect=None,
                              next_due_at=None)
            if not f.enabled and row.enabled:
                values.update(enabled=False, disabled_reason=CONFIG_DISABLED)
            elif f.enabled and not row.enabled and row.disabled_reason == CONFIG_DISABLED:
                values.update(enabled=True, disabled_reason=None)
            conn.execute(update(feeds).where(feeds.c.name == f.name).values(**values))
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


def enable_feed(store: Store, name: str) -> bool:
    """Re-enable a feed (after automatic disabling) and forget its failures. False if unknown."""
    with store.write() as conn:
        res = conn.execute(update(feeds).where(feeds.c.name == name).values(
            enabled=True, disabled_reason=None, consecutive_failures=0, next_due_at=None))
    return bool(res.rowcount)


def last_errors(store: Store) -> dict[str, str]:
    """Each feed's last recorded error (feeds whose last fetch failed)."""
    with store.read() as conn:
        return {n: e for n, e in conn.execute(select(feeds.c.name, feeds.c.last_error)
                                              .where(feeds.c.last_error.is_not(None))).tuples()}


def _claim(store: Store, rows: list[dict[str, Any]], now: datetime, lease: timedelta) -> list[dict[str, Any]]:
    """Move the due feeds' next due time forward by ``lease``, keeping those this run won: a
    second run started meanwhile sees them as not due. The real next due time is written when
    the feed is recorded; a crashed run's feeds come due again when the lease ends."""
    won: set[int] = set()
    with store.write() as conn:
        for i in range(0, len(rows), 500):
            won.update(conn.execute(update(feeds).where(
                feeds.c.id.in_([r["id"] for r in rows[i:i + 500]]), feeds.c.enabled.is_(True),
                or_(feeds.c.next_due_at.is_(None), feeds.c.next_due_at <= now))
                .values(next_due_at=now + lease).returning(feeds.c.id)).scalars())
    return [r for r in rows if r["id"] in won]


# --------------------------------------------------------------------------- storing

def _store_items(conn: Connection, feed_row: dict[str, Any], parsed: ParsedFeed,
                 fetched_at: datetime) -> tuple[int, int, list[str]]:
    """Insert the feed's items not stored yet. Returns (new, changed, hashes of new items)."""
    keys = [it.item_key for it in parsed.items]
    stored: dict[str, str] = {}
    for i in range(0, len(keys), 500):
        stored.update((k, h) for k, h in conn.execute(
            select(items.c.item_key, items.c.content_hash)
            .where(items.c.feed_id == feed_row["id"], items.c.item_key.in_(keys[i:i + 500]))).tuples())
    changed = sum(1 for it in parsed.items if it.item_key in stored and stored[it.item_key] != it.content_hash)
    lang = feed_row["language"]
    rows = [{
        "feed_id": feed_row["id"], "item_key": it.item_key, "url": it.url, "canonical_url": it.canonical_url,
        "title": it.title, "summary": it.summary, "content": it.content, "author": it.author,
        "published_at": it.published_at, "published_source": it.published_source, "fetched_at": fetched_at,
        "declared_language": lang or it.language or parsed.language, "content_hash": it.content_hash,
        "text_source": "feed",
    } for it in sorted(parsed.items, key=lambda it: it.item_key) if it.item_key not in stored]
    new = insert_ignore(conn, items, rows, ["feed_id", "item_key"])
    return new, changed, sorted({r["content_hash"] for r in rows if r["content"] or r["summary"]})


def link_duplicates(store: Store, hashes: Sequence[str]) -> int:
    """Point every item sharing a content hash (with some text) at the first stored one.

    Runs after the items are committed, in its own transaction: of two overlapping runs storing
    the same text, the one that links last sees both copies. Returns the rows changed."""
    if not hashes:
        return 0
    changed = 0
    has_text = or_(items.c.content != "", items.c.summary != "")
    with store.write() as conn:
        for i in range(0, len(hashes), 500):
            firsts = conn.execute(  # only hashes shared by several items need any update
                select(items.c.content_hash, func.min(items.c.id))
                .where(items.c.content_hash.in_(list(hashes[i:i + 500])), has_text)
                .group_by(items.c.content_hash).having(func.count() > 1)).tuples().all()
            for h, first in firsts:
                changed += conn.execute(update(items).where(
                    items.c.content_hash == h, items.c.id != first, has_text,
                    or_(items.c.duplicate_of.is_(None), items.c.duplicate_of != first)).values(
                    duplicate_of=first)).rowcount or 0
                conn.execute(update(items).where(items.c.id == first, items.c.duplicate_of.is_not(None))
                             .values(duplicate_of=None))
    return changed


def _next_due(outcome: FeedOutcome, failures: int, interval: int, settings: Settings, now: datetime,
              retry_after: float | None) -> datetime:
    if outcome.status != "error":
        return now + timedelta(minutes=interval)
    backoff = min(interval * 2 ** min(failures, 20), settings.feed_health.max_backoff_minutes)
    due = now + timedelta(minutes=backoff)
    if retry_after is not None:  # never come back before the server said we may
        due = max(due, now + timedelta(seconds=min(retry_after, 7 * 86400)))
    return due


_LOG_COLUMNS = ("feed_id", "run_id", "started_at", "status", "http_status", "bytes", "items_seen", "items_new",
                "items_updated", "duration_ms", "error", "reason", "warning", "attempts")


def _log_upsert(dialect: str) -> Any:
    """One fetch-log row per (feed, run); a retried task updates it (new items add up).
    Built once per transaction: constructing ON CONFLICT statements costs more than running them."""
    ins = sqlite.insert(fetch_log) if dialect == "sqlite" else postgresql.insert(fetch_log)
    cols: dict[str, Any] = {k: ins.excluded[k] for k in _LOG_COLUMNS if k not in ("feed_id", "run_id", "items_new")}
    cols["items_new"] = fetch_log.c.items_new + ins.excluded.items_new
    return ins.on_conflict_do_update(index_elements=["feed_id", "run_id"], set_=cols)


def _record(conn: Connection, feed_row: dict[str, Any], outcome: FeedOutcome, run_id: str, now: datetime,
            result: FetchResult, settings: Settings, log_stmt: Any) -> None:
    """Update the feed's health and write its fetch-log row (inside the caller's transaction)."""
    failed = outcome.status == "error"
    failures, enabled = 0, True
    if failed:  # read the counter inside the write transaction: an overlapping run's update is never lost
        current = conn.execute(select(feeds.c.consecutive_failures, feeds.c.enabled)
                               .where(feeds.c.id == feed_row["id"]).with_for_update()).one()
        failures, enabled = current.consecutive_failures + 1, current.enabled
    interval = feed_row["interval_minutes"] or settings.feed_health.default_interval
    outcome.next_due_at = _next_due(outcome, failures, interval, settings, now, result.retry_after)
    values: dict[str, Any] = {
        "last_status": outcome.status, "last_http_status": outcome.http_status,
        "last_error": outcome.error, "consecutive_failures": failures, "last_fetched_at": now,
        "next_due_at": outcome.next_due_at, "permanent_redirect": result.permanent_redirect,
    }
    if not failed:
        values["last_success_at"] = now
        if result.ok:  # validators only from a response we fully processed
            values["etag"] = result.etag
            values["last_modified"] = result.last_modified
    if outcome.items_new:
        values["last_new_item_at"] = now
    gone = failed and outcome.http_status == 410
    if enabled and failed and (gone or failures >= settings.feed_health.disable_after_failures):
        outcome.disabled = True
        values["enabled"] = False
        why = "the server says the feed is gone (HTTP 410)" if gone else f"{failures} consecutive failures"
        values["disabled_reason"] = f"{why}; last: {outcome.error}"
    conn.execute(update(feeds).where(feeds.c.id == feed_row["id"]).values(**values))
    conn.execute(log_stmt, {
        "feed_id": feed_row["id"], "run_id": run_id, "started_at": now, "status": outcome.status,
        "http_status": outcome.http_status, "bytes": outcome.bytes, "items_seen": outcome.items_seen,
        "items_new": outcome.items_new, "items_updated": outcome.items_updated,
        "duration_ms": outcome.duration_ms, "error": outcome.error, "reason": outcome.reason,
        "warning": outcome.warning, "attempts": max(1, outcome.attempts)})


def _needs_parsing(res: FetchResult) -> bool:
    return not res.error and not res.not_modified


def _prepare(feed_row: dict[str, Any], res: FetchResult, now: datetime,
             done: ParseOutcome | None = None) -> tuple[FeedOutcome, ParsedFeed | None]:
    """Turn a fetch result into an outcome and (when there is a body) a parsed feed; no I/O.
    ``done`` is the parse already made elsewhere (see ParserPool)."""
    outcome = FeedOutcome(feed=feed_row["name"], status="ok", http_status=res.status, bytes=len(res.content),
                          attempts=res.attempts, permanent_redirect=res.permanent_redirect)
    warnings = []
    if res.permanent_redirect:
        warnings.append(f"moved permanently to {res.permanent_redirect} (update the feeds file)")
    parsed: ParsedFeed | None = None
    if res.error:
        outcome.status, outcome.error, outcome.reason = "error", res.error, res.reason
    elif res.not_modified:
        outcome.status = "not_modified"  # nothing to parse: that is the point of a 304
    else:
        parsed, failure = done or parse_outcome(res.content, res.headers, now, res.final_url or res.url)
        if failure is not None or parsed is None:
            outcome.status, outcome.reason = "error", failure[1] if failure else "parse_error"
            outcome.error = failure[0] if failure else "no result from the parser"
        else:
            outcome.items_seen, outcome.encoding = len(parsed.items), parsed.encoding
            if parsed.bozo:
                outcome.reason = "salvaged"
                warnings.append(f"ill-formed feed salvaged: {parsed.bozo}")
            warnings.extend(parsed.warnings)
    outcome.warning = "; ".join(warnings)[:2000] or None
    return outcome, parsed


@dataclass(slots=True)
class _Pending:
    row: dict[str, Any]
    result: FetchResult
    outcome: FeedOutcome
    parsed: ParsedFeed | None
    now: datetime
    started: float


def _write(conn: Connection, p: _Pending, settings: Settings, run_id: str, log_stmt: Any) -> list[str]:
    new_hashes: list[str] = []
    p.outcome.items_new = p.outcome.items_updated = 0
    if p.parsed is not None:
        p.outcome.items_new, p.outcome.items_updated, new_hashes = _store_items(conn, p.row, p.parsed, p.now)
    p.outcome.duration_ms = p.result.duration_ms + int((time.monotonic() - p.started) * 1000)
    _record(conn, p.row, p.outcome, run_id, p.now, p.result, settings, log_stmt)
    return new_hashes


def _write_one(store: Store, p: _Pending, settings: Settings, run_id: str) -> list[str]:
    try:
        with store.write() as conn:
            return _write(conn, p, settings, run_id, _log_upsert(conn.dialect.name))
    except (DataError, IntegrityError) as e:  # the database refused this feed's data: record, go on
        p.outcome.status, p.outcome.reason, p.parsed = "error", "store_rejected", None
        p.outcome.error = f"the database refused the items: {type(e.orig or e).__name__}: {e.orig or e}"[:2000]
        with store.write() as conn:
            return _write(conn, p, settings, run_id, _log_upsert(conn.dialect.name))


def process_results(store: Store, pairs: Sequence[tuple[dict[str, Any], FetchResult]], settings: Settings,
                    run_id: str, now: datetime, parses: Sequence[PendingParse | None] | None = None
                    ) -> list[FeedOutcome]:
    """Parse and store fetch results and record them, several feeds per transaction (the common
    case of a 304 costs a few statements). Per-feed problems become outcomes, never exceptions;
    if the database refuses one feed's data, the batch is redone feed by feed. ``parses`` holds
    parses already under way for the pairs (see :class:`ParserPool`)."""
    pending = []
    for i, (row, res) in enumerate(pairs):
        started = time.monotonic()
        job = parses[i] if parses is not None else None
        outcome, parsed = _prepare(row, res, now, job.result() if job is not None else None)
        pending.append(_Pending(row, res, outcome, parsed, now, started))

    def write_batch() -> list[str]:
        hashes: list[str] = []
        with store.write() as conn:
            log_stmt = _log_upsert(conn.dialect.name)
            # Rows are locked in feed-id order (items by key within a feed), the same in every
            # run, so two overlapping runs queue behind each other instead of deadlocking.
            for p in sorted(pending, key=lambda p: p.row["id"]):
                hashes += _write(conn, p, settings, run_id, log_stmt)
        return hashes

    try:
        new_hashes = with_retry(write_batch)
    except (DataError, IntegrityError):
        new_hashes = []
        for p in pending:
            new_hashes += with_retry(partial(_write_one, store, p, settings, run_id))
    with_retry(lambda: link_duplicates(store, sorted(set(new_hashes))))
    return [p.outcome for p in pending]


def ingest(store: Store, settings: Settings, *, names: Sequence[str] | None = None, force: bool = False,
           run_id: str | None = None, clock: Clock = utcnow,
           transport: httpx.AsyncBaseTransport | None = None,
           progress: Callable[[FeedOutcome], None] | None = None,
           parse_workers: int | None = None) -> IngestSummary:
    """Fetch, parse and store the due feeds (or every enabled one of ``names`` when ``force``).
    Per-feed failures are recorded in the fetch log and feed health, never raised; results are
    stored as they arrive, so memory holds only the bodies in flight.

    ``parse_workers`` processes parse beside the fetch loop (default: one for runs of
    PARALLEL_PARSE_FROM feeds or more on a machine with several cores, else parsing is inline)."""
    run_id = (run_id or uuid.uuid4().hex[:16])[:64]
    started = clock()
    targets = due_feeds(store, names, now=started, force=force)
    if not force:
        http = settings.http
        worst = (http.total_timeout + http.max_retry_wait) * (http.retries + 1)
        lease = timedelta(seconds=worst * (len(targets) / http.max_concurrency + 1) + 600)
        targets = _claim(store, targets, started, lease)
    by_name = {r["name"]: r for r in targets}
    reqs = [FetchRequest(key=r["name"], url=r["url"], etag=r["etag"], last_modified=r["last_modified"])
            for r in targets]
    summary = IngestSummary(run_id=run_id)
    if parse_workers is None:
        parse_workers = 1 if len(reqs) >= PARALLEL_PARSE_FROM and (os.cpu_count() or 1) > 1 else 0
    pool = ParserPool(parse_workers)
    waiting: deque[tuple[list[tuple[dict[str, Any], FetchResult]], list[PendingParse | None], datetime]] = deque()

    def store_ready(limit: int) -> None:
        """Store the finished batches at the head; wait for more while over ``limit`` batches."""
        while waiting and (len(waiting) > limit or all(j is None or j.done() for j in waiting[0][1])):
            pairs, jobs, now = waiting.popleft()
            for outcome in process_results(store, pairs, settings, run_id, now, jobs):
                summary.outcomes.append(outcome)
                if progress:
                    progress(outcome)

    def consume(batch: list[FetchResult]) -> None:
        now = clock()
        pairs = [(by_name[r.key], r) for r in batch]
        jobs = [pool.submit(r.content, r.headers, now, r.final_url or r.url) if _needs_parsing(r) else None
                for r in batch]
        waiting.append((pairs, jobs, now))
        store_ready(limit=16)  # a bound on fetched-but-unstored batches (their bodies stay in memory)

    try:
        fetch_each(reqs, settings.http, consume, transport=transport)
        store_ready(limit=0)
        pool.close(wait=True)
    except SQLAlchemyError as e:
        raise StoreError(f"ingestion could not write to the store: {e}") from e
    finally:
        pool.close()
    return summary


__all__ = ["FeedOutcome", "IngestSummary", "due_feeds", "enable_feed", "ingest", "last_errors", "link_duplicates",
           "process_results", "sync_feeds"]
