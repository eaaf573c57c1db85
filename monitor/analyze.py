"""Analysis of newly stored items, in batches: language, normalization, figures, fingerprints,
matching, narratives, the figure registry and alerts.

Each step is a function over item ids that is safe to re-run; the Airflow DAG maps the
per-batch steps and runs the store-wide ones once. ``analyze_pending`` runs them all in order.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from monitor.config import MatchingSettings, Settings
from monitor.figure_registry import stored_context
from monitor.figures import Figure, extract_figures
from monitor.items import item_rows, item_text
from monitor.language import LanguageIdentifier
from monitor.matching import (
    INDEX_TABLES,
    ItemEvidence,
    fingerprinter_for,
    index_rows,
    item_evidence,
    unindexed,
    write_index_rows,
)
from monitor.normalize import normalize_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import figures, items
from monitor.timeutil import Clock, utcnow

# Items whose evidence analyze_pending keeps from indexing for matching (a few KB each); past
# this many, matching recomputes it (a large backlog must not hold the whole store in memory).
KEEP_EVIDENCE_ITEMS = 20_000
MIN_POOLED_JOBS = 64  # smaller batches run in-process: sending them out costs more than it saves


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


@dataclass(frozen=True, slots=True)
class ItemJob:
    """The CPU-bound analysis one item needs (picklable: it may run in a worker process)."""

    id: int
    title: str | None
    summary: str | None
    content: str | None
    lang: str | None  # stored, or freshly identified ("und" when unsure)
    normalized: str | None  # stored normalized text; None: annotate (normalize, figures) first
    index: bool  # fingerprint it too


@dataclass(slots=True)
class ItemWork:
    """The result of an ``ItemJob``: the fresh annotation and the index rows."""

    id: int
    normalized: str | None
    figures: list[dict[str, Any]]
    index: dict[str, list[dict[str, Any]]]
    evidence: ItemEvidence | None


def run_jobs(settings: MatchingSettings, jobs: Sequence[ItemJob]) -> list[ItemWork]:
    """Normalize, extract figures (with their claim context) and fingerprint items. Pure."""
    fp = fingerprinter_for(settings)
    out: list[ItemWork] = []
    for job in jobs:
        fresh: str | None = None
        figure_rows: list[dict[str, Any]] = []
        found: list[Figure] | None = None  # the figures of the item's text, when annotated here
        if job.normalized is None:
            text = item_text({"title": job.title, "summary": job.summary, "content": job.content})
            code = None if job.lang == "und" else job.lang
            fresh = normalize_text(text, code)
            found = extract_figures(text, code)
            for f in found:
                figure_rows.append({"item_id": job.id, "start": f.start, "end": f.end, "value": f.value,
                                    "raw": f.raw, "kind": f.kind, "unit": f.unit, "qualifier": f.qualifier,
                                    "context": stored_context(text, f, job.lang), "group_id": None})
        index: dict[str, list[dict[str, Any]]] = {}
        evidence: ItemEvidence | None = None
        if job.index:
            # the evidence reuses the figures just extracted: the text is read for them once
            evidence = item_evidence(job.title, job.summary, job.content, job.lang, found)
            index = index_rows(job.id, fresh if fresh is not None else job.normalized or "", "", job.lang,
                               settings, fp, evidence.tokens)
        out.append(ItemWork(job.id, fresh, figure_rows, index, evidence))
    return out


class Workers:
    """Processes for the CPU-bound part of a batch (normalization, figures, fingerprints,
    evidence) next to the language model, which uses every core by itself. Use as a context
    manager; with one worker (or where processes cannot be forked) the work runs in-process.

    They pay when cores are free (1.4x on the 2-core benchmark machine at load 1.7), not when
    other jobs hold them (no gain at load 3-4): ``matching.workers`` = 1 keeps it in-process."""

    def __init__(self, workers: int) -> None:
        self.size = workers if workers > 0 else os.cpu_count() or 1
        # fork: a worker starts in milliseconds with every module already imported
        self._pool: ProcessPoolExecutor | None = None
        if self.size > 1 and "fork" in mp.get_all_start_methods():
            self._pool = ProcessPoolExecutor(self.size, mp_context=mp.get_context("fork"))

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)

    def run(self, settings: MatchingSettings, jobs: Sequence[ItemJob]) -> list[ItemWork]:
        if self._pool is None or len(jobs) < MIN_POOLED_JOBS:
            return run_jobs(settings, jobs)
        size = -(-len(jobs) // (self.size * 4))  # a few chunks per worker evens out long texts
        chunks = [list(jobs[i:i + size]) for i in range(0, len(jobs), size)]
        return [w for done in self._pool.map(run_jobs, [settings] * len(chunks), chunks) for w in done]


def _write_annotations(conn: Connection, updates: list[dict[str, Any]], figure_rows: list[dict[str, Any]]) -> int:
    if updates:
        # one executemany: items already annotated (by an earlier or concurrent run) keep their values
        conn.execute(update(items).where(items.c.id == bindparam("b_id"), items.c.normalized_text.is_(None))
                     .values(lang=bindparam("b_lang"), lang_confidence=bindparam("b_confidence"),
                             normalized_text=bindparam("b_text")), updates)
    return insert_ignore(conn, figures, figure_rows, ["item_id", "start"])


@dataclass(slots=True)
class BatchResult:
    """What ``annotate_and_index`` did, and the evidence it computed (matching needs it again)."""

    counts: dict[str, int]
    evidence: dict[int, ItemEvidence]


def _analyze_batch(store: Store, settings: MatchingSettings, ids: Sequence[int], identifier: LanguageIdentifier,
                   workers: Workers | None, *, index: bool) -> BatchResult:
    with store.read() as conn:
        rows = item_rows(conn, ids)
        pending = unindexed(conn, ids) if index else set()
    fresh = [r for r in rows if r["normalized_text"] is None]
    langs = identifier.detect_many([identifier.item_sample(r["title"], r["summary"], r["content"]) for r in fresh],
                                   [r["declared_language"] for r in fresh])
    detected = {r["id"]: lang for r, lang in zip(fresh, langs, strict=True)}
    jobs = [ItemJob(r["id"], r["title"], r["summary"], r["content"],
                    detected[r["id"]].lang if r["id"] in detected else r["lang"],
                    None if r["id"] in detected else r["normalized_text"], r["id"] in pending)
            for r in rows if r["id"] in detected or r["id"] in pending]
    done = workers.run(settings, jobs) if workers else run_jobs(settings, jobs)
    updates = [{"b_id": w.id, "b_lang": detected[w.id].lang, "b_confidence": detected[w.id].confidence,
                "b_text": w.normalized} for w in done if w.id in detected]
    figure_rows = [f for w in done for f in w.figures]
    index_rows = {t: [r for w in done for r in w.index.get(t, [])] for t in INDEX_TABLES}
    with store.write() as conn:
        new_figures = _write_annotations(conn, updates, figure_rows)
        write_index_rows(conn, index_rows)
    return BatchResult({"annotated": len(updates), "figures": new_figures, "indexed": len(index_rows["fingerprints"])},
                       {w.id: w.evidence for w in done if w.evidence is not None})


def annotate_items(store: Store, ids: Sequence[int], identifier: LanguageIdentifier) -> dict[str, int]:
    """Language, normalized text and figures (with their claim context) for ``ids``. Items
    already annotated keep their values."""
    counts = _analyze_batch(store, MatchingSettings(), ids, identifier, None, index=False).counts
    return {"annotated": counts["annotated"], "figures": counts["figures"]}


def annotate_and_index(store: Store, settings: Settings, ids: Sequence[int], identifier: LanguageIdentifier,
                       workers: Workers | None = None) -> BatchResult:
    """``annotate_items`` then ``matching.index_items`` in one pass: the items are read once, the
    index rows computed from the fresh annotation (by ``workers`` when given), and everything
    written in one transaction."""
    return _analyze_batch(store, settings.matching, ids, identifier, workers, index=True)


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
    from monitor.lshindex import ensure_band_layout
    from monitor.review import config_provenance

    ensure_band_layout(store, settings.matching)  # a changed band layout re-keys the index first
    batches = pending_batches(store, settings.matching.batch_size, limit)
    all_ids = [i for b in batches for i in b]
    summary = AnalyzeSummary(items=len(all_ids))
    if not all_ids:
        summary.alerts = alerts.evaluate_alerts(store, settings.alerts, clock=clock,
                                                provenance=config_provenance(settings))
        return summary
    identifier = identifier or language_identifier(settings)
    evidence: dict[int, ItemEvidence] = {}
    with Workers(settings.matching.workers if len(all_ids) >= MIN_POOLED_JOBS else 1) as workers:
        for batch in batches:
            done = annotate_and_index(store, settings, batch, identifier, workers)
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
