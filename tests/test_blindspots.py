"""Blind spots of a period (monitor.blindspots): failing and disabled feeds with reason and since
when, feeds silent for unusually long, items of uncertain language, items too short to match."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.blindspots import blind_spots, digest_section
from monitor.config import BlindSpotSettings
from monitor.normalize import normalize_text
from monitor.store import Store
from monitor.store.tables import feeds, fetch_log, items

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=7)
LONG_EN = ("Dockworkers at the port of Rotterdam walked off the job at midnight on Wednesday, halting container "
           "traffic at Europe's largest port for the first time in more than a decade, after talks with terminal "
           "operators over automation plans broke down on Tuesday evening.")


def add_feed(store: Store, name: str, **state: Any) -> int:
    row = {"name": name, "url": f"https://{name}.example.org/rss", "outlet": name.title(), "tags": [],
           "enabled": True, "consecutive_failures": 0, "created_at": NOW - timedelta(days=30),
           "last_success_at": NOW - timedelta(minutes=15), "last_new_item_at": NOW - timedelta(hours=1), **state}
    with store.write() as conn:
        return int(conn.execute(feeds.insert().values(**row)).inserted_primary_key[0])


def add_item(store: Store, feed_id: int, key: str, text: str, published: datetime, lang: str | None = "en",
             confidence: float | None = 0.99) -> None:
    with store.write() as conn:
        conn.execute(items.insert().values(
            feed_id=feed_id, item_key=key, title="", summary="", content=text, published_at=published,
            published_source="published", fetched_at=published, content_hash=key, text_source="feed",
            lang=lang, lang_confidence=confidence, normalized_text=normalize_text(text, lang)))


def log(store: Store, feed_id: int, run: str, at: datetime, status: str, error: str | None = None) -> None:
    with store.write() as conn:
        conn.execute(fetch_log.insert().values(feed_id=feed_id, run_id=run, started_at=at, status=status,
                                               error=error))


def test_a_healthy_store_has_no_blind_spots(store: Store) -> None:
    f = add_feed(store, "ledger")
    for h in range(0, 48, 6):
        add_item(store, f, f"k{h}", LONG_EN, NOW - timedelta(hours=h + 1))
    spots = blind_spots(store, BlindSpotSettings(), SINCE, NOW)
    assert spots.empty


def test_a_disabled_feed_is_listed_with_its_reason_and_since_when(store: Store) -> None:
    f = add_feed(store, "gone", enabled=False, disabled_reason="HTTP 410 Gone ten times",
                 last_success_at=NOW - timedelta(days=5))
    log(store, f, "r1", NOW - timedelta(days=4), "error", "HTTP 410")
    log(store, f, "r2", NOW - timedelta(days=3), "error", "HTTP 410")
    (row,) = blind_spots(store, BlindSpotSettings(), SINCE, NOW).failing
    assert row["state"] == "disabled" and row["reason"] == "HTTP 410 Gone ten times"
    assert row["since"] == "2026-11-21T09:00:00Z"


def test_a_failing_feed_is_listed_from_its_first_failure_after_the_last_success(store: Store) -> None:
    f = add_feed(store, "flaky", consecutive_failures=3, last_status="error", last_error="connection refused",
                 last_success_at=NOW - timedelta(days=2))
    log(store, f, "r0", NOW - timedelta(days=3), "error", "timeout")  # before the last success: over
    log(store, f, "r1", NOW - timedelta(hours=40), "error", "connection refused")
    (row,) = blind_spots(store, BlindSpotSettings(), SINCE, NOW).failing
    assert (row["state"], row["reason"], row["failures"]) == ("failing", "connection refused", 3)
    assert row["since"] == "2026-11-23T17:00:00Z"


def test_a_feed_silent_far_longer_than_its_usual_gap_is_listed(store: Store) -> None:
    f = add_feed(store, "hourly", last_new_item_at=NOW - timedelta(hours=30))
    for h in range(30, 40):
        add_item(store, f, f"k{h}", LONG_EN, NOW - timedelta(hours=h))
    (row,) = blind_spots(store, BlindSpotSettings(), SINCE, NOW).silent
    assert row["feed"] == "hourly" and row["silent_hours"] == 30.0 and row["usual_gap_hours"] == 1.0


def test_a_weekly_feed_is_not_silent_after_two_days(store: Store) -> None:
    f = add_feed(store, "weekly", last_new_item_at=NOW - timedelta(days=2))
    for w in range(4):
        add_item(store, f, f"k{w}", LONG_EN, NOW - timedelta(days=2 + 7 * w))
    assert blind_spots(store, BlindSpotSettings(), SINCE, NOW).silent == []


def test_items_of_undetermined_or_low_confidence_language_are_listed(store: Store) -> None:
    f = add_feed(store, "mixed")
    add_item(store, f, "und", "12:30 — 4:1 — 2:2 — 0:3 " * 10, NOW - timedelta(hours=2), lang="und", confidence=0.0)
    add_item(store, f, "low", "Bonjour, ok. " + LONG_EN, NOW - timedelta(hours=3), confidence=0.3)
    add_item(store, f, "sure", LONG_EN, NOW - timedelta(hours=4))
    listed = {r["item_id"] for r in blind_spots(store, BlindSpotSettings(), SINCE, NOW).uncertain_language}
    assert len(listed) == 2


def test_items_too_short_to_match_are_listed_with_their_word_count(store: Store) -> None:
    f = add_feed(store, "teasers")
    add_item(store, f, "short", "زلزله ۶٫۱ ریشتری در کرمان", NOW - timedelta(hours=2), lang="fa")
    add_item(store, f, "long", LONG_EN, NOW - timedelta(hours=3))
    (row,) = blind_spots(store, BlindSpotSettings(), SINCE, NOW).too_short
    assert row["words"] < BlindSpotSettings().min_words


def test_items_outside_the_period_are_not_listed(store: Store) -> None:
    f = add_feed(store, "old")
    add_item(store, f, "short", "Short teaser.", SINCE - timedelta(days=1))
    assert blind_spots(store, BlindSpotSettings(), SINCE, NOW).too_short == []


def test_the_digest_section_counts_everything_but_shows_a_few_examples(store: Store) -> None:
    f = add_feed(store, "teasers")
    for n in range(15):
        add_item(store, f, f"s{n}", f"Teaser number {n}.", NOW - timedelta(minutes=10 * n + 5))
    section = digest_section(store, BlindSpotSettings(), SINCE, NOW, max_items=10)
    assert section["short_count"] == 15 and len(section["too_short"]) == 10 and not section["empty"]


def test_a_feed_that_future_dates_items_is_listed(store: Store) -> None:
    f = add_feed(store, "tomorrow")
    with store.write() as conn:
        conn.execute(items.insert().values(
            feed_id=f, item_key="k", title="", summary="", content=LONG_EN, published_at=NOW + timedelta(days=1),
            published_source="published", fetched_at=NOW - timedelta(hours=1), content_hash="k", text_source="feed",
            lang="en", lang_confidence=0.99, normalized_text=normalize_text(LONG_EN, "en")))
    spots = blind_spots(store, BlindSpotSettings(), SINCE, NOW)
    assert spots.misdated == [{"feed": "tomorrow", "future_dated": 1, "back_dated": 0}]
    assert not spots.empty
