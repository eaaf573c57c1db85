"""Blind spots of a period ("What we could not see"): feeds failing or disabled, feeds silent for
unusually long, items whose language is uncertain, items too short to be matched, and feeds whose
item dates were not believed (future- or back-dated, monitor.copytype).

An alert digest says what it saw; this says what it could not, so an empty section is a statement.
"""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from monitor.config import BlindSpotSettings
from monitor.copytype import feed_time_flags
from monitor.items import received_between
from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, items
from monitor.timeutil import as_utc, iso_z


@dataclass(slots=True)
class BlindSpots:
    since: datetime
    until: datetime
    failing: list[dict[str, Any]] = field(default_factory=list)
    silent: list[dict[str, Any]] = field(default_factory=list)
    uncertain_language: list[dict[str, Any]] = field(default_factory=list)
    too_short: list[dict[str, Any]] = field(default_factory=list)
    misdated: list[dict[str, Any]] = field(default_factory=list)  # feeds whose item dates were not believed

    @property
    def empty(self) -> bool:
        return not (self.failing or self.silent or self.uncertain_language or self.too_short or self.misdated)

    def as_dict(self) -> dict[str, Any]:
        return {"since": iso_z(self.since), "until": iso_z(self.until), "failing": self.failing, "silent": self.silent,
                "uncertain_language": self.uncertain_language, "too_short": self.too_short,
                "misdated": self.misdated}



def _failing_since(conn: Connection, feed_id: int, last_success: datetime | None) -> datetime | None:
    q = select(fetch_log.c.started_at).where(fetch_log.c.feed_id == feed_id, fetch_log.c.status == "error")
    if last_success is not None:
        q = q.where(fetch_log.c.started_at > last_success)
    return conn.execute(q.order_by(fetch_log.c.started_at).limit(1)).scalar_one_or_none()


def _usual_gap(times: list[datetime]) -> timedelta | None:
    """The median gap between a feed's consecutive items (None with fewer than three items)."""
    ordered = sorted(as_utc(t) for t in times)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(ordered)]
    return timedelta(seconds=statistics.median(gaps)) if len(gaps) >= 2 else None


def blind_spots(store: Store, settings: BlindSpotSettings, since: datetime, until: datetime) -> BlindSpots:
    """Everything the period ``since``..``until`` could not see, as of ``until``."""
    since, until = as_utc(since), as_utc(until)
    out = BlindSpots(since, until)
    with store.read() as conn:
        feed_rows = conn.execute(select(feeds).order_by(feeds.c.name)).all()
        for f in feed_rows:
            last_success = as_utc(f.last_success_at) if f.last_success_at else None
            if not f.enabled:
                out.failing.append({"feed": f.name, "outlet": f.outlet, "state": "disabled",
                                    "reason": f.disabled_reason or f.last_error or "disabled in configuration",
                                    "since": iso_z(_failing_since(conn, f.id, last_success) or f.last_fetched_at)})
            elif f.consecutive_failures or f.last_status == "error":
                out.failing.append({"feed": f.name, "outlet": f.outlet, "state": "failing",
                                    "reason": f.last_error or f"HTTP {f.last_http_status}",
                                    "failures": f.consecutive_failures,
                                    "since": iso_z(_failing_since(conn, f.id, last_success) or f.last_fetched_at)})
        # One query for every enabled feed's item dates, not one per feed.
        times_of: dict[int, list[datetime]] = defaultdict(list)
        for feed_id, published in conn.execute(select(items.c.feed_id, items.c.published_at)
                                               .join(feeds, feeds.c.id == items.c.feed_id).where(feeds.c.enabled)):
            times_of[feed_id].append(published)
        for f in feed_rows:
            if not f.enabled:
                continue
            times = times_of.get(f.id, [])
            last_new = as_utc(f.last_new_item_at) if f.last_new_item_at else None
            newest = max((as_utc(t) for t in times), default=None)
            last = max(t for t in (last_new, newest) if t is not None) if (last_new or newest) else None
            gap = _usual_gap(times)
            limit = max(timedelta(hours=settings.min_silent_hours),
                        gap * settings.silent_factor if gap else timedelta(0))
            if last is not None and until - last > limit:
                out.silent.append({"feed": f.name, "outlet": f.outlet, "last_new_item": iso_z(last),
                                   "silent_hours": round((until - last).total_seconds() / 3600, 1),
                                   "usual_gap_hours": round(gap.total_seconds() / 3600, 1) if gap else None})
        rows = conn.execute(
            select(items.c.id, items.c.title, items.c.url, items.c.lang, items.c.lang_confidence,
                   items.c.normalized_text, items.c.published_at, feeds.c.name, feeds.c.outlet)
            .join(feeds, feeds.c.id == items.c.feed_id)
            .where(received_between(since, until),
                   items.c.normalized_text.is_not(None), items.c.duplicate_of.is_(None))
            .order_by(items.c.published_at, items.c.id)).all()
    for r in rows:
        base = {"item_id": r.id, "feed": r.name, "outlet": r.outlet, "title": r.title, "url": r.url,
                "published": iso_z(r.published_at)}
        if r.lang in (None, "und") or (r.lang_confidence is not None
                                       and r.lang_confidence < settings.min_lang_confidence):
            out.uncertain_language.append({**base, "lang": r.lang or "und", "confidence": r.lang_confidence})
        words = len((r.normalized_text or "").split())
        if words < settings.min_words:
            out.too_short.append({**base, "words": words})
    out.misdated = feed_time_flags(store, fetched_since=since)
    return out


def digest_section(store: Store, settings: BlindSpotSettings, since: datetime, until: datetime,
                   max_items: int = 10) -> dict[str, Any]:
    """The digest's "What we could not see": every failing or silent feed, and item counts with
    the first ``max_items`` examples (a long list of short items helps nobody)."""
    spots = blind_spots(store, settings, since, until)
    d = spots.as_dict()
    return {**d, "empty": spots.empty,
            "uncertain_count": len(spots.uncertain_language), "short_count": len(spots.too_short),
            "uncertain_language": d["uncertain_language"][:max_items], "too_short": d["too_short"][:max_items]}
