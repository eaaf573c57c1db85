"""Parsing fetched feed bytes with feedparser into plain ParsedItem records.

feedparser is only ever handed bytes plus the HTTP headers (for the charset), never a URL.
Ill-formed (``bozo``) feeds are salvaged when entries were recovered; a feed without entries
is a FeedParseError with the reason.
"""

from __future__ import annotations

import calendar
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser

from monitor.errors import FeedParseError
from monitor.htmltext import html_to_text

_TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "igshid", "yclid", "_hsenc", "_hsmi")


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
    published_source: str  # published | updated | fetched
    content_hash: str


@dataclass(slots=True)
class ParsedFeed:
    title: str
    language: str | None
    items: list[ParsedItem]
    bozo: str | None = None  # what feedparser complained about, if anything
    warnings: list[str] = field(default_factory=list)


def canonical_url(url: str | None) -> str | None:
    """``url`` with tracking parameters and the fragment removed and the host lowercased."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip() or None
    if parts.scheme not in ("http", "https"):
        return url.strip() or None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(_TRACKING_PARAMS)]
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Hash of the whitespace- and case-folded text, used to recognise exact duplicates."""
    basis = " ".join(f"{title}\n{text}".split()).casefold()
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _struct_to_dt(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _entry_content(entry: Mapping[str, Any]) -> str:
    contents = entry.get("content") or []
    best = ""
    for c in contents:
        value = c.get("value") or ""
        if len(value) > len(best):
            best = value
    return best


def parse_feed(content: bytes, headers: Mapping[str, str] | None = None, *,
               fetched_at: datetime, url: str | None = None) -> ParsedFeed:
    """Parse feed bytes. Raises FeedParseError when no entries can be recovered."""
    if not content.strip():
        raise FeedParseError("empty response body", url=url, reason="empty")
    try:
        d = feedparser.parse(content, response_headers=dict(headers or {}), sanitize_html=True,
                             resolve_relative_uris=False)
    except Exception as e:  # feedparser should not raise, but hostile bytes must not crash a batch
        raise FeedParseError(f"feedparser failed: {type(e).__name__}: {e}", url=url, reason="parser_crash") from None
    bozo = None
    if d.get("bozo"):
        exc = d.get("bozo_exception")
        bozo = f"{type(exc).__name__}: {exc}" if exc is not None else "ill-formed feed"
    if not d.entries:
        reason = "no_entries" if not bozo else "not_a_feed"
        raise FeedParseError(f"no entries found{f' ({bozo})' if bozo else ''}", url=url, reason=reason)
    feed_info = d.get("feed", {})
    items: list[ParsedItem] = []
    seen_keys: dict[str, int] = {}
    for entry in d.entries:
        title = html_to_text(entry.get("title") or "")
        summary = html_to_text(entry.get("summary") or "")
        content_text = html_to_text(_entry_content(entry))
        if content_text and summary and summary in content_text:
            summary = "" if summary == content_text else summary
        link = entry.get("link") or None
        canon = canonical_url(link)
        body = content_text or summary
        digest = content_hash(title, body)
        key = (entry.get("id") or "").strip() or canon or f"sha256:{digest}"
        key = key[:500]
        if key in seen_keys:  # duplicated guids inside one feed: keep each, disambiguated
            seen_keys[key] += 1
            key = f"{key}#{seen_keys[key]}"
        else:
            seen_keys[key] = 0
        published = _struct_to_dt(entry.get("published_parsed"))
        source = "published"
        if published is None:
            published = _struct_to_dt(entry.get("updated_parsed"))
            source = "updated"
        if published is None:
            published, source = fetched_at, "fetched"
        author = entry.get("author") or None
        items.append(ParsedItem(
            item_key=key, url=link, canonical_url=canon, title=title, summary=summary,
            content=content_text, author=author, published_at=published, published_source=source,
            content_hash=digest,
        ))
    lang = feed_info.get("language") or None
    return ParsedFeed(title=html_to_text(feed_info.get("title") or ""),
                      language=lang.split("-")[0].lower()[:8] if isinstance(lang, str) else None,
                      items=items, bozo=bozo)
