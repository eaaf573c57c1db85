"""Analysis of newly stored items, in batches: language, normalization, figures, fingerprints,
matching, narratives, the figure registry and alerts.

Each step is a function over item ids that is safe to re-run; the Airflow DAG maps the
per-batch steps and runs the store-wide ones once. ``analyze_pending`` runs them all in order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from monitor.config import Settings
from monitor.figures import extract_figures
from monitor.fingerprint import Fingerprinter
from monitor.items import item_rows, item_text
from monitor.language import LanguageIdentifier
from monitor.matching import ItemEvidence, batch_index_rows, fingerprinter_for, unindexed, write_index_rows
from monitor.normalize import normalize_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import figures, items
from monitor.timeutil import Clock, utcnow

# Items whose evidence analyze_pending keeps from indexing for matching (a few KB each); past
# this many, matching recomputes it (a large backlog must not hold the whole store in memory).
KEEP_EVIDENCE_ITEMS = 20_000


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


def _annotations(rows: Sequence[Mapping[str, Any]], identifier: LanguageIdentifier,
                 ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Language, normalized text and figures of item rows: (item updates, figure rows). Pure."""
    updates: list[dict[str, Any]] = []
    figure_rows: list[dict[str, Any]] = []
    langs = identifier.detect_many([identifier.item_sample(r["title"], r["summary"], r["content"]) for r in rows],
                                   [r["declared_language"] for r in rows])
    for r, lang in zip(rows, langs, strict=True):
        text = item_text(r)
        code = None if lang.lang == "und" else lang.lang
        updates.append({"b_id": r["id"], "b_lang": lang.lang, "b_confidence": lang.confidence,
                        "b_text": normalize_text(text, code)})
        for f in extract_figures(text, code):
            figure_rows.append({"item_id": r["id"], "start": f.start, "end": f.end, "value": f.value,
                                "raw": f.raw, "kind": f.kind, "unit": f.unit, "qualifier": f.qualifier,
                                "context": None, "group_id": None})
    return updates, figure_rows


def _write_annotations(conn: Connection, updates: list[dict[str, Any]], figure_rows: list[dict[str, Any]]) -> int:
    if updates:
        # one executemany: items already annotated (by an earlier or concurrent run) keep their values
        conn.execute(update(items).where(items.c.id == bindparam("b_id"), items.c.normalized_text.is_(None))
                     .values(lang=bindparam("b_lang"), lang_confidence=bindparam("b_confidence"),
                             normalized_text=bindparam("b_text")), updates)
    return insert_ignore(conn, figures, figure_rows, ["item_id", "start"])


def annotate_items(store: Store, ids: Sequence[int], identifier: LanguageIdentifier) -> dict[str, int]:
    """Language, normalized text and figures for ``ids``. Items already annotated keep their values."""
    with store.read() as conn:
        rows = [r for r in item_rows(conn, ids) if r["normalized_text"] is None]
    updates, figure_rows = _annotations(rows, identifier)
    with store.write() as conn:
        new_figures = _write_annotations(conn, updates, figure_rows)
    return {"annotated": len(updates), "figures": new_figures}


@dataclass(slots=True)
class BatchResult:
    """What ``annotate_and_index`` did, and the evidence it computed (matching needs it again)."""

    counts: dict[str, int]
    evidence: dict[int, ItemEvidence]


def annotate_and_index(store: Store, settings: Settings, ids: Sequence[int], identifier: LanguageIdentifier,
                       fingerprinter: Fingerprinter | None = None) -> BatchResult:
    """``annotate_items`` then ``index_items`` in one pass: the items are read once, the index
    rows computed from the fresh annotation, and everything written in one transaction."""
    fp = fingerprinter or fingerprinter_for(settings.matching)
    with store.read() as conn:
        rows = item_rows(conn, ids)
        pending = unindexed(conn, ids)
    updates, figure_rows = _annotations([r for r in rows if r["normalized_text"] is None], identifier)
    fresh = {u["b_id"]: u for u in updates}
    todo = []
    for r in rows:
        u = fresh.get(r["id"])
        text, lang = (u["b_text"], u["b_lang"]) if u else (r["normalized_text"], r["lang"])
        if r["id"] in pending and text is not None:
            todo.append((r["id"], text, lang, r["title"], r["summary"], r["content"]))
    index, evidence = batch_index_rows(todo, settings.matching, fp)
    with store.write() as conn:
        new_figures = _write_annotations(conn, updates, figure_rows)
        write_index_rows(conn, index)
    return BatchResult({"annotated": len(updates), "figures": new_figures, "indexed": len(index["fingerprints"])},
                       evidence)


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
    fp = fingerprinter_for(settings.matching)
    evidence: dict[int, ItemEvidence] = {}
    for batch in batches:
        done = annotate_and_index(store, settings, batch, identifier, fp)
        summary.figures += done.counts["figures"]
        summary.indexed += done.counts["indexed"]
        if len(evidence) < KEEP_EVIDENCE_ITEMS:
            evidence.update(done.evidence)
        if progress:
            progress("annotate", len(batch))
    for batch in batches:
        summary.matches += matching.match_items(store, settings.matching, batch, evidence)
        if progress:
            progress("match", len(batch))
    summary.narratives = narratives.update_narratives(store, all_ids, clock=clock)
    summary.figure_groups = figure_registry.update_registry(store, all_ids, clock=clock)
    for batch in batches:
        mark_analyzed(store, batch, clock=clock)
    summary.alerts = alerts.evaluate_alerts(store, settings.alerts, clock=clock, provenance=config_provenance(settings))
    return summary
