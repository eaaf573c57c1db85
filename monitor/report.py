"""A summary of what the store holds: items per language, narratives with their origin, repeated
figures. Printed after ``monitor run``, ``monitor report`` and ``make demo``.

The narrative and figure lists are those of ``monitor narratives`` and ``monitor figures-report``
(monitor.narratives.list_narratives, monitor.figure_registry.figure_report); this module only adds
the store-wide counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from monitor.figure_registry import figure_report
from monitor.narratives import list_narratives
from monitor.store import Store
from monitor.store.tables import alerts, feeds, figure_groups, items, narratives


def store_report(store: Store, *, top: int = 20) -> dict[str, Any]:
    with store.read() as conn:
        per_lang = {(k or "pending"): int(v) for k, v in conn.execute(
            select(items.c.lang, func.count()).group_by(items.c.lang).order_by(func.count().desc()))}

        def count(table: Any, *where: Any) -> int:
            return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())

        totals = {
            "feeds": count(feeds), "feeds_ok": count(feeds, feeds.c.last_status.in_(["ok", "not_modified"])),
            "narratives": count(narratives), "repeated_figures": count(figure_groups), "alerts": count(alerts),
        }
    return {
        **totals, "items": sum(per_lang.values()), "items_per_language": per_lang,
        "top_narratives": list_narratives(store, limit=top),
        "top_figures": figure_report(store, limit=top),
    }
