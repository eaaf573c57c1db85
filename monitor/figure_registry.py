"""The repeated-figure registry: figure claims that recur across documents, with origin and spread.

A group is keyed by the claim's kind and value; it is recorded once at least two documents
state it. Updating is idempotent: groups are upserted and their statistics recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select, update

from monitor.figures import ALERTABLE_KINDS
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, figure_groups, figures, items
from monitor.timeutil import Clock, utcnow

MIN_VALUE = 10  # small numbers ("two people") recur everywhere and are not claims worth tracking


def group_key(kind: str, value: float) -> str:
    return f"{kind}:{value:.6g}"


def _refresh(conn: Connection, key: str, kind: str, value: float) -> bool:
    members = conn.execute(
        select(figures.c.id, figures.c.item_id, figures.c.unit, items.c.published_at, items.c.lang, feeds.c.outlet)
        .join(items, items.c.id == figures.c.item_id).join(feeds, feeds.c.id == items.c.feed_id)
        .where(figures.c.kind == kind, figures.c.value == value)
        .order_by(items.c.published_at, items.c.id)).all()
    docs = {m.item_id for m in members}
    if len(docs) < 2:
        return False
    origin = members[0]
    units = [m.unit for m in members if m.unit]
    stats: dict[str, Any] = {
        "origin_item_id": origin.item_id, "first_seen": origin.published_at,
        "last_seen": members[-1].published_at, "items": len(docs),
        "outlets": len({m.outlet for m in members}), "languages": len({m.lang for m in members if m.lang}),
        "unit": units[0] if units else None,
    }
    insert_ignore(conn, figure_groups, [{"key": key, "value": value, "label": "", **stats}], ["key"])
    conn.execute(update(figure_groups).where(figure_groups.c.key == key).values(**stats))
    gid = conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == key)).scalar_one()
    conn.execute(update(figures).where(figures.c.id.in_([m.id for m in members])).values(group_id=gid))
    return True


def update_registry(store: Store, ids: Sequence[int] | None = None, *, clock: Clock = utcnow) -> dict[str, int]:
    """Group the alertable figures of ``ids`` (all items when None) with equal claims elsewhere."""
    _ = clock
    with store.write() as conn:
        q = select(figures.c.kind, figures.c.value).distinct().where(
            figures.c.kind.in_(sorted(ALERTABLE_KINDS)), figures.c.value >= MIN_VALUE)
        if ids is not None:
            q = q.where(figures.c.item_id.in_(list(ids)))
        pairs = conn.execute(q).all()
        repeated = sum(_refresh(conn, group_key(k, v), k, v) for k, v in pairs)
        total = conn.execute(select(func.count()).select_from(figure_groups)).scalar_one()
    return {"checked": len(pairs), "repeated": repeated, "groups": int(total)}
