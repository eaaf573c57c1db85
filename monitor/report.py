"""A summary of what the store holds: items per language, narratives with their origin, repeated
figures. Printed after ``monitor run`` and ``make demo``, and returned by the DAGs' last tasks."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from monitor.store import Store
from monitor.store.tables import alerts, feeds, figure_groups, items, narratives
from monitor.timeutil import as_utc


def store_report(store: Store, *, top: int = 20) -> dict[str, Any]:
    with store.read() as conn:
        per_lang = {(k or "pending"): int(v) for k, v in conn.execute(
            select(items.c.lang, func.count()).group_by(items.c.lang).order_by(func.count().desc()))}
        n_feeds = conn.execute(select(func.count()).select_from(feeds)).scalar_one()
        feeds_ok = conn.execute(select(func.count()).select_from(feeds)
                                .where(feeds.c.last_status.in_(["ok", "not_modified"]))).scalar_one()
        origin_item = items.alias("origin")
        nars = conn.execute(
            select(narratives, origin_item.c.title.label("origin_title"), origin_item.c.url.label("origin_url"),
                   origin_item.c.published_at.label("origin_published"), feeds.c.outlet.label("origin_outlet"))
            .join(origin_item, origin_item.c.id == narratives.c.origin_item_id, isouter=True)
            .join(feeds, feeds.c.id == origin_item.c.feed_id, isouter=True)
            .order_by(narratives.c.outlets.desc(), narratives.c.size.desc(), narratives.c.id).limit(top)).all()
        n_narratives = conn.execute(select(func.count()).select_from(narratives)).scalar_one()
        groups = conn.execute(
            select(figure_groups, feeds.c.outlet.label("origin_outlet"))
            .join(items, items.c.id == figure_groups.c.origin_item_id, isouter=True)
            .join(feeds, feeds.c.id == items.c.feed_id, isouter=True)
            .order_by(figure_groups.c.outlets.desc(), figure_groups.c["items"].desc(), figure_groups.c.key)
            .limit(top)).all()
        n_groups = conn.execute(select(func.count()).select_from(figure_groups)).scalar_one()
        n_alerts = conn.execute(select(func.count()).select_from(alerts)).scalar_one()
    return {
        "feeds": int(n_feeds), "feeds_ok": int(feeds_ok), "items": sum(per_lang.values()),
        "items_per_language": per_lang, "narratives": int(n_narratives), "repeated_figures": int(n_groups),
        "alerts": int(n_alerts),
        "top_narratives": [{
            "id": n.id, "title": n.origin_title or n.title, "size": n.size, "outlets": n.outlets,
            "languages": n.languages, "origin_outlet": n.origin_outlet, "origin_url": n.origin_url,
            "origin_published": as_utc(n.origin_published).isoformat() if n.origin_published else None,
        } for n in nars],
        "top_figures": [{
            "key": g.key, "value": g.value, "unit": g.unit, "items": g.items, "outlets": g.outlets,
            "languages": g.languages, "origin_outlet": g.origin_outlet,
        } for g in groups],
    }
