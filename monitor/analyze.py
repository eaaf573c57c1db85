"""Analysis of newly stored items, in batches: language, normalization, figures, fingerprints,
matching, narratives, the figure registry and alerts.

Each step is a function over item ids that is safe to re-run; the Airflow DAG maps the
per-batch steps and runs the store-wide ones once. ``analyze_pending`` runs them all in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update

from monitor.config import Settings
from monitor.figures import extract_figures
from monitor.items import item_rows, item_text
from monitor.language import LanguageIdentifier
from monitor.normalize import normalize_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import figures, items
from monitor.timeutil import Clock, utcnow


def language_identifier(settings: Settings) -> LanguageIdentifier:
    s = settings.language
    return LanguageIdentifier(candidates=s.candidates, min_confidence=s.min_confidence, max_chars=s.max_chars)


def pending_batches(store: Store, batch_size: int, limit: int | None = None) -> list[list[int]]:
    """Ids of items not yet analysed (exact duplicates included), oldest first, in batches."""
    q = select(items.c.id).where(items.c.analyzed_at.is_(None)).order_by(items.c.published_at, items.c.id)
    if limit is not None:
        q = q.limit(limit)
    with store.read() as conn:
        ids = [r[0] for r in conn.execute(q)]
    return [ids[i:i + batch_size] for i in range(0, len(ids), batch_size)]


def annotate_items(store: Store, ids: Sequence[int], identifier: LanguageIdentifier) -> dict[str, int]:
    """Language, normalized text and figures for ``ids``. Items already annotated keep their values."""
    with store.read() as conn:
        rows = [r for r in item_rows(conn, ids) if r["normalized_text"] is None]
    updates: list[dict[str, Any]] = []
    figure_rows: list[dict[str, Any]] = []
    langs = identifier.detect_many([identifier.item_sample(r["title"], r["summary"], r["content"]) for r in rows],
                                   [r["declared_language"] for r in rows])
    for r, lang in zip(rows, langs, strict=True):
        text = item_text(r)
        code = None if lang.lang == "und" else lang.lang
        updates.append({"id": r["id"], "lang": lang.lang, "lang_confidence": lang.confidence,
                        "normalized_text": normalize_text(text, code)})
        for f in extract_figures(text, code):
            figure_rows.append({"item_id": r["id"], "start": f.start, "end": f.end, "value": f.value,
                                "raw": f.raw, "kind": f.kind, "unit": f.unit, "qualifier": f.qualifier,
                                "context": None, "group_id": None})
    with store.write() as conn:
        for u in updates:
            conn.execute(update(items).where(items.c.id == u["id"], items.c.normalized_text.is_(None))
                         .values(lang=u["lang"], lang_confidence=u["lang_confidence"],
                                 normalized_text=u["normalized_text"]))
        new_figures = insert_ignore(conn, figures, figure_rows, ["item_id", "start"])
    return {"annotated": len(updates), "figures": new_figures}


def mark_analyzed(store: Store, ids: Sequence[int], *, clock: Clock = utcnow) -> int:
    now = clock()
    with store.write() as conn:
        res = conn.execute(update(items).where(items.c.id.in_(list(ids)), items.c.analyzed_at.is_(None))
                           .values(analyzed_at=now))
    return int(res.rowcount or 0)


@dataclass(slots=True)
class AnalyzeSummary:
    items: int = 0
    figures: int = 0
    indexed: int = 0
    matches: int = 0
    narratives: dict[str, int] = field(default_factory=dict)
    figure_groups: dict[str, int] = field(default_factory=dict)
    alerts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"items": self.items, "figures": self.figures, "indexed": self.indexed, "matches": self.matches,
                "narratives": self.narratives, "figure_groups": self.figure_groups, "alerts": self.alerts}


def analyze_pending(store: Store, settings: Settings, *, identifier: LanguageIdentifier | None = None,
                    clock: Clock = utcnow, limit: int | None = None,
                    progress: Callable[[str, int], None] | None = None) -> AnalyzeSummary:
    """Run every analysis step over all pending items. Safe to re-run at any point."""
    from monitor import alerts, figure_registry, matching, narratives
    from monitor.review import config_provenance

    batches = pending_batches(store, settings.matching.batch_size, limit)
    all_ids = [i for b in batches for i in b]
    summary = AnalyzeSummary(items=len(all_ids))
    if not all_ids:
        summary.alerts = alerts.evaluate_alerts(store, settings.alerts, clock=clock,
                                                provenance=config_provenance(settings))
        return summary
    identifier = identifier or language_identifier(settings)
    fp = matching.fingerprinter_for(settings.matching)
    for batch in batches:
        counts = annotate_items(store, batch, identifier)
        summary.figures += counts["figures"]
        summary.indexed += matching.index_items(store, settings.matching, batch, fp)
        if progress:
            progress("annotate", len(batch))
    for batch in batches:
        summary.matches += matching.match_items(store, settings.matching, batch)
        if progress:
            progress("match", len(batch))
    summary.narratives = narratives.update_narratives(store, all_ids, clock=clock)
    summary.figure_groups = figure_registry.update_registry(store, all_ids, clock=clock)
    for batch in batches:
        mark_analyzed(store, batch, clock=clock)
    summary.alerts = alerts.evaluate_alerts(store, settings.alerts, clock=clock, provenance=config_provenance(settings))
    return summary
