"""Reading stored items: the text each stage analyses, and listings for the CLI and digests."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, or_, select

from monitor.store.tables import feeds, items
from monitor.timeutil import as_utc


def item_text(row: Mapping[str, Any]) -> str:
    """The text of an item as every stage sees it: title, summary and content, in that order
    (figure spans index this string)."""
    parts = [row.get("title") or "", row.get("summary") or "", row.get("content") or ""]
    return "\n\n".join(p for p in parts if p)


def received_between(since: datetime | None, until: datetime | None = None, table: Any = items) -> ColumnElement[bool]:
    """Items of the period ``since``..``until``: published in it, or first fetched in it. A digest
    covers what arrived in its period, so a back-dated item (a feed added with its archive, a late
    republication, the demo corpus) is reported when it is seen, not only when it claims to be from.
    ``table``: ``items`` or an alias of it."""
    def within(column: Any) -> ColumnElement[bool]:
        bounds = [c for c in ((column >= since) if since is not None else None,
                              (column <= until) if until is not None else None) if c is not None]
        return and_(True, *bounds)

    return or_(within(table.c.published_at), within(table.c.fetched_at))


def item_rows(conn: Connection, ids: Sequence[int]) -> list[dict[str, Any]]:
    """Items with their feed's name and outlet, in the order of ``ids``."""
    if not ids:
        return []
    q = (select(items, feeds.c.name.label("feed_name"), feeds.c.outlet)
         .join(feeds, feeds.c.id == items.c.feed_id).where(items.c.id.in_(list(ids))))
    by_id = {r.id: dict(r._mapping) for r in conn.execute(q)}
    return [by_id[i] for i in ids if i in by_id]


def iter_items(conn: Connection, *, since: datetime | None = None, feed: str | None = None,
               limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Stored items as plain dicts (contract fields of ``monitor items``), oldest first."""
    q = (select(items, feeds.c.name.label("feed_name"), feeds.c.outlet)
         .join(feeds, feeds.c.id == items.c.feed_id).order_by(items.c.published_at, items.c.id))
    if since is not None:
        q = q.where(items.c.published_at >= since)
    if feed is not None:
        q = q.where(feeds.c.name == feed)
    if limit is not None:
        q = q.limit(limit)
    for r in conn.execute(q):
        m = r._mapping
        yield {
            "id": m["id"], "feed": m["feed_name"], "outlet": m["outlet"], "url": m["url"],
            "title": m["title"], "lang": m["lang"], "lang_confidence": m["lang_confidence"],
            "published": as_utc(m["published_at"]).isoformat(),
            "published_source": m["published_source"],
            "fetched": as_utc(m["fetched_at"]).isoformat(), "author": m["author"],
            "text": item_text(dict(m)), "text_source": m["text_source"], "duplicate_of": m["duplicate_of"],
            "key": m["item_key"],
        }
