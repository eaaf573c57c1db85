"""Every feed file under ../shared/data/feeds (feedparser's encoding, entities, ill-formed and
well-formed suites, and the real feedreader snapshots) served over HTTP and ingested: each feed
is stored or rejected with a recorded reason, nothing crashes, and no item is stored partially.

feedparser's test files name the HTTP headers they expect in their leading comment
(``Header: Content-type: text/plain; charset=utf-8``); the server sends those headers.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import shared_data_or_skip
from sqlalchemy import func, select

from monitor.config import FeedConfig, HttpSettings, Settings
from monitor.ingest import ingest, sync_feeds
from monitor.items import item_text
from monitor.store import Store, open_store, scratch_schema
from monitor.store.tables import feeds, fetch_log, items

pytestmark = pytest.mark.shared_data

HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):[ \t]*(.*?)\s*$", re.M)
LEAK = re.compile(r"<(p|a|img|div|br|span|script|style|iframe)\b[^>]*>|&(amp|lt|gt|quot|nbsp|#\d+);", re.I)
CRASH_REASONS = {"internal", "parser_crash"}


class _FeedFiles(http.server.BaseHTTPRequestHandler):
    root: Path

    def do_GET(self) -> None:
        path = (self.root / self.path.lstrip("/").split("?")[0]).resolve()
        if not path.is_file() or self.root not in path.parents:
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_response(200)
        declared = {k.decode().lower(): v.decode("latin-1") for k, v in HEADER.findall(body[:2000])}
        if "content-type" not in declared:
            self.send_header("Content-Type", "application/json" if path.suffix == ".json" else "application/xml")
        for name, value in declared.items():
            if name in ("content-type", "content-language", "content-location", "etag", "last-modified", "x-foo"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def feeds_root() -> Path:
    return shared_data_or_skip("feeds").resolve()


@pytest.fixture(scope="module")
def base_url(feeds_root: Path) -> Iterator[str]:
    handler = type("Handler", (_FeedFiles,), {"root": feeds_root})
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def corpus(feeds_root: Path) -> list[Path]:
    return sorted(p for p in feeds_root.rglob("*") if p.is_file() and p.suffix in (".xml", ".json"))


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of the backend under test for the whole module (the corpus is ingested once)."""
    from conftest import PG_URL

    if not PG_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('corpus') / 'store.db'}"
        return
    with scratch_schema(PG_URL) as url:
        yield url


@pytest.fixture(scope="module")
def ingested(feeds_root: Path, base_url: str, corpus_db: str) -> Iterator[Store]:
    """The whole corpus ingested once into a store of the backend under test."""
    store = open_store(corpus_db)
    files = corpus(feeds_root)
    sync_feeds(store, [FeedConfig(name=str(p.relative_to(feeds_root)), url=f"{base_url}/{p.relative_to(feeds_root)}")
                       for p in files])
    settings = Settings(http=HttpSettings(allow_private_networks=True, per_host_concurrency=8, retries=0))
    ingest(store, settings, force=True)
    yield store
    store.close()


def test_every_feed_is_stored_or_rejected_with_a_reason(ingested: Store, feeds_root: Path) -> None:
    with ingested.read() as conn:
        logged = conn.execute(select(feeds.c.name, fetch_log.c.status, fetch_log.c.reason, fetch_log.c.error)
                              .join(fetch_log, fetch_log.c.feed_id == feeds.c.id)).all()
    assert len(logged) == len(corpus(feeds_root)) == len({r.name for r in logged})
    rejected = [r for r in logged if r.status == "error"]
    assert all(r.reason and r.error for r in rejected)
    assert all(r.status == "ok" for r in logged if r.status != "error")


def test_nothing_crashes(ingested: Store) -> None:
    with ingested.read() as conn:
        crashes = conn.execute(select(feeds.c.name, fetch_log.c.error)
                               .join(fetch_log, fetch_log.c.feed_id == feeds.c.id)
                               .where(fetch_log.c.reason.in_(CRASH_REASONS))).all()
    assert crashes == []


def test_every_stored_feed_stored_all_its_items(ingested: Store) -> None:
    with ingested.read() as conn:
        counts = select(items.c.feed_id, func.count()).group_by(items.c.feed_id)
        stored: dict[int, int] = dict(conn.execute(counts).tuples().all())
        logged = conn.execute(select(fetch_log.c.feed_id, fetch_log.c.items_seen, fetch_log.c.items_new)
                              .where(fetch_log.c.status == "ok")).all()
    assert logged  # else the check below holds for nothing
    assert all(stored.get(r.feed_id, 0) == r.items_seen == r.items_new for r in logged)


def test_no_item_is_partial_and_no_markup_is_left(ingested: Store) -> None:
    with ingested.read() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(items))]
    assert rows
    for r in rows:
        assert r["item_key"] and len(r["content_hash"]) == 64 and r["published_at"] and r["fetched_at"]
        assert r["published_source"] in ("published", "updated", "fetched", "future_clamped")
        assert r["title"] or r["summary"] or r["content"] or r["url"], r
        text = item_text(r)
        assert not LEAK.search(text), (r["item_key"], text[:300])
        assert "\x00" not in text


def test_every_real_world_feed_with_entries_is_stored(ingested: Store) -> None:
    import feedparser

    root = shared_data_or_skip("feeds", "feedreader")
    with ingested.read() as conn:
        status = dict(conn.execute(select(feeds.c.name, feeds.c.last_status)).tuples().all())
    for p in corpus(root):
        if feedparser.parse(p.read_bytes()).entries:
            assert status[f"feedreader/{p.name}"] == "ok", p.name
