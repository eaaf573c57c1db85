"""Parsing fetched feed bytes (RSS, Atom, RDF via feedparser; JSON Feed directly) into plain
ParsedItem records with stable keys, canonical URLs, clean text and marked-up dates.

feedparser is only ever handed bytes plus the HTTP headers (for the charset), never a URL or a
string it could open. Ill-formed (``bozo``) feeds are salvaged when entries were recovered and
reported either way; a feed without usable entries is a FeedParseError with a reason code.

Dates: published, else updated, else the fetch time (``published_source`` says which). A date
more than FUTURE_TOLERANCE after the fetch time is a feed's mistake (time zones, typos): it is
clamped to the fetch time and marked ``future_clamped`` so time windows never see the future.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import json
import multiprocessing
import re
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

from monitor.errors import FeedParseError
from monitor.htmltext import clean_line, html_to_text

FUTURE_TOLERANCE = timedelta(minutes=15)
MAX_KEY_LENGTH = 400
_TRACKING_PREFIXES = ("utm_", "mc_", "_hs", "pk_", "mtm_", "ga_")
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
    "li_fat_id", "mkt_tok", "_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "ncid",
    "ocid", "cmpid", "sr_share", "at_medium", "at_campaign", "ito", "ns_mchannel", "ns_campaign",
    "ns_source", "ns_linkname", "ns_fee", "rss", "rss_id", "feedtype",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LANGUAGE_SUBTAG = re.compile(r"[a-z]{2,3}")


@dataclass(frozen=True, slots=True)
class ParsedItem:
    item_key: str
    url: str | None
    canonical_url: str | None
    title: str
    summary: str
    content: str
    author: str | None
    published_at: datetime
    published_source: str  # published | updated | fetched | future_clamped
    content_hash: str
    language: str | None = None  # declared on the entry (xml:lang), if any


@dataclass(slots=True)
class ParsedFeed:
    title: str
    language: str | None
    items: list[ParsedItem]
    bozo: str | None = None  # what the parser complained about, if anything
    encoding: str | None = None
    format: str | None = None  # rss20, atom10, json1, ...
    warnings: list[str] = field(default_factory=list)  # e.g. entries skipped, and why


@dataclass(slots=True)
class _Entry:
    """One entry, whatever the feed format, before cleaning."""

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    content: str = ""
    author: str = ""
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None


# --------------------------------------------------------------------------- small pure helpers

def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """``url`` (resolved against ``base``) with tracking parameters, the fragment and a default
    port removed and scheme and host lowercased; None for anything that is not http(s)."""
    if not url or not url.strip():
        return None
    raw = url.strip()
    try:
        if base:
            raw = urljoin(base, raw)
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not (k.lower().startswith(_TRACKING_PREFIXES) or k.lower() in _TRACKING_PARAMS)]
    path = quote(parts.path, safe="/%:@!$&'()*+,;=-._~") or "/"
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Hash of the whitespace- and case-folded title and text: equal for exact duplicates."""
    basis = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def language_code(value: Any) -> str | None:
    """The primary subtag of a declared language ('en-US' → 'en'), or None if it is not one."""
    if not isinstance(value, str):
        return None
    primary = value.strip().replace("_", "-").split("-")[0].lower()
    return primary if _LANGUAGE_SUBTAG.fullmatch(primary) else None


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _iso_to_dt(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        dt = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


# --------------------------------------------------------------------------- format readers

def _feedparser_entries(content: bytes, headers: Mapping[str, str]) -> tuple[dict[str, Any], list[_Entry]]:
    # Never let feedparser fetch or open anything: bytes in, with headers only for the charset.
    # A file object, never bare bytes: feedparser tries bytes as a local file name first, so a
    # body reading "/etc/passwd" would otherwise be opened and parsed.
    d = feedparser.parse(io.BytesIO(content), response_headers=dict(headers), sanitize_html=False,
                         resolve_relative_uris=False)
    entries = []
    for e in d.entries:
        contents = [c for c in (e.get("content") or []) if isinstance(c, Mapping)]
        best = max((_text(c.get("value")) for c in contents), key=len, default="")
        detail = e.get("author_detail") or {}
        lang = None
        for part in (e.get("title_detail"), *contents, e.get("summary_detail")):
            if isinstance(part, Mapping) and part.get("language"):
                lang = part.get("language")
                break
        entries.append(_Entry(
            guid=_text(e.get("id")), link=_text(e.get("link")), title=_text(e.get("title")),
            summary=_text(e.get("summary")), content=best,
            author=_text(detail.get("name") if isinstance(detail, Mapping) else None) or _text(e.get("author")),
            published=_struct_to_dt(e.get("published_parsed")), updated=_struct_to_dt(e.get("updated_parsed")),
            language=lang))
    info = {"title": _text(d.get("feed", {}).get("title")), "language": d.get("feed", {}).get("language"),
            "encoding": d.get("encoding"), "format": d.get("version") or None}
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        info["bozo"] = f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed feed"
    return info, entries


def _looks_like_json(content: bytes, headers: Mapping[str, str]) -> bool:
    ctype = headers.get("content-type", "").lower()
    return "json" in ctype or content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _json_feed_entries(content: bytes) -> tuple[dict[str, Any], list[_Entry]] | None:
    """A JSON Feed (jsonfeed.org, versions 1 and 1.1), or None if the bytes are not one."""
    try:
        doc = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or "jsonfeed.org" not in _text(doc.get("version")):
        return None
    entries = []
    for it in doc.get("items") or []:
        if not isinstance(it, dict):
            continue
        author = it.get("author") or next(iter(it.get("authors") or []), None) or {}
        entries.append(_Entry(
            guid=str(it.get("id") or ""), link=_text(it.get("url")) or _text(it.get("external_url")),
            title=_text(it.get("title")), summary=_text(it.get("summary")),
            content=_text(it.get("content_html")) or _text(it.get("content_text")),
            author=_text(author.get("name")) if isinstance(author, dict) else "",
            published=_iso_to_dt(it.get("date_published")), updated=_iso_to_dt(it.get("date_modified")),
            language=_text(it.get("language")) or None))
    info = {"title": _text(doc.get("title")), "language": doc.get("language"), "encoding": "utf-8",
            "format": "json1" if doc["version"].rstrip("/").endswith("1") else "json"}
    return info, entries


# --------------------------------------------------------------------------- items

def _dedupe_summary(summary: str, content: str) -> str:
    """Drop a summary the content already contains (often a truncated lead paragraph)."""
    if not summary or not content:
        return summary
    probe = " ".join(summary.split()).casefold().rstrip(".…[] ")
    whole = " ".join(content.split()).casefold()
    return "" if probe and probe in whole else summary


def _stable_key(entry: _Entry, canon: str | None, digest: str) -> str:
    key = clean_line(entry.guid)
    if not key:
        key = canon or f"sha256:{digest}"
    if len(key) > MAX_KEY_LENGTH:  # never truncate: two long guids could share a prefix
        key = "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()
    return key


def _item(entry: _Entry, base: str | None, fetched_at: datetime) -> ParsedItem | None:
    title = clean_line(html_to_text(entry.title))
    content = html_to_text(entry.content)
    summary = _dedupe_summary(html_to_text(entry.summary), content)
    link = entry.link.strip().replace("\x00", "")
    canon = canonical_url(link, base)
    link = (urljoin(base, link) if base else link) if canon is not None else ""
    if not (title or summary or content or link):
        return None
    body = content or summary
    digest = content_hash(title, body)
    published, source = entry.published, "published"
    if published is None:
        published, source = entry.updated, "updated"
    if published is None:
        published, source = fetched_at, "fetched"
    elif published > fetched_at + FUTURE_TOLERANCE:
        published, source = fetched_at, "future_clamped"
    author = clean_line(html_to_text(entry.author))[:500] or None
    return ParsedItem(item_key=_stable_key(entry, canon, digest), url=link or None, canonical_url=canon,
                      title=title, summary=summary, content=content, author=author, published_at=published,
                      published_source=source, content_hash=digest, language=language_code(entry.language))


def parse_feed(content: bytes, headers: Mapping[str, str] | None = None, *,
               fetched_at: datetime, url: str | None = None) -> ParsedFeed:
    """Parse feed bytes. Raises FeedParseError (with ``reason``) when no usable entry is found."""
    hdrs = {k.lower(): v for k, v in (headers or {}).items()}
    if not content.strip():
        raise FeedParseError("empty response body", url=url, reason="empty")
    parsed = _json_feed_entries(content) if _looks_like_json(content, hdrs) else None
    if parsed is None:
        try:
            parsed = _feedparser_entries(content, hdrs)
        except Exception as e:  # feedparser should not raise, but hostile bytes must not crash a batch
            raise FeedParseError(f"feedparser failed: {type(e).__name__}: {e}", url=url,
                                 reason="parser_crash") from None
    info, entries = parsed
    bozo: str | None = info.get("bozo")
    if not entries:
        if bozo and not info.get("format"):  # not even recognisable as RSS, Atom or JSON Feed
            looks_html = "html" in hdrs.get("content-type", "") or b"<html" in content[:2048].lower()
            raise FeedParseError(f"not a feed ({'an HTML page; ' if looks_html else ''}{bozo})", url=url,
                                 reason="not_a_feed")
        raise FeedParseError(f"the feed has no entries{f' ({bozo})' if bozo else ''}", url=url, reason="no_entries")
    base = url
    built: list[ParsedItem] = []
    warnings: list[str] = []
    skipped = 0
    for entry in entries:
        try:
            item = _item(entry, base, fetched_at)
        except Exception as e:  # one odd entry never loses the others; recorded as a warning
            warnings.append(f"entry skipped: {type(e).__name__}: {e}")
            continue
        if item is None:
            skipped += 1
        else:
            built.append(item)
    items = _unique_keys(built)
    if skipped:
        warnings.append(f"{skipped} entr{'y' if skipped == 1 else 'ies'} without title, text or link skipped")
    if not items:
        raise FeedParseError(f"no usable entries ({'; '.join(warnings)})", url=url, reason="no_usable_entries")
    lang = language_code(info.get("language")) or language_code(hdrs.get("content-language", "").split(",")[0])
    return ParsedFeed(title=clean_line(html_to_text(info.get("title") or "")), language=lang, items=items,
                      bozo=bozo, encoding=info.get("encoding") or None, format=info.get("format"),
                      warnings=warnings)


def _unique_keys(built: list[ParsedItem]) -> list[ParsedItem]:
    """Drop entries repeated verbatim; give every entry of a guid shared by different entries the
    key ``guid#<content hash>``. Every sharer is suffixed, not only the later ones, so keys do not
    depend on entry order and a new entry reusing an old guid is never mistaken for the stored one."""
    hashes: dict[str, set[str]] = {}
    unique: list[ParsedItem] = []
    for item in built:
        seen = hashes.setdefault(item.item_key, set())
        if item.content_hash not in seen:
            seen.add(item.content_hash)
            unique.append(item)
    return [replace(it, item_key=f"{it.item_key}#{it.content_hash[:16]}") if len(hashes[it.item_key]) > 1 else it
            for it in unique]


# --------------------------------------------------------------------------- parsing beside the fetch loop

ParseOutcome = tuple[ParsedFeed | None, tuple[str, str] | None]  # (feed, None) or (None, (message, reason))


def parse_outcome(content: bytes, headers: Mapping[str, str], fetched_at: datetime, url: str | None) -> ParseOutcome:
    """:func:`parse_feed` with its error as data (exceptions with keyword state do not pickle whole)."""
    try:
        return parse_feed(content, headers, fetched_at=fetched_at, url=url), None
    except FeedParseError as e:
        return None, (str(e), e.reason)


class PendingParse:
    """A parse running in a worker process (or already done inline)."""

    def __init__(self, args: tuple[bytes, Mapping[str, str], datetime, str | None],
                 future: Future[ParseOutcome] | None) -> None:
        self._args, self._future = args, future
        self._outcome: ParseOutcome | None = None if future is not None else parse_outcome(*args)

    def done(self) -> bool:
        return self._future is None or self._future.done()

    def result(self) -> ParseOutcome:
        if self._outcome is None:
            assert self._future is not None
            try:
                self._outcome = self._future.result()
            except (BrokenProcessPool, OSError, RuntimeError):  # a worker died: parse here instead
                self._outcome = parse_outcome(*self._args)
        return self._outcome


class ParserPool:
    """Parses feeds in worker processes, so parsing runs beside fetching and storing instead of
    taking turns with them; with no workers, or when processes cannot be started (e.g. inside a
    daemonic worker), it parses inline."""

    def __init__(self, workers: int) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if workers > 0:
            self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, content: bytes, headers: Mapping[str, str], fetched_at: datetime,
               url: str | None) -> PendingParse:
        args = (content, dict(headers), fetched_at, url)
        if self._pool is not None:
            try:
                return PendingParse(args, self._pool.submit(parse_outcome, *args))
            except (BrokenProcessPool, OSError, RuntimeError, AssertionError):
                self.close()
        return PendingParse(args, None)

    def close(self, wait: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            self._pool = None
