"""Analyze throughput: items/s of ``monitor.analyze.analyze_pending`` on a store of realistic
multilingual news items, with a per-stage breakdown, next to a naive baseline in the same run.

    python -m benchmarks.analyze_bench [--items 2000] [--data DIR] [--pg-url URL] [--no-memory] [--no-one-process]

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
import os
import random
import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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


def run_monitor(url: str, news: list[NewsItem], workers: int = 0) -> dict[str, float]:
    """analyze_pending end to end on a fresh store; phases from its progress callback.
    ``workers``: matching.workers (0, the default: a worker process per core; 1: in-process)."""
    from monitor.analyze import analyze_pending
    from monitor.config import MatchingSettings, Settings

    settings = Settings(database_url=url, matching=MatchingSettings(workers=workers))
    store = load_store(url, news)
    marks: dict[str, float] = {}

    def progress(step: str, _n: int) -> None:
        marks[step] = time.perf_counter()

    t0, c0 = time.perf_counter(), time.process_time()
    summary = analyze_pending(store, settings, clock=lambda: T0 + timedelta(days=15), progress=progress)
    total = time.perf_counter() - t0
    cpu = time.process_time() - c0 + _children_cpu()
    store.close()
    return {"total": total, "annotate_index": marks["annotate"] - t0, "match": marks["match"] - marks["annotate"],
            "store_wide": t0 + total - marks["match"], "matches": float(summary.matches),
            "items": float(summary.items), "alerts": float(summary.alerts), "cpu": cpu,
            "narratives": float(summary.narratives.get("narratives", 0))}


def _children_cpu() -> float:
    # worker processes are reaped when analyze_pending's pool shuts down
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def stage_costs(news: list[NewsItem]) -> dict[str, float]:
    """Seconds per stage for the pure library calls (no store, one process) on the same texts,
    as analyze_pending calls them: languages a batch at a time, then per item."""
    from monitor.analyze import language_identifier
    from monitor.config import Settings
    from monitor.figure_registry import stored_context
    from monitor.figures import extract_figures
    from monitor.items import item_text
    from monitor.matching import fingerprinter_for, index_rows, item_evidence
    from monitor.normalize import normalize_text

    settings = Settings()
    ident = language_identifier(settings)
    fp = fingerprinter_for(settings.matching)
    texts = [item_text({"title": n.title, "summary": n.summary, "content": n.content}) for n in news]
    size = settings.matching.batch_size
    out: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t = time.perf_counter()
        r = fn()
        out[name] = time.perf_counter() - t
        return r

    def languages() -> list[str]:
        found = []
        for i in range(0, len(news), size):
            batch = news[i:i + size]
            found += [r.lang for r in ident.detect_many([ident.item_sample(n.title, n.summary, n.content)
                                                         for n in batch], [None] * len(batch))]
        return found

    langs = timed("language", languages)
    codes = [None if lg == "und" else lg for lg in langs]
    norms = timed("normalize", lambda: [normalize_text(t, c) for t, c in zip(texts, codes, strict=True)])

    def figures() -> list[list[Any]]:
        found = [extract_figures(t, c) for t, c in zip(texts, codes, strict=True)]
        for t, figs, lg in zip(texts, found, langs, strict=True):
            [stored_context(t, f, lg) for f in figs]
        return found

    figs = timed("figures", figures)
    # the evidence reuses each item's figures, as analyze_pending does
    timed("fingerprint", lambda: [
        index_rows(i, nt, "", lg, settings.matching, fp, item_evidence(n.title, n.summary, n.content, lg, fs).tokens)
        for i, (n, nt, lg, fs) in enumerate(zip(news, norms, langs, figs, strict=True))])
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


def render(n: int, source: str, mon: dict[str, float], single: dict[str, float] | None, stages: dict[str, float],
           base: dict[str, float], backend: str, load: float) -> str:
    rate, brate = n / mon["total"], n / base["total"]
    ms = {k: v / n * 1000 for k, v in stages.items()}
    cpu_stages = ms["language"] + ms["normalize"] + ms["figures"] + ms["fingerprint"]
    store_ms = (mon["match"] + mon["store_wide"]) / n * 1000
    cores = os.cpu_count() or 1
    lines = [
        f"{n:,} news items ({source}), a third of them edited republications; store: {backend}; "
        f"each run in a fresh process on the same texts; {cores} cores, shared (1-minute load average "
        f"{load:.1f} when the run started).",
        "",
        "| | items/s | total s | CPU s | matches found |",
        "|---|---:|---:|---:|---:|",
        f"| monitor `analyze_pending` (store-backed LSH, narratives, figures, alerts; defaults: a worker process "
        f"per core) | **{rate:,.0f}** | "
        f"{mon['total']:.1f} | {mon['cpu']:.1f} | {mon['matches']:,.0f} |",
    ]
    if single is not None:
        lines.append(f"| the same in one process (`matching.workers` = 1) | "
                     f"{n / single['total']:,.0f} | {single['total']:.1f} | {single['cpu']:.1f} | "
                     f"{single['matches']:,.0f} |")
    lines += [
        f"| baseline: seeded langdetect + datasketch MinHashLSH in memory, rebuilt | {brate:,.0f} | "
        f"{base['total']:.1f} | — | {base['pairs']:,.0f} candidate pairs |",
        "",
        f"Speed-up {rate / brate:.2f}× (target ≥ 3×: {'met' if rate >= 3 * brate else 'not met'}); "
        f"throughput target ≥ 500 items/s: {'met' if rate >= 500 else f'not met (gap {500 - rate:,.0f} items/s)'}.",
        "",
        "Per-stage cost, ms per item. The first four rows are the pure library calls on the same texts in "
        "one process, as `analyze_pending` makes them (languages a batch at a time: lingua spreads that "
        "pass over every core); the last three are the phases of the end-to-end run above:",
        "",
        "| stage | monitor ms/item | baseline ms/item |",
        "|---|---:|---:|",
        f"| language (script rules, lingua over the batch, langdetect for close calls) | {ms['language']:.2f} | "
        f"{base['language'] / n * 1000:.2f} |",
        f"| normalize | {ms['normalize']:.2f} | — |",
        f"| figures (extraction, claim context of countable figures) | {ms['figures']:.2f} | — |",
        f"| fingerprint (shingles, MinHash, band keys, passages, cross-lingual evidence from the item's figures) | "
        f"{ms['fingerprint']:.2f} | "
        f"{base['fingerprint'] / n * 1000:.2f} |",
        f"| annotate + index: the four above (spread over the worker processes) and the store writes | "
        f"{mon['annotate_index'] / n * 1000:.2f} | — |",
        f"| match (LSH bands, passages, evidence postings read per batch; verify in numpy) | "
        f"{mon['match'] / n * 1000:.2f} | {base['match'] / n * 1000:.2f} |",
        f"| narratives, figure registry, mark analysed, alerts | {mon['store_wide'] / n * 1000:.2f} | — |",
        "",
        f"What bounds it: the four CPU-bound stages cost {cpu_stages:.1f} ms per item in one process, "
        f"{ms['language']:.1f} of them language identification (lingua's model pass over the batch, already "
        f"spread over every core). Spread perfectly over "
        f"{cores} idle cores that is {cpu_stages / cores:.1f} ms per item, a ceiling of "
        f"{1000 * cores / cpu_stages:,.0f} items/s before any store work, while 500 items/s allows 2 ms per item "
        "for everything. Each item's text is read once for its figures: the cross-lingual evidence takes the "
        "item's figures that lie in its title and body, and a claim context reads only the names and concept "
        "words of its sentence. The rest is a long tail of regular-expression passes (normalization, figures, "
        "evidence names), hashing and per-item Python. Matching and the store-wide steps run in one process "
        f"after annotation, whatever the workers: {store_ms:.1f} ms per item, which alone caps the run at "
        f"{1000 / store_ms:,.0f} items/s; most of matching is the cross-lingual step (rare-evidence postings read "
        "per batch, idf-weighted cosines per candidate). "
        f"The default run kept {mon['cpu'] / mon['total']:.1f} cores busy on average (CPU s / total s); the "
        "machine is shared with other jobs, so a core is not always free for the worker processes and "
        "lingua's threads.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from benchmarks._report import in_fresh_process, shared_data, write_section

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--items", type=int, default=2000)
    ap.add_argument("--data", help="shared data folder (default ../shared/data)")
    ap.add_argument("--pg-url", help="measure on this PostgreSQL database instead of SQLite")
    ap.add_argument("--no-memory", action="store_true", help="skip the per-DAG-task memory section")
    ap.add_argument("--no-one-process", action="store_true", help="skip the run with matching.workers = 1")
    ap.add_argument("--memory-items", type=int, default=500)
    ap.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    args = ap.parse_args(argv)
    data = shared_data(args.data)
    source = "NTREX-128 documents, 18 languages" if data else "demo corpus texts (shared data absent)"
    news = make_items(args.items, data)
    load = os.getloadavg()[0]
    backend = "PostgreSQL" if args.pg_url else "SQLite (WAL)"
    with tempfile.TemporaryDirectory() as tmp:
        base = in_fresh_process(run_baseline, news)
        print(f"baseline: {args.items / base['total']:.0f} items/s {base}", flush=True)
        with _fresh_url(args.pg_url, tmp, "a") as url:
            mon = in_fresh_process(run_monitor, url, news, 0)
        print(f"monitor: {args.items / mon['total']:.0f} items/s {mon}", flush=True)
        single = None
        if not args.no_one_process:
            with _fresh_url(args.pg_url, tmp, "b") as url:
                single = in_fresh_process(run_monitor, url, news, 1)
            print(f"monitor, one process: {args.items / single['total']:.0f} items/s {single}", flush=True)
        stages = in_fresh_process(stage_costs, news)
        print(f"stages: {stages}", flush=True)
    body = render(args.items, source, mon, single, stages, base, backend, load)
    print(body)
    if not args.no_write:
        write_section("analyze", "Analyze throughput", body)
    if not args.no_memory:
        from benchmarks import memory

        memory.main(["--items", str(args.memory_items)] + (["--data", args.data] if args.data else [])
                    + (["--no-write"] if args.no_write else []))
    return 0


@contextmanager
def _fresh_url(pg_url: str | None, tmp: str, name: str) -> Iterator[str]:
    """A database for one run: a new SQLite file, or a new schema of the PostgreSQL database
    (dropped afterwards)."""
    if not pg_url:
        yield f"sqlite:///{Path(tmp) / f'analyze-{name}.db'}"
        return
    from monitor.store import scratch_schema

    with scratch_schema(pg_url, f"bench_{name}") as url:
        yield url


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    raise SystemExit(main())
