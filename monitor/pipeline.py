"""One full monitoring cycle (ingest → analyze → digest) with the same library calls the DAGs
make, so ``monitor run`` and an Airflow run do the same work."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monitor.analyze import AnalyzeSummary, analyze_pending
from monitor.config import Settings, load_feeds
from monitor.digest import run_digests
from monitor.fulltext import ExtractSummary, extract_pending
from monitor.ingest import IngestSummary, ingest, sync_feeds
from monitor.report import store_report
from monitor.store import Store, open_store
from monitor.timeutil import Clock, utcnow


def open_configured_store(settings: Settings) -> Store:
    """The store named by the settings (MONITOR_DATABASE_URL or SQLite under data_dir), migrated."""
    return open_store(settings.resolved_database_url())


def digest_dir(settings: Settings) -> Path:
    return settings.data_dir / "digests"


@dataclass(slots=True)
class CycleResult:
    ingest: IngestSummary
    analyze: AnalyzeSummary
    digests: list[dict[str, Any]] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)
    extract: ExtractSummary = field(default_factory=ExtractSummary)


def run_cycle(settings: Settings, *, send: bool = False, force: bool = True, clock: Clock = utcnow,
              store: Store | None = None) -> CycleResult:
    """Sync feeds from the feeds file, ingest, fetch article pages (fulltext feeds), analyze,
    render (and optionally send) digests."""
    store = store or open_configured_store(settings)
    configured = load_feeds(settings.feeds_file)
    sync_feeds(store, configured, now=clock())
    ing = ingest(store, settings, force=force, clock=clock)
    ext = extract_pending(store, settings, configured=configured, clock=clock)
    ana = analyze_pending(store, settings, clock=clock)
    digests = run_digests(store, settings.digest, out_dir=digest_dir(settings), send=send, clock=clock,
                          coordination=settings.coordination, blind_spots=settings.blind_spots)
    return CycleResult(ingest=ing, analyze=ana, digests=digests, report=store_report(store), extract=ext)
