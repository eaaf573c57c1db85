"""Alert rules over narratives and repeated figures. Each alert is stored once per
(kind, subject) with its evidence and severity; re-running creates nothing twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from monitor.config import AlertRules
from monitor.store import Store, insert_ignore
from monitor.store.tables import alerts, figure_groups, narratives
from monitor.timeutil import Clock, utcnow


def _severity(outlets: int, languages: int) -> str:
    if outlets >= 5 or languages >= 3:
        return "high"
    if outlets >= 3 or languages >= 2:
        return "medium"
    return "low"


def evaluate_alerts(store: Store, rules: AlertRules, *, clock: Clock = utcnow) -> int:
    """Create alerts for narratives and figures that crossed the thresholds. Returns new alerts."""
    now = clock()
    rows: list[dict[str, Any]] = []
    with store.read() as conn:
        for n in conn.execute(select(narratives)):
            if n.outlets >= rules.narrative_min_outlets or n.languages >= rules.narrative_min_languages:
                rows.append({
                    "kind": "narrative_spread", "subject": n.id, "severity": _severity(n.outlets, n.languages),
                    "title": n.title or n.id, "created_at": now,
                    "evidence": {"narrative": n.id, "size": n.size, "outlets": n.outlets,
                                 "languages": n.languages, "origin_item_id": n.origin_item_id}})
        for g in conn.execute(select(figure_groups)):
            if g.outlets >= rules.figure_min_outlets:
                rows.append({
                    "kind": "figure_repeated", "subject": g.key, "severity": _severity(g.outlets, g.languages),
                    "title": f"{g.value:,.6g} {g.unit or ''}".strip(), "created_at": now,
                    "evidence": {"group": g.key, "value": g.value, "items": g.items, "outlets": g.outlets,
                                 "languages": g.languages, "origin_item_id": g.origin_item_id}})
    with store.write() as conn:
        return insert_ignore(conn, alerts, rows, ["kind", "subject"])
