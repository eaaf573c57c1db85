"""Copy type of narrative members against their origin, on the demo corpus' real multilingual
articles (config/demo/source), and the earliest trustworthy time behind the origin."""

from __future__ import annotations

import html
import re
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import yaml
from sqlalchemy import select

from monitor.copytype import (
    CopyThresholds,
    TextSide,
    classify,
    compare,
    compute_copy_types,
    copy_types,
    feed_time_flags,
    trusted_time,
)
from monitor.demo import DEMO_DIR
from monitor.normalize import normalize_text
from monitor.store import Store
from monitor.store.tables import copy_types as copy_types_table
from monitor.store.tables import feeds, fetch_log, items, narrative_members, narratives


@cache
def _source_items() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((DEMO_DIR / "source").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in doc["items"]:
            out[item["id"]] = {**item, "lang": item.get("lang", doc.get("language"))}
    return out


def side(item_id: str) -> TextSide:
    item = _source_items()[item_id]
    body = html.unescape(re.sub(r"<[^>]+>", " ", item.get("body") or ""))
    text = f"{item['title']}\n{body}"
    return TextSide(normalize_text(text, item["lang"]), text, item["lang"])


def copy_type(member: str, origin: str) -> str:
    return classify(compare(side(member), side(origin)))


def test_the_same_article_republished_is_verbatim() -> None:
    assert copy_type("td-en-2026-11-18-port-strike", "nl-2026-11-18-port-strike") == "verbatim"


def test_a_new_headline_and_rewritten_sentences_make_an_edited_copy() -> None:
    scores = compare(side("vv-en-2026-11-17-caspian-pipeline"), side("nl-2026-11-17-caspian-pipeline"))
    assert not scores["same_text"]
    assert classify(scores) == "edited"


def test_a_shared_talking_point_inside_different_articles_is_partial() -> None:
    scores = compare(side("am-en-2026-11-20-gulf-customs-union"), side("td-en-2026-11-19-rail-link-iraq"))
    assert scores["shared_passages"] >= 1
    assert classify(scores) == "partial"


def test_a_persian_and_an_arabic_version_of_an_english_report_are_translated() -> None:
    for member in ("td-fa-2026-11-20-kerman-earthquake", "am-ar-2026-11-20-kerman-earthquake"):
        scores = compare(side(member), side("nl-2026-11-20-kerman-earthquake"))
        assert scores["lang"] != scores["origin_lang"]
        assert classify(scores) == "translated", (member, scores)


def test_french_and_german_versions_share_names_and_numbers_with_the_origin() -> None:
    for member in ("lv-2026-11-19-darfour-faim", "rb-2026-11-20-darfur-hunger"):
        scores = compare(side(member), side("nl-2026-11-19-darfur-hunger"))
        assert scores["shared_evidence"] >= CopyThresholds().translated_min_shared
        assert classify(scores) == "translated"


def test_another_language_without_shared_evidence_is_rewritten_not_translated() -> None:
    scores = compare(side("vv-ru-2026-11-16-vladivostok-snegopad"), side("nl-2026-11-20-kerman-earthquake"))
    assert classify(scores) == "rewritten"


def test_same_story_in_other_words_is_rewritten() -> None:
    # Two English reports of the same detentions, written independently.
    scores = compare(side("vv-en-2026-11-18-iran-unrest"), side("nl-2026-11-17-iran-protest-detentions"))
    assert scores["jaccard"] < CopyThresholds().edited_jaccard
    assert classify(scores) in {"rewritten", "partial"}
    assert classify({**scores, "shared_passages": 0, "containment": 0.0}) == "rewritten"


def test_thresholds_decide_between_edited_and_partial() -> None:
    scores = compare(side("vv-en-2026-11-17-caspian-pipeline"), side("nl-2026-11-17-caspian-pipeline"))
    strict = CopyThresholds(edited_jaccard=1.0, edited_containment=1.0)
    assert classify(scores, strict) == "partial"


T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_a_claimed_time_consistent_with_polling_is_believed() -> None:
    assert trusted_time(T0 - timedelta(minutes=10), T0, T0 - timedelta(minutes=15)) == (T0 - timedelta(minutes=10),
                                                                                          None)


def test_a_future_dated_item_falls_back_to_the_fetch_time() -> None:
    assert trusted_time(T0 + timedelta(hours=5), T0, None) == (T0, "future_dated")


def test_an_item_claiming_a_time_before_a_poll_that_did_not_show_it_is_back_dated() -> None:
    assert trusted_time(T0 - timedelta(days=2), T0, T0 - timedelta(minutes=15)) == (T0, "back_dated")


def test_on_a_feeds_first_poll_an_old_date_is_believed() -> None:
    assert trusted_time(T0 - timedelta(days=2), T0, None) == (T0 - timedelta(days=2), None)


# ----------------------------------------------------------------- in the store

def _store_pair(store: Store) -> dict[str, int]:
    """A verbatim copy (feed "copier") that claims to predate its original (feed "original"),
    although copier's poll at 09:50 did not show it (claimed 08:00): it is back-dated."""
    text = side("nl-2026-11-18-port-strike")
    ids: dict[str, int] = {}
    with store.write() as conn:
        for name, claimed, fetched, polls in (
                ("original", T0.replace(hour=10), T0.replace(hour=10, minute=5), [T0.replace(hour=10, minute=5)]),
                ("copier", T0.replace(hour=8), T0.replace(hour=10, minute=20),
                 [T0.replace(hour=9, minute=50), T0.replace(hour=10, minute=20)])):
            feed_id = conn.execute(feeds.insert().values(
                name=name, url=f"https://{name}.example.org/rss", outlet=name.title(), tags=[], enabled=True,
                consecutive_failures=0, created_at=T0 - timedelta(days=1))).inserted_primary_key[0]
            for n, at in enumerate(polls):
                conn.execute(fetch_log.insert().values(feed_id=feed_id, run_id=f"r{n}", started_at=at, status="ok"))
            ids[name] = conn.execute(items.insert().values(
                feed_id=feed_id, item_key=name, title="", summary="", content=text.original, published_at=claimed,
                published_source="published", fetched_at=fetched, content_hash=name, text_source="feed",
                lang="en", normalized_text=text.normalized)).inserted_primary_key[0]
        conn.execute(narratives.insert().values(id="Ntest", origin_item_id=ids["copier"], title="", first_seen=T0,
                                                last_seen=T0, size=2, created_at=T0, updated_at=T0))
        conn.execute(narrative_members.insert(), [
            {"item_id": ids["copier"], "narrative_id": "Ntest", "method": "origin", "evidence": {}, "joined_at": T0},
            {"item_id": ids["original"], "narrative_id": "Ntest", "via_item_id": ids["copier"], "method": "minhash",
             "evidence": {}, "joined_at": T0}])
    return ids


def test_the_origin_is_the_earliest_trusted_time_not_a_back_dated_claim(store: Store) -> None:
    ids = _store_pair(store)
    types = {t["item_id"]: t for t in copy_types(store, "Ntest")}
    assert types[ids["original"]]["copy_type"] == "origin"
    copier = types[ids["copier"]]
    assert copier["copy_type"] == "verbatim" and copier["scores"]["time_flag"] == "back_dated"
    assert copier["scores"]["trusted"] == "2026-11-20T10:20:00Z" and copier["scores"]["claimed"].startswith(
        "2026-11-20T08:00")
    assert copier["thresholds"] == asdict(CopyThresholds())


def test_copy_types_are_stored_and_recomputing_replaces_them(store: Store) -> None:
    _store_pair(store)
    assert compute_copy_types(store, ["Ntest"]) == 2
    assert compute_copy_types(store, ["Ntest"]) == 2
    with store.read() as conn:
        assert len(conn.execute(select(copy_types_table)).all()) == 2


def test_a_feed_that_back_dates_items_is_flagged(store: Store) -> None:
    _store_pair(store)
    assert feed_time_flags(store) == [{"feed": "copier", "future_dated": 0, "back_dated": 1}]


# ----------------------------------------------------------------- NTREX-128 (shared data)

def test_ntrex_translations_are_translated_and_another_article_is_not() -> None:
    import json

    from conftest import shared_data_or_skip

    path = shared_data_or_skip("ntrex", "documents.jsonl")
    docs: dict[str, dict[str, str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        d = json.loads(line)
        docs.setdefault(d["doc"], {})[d["lang"]] = d["text"]
    names = sorted(n for n in docs if "en" in docs[n])[:4]

    def ntrex_side(name: str, lang: str) -> TextSide:
        return TextSide(normalize_text(docs[name][lang], lang), docs[name][lang], lang)

    right = wrong = total = 0
    for i, name in enumerate(names):
        for lang in ("ar", "de", "fa", "ru", "tr", "zh"):
            total += 1
            member = ntrex_side(name, lang)
            right += classify(compare(member, ntrex_side(name, "en"))) == "translated"
            wrong += classify(compare(member, ntrex_side(names[(i + 1) % len(names)], "en"))) == "translated"
    assert right >= 0.9 * total
    assert wrong <= 0.15 * total
