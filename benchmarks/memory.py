"""Peak memory of each DAG task: the library calls each Airflow task makes (dags/*.py), each in a
fresh process, with its peak RSS (ru_maxrss) next to a process that only imports monitor.

    python -m benchmarks.memory [--feeds 100] [--per-feed 5] [--data DIR] [--pg-url URL]

Feeds of realistic multilingual items (benchmarks.analyze_bench.make_items) are written as RSS
files and served on 127.0.0.1; the tasks then run in DAG order against one store: ingest plan,
fetch, analyze plan, annotate, match, narratives, figures, mark_analyzed, alerts, digest,
maintenance. Mapped tasks (fetch, annotate, match) are measured on all batches in one process,
an upper bound on one mapped task instance. Target: every task ≤ 1.5 GB.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

LIMIT_MB = 1536


def _settings(url: str, data_dir: str, feeds_file: str) -> Any:
    from monitor.config import load_settings

    return load_settings(env={"MONITOR_DATABASE_URL": url, "MONITOR_DATA_DIR": data_dir,
                              "MONITOR_FEEDS": feeds_file, "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true"})


def task_import_only(url: str, data_dir: str, feeds_file: str) -> str:
    import monitor.analyze
    import monitor.store  # noqa: F401

    return "imports"


def task_ingest_plan(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.config import load_feeds
    from monitor.ingest import due_feeds, sync_feeds
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    store = open_store(url)
    sync_feeds(store, load_feeds(s.feeds_file))
    return f"{len(due_feeds(store, force=True))} feeds due"


def task_ingest_fetch(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.ingest import ingest
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    summary = ingest(open_store(url), s, force=True)
    return f"{summary.feeds_ok} feeds ok, {summary.items_new} items"


def _pending(url: str, data_dir: str, feeds_file: str) -> tuple[Any, Any, list[list[int]]]:
    """Settings, store and the batches of items waiting for analysis (what every analyze task reads first)."""
    from monitor.analyze import pending_batches
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    store = open_store(url)
    return s, store, pending_batches(store, s.matching.batch_size)


def task_analyze_plan(url: str, data_dir: str, feeds_file: str) -> str:
    return f"{len(_pending(url, data_dir, feeds_file)[2])} batches"


def task_annotate(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.analyze import annotate_and_index, language_identifier

    s, store, batches = _pending(url, data_dir, feeds_file)
    ident = language_identifier(s)
    n = 0
    for ids in batches:  # as the DAG's mapped annotate tasks do
        n += annotate_and_index(store, s, ids, ident).counts["indexed"]
    return f"{n} items indexed"


def task_match(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.matching import match_items

    s, store, batches = _pending(url, data_dir, feeds_file)
    return f"{sum(match_items(store, s.matching, ids) for ids in batches)} matches"


def task_narratives(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.narratives import update_narratives

    _, store, batches = _pending(url, data_dir, feeds_file)
    ids = [i for b in batches for i in b]
    return f"{update_narratives(store, ids)['narratives']} narratives"


def task_figures(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.figure_registry import update_registry

    _, store, batches = _pending(url, data_dir, feeds_file)
    ids = [i for b in batches for i in b]
    return f"{update_registry(store, ids)}"


def task_mark_analyzed(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.analyze import mark_analyzed

    _, store, batches = _pending(url, data_dir, feeds_file)
    return f"{sum(mark_analyzed(store, ids) for ids in batches)} marked"


def task_alerts(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.alerts import evaluate_alerts
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    return f"{evaluate_alerts(open_store(url), s.alerts)} alerts"


def task_digest(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.digest import run_digests
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    return f"{len(run_digests(open_store(url), s.digest, out_dir=Path(data_dir) / 'digests'))} digests rendered"


def task_maintenance(url: str, data_dir: str, feeds_file: str) -> str:
    from monitor.maintenance import feed_health, optimize_database, prune
    from monitor.store import open_store

    s = _settings(url, data_dir, feeds_file)
    store = open_store(url)
    rows = feed_health(store)
    pr = prune(store, s.retention_days, dry_run=True)
    optimize_database(store)
    return f"{len(rows)} feeds checked, prune would remove {pr.as_dict()['items']} items"


TASKS: list[tuple[str, Callable[[str, str, str], str]]] = [
    ("(python + monitor imports only)", task_import_only),
    ("monitor_ingest.plan", task_ingest_plan),
    ("monitor_ingest.fetch (all feeds in one task)", task_ingest_fetch),
    ("monitor_analyze.plan", task_analyze_plan),
    ("monitor_analyze.annotate (all batches)", task_annotate),
    ("monitor_analyze.match (all batches)", task_match),
    ("monitor_analyze.narratives", task_narratives),
    ("monitor_analyze.figures", task_figures),
    ("monitor_analyze.mark_analyzed", task_mark_analyzed),
    ("monitor_analyze.alerts", task_alerts),
    ("monitor_digest.render_and_send (render)", task_digest),
    ("monitor_maintenance (health, prune dry-run, optimize)", task_maintenance),
]


def measured(fn: Callable[[str, str, str], str], *args: str) -> tuple[str, float, float]:
    """``fn(*args)``'s answer, the process's peak RSS in MB and the seconds it took (run it in a
    fresh process: benchmarks._report.in_fresh_process)."""
    t = time.perf_counter()
    what = fn(*args)
    # a parse worker the task spawned counts too (RUSAGE_CHILDREN: the largest one)
    peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return what, peak / 1024, time.perf_counter() - t


def write_feeds(site: Path, n_feeds: int, per_feed: int, data: Path | None) -> None:
    from benchmarks.analyze_bench import make_items

    news = make_items(n_feeds * per_feed, data)
    (site / "feeds").mkdir(parents=True)
    for f in range(n_feeds):
        entries = "".join(
            f"<item><guid isPermaLink=\"false\">{escape(it.key)}</guid><title>{escape(it.title)}</title>"
            f"<link>https://o{f}.example.org/{escape(it.key)}</link><description>{escape(it.content)}</description>"
            f"<pubDate>{it.published.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate></item>"
            for it in news[f * per_feed:(f + 1) * per_feed])
        (site / "feeds" / f"f{f}.xml").write_text(
            f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>Outlet {f}</title>"
            f"<link>https://o{f}.example.org/</link><description>x</description>{entries}</channel></rss>",
            encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import in_fresh_process, shared_data, write_section
    from monitor.demo import serve_directory

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--feeds", type=int, default=100)
    ap.add_argument("--per-feed", type=int, default=5)
    ap.add_argument("--items", type=int, help="total items (sets --per-feed)")
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--pg-url", help="measure on this PostgreSQL database instead of SQLite")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)
    if args.items:
        args.per_feed = max(1, args.items // args.feeds)
    data = shared_data(args.data)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        write_feeds(site, args.feeds, args.per_feed, data)
        url = args.pg_url or f"sqlite:///{Path(tmp) / 'memory.db'}"
        with serve_directory(site) as base:
            import yaml

            feeds_file = Path(tmp) / "feeds.yaml"
            feeds_file.write_text(yaml.safe_dump({"feeds": [
                {"name": f"f{f}", "url": f"{base}/feeds/f{f}.xml", "outlet": f"Outlet {f}"}
                for f in range(args.feeds)]}), encoding="utf-8")
            for name, fn in TASKS:
                what, mb, secs = in_fresh_process(measured, fn, url, str(Path(tmp) / "data"), str(feeds_file))
                print(f"{name}: {mb:.0f} MB, {secs:.1f} s ({what})", flush=True)
                rows.append((name, mb, secs, what))
    worst = max(mb for _, mb, _, _ in rows)
    lines = [f"{args.feeds} feeds × {args.per_feed} items ({args.feeds * args.per_feed:,} multilingual items), "
             f"store: {'PostgreSQL' if args.pg_url else 'SQLite'}; each task's library calls in a fresh process.",
             "", "| DAG task | peak RSS MB | s | did |", "|---|---:|---:|---|"]
    lines += [f"| {n} | {mb:,.0f} | {s:.1f} | {w} |" for n, mb, s, w in rows]
    lines += ["", f"Largest: {worst:,.0f} MB (target ≤ {LIMIT_MB:,} MB: {'met' if worst <= LIMIT_MB else 'NOT met'}). "
              "Mapped tasks were run over all their batches in one process, so a single mapped task instance "
              "uses at most this much."]
    body = "\n".join(lines)
    print(body)
    if not args.no_write:
        write_section("memory", "Peak memory per DAG task", body)
    return 0 if worst <= LIMIT_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
