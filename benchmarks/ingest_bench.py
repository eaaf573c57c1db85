"""Ingestion benchmark: 1,000 feeds on a local server (60% normal with 20 items, 20% answering 304,
10% slow 2–5 s, 10% failing in assorted ways), spread over 50 loopback hosts, ingested into a fresh
SQLite store; then the 304 path alone. Reports wall time, peak memory and 304 throughput for this
tree and, side by side, for the first ingestion (commit 121339e) as the baseline.

    python -m benchmarks.ingest_bench [--feeds 1000] [--hosts 50] [--no-baseline] [--no-write]

Targets (issue 4): whole run ≤ 30 s, peak memory ≤ 300 MB, 304 path ≥ 200 feeds/s.
The server runs in its own process so its CPU is not charged to the client's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BASELINE_COMMIT = "121339e"
FAILURES = ("http_500", "http_404", "http_429_long", "http_503_short", "drop", "html_page", "truncated_xml",
            "gzip_bomb", "redirect_loop", "stalled_body")
# The deadline the benchmark runs with: a feed that cannot answer in 10 s is counted as failing.
HTTP_OVERRIDES = {"allow_private_networks": True, "total_timeout": 10.0}


# --------------------------------------------------------------------------- the server

def plan_feeds(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """Kinds for n feeds in the issue's proportions, shuffled deterministically."""
    kinds = (["normal"] * (n * 60 // 100) + ["not_modified"] * (n * 20 // 100) + ["slow"] * (n * 10 // 100))
    kinds += [FAILURES[i % len(FAILURES)] for i in range(n - len(kinds))]
    rng = random.Random(seed)
    rng.shuffle(kinds)
    return [{"i": i, "kind": k, "delay": round(rng.uniform(2, 5), 2) if k == "slow" else 0.0}
            for i, k in enumerate(kinds)]


def feed_body(i: int) -> bytes:
    rng = random.Random(i)
    words = ["government", "minister", "report", "market", "flood", "election", "council", "percent", "million",
             "police", "court", "health", "energy", "prices", "school", "river", "budget", "talks", "storm"]
    entries = []
    for j in range(20):
        text = " ".join(rng.choice(words) for _ in range(80))
        entries.append(f"<item><guid>feed{i}-item{j}</guid><title>Story {j} of feed {i}: {text[:60]}</title>"
                       f"<link>https://news{i % 97}.example/{i}/{j}?utm_source=rss</link>"
                       f"<description>&lt;p&gt;{text}&lt;/p&gt;</description>"
                       f"<pubDate>Tue, 24 Nov 2026 {j % 24:02d}:00:00 GMT</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Feed {i}</title>'
            f"<language>en</language>{''.join(entries)}</channel></rss>").encode()


async def _serve(plan: list[dict[str, Any]], hosts: int, ready: Any) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    cache: dict[int, bytes] = {}

    def head(status: str, headers: dict[str, str], length: int) -> bytes:
        lines = [f"HTTP/1.1 {status}", f"Content-Length: {length}", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def respond(path: str, req: dict[str, str], w: asyncio.StreamWriter) -> bool:
        try:
            feed = plan[int(path.rsplit("/", 1)[-1].split("?")[0])]
        except (ValueError, IndexError):
            w.write(head("404 Not Found", {}, 0))
            return True
        kind, i = feed["kind"], feed["i"]
        etag = '"seed"' if kind == "not_modified" else f'"v{i}"'
        if kind == "slow":
            await asyncio.sleep(feed["delay"])
        if kind in ("normal", "not_modified", "slow"):
            if req.get("if-none-match") == etag:
                w.write(head("304 Not Modified", {"ETag": etag}, 0))
            else:
                body = cache.setdefault(i, feed_body(i))
                w.write(head("200 OK", {"Content-Type": "application/rss+xml", "ETag": etag}, len(body)) + body)
            return True
        if kind == "http_500":
            w.write(head("500 Internal Server Error", {}, 0))
        elif kind == "http_404":
            w.write(head("404 Not Found", {}, 0))
        elif kind == "http_429_long":
            w.write(head("429 Too Many Requests", {"Retry-After": "3600"}, 0))
        elif kind == "http_503_short":
            w.write(head("503 Service Unavailable", {"Retry-After": "1"}, 0))
        elif kind == "drop":
            return False
        elif kind == "html_page":
            page = b"<!DOCTYPE html><html><body><p>Moved. <a href='/'>home</a></p></body></html>"
            w.write(head("200 OK", {"Content-Type": "text/html"}, len(page)) + page)
        elif kind == "truncated_xml":
            body = feed_body(i)[:1500]
            w.write(head("200 OK", {"Content-Type": "application/rss+xml"}, len(body)) + body)
        elif kind == "gzip_bomb":
            w.write(head("200 OK", {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"}, len(bomb))
                    + bomb)
        elif kind == "redirect_loop":
            w.write(head("302 Found", {"Location": path}, 0))
        elif kind == "stalled_body":
            w.write(head("200 OK", {"Content-Type": "application/rss+xml"}, 100_000) + b"<rss>")
            await w.drain()
            await asyncio.sleep(120)
            return False
        return True

    async def handle(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while line := await r.readline():
                path = line.decode("latin-1").split(" ")[1]
                req = {}
                while (h := await r.readline()) not in (b"\r\n", b"\n", b""):
                    k, _, v = h.decode("latin-1").partition(":")
                    req[k.strip().lower()] = v.strip()
                if not await respond(path, req, w):
                    break
                await w.drain()
        except (ConnectionError, IndexError, asyncio.IncompleteReadError):
            pass
        finally:
            w.close()

    servers = [await asyncio.start_server(handle, f"127.0.0.{h + 1}", 0, backlog=1024) for h in range(hosts)]
    ready.send([s.sockets[0].getsockname()[:2] for s in servers])
    await asyncio.Event().wait()


def serve(plan: list[dict[str, Any]], hosts: int, ready: Any) -> None:
    asyncio.run(_serve(plan, hosts, ready))


# --------------------------------------------------------------------------- the client (a child process)

RUNNER = r"""
import json, resource, sys, time
from sqlalchemy import update
import monitor
from monitor.config import FeedConfig, HttpSettings, Settings
from monitor.ingest import ingest, sync_feeds
from monitor.store import open_store
from monitor.store.tables import feeds

job = json.load(open(sys.argv[1]))
store = open_store(job["db"])
sync_feeds(store, [FeedConfig(name=f["name"], url=f["url"]) for f in job["feeds"]])
with store.write() as conn:  # the 304 group was fetched before: it has a validator
    conn.execute(update(feeds).where(feeds.c.name.in_(job["seeded"])).values(etag='"seed"'))
http = HttpSettings(**{k: v for k, v in job["http"].items() if k in HttpSettings.model_fields})
settings = Settings(http=http)
def cpu():  # this process and its finished children (the parser worker), seconds
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

t0, c0 = time.perf_counter(), cpu()
run = ingest(store, settings, force=True)
t1, c1 = time.perf_counter(), cpu()
with store.read() as conn:  # every fast feed now holds an ETag its server answers with 304
    cached = [r[0] for r in conn.execute(feeds.select().with_only_columns(feeds.c.name)
                                         .where(feeds.c.etag.is_not(None), feeds.c.name.in_(job["fast"])))]
t2, c2 = time.perf_counter(), cpu()
again = ingest(store, settings, names=cached, force=True)
t3, c3 = time.perf_counter(), cpu()
statuses = {}
for o in run.outcomes:
    statuses[o.status] = statuses.get(o.status, 0) + 1
print(json.dumps({
    "code": monitor.__file__, "feeds": len(run.outcomes), "seconds": t1 - t0, "cpu_seconds": c1 - c0,
    "statuses": statuses,
    "items_new": run.items_new, "reasons": sorted({o.reason for o in run.outcomes if o.status == "error"}),
    "not_modified_feeds": sum(1 for o in again.outcomes if o.status == "not_modified"),
    "not_modified_seconds": t3 - t2, "not_modified_cpu_seconds": c3 - c2,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "child_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
}))
"""


def run_client(job: dict[str, Any], pythonpath: str | None, workdir: Path) -> dict[str, Any]:
    path = workdir / f"job-{os.getpid()}-{pythonpath is not None}.json"
    path.write_text(json.dumps(job), encoding="utf-8")
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    out = subprocess.run([sys.executable, "-c", RUNNER, str(path)], capture_output=True, text=True, env=env,
                         cwd=workdir, timeout=900)
    if out.returncode != 0:
        raise SystemExit(f"benchmark client failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def baseline_tree(workdir: Path) -> Path | None:
    """The first ingestion's code (commit 121339e), unpacked from git, or None if unavailable."""
    try:
        data = subprocess.run(["git", "archive", BASELINE_COMMIT, "monitor"], cwd=ROOT, capture_output=True,
                              check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    dest = workdir / "baseline"
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")
    return dest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--hosts", type=int, default=50, help="loopback addresses the feeds are spread over")
    ap.add_argument("--no-baseline", action="store_true", help="skip the baseline run")
    ap.add_argument("--no-write", action="store_true", help="print only; do not update docs/benchmarks.md")
    args = ap.parse_args(argv)

    plan = plan_feeds(args.feeds)
    parent, child = multiprocessing.Pipe()
    server = multiprocessing.Process(target=serve, args=(plan, args.hosts, child), daemon=True)
    server.start()
    addresses = parent.recv()
    feeds = [{"name": f"feed-{f['i']:04d}", "url": "http://{}:{}/feed/{}".format(*addresses[f["i"] % args.hosts],
                                                                              f["i"]), "kind": f["kind"]}
             for f in plan]
    seeded = [f["name"] for f in feeds if f["kind"] == "not_modified"]
    fast = [f["name"] for f in feeds if f["kind"] in ("normal", "not_modified")]
    results: dict[str, dict[str, Any]] = {}
    load_before = os.getloadavg()[0]
    try:
        with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
            work = Path(tmp)
            runs: list[tuple[str, str | None]] = [("this tree", None)]
            base = None if args.no_baseline else baseline_tree(work)
            if base is not None:
                runs.append((f"baseline ({BASELINE_COMMIT})", str(base)))
            for label, pythonpath in runs:
                job = {"db": f"sqlite:///{work / (label.split()[0] + '.db')}", "feeds": feeds, "seeded": seeded,
                       "fast": fast, "http": HTTP_OVERRIDES}
                results[label] = run_client(job, pythonpath, work)
                print(label, json.dumps(results[label]), flush=True)
    finally:
        server.kill()
    body = report(results, args.feeds, args.hosts, load_before, os.getloadavg()[0])
    print(body)
    if not args.no_write:
        from benchmarks._report import write_section

        print(f"written to {write_section('ingest', 'Ingestion (issue 4)', body)}")
    return 0


def report(results: dict[str, dict[str, Any]], n: int, hosts: int, load_before: float, load_after: float) -> str:
    from monitor.config import HttpSettings

    d = HttpSettings()

    def row(label: str, r: dict[str, Any]) -> str:
        rate = r["not_modified_feeds"] / r["not_modified_seconds"] if r["not_modified_seconds"] else 0.0
        st = r["statuses"]
        kid = r.get("child_peak_rss_mb", 0.0)
        mem = f"{r['peak_rss_mb']:.0f} MB" + (f" + {kid:.0f} MB parser" if kid else "")
        per_cpu = r["not_modified_feeds"] / max(r["not_modified_cpu_seconds"], 1e-9)
        return (f"| {label} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s | {mem} "
                f"| {rate:.0f} feeds/s ({r['not_modified_feeds']} feeds; {per_cpu:.0f} per CPU-second) "
                f"| {st.get('ok', 0)} / {st.get('not_modified', 0)} / {st.get('error', 0)} | {r['items_new']} |")

    lines = [
        f"{n} feeds served by a local asyncio server (separate process) on {hosts} loopback addresses: "
        "60% normal (20 items, ETag), 20% answering 304 to their stored ETag, 10% slow (2–5 s), 10% failing "
        f"({', '.join(FAILURES)}). Fresh SQLite store; `http.total_timeout` = {HTTP_OVERRIDES['total_timeout']:g} s, "
        f"other settings default ({d.max_concurrency} concurrent, {d.per_host_concurrency} per host, {d.retries} "
        "retries; the baseline runs with its own defaults and the same deadline). The 304 path then re-polls the "
        "normal and 304 feeds (all now hold an ETag and answer 304 at once; the slow ones would measure their server).",
        "",
        "| code | whole run (target ≤ 30 s) | client CPU (all processes) | peak RSS (≤ 300 MB) "
        "| 304 path (≥ 200 feeds/s) "
        "| ok / 304 / failed | items stored |",
        "|---|---|---|---|---|---|---|",
    ]
    lines += [row(label, r) for label, r in results.items()]
    lines.append("")
    lines.append("Peak RSS is `ru_maxrss` of the client process and, separately, of its parser worker (runs of 200+ "
                 "feeds parse in one spawned process beside the fetch loop). A spawned child's `ru_maxrss` includes "
                 "the parent's pages it shares between fork and exec, so the parser figure is an upper bound; the "
                 "sum of the two bounds total memory.")
    lines.append("")
    lines.append(f"Machine load average (1 min) {load_before:.1f} before and {load_after:.1f} after the runs, on 2 "
                 "cores shared with other jobs: wall times stretch with load, client CPU time does not.")
    lines.append("")
    lines.append("Failure reasons recorded (this tree): " + ", ".join(
        f"`{x}`" for x in next(iter(results.values()))["reasons"]) + ".")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
