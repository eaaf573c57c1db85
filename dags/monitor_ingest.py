"""monitor_ingest: fetch the due news feeds in parallel batches, store their new items, and fetch the
article pages of teaser-only feeds (`fulltext`) in batches per host."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from airflow.sdk import Param, dag, get_current_context, task

# Airflow puts the DAG bundle folder on sys.path; a bare DagBag (tests, `make demo`) does not.
if str(Path(__file__).parent) not in sys.path:
    sys.path.append(str(Path(__file__).parent))
from monitor_common import ITEMS_ASSET, dag_defaults, ingest_schedule, open_monitor

DOC = """
### Ingest news feeds

1. **plan** — syncs `config/feeds.yaml` (`MONITOR_FEEDS`) into the store and splits the *due* feeds
   (every enabled feed when the `force` param is on) into batches.
2. **fetch** — one mapped task per batch (pool `feed_fetch`, named after its feeds): conditional GET,
   parse, store new items idempotently, record fetch log and feed health. A bad feed never fails the
   batch; it is recorded and backed off.
3. **plan_pages** / **extract** — items of `fulltext: auto|always` feeds that want their article page,
   in batches of whole hosts; one mapped task per batch (pool `feed_fetch`) fetches politely
   (robots.txt, one request per host, per-host delay) and stores the extracted text. An item is
   fetched once: a retried batch re-uses the pages already stored.
4. **publish** — totals the batches and updates the `monitor://store/items` Asset, which triggers
   `monitor_analyze`.

Only feed names and counts travel through XCom. Re-running changes nothing already stored.
"""


@dag(
    dag_id="monitor_ingest",
    schedule=ingest_schedule(),
    doc_md=DOC,
    params={
        "force": Param(False, type="boolean", description="Fetch every enabled feed, not only the due ones."),
        "feeds_per_batch": Param(10, type="integer", minimum=1, description="Feeds per mapped fetch task."),
    },
    **dag_defaults(timeout_minutes=20, tags=("ingest", "feeds")),
)
def monitor_ingest() -> None:
    @task
    def plan(params: dict[str, Any]) -> list[list[str]]:
        from monitor.config import load_feeds
        from monitor.ingest import due_feeds, sync_feeds

        settings, store = open_monitor()
        sync_feeds(store, load_feeds(settings.feeds_file))
        names = [f["name"] for f in due_feeds(store, force=params["force"])]
        size = int(params["feeds_per_batch"])
        return [names[i:i + size] for i in range(0, len(names), size)]

    @task(pool="feed_fetch", map_index_template="{{ batch_label }}")
    def fetch(names: list[str], params: dict[str, Any], run_id: str) -> dict[str, Any]:
        from monitor.ingest import ingest

        get_current_context()["batch_label"] = (  # type: ignore[typeddict-unknown-key]
            f"{names[0]} … {names[-1]} ({len(names)})" if len(names) > 1 else names[0])
        settings, store = open_monitor()
        return ingest(store, settings, names=names, force=params["force"], run_id=run_id[:64]).as_dict()

    @task
    def plan_pages(_fetched: list[dict[str, Any]]) -> list[list[int]]:
        from monitor.fulltext import host_batches

        settings, store = open_monitor()
        # One empty batch rather than none: a zero-length map is skipped, and so would be publish.
        return host_batches(store, settings) or [[]]

    @task(pool="feed_fetch")
    def extract(ids: list[int]) -> dict[str, Any]:
        from monitor.fulltext import extract_items

        settings, store = open_monitor()
        return extract_items(store, settings, ids).as_dict()

    @task(outlets=[ITEMS_ASSET])
    def publish(summaries: list[dict[str, Any]], pages: list[dict[str, Any]]) -> dict[str, int]:
        # Index the mapped results: iterating Airflow's lazy XCom sequence probes one past the end
        # and logs a spurious "XCom not found" error.
        summaries = [summaries[i] for i in range(len(summaries))]
        pages = [pages[i] for i in range(len(pages))]
        keys = ("feeds", "feeds_ok", "feeds_failed", "items_new")
        totals = {key: sum(int(s[key]) for s in summaries) for key in keys}
        return {**totals, "pages_used": sum(int(p["used"]) for p in pages)}

    fetched = fetch.partial().expand(names=plan())
    publish(fetched, extract.expand(ids=plan_pages(fetched)))


monitor_ingest()
