"""Property tests (hypothesis) on hostile input, adding to those next to each module
(test_parse: arbitrary bytes in a title; test_htmltext: markup soup; test_normalize: total and
idempotent; test_figures: total, valid spans). Here: whole generated RSS and Atom documents
with hostile but well-formed content, HTML-to-text on generated documents, normalization of
generated news text, and figures in every digit system.
"""

from __future__ import annotations

import html
from datetime import UTC, datetime
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.errors import FeedParseError
from monitor.figures import extract_figures
from monitor.htmltext import html_to_text
from monitor.normalize import normalize_text
from monitor.parse import parse_feed

FETCHED = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
SECRET = "ZZSECRETZZ"

# Words from several scripts, plus characters that need escaping, bidi and zero-width marks.
WORDS = st.sampled_from([
    "council", "budget", "Страна", "войска", "زلزال", "کرمان", "北京", "市场", "Größe", "façade", "Ankara'da",
    "Tom & Jerry", "a<b", "x>y", "\"quoted\"", "'single'", "\u200b", "\u202e", "\u00a0", "1,500", "۱۵۰۰",
    "\U0001f600", "e\u0301", "ﷺ", "l'été",
])
PLAIN_WORDS = st.sampled_from(["council", "budget", "Страна", "زلزال", "北京", "Größe", "façade", "1,500", "۱۵۰۰"])
PHRASES = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
HOSTILE_HTML = st.lists(st.one_of(
    # Text inside HTML is escaped (a raw "a<b<script>" is a tag named "b<script"), without "<" and
    # ">": "&lt;b x&gt;" reads as HTML escaped twice, which html_to_text unescapes on purpose.
    PHRASES.filter(lambda p: "<" not in p and ">" not in p).map(html.escape),
    st.sampled_from([f"<script>alert('{SECRET}')</script>", f"<style>.x{{content:'{SECRET}'}}</style>",
                     "<p>", "</p>", "<br/>", "<img src=x onerror=alert(1)>", "<a href='javascript:x'>link</a>",
                     "&amp;", "&lt;b&gt;", "&#x202e;", "&nbsp;", "<!-- comment -->", "<iframe src=//evil></iframe>",
                     "<b><i>nested</b></i>", "<table><tr><td>cell</td></tr></table>"]),
), min_size=1, max_size=15).map("".join)


def _rss(entries: list[tuple[str, str, str]]) -> bytes:
    items = "".join(
        f"<item><guid isPermaLink=\"false\">{escape(g)}</guid><title>{escape(t)}</title>"
        f"<description>{escape(d)}</description><pubDate>Tue, 24 Nov 2026 08:00:00 GMT</pubDate></item>"
        for g, t, d in entries)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel><title>t</title>"
            f"<link>https://example.org/</link>{items}</channel></rss>").encode()


def _atom(entries: list[tuple[str, str, str]]) -> bytes:
    items = "".join(
        f"<entry><id>urn:x:{escape(g)}</id><title type=\"text\">{escape(t)}</title>"
        f"<updated>2026-11-24T08:00:00Z</updated><content type=\"html\">{escape(d)}</content></entry>"
        for g, t, d in entries)
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
            f"<title>t</title><id>urn:x</id><updated>2026-11-24T08:00:00Z</updated>{items}</feed>").encode()


ENTRIES = st.lists(st.tuples(st.text(alphabet="abcdefgh0123456789-", min_size=1, max_size=8), PHRASES, HOSTILE_HTML),
                   min_size=1, max_size=6, unique_by=lambda e: e[0])


def _no_controls(s: str) -> bool:
    return not any(ord(c) < 32 and c not in "\n\t" for c in s)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ENTRIES, st.sampled_from([_rss, _atom]))
def test_generated_feeds_give_one_item_per_entry_with_clean_text(entries: list[tuple[str, str, str]],
                                                                 build: object) -> None:
    assert callable(build)
    try:
        feed = parse_feed(build(entries), {"content-type": "application/xml"}, fetched_at=FETCHED)
    except FeedParseError:
        return  # refused as a whole is fine; crashing or leaking is not
    assert len(feed.items) <= len(entries)
    assert len({it.item_key for it in feed.items}) == len(feed.items)
    for it in feed.items:
        for text in (it.title, it.summary, it.content):
            assert SECRET not in text  # script and style bodies never become text
            assert "<script" not in text.lower() and "<iframe" not in text.lower()
            assert _no_controls(text)
        assert "\n" not in it.title
        assert it.published_at.tzinfo is not None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="abcdef0123", min_size=1, max_size=6), st.lists(
    PLAIN_WORDS, min_size=1, max_size=8).map(" ".join)), min_size=1, max_size=5, unique_by=lambda e: e[0]),
    st.sampled_from([_rss, _atom]))
def test_plain_titles_survive_parsing_word_for_word(entries: list[tuple[str, str]], build: object) -> None:
    assert callable(build)
    feed = parse_feed(build([(g, t, t) for g, t in entries]), {}, fetched_at=FETCHED)
    assert sorted(it.title for it in feed.items) == sorted(t for _, t in entries)


@settings(max_examples=200, deadline=None)
@given(HOSTILE_HTML)
def test_html_to_text_drops_scripts_and_keeps_every_visible_word(markup: str) -> None:
    text = html_to_text(markup)
    assert SECRET not in text
    assert _no_controls(text)
    visible = html_to_text(markup.replace(f"alert('{SECRET}')", "").replace(f".x{{content:'{SECRET}'}}", ""))
    for word in ("council", "budget", "Страна", "زلزال", "北京"):
        if word in markup:
            assert word in visible


@settings(max_examples=200, deadline=None)
@given(HOSTILE_HTML, st.sampled_from([None, "en", "ru", "ar", "fa", "zh", "de", "tr"]))
def test_normalizing_extracted_news_text_is_total_and_idempotent(markup: str, lang: str | None) -> None:
    once = normalize_text(html_to_text(markup), lang)
    assert normalize_text(once, lang) == once


DIGITS = {"latin": "0123456789", "arabic-indic": "٠١٢٣٤٥٦٧٨٩", "persian": "۰۱۲۳۴۵۶۷۸۹",
          "devanagari": "०१२३४५६७८९"}


@settings(max_examples=150, deadline=None)
@given(st.integers(min_value=11, max_value=999_999), st.sampled_from(sorted(DIGITS)),
       st.sampled_from([("", " people were hurt"), ("Police said ", " people were hurt"), ("", " نفر")]))
def test_a_number_in_any_digit_system_reads_back_with_a_valid_span(n: int, system: str,
                                                                   frame: tuple[str, str]) -> None:
    digits = "".join(DIGITS[system][int(d)] for d in str(n))
    text = f"{frame[0]}{digits}{frame[1]}"
    figs = extract_figures(text)
    for f in figs:
        assert 0 <= f.start < f.end <= len(text) and text[f.start:f.end] == f.raw
    assert [f.value for f in figs if f.kind == "count"] == [float(n)]
