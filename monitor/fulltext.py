"""Full article text: for items of feeds with ``fulltext`` on, fetch the article page politely
(robots.txt, one request per host at a time, a per-host delay, Retry-After) and extract its main text.

Pages are fetched with monitor.fetch (SSRF guard, deadline, size cap, User-Agent) and extracted with
trafilatura (boilerplate, navigation and comments removed). Each outcome is one ``pages`` row: an
accepted page's text becomes the item's ``content`` (the feed's content is kept in the row) and the item's
``text_source`` becomes ``page``; a failure or a paywall/consent wall is recorded and the item keeps its
feed text. An item is fetched once: a re-run, or a retried Airflow task, skips items with a row.
"""

from __future__ import annotations

import re
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import select, update

from monitor.config import FeedConfig, FulltextSettings, Settings, load_feeds
from monitor.fetch import FetchRequest, FetchResult, fetch_all
from monitor.robots import RobotsCache
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, items, pages
from monitor.timeutil import Clock, utcnow

EXTRACTOR = "trafilatura"
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*", re.I)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_ELLIPSIS_END = re.compile(r"(…|\.\.\.)\s*$", re.M)


def extractor_version() -> str:
    import trafilatura

    return str(trafilatura.__version__)


# --------------------------------------------------------------------------- which items need a page

def feed_text(summary: str | None, content: str | None) -> str:
    return "\n\n".join(p for p in (summary or "", content or "") if p)


def is_teaser(text: str, settings: FulltextSettings) -> bool:
    """A feed text that only announces the article: short, or cut off with an excerpt marker."""
    body = text.strip()
    if len(body) < settings.min_chars:
        return True
    if len(body) >= 4 * max(settings.min_chars, 1):
        return False  # a long text with "[…]" somewhere is an article quoting something
    return any(m in body for m in settings.teaser_markers) or bool(_ELLIPSIS_END.search(body))


def wants_page(mode: str, summary: str | None, content: str | None, settings: FulltextSettings) -> bool:
    if mode == "always":
        return True
    if mode == "auto":
        return is_teaser(feed_text(summary, content), settings)
    return False


@dataclass(frozen=True, slots=True)
class PageCandidate:
    item_id: int
    url: str
    feed: str
    title: str
    summary: str
    content: str

    @property
    def feed_text(self) -> str:
        return feed_text(self.summary, self.content)


def feed_modes(settings: Settings, configured: Sequence[FeedConfig] | None = None) -> dict[str, str]:
    """``fulltext`` mode per feed name from the feeds file (feeds left out are ``never``)."""
    if configured is None:
        configured = load_feeds(settings.feeds_file)
    return {f.name: f.fulltext for f in configured if f.fulltext != "never"}


def pending_pages(store: Store, settings: Settings, modes: dict[str, str], *, ids: Sequence[int] | None = None,
                  since: datetime | None = None, feed: str | None = None) -> list[PageCandidate]:
    """Items that want their article page and have none recorded yet, oldest first.

    Only items not yet analysed: the analysis reads the text once, so a page found later would not
    be seen by matching and figures (the next items of the feed are, so nothing is lost for good)."""
    names = [n for n in modes if feed is None or n == feed]
    if not names:
        return []
    q = (select(items.c.id, items.c.url, items.c.title, items.c.summary, items.c.content, feeds.c.name)
         .join(feeds, feeds.c.id == items.c.feed_id)
         .outerjoin(pages, pages.c.item_id == items.c.id)
         .where(pages.c.item_id.is_(None), items.c.url.is_not(None), items.c.analyzed_at.is_(None),
                feeds.c.name.in_(names))
         .order_by(items.c.published_at, items.c.id))
    if since is not None:
        q = q.where(items.c.published_at >= since)
    if ids is not None:
        q = q.where(items.c.id.in_(list(ids)))
    with store.read() as conn:
        rows = conn.execute(q).all()
    out = [PageCandidate(r.id, r.url, r.name, r.title or "", r.summary or "", r.content or "") for r in rows
           if wants_page(modes[r.name], r.summary, r.content, settings.fulltext)]
    return out[: settings.fulltext.max_pages_per_run]


# --------------------------------------------------------------------------- extraction

@dataclass(slots=True)
class Extraction:
    text: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    lang_hint: str | None = None
    flag: str = "none"  # none | paywall | consent | too_short
    error: str | None = None
    reason: str | None = None

    @property
    def usable(self) -> bool:
        return self.error is None and self.flag == "none" and bool(self.text)


# trafilatura drops every non-printable character, zero-width (non-)joiners included; in Persian,
# Urdu or Kurdish those are spelling (می‌شود), so they cross the extractor as rare printable letters.
_JOINERS = {"\u200c": "\U000110d0", "\u200d": "\U000110d1"}


def _decode(body: bytes, headers: dict[str, str]) -> str:
    from trafilatura.utils import decode_file

    m = _CHARSET.search(headers.get("content-type", ""))
    if m:
        try:
            return body.decode(m.group(1))
        except (LookupError, UnicodeDecodeError):
            pass
    return str(decode_file(body))  # meta charset, then detection


def _protect_joiners(text: str) -> tuple[str, bool]:
    if not any(j in text for j in _JOINERS) or any(p in text for p in _JOINERS.values()):
        return text, False
    for joiner, stand_in in _JOINERS.items():
        text = text.replace(joiner, stand_in)
    return text, True


def _restore_joiners(text: str) -> str:
    for joiner, stand_in in _JOINERS.items():
        text = text.replace(stand_in, joiner)
    return text


def _marked(haystack: str, markers: Sequence[str]) -> bool:
    return any(m and m.lower() in haystack for m in markers)


def classify(text: str, html_lower: str, settings: FulltextSettings, feed_chars: int = 0) -> str:
    """``none`` for an article; else why the extraction is not one. Markers alone never flag a page:
    real articles carry cookie banners and subscribe boxes too; only a short extraction does."""
    if len(text) >= max(settings.min_page_chars, feed_chars):
        return "none"
    if _marked(html_lower, settings.consent_markers) or _marked(text.lower(), settings.consent_markers):
        return "consent"
    if _marked(html_lower, settings.paywall_markers):
        return "paywall"
    return "too_short"


def _strip_title(text: str, titles: Sequence[str | None]) -> str:
    first, _, rest = text.partition("\n")
    if any(t and first.strip() == t.strip() for t in titles):
        return rest.strip()
    return text.strip()


def extract_page(body: bytes, headers: dict[str, str], url: str, settings: FulltextSettings,
                 *, feed_title: str = "", feed_chars: int = 0) -> Extraction:
    """Main text and metadata of an article page; problems come back as data, never raised."""
    import trafilatura

    ctype = headers.get("content-type", "text/html").lower()
    if "html" not in ctype and "xml" not in ctype:
        return Extraction(error=f"not an HTML page ({ctype.split(';')[0]})", reason="not_html")
    m = _HTML_LANG.search(body[:4096])
    lang = m.group(1).decode().lower() if m else None
    page, protected = _protect_joiners(_decode(body, headers))
    try:
        found = trafilatura.bare_extraction(page, url=url, include_comments=False,
                                            include_tables=True, include_images=False, include_links=False,
                                            favor_precision=True, with_metadata=True, deduplicate=False,
                                            as_dict=True)
    except Exception as e:  # an extractor bug costs one page, never the batch
        return Extraction(lang_hint=lang, error=f"extractor failed: {type(e).__name__}: {e}", reason="extractor_error")
    doc: dict[str, Any] = found if isinstance(found, dict) else {}
    html_lower = page.lower()
    if not str(doc.get("text") or "").strip():
        flag = classify("", html_lower, settings)
        return Extraction(lang_hint=lang, flag=flag, error="no main text found on the page", reason="no_content")

    def field_(name: str) -> str | None:
        value = doc.get(name)
        if not value:
            return None
        return _restore_joiners(str(value)) if protected else str(value)

    title = field_("title")
    text = _strip_title(field_("text") or "", [title, feed_title])
    lang = lang or field_("language")
    return Extraction(text=text, title=title, author=field_("author"), published=field_("date"),
                      lang_hint=lang, flag=classify(text, html_lower, settings, feed_chars))


# --------------------------------------------------------------------------- polite fetching

@dataclass(slots=True)
class Fetched:
    """One candidate's fetch outcome: a result, or why no request was made."""

    candidate: PageCandidate
    result: FetchResult | None
    skipped: str | None = None  # robots_disallowed | deferred
    note: str = ""  # e.g. why robots.txt refused (unreachable, ...)


def _host(url: str) -> str:
    return RobotsCache.key(url)


def polite_fetch(candidates: Sequence[PageCandidate], settings: Settings, *,
                 transport: httpx.AsyncBaseTransport | None = None, robots: RobotsCache | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> Iterator[list[Fetched]]:
    """Fetch the candidates' pages in rounds: each round asks every host that is ready for at most
    ``per_host_concurrency`` pages (one by default), all hosts at once; a host is ready again
    ``per_host_delay`` (or its robots.txt Crawl-delay, if longer) after its last answer, or after
    the Retry-After it sent. A host that asks for longer than ``http.max_retry_wait`` is left for
    the next run. Yields each round's outcomes."""
    ft = settings.fulltext
    http = settings.http.model_copy(update={"per_host_concurrency": ft.per_host_concurrency})
    queues: dict[str, deque[PageCandidate]] = {}
    for c in candidates:
        queues.setdefault(_host(c.url), deque()).append(c)
    next_at: dict[str, float] = {}
    delay: dict[str, float] = {h: ft.per_host_delay for h in queues}
    if ft.respect_robots and queues:
        robots = robots or RobotsCache(http, ft.robots_user_agent, transport)
        robots.load(robots.missing(c.url for c in candidates))
        done = monotonic()
        for h in queues:
            rules = robots.hosts[h]
            if rules.crawl_delay is not None:
                delay[h] = max(delay[h], min(rules.crawl_delay, ft.max_crawl_delay))
            next_at[h] = done + delay[h]  # the robots.txt request counts as one
    while queues:
        skipped: list[Fetched] = []
        batch: list[tuple[str, PageCandidate]] = []
        now = monotonic()
        for h, q in list(queues.items()):
            if next_at.get(h, 0.0) > now:
                continue
            taken = 0
            while q and taken < ft.per_host_concurrency:
                c = q.popleft()
                if robots is not None and not robots.allows(c.url):
                    skipped.append(Fetched(c, None, "robots_disallowed", robots.rules(c.url).note))
                    continue
                batch.append((h, c))
                taken += 1
            if not q:
                del queues[h]
        if not batch:
            if skipped:
                yield skipped
            elif queues:
                sleep(max(0.0, min(next_at[h] for h in queues) - monotonic()))
            continue
        reqs = [FetchRequest(key=f"page:{c.item_id}", url=c.url) for _, c in batch]
        results = fetch_all(reqs, http, transport)
        answered = monotonic()
        out = skipped
        for (h, c), res in zip(batch, results, strict=True):
            wait = res.retry_after if (res.retry_after is not None and not res.ok) else None
            if wait is not None and wait > http.max_retry_wait:
                # The server asked us to stay away longer than a run waits: leave this host's
                # pages (this one included) for a later run instead of recording a failure.
                out.append(Fetched(c, None, "deferred"))
                out.extend(Fetched(rest, None, "deferred") for rest in queues.pop(h, ()))
                continue
            out.append(Fetched(c, res))
            next_at[h] = answered + max(delay.get(h, ft.per_host_delay), wait or 0.0)
        yield out


# --------------------------------------------------------------------------- storing

@dataclass(slots=True)
class ExtractSummary:
    candidates: int = 0
    fetched: int = 0  # requests answered (any status)
    used: int = 0  # pages whose text the items now carry
    flagged: dict[str, int] = field(default_factory=dict)  # paywall / consent / too_short
    failed: dict[str, int] = field(default_factory=dict)  # reason -> count
    robots_disallowed: int = 0
    deferred: int = 0
    outcomes: list[dict[str, Any]] = field(default_factory=list)  # per item: id, url, status, ...

    def as_dict(self) -> dict[str, Any]:
        return {"candidates": self.candidates, "fetched": self.fetched, "used": self.used,
                "flagged": dict(self.flagged), "failed": dict(self.failed),
                "robots_disallowed": self.robots_disallowed, "deferred": self.deferred}

    def add(self, other: ExtractSummary) -> None:
        self.candidates += other.candidates
        self.fetched += other.fetched
        self.used += other.used
        self.robots_disallowed += other.robots_disallowed
        self.deferred += other.deferred
        for mine, theirs in ((self.flagged, other.flagged), (self.failed, other.failed)):
            for k, v in theirs.items():
                mine[k] = mine.get(k, 0) + v
        self.outcomes += other.outcomes


def page_row(f: Fetched, settings: FulltextSettings, now: datetime, version: str) -> tuple[dict[str, Any], bool]:
    """The ``pages`` row for a fetch outcome, and whether its text should replace the feed's."""
    c, res = f.candidate, f.result
    row: dict[str, Any] = {"item_id": c.item_id, "url": c.url, "final_url": None, "http_status": None,
                           "fetched_at": now, "text": None, "title": None, "author": None, "published": None,
                           "lang_hint": None, "extractor": None, "extractor_version": None, "flag": "none",
                           "used": False, "feed_content": None, "error": None, "reason": None}
    if res is None:  # refused by robots.txt
        row.update(error="disallowed by robots.txt" + (f" ({f.note})" if f.note else ""), reason="robots_disallowed")
        return row, False
    row.update(final_url=res.final_url, http_status=res.status)
    if not res.ok:
        row.update(error=res.error or f"HTTP {res.status}", reason=res.reason or "http_status")
        return row, False
    ex = extract_page(res.content, res.headers, res.final_url or c.url, settings, feed_title=c.title,
                      feed_chars=len(c.feed_text))
    row.update(text=ex.text, title=ex.title, author=ex.author, published=ex.published, lang_hint=ex.lang_hint,
               extractor=EXTRACTOR, extractor_version=version, flag=ex.flag, error=ex.error, reason=ex.reason)
    if ex.error is None and ex.flag != "none":
        row["reason"] = ex.flag
    return row, ex.usable


def store_round(store: Store, fetched: Sequence[Fetched], settings: FulltextSettings, now: datetime,
                summary: ExtractSummary) -> None:
    """Record one round's outcomes in one transaction; deferred candidates are not recorded."""
    version = extractor_version()
    recorded: list[tuple[Fetched, dict[str, Any], bool]] = []
    for f in fetched:  # extract before taking the write lock (SQLite has one writer at a time)
        if f.skipped == "deferred":
            summary.deferred += 1
            summary.outcomes.append({"id": f.candidate.item_id, "url": f.candidate.url, "status": "deferred"})
            continue
        if f.result is not None:
            summary.fetched += 1
        recorded.append((f, *page_row(f, settings, now, version)))
    with store.write() as conn:
        for f, row, usable in recorded:
            c = f.candidate
            if usable:
                row.update(used=True, feed_content=c.content)
            if not insert_ignore(conn, pages, [row], ["item_id"]):
                continue  # another worker recorded this item meanwhile
            if usable:
                # Only an item not analysed yet takes the page text; otherwise its analysis would
                # describe a text it no longer has.
                took = conn.execute(update(items).where(items.c.id == c.item_id, items.c.analyzed_at.is_(None))
                                    .values(content=row["text"], text_source="page")).rowcount
                if not took:
                    usable = False
                    conn.execute(update(pages).where(pages.c.item_id == c.item_id)
                                 .values(used=False, reason="analyzed_before_extraction"))
            status = "page" if usable else (row["flag"] if row["flag"] != "none" else "failed")
            if usable:
                summary.used += 1
            elif row["reason"] == "robots_disallowed":
                summary.robots_disallowed += 1
            elif row["flag"] != "none":
                summary.flagged[row["flag"]] = summary.flagged.get(row["flag"], 0) + 1
            else:
                summary.failed[row["reason"] or "unknown"] = summary.failed.get(row["reason"] or "unknown", 0) + 1
            summary.outcomes.append({"id": c.item_id, "url": c.url, "status": status, "http": row["http_status"],
                                     "chars": len(row["text"] or ""), "reason": row["reason"], "feed": c.feed})


def extract_candidates(store: Store, settings: Settings, candidates: Sequence[PageCandidate], *,
                       transport: httpx.AsyncBaseTransport | None = None, clock: Clock = utcnow,
                       sleep: Callable[[float], None] = time.sleep,
                       progress: Callable[[int], None] | None = None) -> ExtractSummary:
    """Fetch, extract and record the pages of ``candidates``."""
    summary = ExtractSummary(candidates=len(candidates))
    for fetched in polite_fetch(candidates, settings, transport=transport, sleep=sleep):
        store_round(store, fetched, settings.fulltext, clock(), summary)
        if progress:
            progress(len(fetched))
    return summary


def extract_pending(store: Store, settings: Settings, *, configured: Sequence[FeedConfig] | None = None,
                    since: datetime | None = None, feed: str | None = None,
                    transport: httpx.AsyncBaseTransport | None = None, clock: Clock = utcnow,
                    sleep: Callable[[float], None] = time.sleep,
                    progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """Fetch and extract the article pages every pending item of a ``fulltext`` feed wants.
    Safe to re-run: items with a recorded page are never fetched again."""
    modes = feed_modes(settings, configured)
    candidates = pending_pages(store, settings, modes, since=since, feed=feed)
    total = len(candidates)
    return extract_candidates(store, settings, candidates, transport=transport, clock=clock, sleep=sleep,
                              progress=(lambda n: progress(n, total)) if progress else None)


def host_batches(store: Store, settings: Settings, *, configured: Sequence[FeedConfig] | None = None,
                 max_batch: int = 50) -> list[list[int]]:
    """Ids of pending candidates in batches of whole hosts (small hosts packed together up to
    ``max_batch`` items; a host is never split), so parallel workers never ask one host at once:
    the Airflow extract step maps over these."""
    by_host: dict[str, list[int]] = {}
    for c in pending_pages(store, settings, feed_modes(settings, configured)):
        by_host.setdefault(_host(c.url), []).append(c.item_id)
    batches: list[list[int]] = []
    current: list[int] = []
    for _, ids in sorted(by_host.items(), key=lambda kv: -len(kv[1])):
        if current and len(current) + len(ids) > max_batch:
            batches.append(current)
            current = []
        current = current + ids
    if current:
        batches.append(current)
    return batches


def extract_items(store: Store, settings: Settings, ids: Sequence[int], *,
                  configured: Sequence[FeedConfig] | None = None,
                  transport: httpx.AsyncBaseTransport | None = None, clock: Clock = utcnow) -> ExtractSummary:
    """Fetch and extract the pages of the items ``ids`` that still want one (a retried batch
    re-uses what the first attempt stored)."""
    candidates = pending_pages(store, settings, feed_modes(settings, configured), ids=ids)
    return extract_candidates(store, settings, candidates, transport=transport, clock=clock)
