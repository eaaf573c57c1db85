"""Full article text: teaser-only feeds are ingested from a real local server, their article pages
(fixtures in tests/data/fulltext, each listing the body lines it must keep and the boilerplate it
must lose) are fetched politely and extracted, and the outcome is stored per item, on SQLite and
PostgreSQL alike. Politeness is shown by the server's own record of when each request ran."""

from __future__ import annotations

import html
import http.server
import itertools
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from monitor.config import FeedConfig, FulltextSettings, HttpSettings, Settings
from monitor.fulltext import extract_items, extract_pending, host_batches, is_teaser
from monitor.ingest import ingest, sync_feeds
from monitor.items import iter_items
from monitor.store import Store
from monitor.store.tables import items, pages

DATA = Path(__file__).parent / "data" / "fulltext"
ARTICLES = sorted((DATA / "pages").glob("*.html"))
TEASER = "A short teaser for the story [&#8230;]"


# --------------------------------------------------------------------------- fixtures' declarations

@dataclass(frozen=True)
class Fixture:
    path: Path
    body: list[str]
    boilerplate: list[str]
    meta: dict[str, str]
    charset: str

    @classmethod
    def load(cls, path: Path) -> Fixture:
        raw = path.read_text(encoding="utf-8")
        header = raw.split("-->", 1)[0]
        meta = dict(re.findall(r"^(title|author|lang): (.+)$", header, re.M))
        m = re.search(r'<meta charset="([^"]+)"', raw)
        return cls(path, re.findall(r"^body: (.+)$", header, re.M), re.findall(r"^boilerplate: (.+)$", header, re.M),
                   meta, m.group(1) if m else "utf-8")

    def served(self) -> bytes:
        return self.path.read_text(encoding="utf-8").encode(self.charset)


# --------------------------------------------------------------------------- a server that keeps a record

@dataclass
class Hit:
    host: str
    path: str
    start: float
    end: float
    user_agent: str = ""


@dataclass
class Site:
    """Routes served on one address, and every request it saw (monotonic start and end times)."""

    routes: dict[str, list[tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes | str, status: int = 200, ctype: str = "text/html; charset=utf-8",
            **headers: str) -> str:
        data = body.encode() if isinstance(body, str) else body
        self.routes.setdefault(path, []).append((status, {"Content-Type": ctype, **headers}, data))
        return self.base + path

    def paths(self) -> list[str]:
        return [h.path for h in self.hits]


def _handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            start = time.monotonic()
            answers = site.routes.get(self.path.split("?")[0])
            with site.lock:
                status, headers, body = (answers.pop(0) if answers and len(answers) > 1 else
                                         answers[0] if answers else (404, {"Content-Type": "text/plain"}, b"nope"))
            time.sleep(0.02)  # a little work, so two overlapping requests would overlap in the record
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            with site.lock:
                site.hits.append(Hit(self.headers.get("Host", ""), self.path, start, time.monotonic(),
                                     self.headers.get("User-Agent", "")))

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def sites() -> Iterator[tuple[Site, Site]]:
    """Two sites on two loopback addresses: two hosts for politeness purposes."""
    servers = []
    out = []
    for host in ("127.0.0.1", "127.0.0.2"):
        site = Site()
        server = http.server.ThreadingHTTPServer((host, 0), _handler(site))
        site.base = f"http://{host}:{server.server_address[1]}"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        out.append(site)
    yield out[0], out[1]
    for s in servers:
        s.shutdown()
        s.server_close()


def rss(entries: list[tuple[str, str, str]], description: str = TEASER) -> str:
    """A teaser-only RSS feed: (guid, title, link) per entry."""
    body = "".join(f"<item><guid>{g}</guid><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
                   f"<description>{html.escape(description)}</description>"
                   f"<pubDate>Sat, 21 Nov 2026 0{i % 10}:00:00 GMT</pubDate></item>"
                   for i, (g, t, u) in enumerate(entries))
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Teasers</title>'
            f"{body}</channel></rss>")


def settings_for(**fulltext: Any) -> Settings:
    return Settings(http=HttpSettings(allow_private_networks=True, retries=1, retry_backoff=0.05),
                    fulltext=FulltextSettings(**{"per_host_delay": 0.05, **fulltext}))


def ingest_teasers(store: Store, site: Site, entries: list[tuple[str, str, str]], settings: Settings,
                   mode: str = "auto", name: str = "teasers", description: str = TEASER) -> list[FeedConfig]:
    url = site.add(f"/{name}.xml", rss(entries, description), ctype="application/rss+xml")
    configured = [FeedConfig(name=name, url=url, fulltext=mode)]  # type: ignore[arg-type]
    sync_feeds(store, configured)
    summary = ingest(store, settings, names=[name], force=True)
    assert summary.items_new == len(entries), summary.as_dict()
    return configured


def stored(store: Store) -> dict[str, dict[str, Any]]:
    """item guid -> the item and its page row (page columns prefixed ``page_``)."""
    with store.read() as conn:
        rows = conn.execute(select(items, *[c.label(f"page_{c.name}") for c in pages.c])
                            .outerjoin(pages, pages.c.item_id == items.c.id)).all()
    return {r.item_key: dict(r._mapping) for r in rows}


# --------------------------------------------------------------------------- extraction of real-world pages

@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_stored_text_has_the_article_body_and_none_of_the_boilerplate(store: Store, sites: tuple[Site, Site],
                                                                      path: Path) -> None:
    site, _ = sites
    fx = Fixture.load(path)
    assert fx.body and fx.boilerplate
    link = site.add(f"/news/{path.stem}.html", fx.served(), ctype=f"text/html; charset={fx.charset}")
    settings = settings_for()
    configured = ingest_teasers(store, site, [("a1", fx.meta["title"], link)], settings)
    summary = extract_pending(store, settings, configured=configured)
    assert summary.used == 1, summary.as_dict()
    row = stored(store)["a1"]
    assert row["text_source"] == "page" and row["page_used"]
    text = row["content"]
    assert text == row["page_text"]
    missing = [b for b in fx.body if b not in text]
    leaked = [b for b in fx.boilerplate if b in text]
    assert not missing and not leaked, {"missing": missing, "leaked": leaked}


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.stem)
def test_page_metadata_title_author_date_and_language_hint_are_stored(store: Store, sites: tuple[Site, Site],
                                                                       path: Path) -> None:
    site, _ = sites
    fx = Fixture.load(path)
    link = site.add(f"/news/{path.stem}.html", fx.served(), ctype="text/html")  # charset from the page itself
    settings = settings_for()
    extract_pending(store, settings, configured=ingest_teasers(store, site, [("a1", "Teaser headline", link)],
                                                               settings))
    row = stored(store)["a1"]
    assert (row["page_title"], row["page_author"], row["page_lang_hint"]) == (
        fx.meta["title"], fx.meta["author"], fx.meta["lang"])
    assert row["page_published"] and row["page_published"].startswith("2026-11-")
    assert row["page_extractor"] == "trafilatura" and row["page_extractor_version"]


def test_items_listing_shows_the_page_as_text_source_and_keeps_the_teaser(store: Store,
                                                                         sites: tuple[Site, Site]) -> None:
    site, _ = sites
    fx = Fixture.load(DATA / "pages" / "en-harbour-flood.html")
    link = site.add("/news/flood.html", fx.served())
    settings = settings_for()
    extract_pending(store, settings, configured=ingest_teasers(store, site, [("a1", fx.meta["title"], link)],
                                                               settings))
    with store.read() as conn:
        (listed,) = list(iter_items(conn))
    assert listed["text_source"] == "page"
    assert fx.body[0] in listed["text"] and "A short teaser for the story" in listed["text"]


# --------------------------------------------------------------------------- walls and failures

@pytest.mark.parametrize(("fixture", "flag"), [("paywall-en.html", "paywall"), ("consent-fr.html", "consent")])
def test_paywall_and_consent_pages_are_flagged_and_the_item_keeps_its_feed_text(
        store: Store, sites: tuple[Site, Site], fixture: str, flag: str) -> None:
    site, _ = sites
    link = site.add(f"/walls/{fixture}", (DATA / "walls" / fixture).read_bytes())
    settings = settings_for()
    summary = extract_pending(store, settings, configured=ingest_teasers(store, site, [("w", "Wall", link)], settings))
    row = stored(store)["w"]
    assert row["page_flag"] == flag and not row["page_used"]
    assert summary.flagged == {flag: 1} and summary.used == 0
    assert row["text_source"] == "feed" and row["content"] == "" and "teaser" in row["summary"]


@pytest.mark.parametrize(("route", "reason"), [
    ("video", "no_content"), ("missing", "http_status"), ("pdf", "not_html")])
def test_a_failed_page_is_recorded_with_its_reason_and_the_item_keeps_its_feed_text(
        store: Store, sites: tuple[Site, Site], route: str, reason: str) -> None:
    site, _ = sites
    if route == "video":
        link = site.add("/video.html", (DATA / "walls" / "video-only.html").read_bytes())
    elif route == "pdf":
        link = site.add("/report.pdf", b"%PDF-1.7 not a page", ctype="application/pdf")
    else:
        link = site.base + "/gone.html"  # 404
    settings = settings_for()
    summary = extract_pending(store, settings, configured=ingest_teasers(store, site, [("f", "Fail", link)], settings))
    row = stored(store)["f"]
    assert row["page_reason"] == reason and row["page_error"]
    assert not row["page_used"] and row["text_source"] == "feed" and "teaser" in row["summary"]
    assert summary.used == 0 and sum(summary.failed.values()) + sum(summary.flagged.values()) == 1


# --------------------------------------------------------------------------- robots.txt and politeness

def test_pages_disallowed_by_robots_txt_are_never_requested(store: Store, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    site.add("/robots.txt", "User-agent: *\nAllow: /\n\nUser-agent: monitor\nDisallow: /private/\n",
             ctype="text/plain")
    page = Fixture.load(DATA / "pages" / "en-harbour-flood.html").served()
    open_link = site.add("/news/open.html", page)
    closed_link = site.add("/private/closed.html", page)
    settings = settings_for()
    configured = ingest_teasers(store, site, [("open", "Open", open_link), ("closed", "Closed", closed_link)],
                                settings)
    summary = extract_pending(store, settings, configured=configured)
    assert "/private/closed.html" not in site.paths()
    rows = stored(store)
    assert rows["closed"]["page_reason"] == "robots_disallowed" and rows["closed"]["text_source"] == "feed"
    assert rows["open"]["text_source"] == "page"
    assert summary.robots_disallowed == 1 and summary.used == 1


def test_robots_txt_is_fetched_once_per_host_and_before_any_page(store: Store, sites: tuple[Site, Site]) -> None:
    a, b = sites
    a.add("/robots.txt", "User-agent: *\nDisallow:\n", ctype="text/plain")
    page = Fixture.load(DATA / "pages" / "en-harbour-flood.html").served()
    entries = [(f"a{i}", f"A{i}", a.add(f"/a{i}.html", page)) for i in range(3)]
    entries += [(f"b{i}", f"B{i}", b.add(f"/b{i}.html", page)) for i in range(3)]  # b has no robots.txt: 404
    settings = settings_for()
    extract_pending(store, settings, configured=ingest_teasers(store, a, entries, settings))
    for site in (a, b):
        page_hits = [p for p in site.paths() if p.endswith(".html")]
        assert site.paths().count("/robots.txt") == 1
        assert site.paths().index("/robots.txt") < site.paths().index(page_hits[0])
        assert len(page_hits) == 3


def test_robots_txt_that_cannot_be_fetched_means_no_page_of_that_host(store: Store,
                                                                       sites: tuple[Site, Site]) -> None:
    site, _ = sites
    site.add("/robots.txt", "down", status=500, ctype="text/plain")
    link = site.add("/news/a.html", Fixture.load(DATA / "pages" / "en-harbour-flood.html").served())
    settings = settings_for()
    summary = extract_pending(store, settings, configured=ingest_teasers(store, site, [("a", "A", link)], settings))
    assert "/news/a.html" not in site.paths() and summary.robots_disallowed == 1
    assert "unreachable" in stored(store)["a"]["page_error"]


def test_one_request_per_host_at_a_time_spaced_by_the_per_host_delay(store: Store,
                                                                      sites: tuple[Site, Site]) -> None:
    a, b = sites
    delay = 0.25
    page = Fixture.load(DATA / "pages" / "de-koeln-bruecke.html").served()
    entries = [(f"a{i}", f"A{i}", a.add(f"/a{i}.html", page)) for i in range(4)]
    entries += [(f"b{i}", f"B{i}", b.add(f"/b{i}.html", page)) for i in range(4)]
    settings = settings_for(per_host_delay=delay)
    summary = extract_pending(store, settings, configured=ingest_teasers(store, a, entries, settings))
    assert summary.used == 8
    for site in (a, b):
        hits = sorted((h for h in site.hits if h.path != "/teasers.xml"), key=lambda h: h.start)
        assert hits[0].path == "/robots.txt" and len(hits) == 5
        for prev, nxt in itertools.pairwise(hits):
            assert nxt.start >= prev.end, "two requests to one host overlapped"
            assert nxt.start - prev.end >= delay, f"{nxt.path} came {nxt.start - prev.end:.3f}s after {prev.path}"
    # ... while the two hosts were served side by side, not one after the other
    a_pages = [h for h in a.hits if h.path.startswith("/a")]
    b_pages = [h for h in b.hits if h.path.startswith("/b")]
    assert min(h.start for h in b_pages) < max(h.start for h in a_pages)


def test_retry_after_is_waited_before_asking_the_host_again(store: Store, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    page = Fixture.load(DATA / "pages" / "en-harbour-flood.html").served()
    site.add("/busy.html", "busy", status=503, ctype="text/plain", **{"Retry-After": "1"})
    link = site.add("/busy.html", page)
    settings = settings_for()
    summary = extract_pending(store, settings, configured=ingest_teasers(store, site, [("r", "R", link)], settings))
    first, second = [h for h in site.hits if h.path == "/busy.html"]
    assert second.start - first.end >= 1.0
    assert summary.used == 1


def test_a_host_asking_to_wait_longer_than_a_run_is_left_for_the_next_run(store: Store,
                                                                           sites: tuple[Site, Site]) -> None:
    site, _ = sites
    page = Fixture.load(DATA / "pages" / "en-harbour-flood.html").served()
    link0 = site.add("/p0.html", "slow down", status=429, ctype="text/plain", **{"Retry-After": "3600"})
    site.add("/p0.html", page)
    links = [link0] + [site.add(f"/p{i}.html", page) for i in (1, 2)]
    settings = settings_for()
    configured = ingest_teasers(store, site, [(f"p{i}", f"P{i}", u) for i, u in enumerate(links)], settings)
    summary = extract_pending(store, settings, configured=configured)
    assert summary.deferred == 3 and summary.used == 0
    assert "/p1.html" not in site.paths() and "/p2.html" not in site.paths()
    assert all(r["page_item_id"] is None and r["text_source"] == "feed" for r in stored(store).values())
    again = extract_pending(store, settings, configured=configured)  # the next run: the host answers now
    assert again.used == 3


# --------------------------------------------------------------------------- idempotence and feed modes

def test_a_second_run_fetches_nothing(store: Store, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    page = Fixture.load(DATA / "pages" / "fr-lyon-metro.html").served()
    entries = [("ok", "OK", site.add("/ok.html", page)), ("gone", "Gone", site.base + "/gone.html")]
    settings = settings_for()
    configured = ingest_teasers(store, site, entries, settings)
    extract_pending(store, settings, configured=configured)
    before, rows = len(site.hits), stored(store)
    again = extract_pending(store, settings, configured=configured)
    assert again.candidates == 0 and len(site.hits) == before
    assert stored(store) == rows


def test_a_retried_host_batch_reuses_the_pages_already_stored(store: Store, sites: tuple[Site, Site]) -> None:
    a, b = sites
    page = Fixture.load(DATA / "pages" / "ru-vladivostok-ferry.html").served()
    entries = [("a0", "A0", a.add("/a0.html", page)), ("a1", "A1", a.add("/a1.html", page)),
               ("b0", "B0", b.add("/b0.html", page))]
    settings = settings_for()
    configured = ingest_teasers(store, a, entries, settings)
    batches = host_batches(store, settings, configured=configured, max_batch=2)
    assert sorted(len(x) for x in batches) == [1, 2]  # whole hosts, never one host in two batches
    assert sorted(len(x) for x in host_batches(store, settings, configured=configured, max_batch=1)) == [1, 2]
    first = extract_items(store, settings, batches[0], configured=configured)
    hits = len(a.hits) + len(b.hits)
    retry = extract_items(store, settings, batches[0], configured=configured)
    assert first.used == len(batches[0]) and retry.candidates == 0 and len(a.hits) + len(b.hits) == hits


def test_never_fetches_nothing_and_always_fetches_even_long_feed_texts(store: Store,
                                                                       sites: tuple[Site, Site]) -> None:
    site, _ = sites
    page = Fixture.load(DATA / "pages" / "ar-beirut-port.html").served()
    long_text = "A complete article in the feed. " * 15  # 480 characters: more than `auto` wants
    settings = settings_for()
    never = ingest_teasers(store, site, [("n", "N", site.add("/n.html", page))], settings, mode="never", name="nv")
    always = ingest_teasers(store, site, [("l", "L", site.add("/l.html", page))], settings, mode="always",
                            name="al", description=long_text)
    auto = ingest_teasers(store, site, [("x", "X", site.add("/x.html", page))], settings, mode="auto",
                          name="au", description=long_text)
    summary = extract_pending(store, settings, configured=never + always + auto)
    assert summary.candidates == 1 and "/n.html" not in site.paths() and "/x.html" not in site.paths()
    assert stored(store)["l"]["text_source"] == "page"


@pytest.mark.parametrize(("text", "teaser"), [
    ("Floods close the coastal road.", True),
    ("The council met on Tuesday. " * 12 + "[…]", True),
    ("The council met on Tuesday. " * 12 + "\n\nRead the rest…", True),
    ("The council met on Tuesday and approved the budget for next year. " * 10, False),
    ("A long article quoting an excerpt […] and going on. " * 40, False),
])
def test_auto_mode_wants_the_page_for_short_or_cut_off_feed_texts(text: str, teaser: bool) -> None:
    assert is_teaser(text, FulltextSettings()) is teaser


# --------------------------------------------------------------------------- the feed client's rules apply

def test_pages_are_fetched_with_the_feed_clients_user_agent(store: Store, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    link = site.add("/news/a.html", Fixture.load(DATA / "pages" / "en-harbour-flood.html").served())
    settings = settings_for()
    extract_pending(store, settings, configured=ingest_teasers(store, site, [("a", "A", link)], settings))
    agents = {h.path: h.user_agent for h in site.hits}
    assert agents["/robots.txt"] == agents["/news/a.html"] == settings.http.user_agent


def test_the_ssrf_guard_refuses_article_urls_on_private_addresses(store: Store, sites: tuple[Site, Site]) -> None:
    site, _ = sites
    link = site.add("/news/a.html", Fixture.load(DATA / "pages" / "en-harbour-flood.html").served())
    settings = settings_for()
    configured = ingest_teasers(store, site, [("a", "A", link)], settings)
    guarded = settings.model_copy(update={"http": settings.http.model_copy(update={"allow_private_networks": False})})
    extract_pending(store, guarded, configured=configured)
    assert "/news/a.html" not in site.paths()
    row = stored(store)["a"]
    assert row["page_reason"] == "blocked_address" and row["text_source"] == "feed"


def test_a_page_over_the_size_cap_is_refused_and_the_item_keeps_its_feed_text(store: Store,
                                                                              sites: tuple[Site, Site]) -> None:
    site, _ = sites
    page = Fixture.load(DATA / "pages" / "en-harbour-flood.html").served()
    link = site.add("/news/huge.html", page + b"<!--" + b"x" * 200_000 + b"-->")
    settings = settings_for()
    configured = ingest_teasers(store, site, [("h", "H", link)], settings)
    capped = settings.model_copy(update={"http": settings.http.model_copy(update={"max_bytes": 100_000})})
    extract_pending(store, capped, configured=configured)
    row = stored(store)["h"]
    assert row["page_reason"] == "too_large" and row["text_source"] == "feed"
