"""Analyze throughput: items/s of ``monitor.analyze.analyze_pending`` on a store of realistic
multilingual news items, with a per-stage breakdown, next to a naive baseline in the same run.

    python -m benchmarks.analyze_bench [--items 2000] [--data DIR] [--pg-url URL] [--no-memory]

Items are built from the NTREX news documents (18 languages, ../shared/data/ntrex) or, when
absent, from the demo corpus (config/demo/source): headline plus a varied run of sentences,
with a share republished by other outlets in edited form (dropped or re-ordered sentences)
so matching finds real near-duplicates. The baseline is what a first version would do: seeded
langdetect per item and a datasketch MinHashLSH over word 3-shingles held in memory and rebuilt
on every run (insert all, then query all). Both see exactly the same texts.

Also measured (section "memory"): peak RSS (ru_maxrss) of each DAG task's library calls, each
in a fresh process, on a store of --memory-items items.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@dataclass(slots=True)
class NewsItem:
    key: str
    outlet: int
    lang: str
    title: str
    summary: str
    content: str
    published: datetime


def _documents(data: Path | None) -> list[tuple[str, str, list[str]]]:
    """(doc id, language, sentences) from NTREX, else from the demo corpus."""
    if data is not None and (data / "ntrex" / "documents.jsonl").exists():
        out = []
        for line in (data / "ntrex" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            d = json.loads(line)
            sents = [s.strip() for s in d["text"].split("\n") if s.strip()]
            if len(sents) >= 3:
                out.append((d["doc"], d["lang"], sents))
        return out
    import re

    import yaml

    from monitor.htmltext import html_to_text

    out = []
    for f in sorted((ROOT / "config" / "demo" / "source").glob("*.yaml")):
        src = yaml.safe_load(f.read_text(encoding="utf-8"))
        for it in src.get("items", []):
            body = html_to_text(it.get("body") or it.get("summary") or "")
            sents = [it["title"]] + [s for s in re.split(r"(?<=[.!?؟。])\s+", body) if s.strip()]
            out.append((it["id"], it.get("language") or src.get("language", "en"), sents))
    return out


def make_items(n: int, data: Path | None, seed: int = 7) -> list[NewsItem]:
    """``n`` news items: originals (a headline and a run of 2–10 sentences) and, for about a
    third, edited republications by other outlets a few hours later."""
    rng = random.Random(seed)
    docs = _documents(data)
    items: list[NewsItem] = []
    while len(items) < n:
        doc, lang, sents = docs[rng.randrange(len(docs))]
        start = rng.randrange(0, max(1, len(sents) - 3))
        body = sents[start + 1:start + 1 + rng.randint(2, 10)] or sents[1:]
        when = T0 + timedelta(minutes=rng.randrange(0, 14 * 24 * 60))
        k = len(items)
        items.append(NewsItem(f"{doc}-{lang}-{k}", rng.randrange(40), lang, sents[start], body[0],
                              " ".join(body), when))
        if rng.random() < 0.35 and len(items) < n and len(body) > 2:
            edited = list(body)
            del edited[rng.randrange(len(edited))]
            if rng.random() < 0.5:
                i = rng.randrange(len(edited) - 1)
                edited[i], edited[i + 1] = edited[i + 1], edited[i]
            items.append(NewsItem(f"{doc}-{lang}-{k}-r", rng.randrange(40), lang, sents[start], edited[0],
                                  " ".join(edited), when + timedelta(hours=rng.randint(1, 30))))
    return items[:n]


def load_store(url: str, news: list[NewsItem]) -> Any:
    """A migrated store holding ``news`` as unanalysed items of 40 feeds."""
    from monitor.store import open_store
    from monitor.store.tables import feeds, items

    store = open_store(url)
    with store.write() as conn:
        for o in range(40):
            conn.execute(feeds.insert().values(id=o + 1, name=f"outlet-{o}", url=f"https://o{o}.example.org/rss",
                                               outlet=f"Outlet {o}", tags=[], enabled=True,
                                               consecutive_failures=0, created_at=T0))
        rows = [{"feed_id": it.outlet + 1, "item_key": it.key, "url": f"https://o{it.outlet}.example.org/{it.key}",
                 "title": it.title, "summary": it.summary, "content": it.content, "published_at": it.published,
                 "published_source": "published", "fetched_at": it.published, "declared_language": None,
                 "content_hash": f"{i:064x}", "text_source": "feed"} for i, it in enumerate(news)]
        for i in range(0, len(rows), 1000):
            conn.execute(items.insert(), rows[i:i + 1000])
    return store


def run_monitor(url: str, news: list[NewsItem]) -> dict[str, float]:
    """analyze_pending end to end on a fresh store; phases from its progress callback."""
    from monitor.analyze import analyze_pending
    from monitor.config import Settings

    settings = Settings(database_url=url)
    store = load_store(url, news)
    marks: dict[str, float] = {}

    def progress(step: str, _n: int) -> None:
        marks[step] = time.perf_counter()

    t0 = time.perf_counter()
    summary = analyze_pending(store, settings, clock=lambda: T0 + timedelta(days=15), progress=progress)
    total = time.perf_counter() - t0
    store.close()
    return {"total": total, "annotate_index": marks["annotate"] - t0, "match": marks["match"] - marks["annotate"],
            "store_wide": t0 + total - marks["match"], "matches": float(summary.matches),
            "items": float(summary.items), "alerts": float(summary.alerts)}


def stage_costs(news: list[NewsItem]) -> dict[str, float]:
    """Seconds per stage for the pure library calls (no store) on the same texts."""
    from monitor.analyze import language_identifier
    from monitor.config import Settings
    from monitor.figures import extract_figures
    from monitor.items import item_text
    from monitor.matching import fingerprinter_for, index_rows
    from monitor.normalize import normalize_text

    settings = Settings()
    ident = language_identifier(settings)
    fp = fingerprinter_for(settings.matching)
    texts = [item_text({"title": n.title, "summary": n.summary, "content": n.content}) for n in news]
    out: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        r = fn()
        out[name] = time.perf_counter() - t
        return r

    langs = timed("language", lambda: [ident.detect_item(n.title, n.summary, n.content).lang for n in news])
    codes = [None if lg == "und" else lg for lg in langs]
    norms = timed("normalize", lambda: [normalize_text(t, c) for t, c in zip(texts, codes, strict=True)])
    timed("figures", lambda: [extract_figures(t, c) for t, c in zip(texts, codes, strict=True)])
    timed("fingerprint", lambda: [index_rows(i, nt, t, c, settings.matching, fp)
                                  for i, (nt, t, c) in enumerate(zip(norms, texts, codes, strict=True))])
    return out


def run_baseline(news: list[NewsItem]) -> dict[str, float]:
    """Seeded langdetect + datasketch MinHashLSH in memory, rebuilt from scratch."""
    import re

    from datasketch import MinHash, MinHashLSH
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    word = re.compile(r"\w+", re.UNICODE)
    t0 = time.perf_counter()
    langs = []
    for n in news:
        try:
            langs.append(detect(f"{n.title}\n{n.content}"))
        except LangDetectException:
            langs.append("und")
    t1 = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sigs = []
    for i, n in enumerate(news):
        words = word.findall(f"{n.title} {n.content}".lower())
        sh = {" ".join(words[j:j + 3]).encode() for j in range(max(1, len(words) - 2))}
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(list(sh))
        lsh.insert(str(i), m)
        sigs.append(m)
    t2 = time.perf_counter()
    pairs = 0
    for i, m in enumerate(sigs):
        pairs += sum(1 for c in lsh.query(m) if c != str(i))
    t3 = time.perf_counter()
    return {"total": t3 - t0, "language": t1 - t0, "fingerprint": t2 - t1, "match": t3 - t2, "pairs": pairs / 2}


def _child(q: Any, fn: Callable[..., Any], *args: Any) -> None:
    q.put(fn(*args))


def in_fresh_process(fn: Callable[..., Any], *args: Any) -> Any:
    """Run ``fn(*args)`` in a new process (its own caches, its own peak RSS)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, fn, *args))
    p.start()
    result = q.get()
    p.join()
    return result


def render(n: int, source: str, mon: dict[str, float], stages: dict[str, float], base: dict[str, float],
           backend: str) -> str:
    rate, brate = n / mon["total"], n / base["total"]
    lines = [
        f"{n:,} news items ({source}), a third of them edited republications; store: {backend}; "
        "each run in a fresh process on the same texts.",
        "",
        "| | items/s | total s | matches found |",
        "|---|---:|---:|---:|",
        f"| monitor `analyze_pending` (store-backed LSH, narratives, figures, alerts) | **{rate:,.0f}** | "
        f"{mon['total']:.1f} | {mon['matches']:,.0f} |",
        f"| baseline: seeded langdetect + datasketch MinHashLSH in memory, rebuilt | {brate:,.0f} | "
        f"{base['total']:.1f} | {base['pairs']:,.0f} candidate pairs |",
        "",
        f"Speed-up {rate / brate:.2f}× (target ≥ 3×); throughput target ≥ 500 items/s: "
        f"{'met' if rate >= 500 else 'not met'}.",
        "",
        "Per-stage cost, ms per item (pure library calls on the same texts for language, normalize, "
        "figures and fingerprint; match and store-wide steps timed inside the end-to-end run):",
        "",
        "| stage | monitor ms/item | baseline ms/item |",
        "|---|---:|---:|",
        f"| language | {stages['language'] / n * 1000:.2f} | {base['language'] / n * 1000:.2f} |",
        f"| normalize | {stages['normalize'] / n * 1000:.2f} | — |",
        f"| figures | {stages['figures'] / n * 1000:.2f} | — |",
        f"| fingerprint (shingles, MinHash, band keys, passages, evidence) | {stages['fingerprint'] / n * 1000:.2f} | "
        f"{base['fingerprint'] / n * 1000:.2f} |",
        f"| annotate + index incl. store writes (end-to-end phase) | {mon['annotate_index'] / n * 1000:.2f} | — |",
        f"| match (LSH lookup in SQL, verify, passages, cross-lingual) | {mon['match'] / n * 1000:.2f} | "
        f"{base['match'] / n * 1000:.2f} |",
        f"| narratives, figure registry, mark analysed, alerts | {mon['store_wide'] / n * 1000:.2f} | — |",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import shared_data, write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--pg-url", help="measure on this PostgreSQL database instead of SQLite")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-DAG-task memory section")
    ap.add_argument("--memory-items", type=int, default=500)
    ap.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    args = ap.parse_args(argv)
    data = shared_data(args.data)
    source = "NTREX-128 documents, 18 languages" if data else "demo corpus texts (shared data absent)"
    news = make_items(args.items, data)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.pg_url or f"sqlite:///{Path(tmp) / 'analyze.db'}"
        backend = "PostgreSQL" if args.pg_url else "SQLite (WAL)"
        base = in_fresh_process(run_baseline, news)
        print(f"baseline: {args.items / base['total']:.0f} items/s {base}", flush=True)
        mon = in_fresh_process(run_monitor, url, news)
        print(f"monitor: {args.items / mon['total']:.0f} items/s {mon}", flush=True)
        stages = in_fresh_process(stage_costs, news)
        print(f"stages: {stages}", flush=True)
    body = render(args.items, source, mon, stages, base, backend)
    print(body)
    if not args.no_write:
        write_section("analyze", "Analyze throughput", body)
    if not args.no_memory:
        from benchmarks import memory

        memory.main(["--items", str(args.memory_items)] + (["--data", args.data] if args.data else [])
                    + (["--no-write"] if args.no_write else []))
    return 0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
