"""monitor_analyze: language, normalization, figures, fingerprints and matching of the newly stored
items in mapped batches, then narratives, the figure registry and alerts over the whole run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from airflow.sdk import chain, dag, task

# Airflow puts the DAG bundle folder on sys.path; a bare DagBag (tests, `make demo`) does not.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))
from monitor_common import ANALYSIS_ASSET, ITEMS_ASSET, dag_defaults, open_monitor

DOC = """
### Analyze new items

Runs whenever `monitor_ingest` updates the `monitor://store/items` Asset (or by hand).

1. **plan** — ids of the items not yet analysed, in batches of `matching.batch_size` (and, when
   `matching.bands` or `matching.rows` changed, the LSH band index rebuilt from the fingerprints).
2. **annotate** (mapped per batch) — language, normalized text, figures, MinHash fingerprints,
   LSH band keys, passages and evidence tokens in the store, in one pass over the batch.
3. **match** (mapped per batch, after every batch is indexed) — near-duplicate candidates from the
   LSH bands, verified.
4. **narratives → figures → mark_analyzed → alerts** — store-wide steps, once per run.

Every step is idempotent, so a retried task or a re-run changes nothing. Publishes
`monitor://store/analysis` for downstream consumers.
"""


@dag(
    dag_id="monitor_analyze",
    schedule=[ITEMS_ASSET],
    doc_md=DOC,
    **dag_defaults(timeout_minutes=60, tags=("analysis", "narratives", "figures")),
)
def monitor_analyze() -> None:
    @task
    def plan() -> list[list[int]]:
        from monitor.analyze import pending_batches
        from monitor.lshindex import ensure_band_layout

        settings, store = open_monitor()
        ensure_band_layout(store, settings.matching)  # a changed band layout re-keys the index first
        return pending_batches(store, settings.matching.batch_size)

    @task(map_index_template="{{ batch_label }}")
    def annotate(ids: list[int]) -> dict[str, int]:
        from airflow.sdk import get_current_context

        from monitor.analyze import annotate_and_index, language_identifier

        get_current_context()["batch_label"] = f"items {ids[0]}…{ids[-1]} ({len(ids)})"  # type: ignore[typeddict-unknown-key]
        settings, store = open_monitor()
        return annotate_and_index(store, settings, ids, language_identifier(settings)).counts

    @task(map_index_template="{{ batch_label }}")
    def match(ids: list[int]) -> int:
        from airflow.sdk import get_current_context

        from monitor.matching import match_items

        get_current_context()["batch_label"] = f"items {ids[0]}…{ids[-1]} ({len(ids)})"  # type: ignore[typeddict-unknown-key]
        settings, store = open_monitor()
        return match_items(store, settings.matching, ids)

    @task
    def narratives(batches: list[list[int]]) -> dict[str, int]:
        from monitor.narratives import update_narratives

        _, store = open_monitor()
        return update_narratives(store, [i for b in batches for i in b])

    @task
    def figures(batches: list[list[int]]) -> dict[str, int]:
        from monitor.figure_registry import update_registry

        _, store = open_monitor()
        return update_registry(store, [i for b in batches for i in b])

    @task
    def mark_analyzed(batches: list[list[int]]) -> int:
        from monitor.analyze import mark_analyzed as mark

        _, store = open_monitor()
        return sum(mark(store, ids) for ids in batches)

    @task(outlets=[ANALYSIS_ASSET])
    def alerts(analyzed: int) -> dict[str, Any]:
        from monitor.alerts import evaluate_alerts
        from monitor.review import config_provenance

        settings, store = open_monitor()
        new = evaluate_alerts(store, settings.alerts, provenance=config_provenance(settings))
        return {"items": analyzed, "alerts": new}

    batches = plan()
    marked = mark_analyzed(batches)
    # Matching needs every batch indexed first; the store-wide steps need every batch matched.
    chain(annotate.expand(ids=batches), match.expand(ids=batches), narratives(batches), figures(batches), marked)
    alerts(marked)


monitor_analyze()
