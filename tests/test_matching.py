"""Matching against the store (monitor.matching): LSH band keys, passages and cross-lingual
evidence in indexed tables, verified candidates written to ``matches``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from monitor.config import MatchingSettings
from monitor.crosslingual import evidence_cosine, weighted_cosine
from monitor.lshindex import indexed_band_keys
from monitor.matching import (
    EvidenceStats,
    containment_from,
    find_matches,
    index_items,
    indexed_count,
    match_items,
)
from monitor.normalize import normalize_text
from monitor.store import Store
from monitor.store.tables import feeds, items, matches

ARTICLES = json.loads((Path(__file__).parent / "data" / "matching" / "articles.json").read_text("utf-8"))
LANGS = {"en": "en", "fr": "fr", "de": "de", "ru": "ru", "fa": "fa", "ar": "ar"}
T0 = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)


def add_items(store: Store, keys: list[str]) -> dict[str, int]:
    """Store the fixture articles as items of one feed per key (outlets differ), in order."""
    ids: dict[str, int] = {}
    with store.write() as conn:
        for n, key in enumerate(keys):
            lang = LANGS[key.rsplit("_", 1)[1]]
            feed_id = conn.execute(feeds.insert().values(
                name=f"feed-{key}", url=f"https://{key}.example.org/rss", outlet=f"Outlet {key}",
                tags=[], enabled=True, consecutive_failures=0, created_at=T0)).inserted_primary_key[0]
            text = ARTICLES[key]
            ids[key] = conn.execute(items.insert().values(
                feed_id=feed_id, item_key=key, url=f"https://{key}.example.org/a", title="", summary="",
                content=text, published_at=T0 + timedelta(hours=n), published_source="published",
                fetched_at=T0 + timedelta(hours=n), content_hash=key, text_source="feed", lang=lang,
                normalized_text=normalize_text(text, lang))).inserted_primary_key[0]
    return ids


def run_matching(store: Store, ids: dict[str, int], settings: MatchingSettings | None = None) -> set[frozenset[str]]:
    settings = settings or MatchingSettings()
    index_items(store, settings, list(ids.values()))
    match_items(store, settings, list(ids.values()))
    names = {v: k for k, v in ids.items()}
    with store.read() as conn:
        return {frozenset((names[a], names[b])) for a, b in conn.execute(select(matches.c.item_id, matches.c.other_id))}


def test_verbatim_and_edited_copies_are_matched(store: Store) -> None:
    pairs = run_matching(store, add_items(store, ["story_en", "verbatim_en", "edited_en", "other_en"]))
    assert frozenset(("story_en", "verbatim_en")) in pairs
    assert frozenset(("story_en", "edited_en")) in pairs


def test_shared_paragraph_is_matched_as_a_passage(store: Store) -> None:
    ids = add_items(store, ["story_en", "partial_en"])
    run_matching(store, ids)
    with store.read() as conn:
        method, evidence = conn.execute(select(matches.c.method, matches.c.evidence)).one()
    assert method == "passage"
    assert "rotterdam" in evidence["passages"][0]


def test_items_sharing_only_boilerplate_are_never_matched(store: Store) -> None:
    pairs = run_matching(store, add_items(store, ["story_en", "verbatim_en", "other_en", "other_fr", "other_ru"]))
    assert all(not (p & {"other_en", "other_fr", "other_ru"}) for p in pairs)


@pytest.mark.parametrize("lang", ["fr", "de", "ru", "fa", "ar"])
def test_translation_is_linked_across_languages(store: Store, lang: str) -> None:
    pairs = run_matching(store, add_items(store, ["story_en", f"story_{lang}", "other_en", "other_fr",
                                                  "other_ru", "other2_fa"]))
    assert frozenset(("story_en", f"story_{lang}")) in pairs


def test_translation_evidence_names_the_shared_tokens(store: Store) -> None:
    ids = add_items(store, ["story_en", "story_ru"])
    run_matching(store, ids)
    with store.read() as conn:
        method, evidence = conn.execute(select(matches.c.method, matches.c.evidence)).one()
    assert method == "crosslingual"
    assert "n:4500" in evidence["shared"]


def test_unrelated_stories_in_different_languages_are_not_linked(store: Store) -> None:
    pairs = run_matching(store, add_items(store, ["story_fa", "other_en", "other_fr", "other_ru", "other2_fa"]))
    assert pairs == set()


def test_rerunning_matching_adds_nothing(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "story_ru"])
    run_matching(store, ids)
    settings = MatchingSettings()
    assert index_items(store, settings, list(ids.values())) == 0
    assert match_items(store, settings, list(ids.values())) == 0


def test_each_item_has_one_band_key_per_band(store: Store) -> None:
    ids = add_items(store, ["story_en"])
    settings = MatchingSettings()
    index_items(store, settings, list(ids.values()))
    with store.read() as conn:
        assert len(indexed_band_keys(conn, ids["story_en"], settings)) == settings.bands


def test_the_match_query_finds_an_item_from_the_store_alone(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "other_en"])
    settings = MatchingSettings()
    index_items(store, settings, list(ids.values()))
    with store.read() as conn:
        found = find_matches(conn, ids["verbatim_en"], settings)
    assert [c.other_id for c in found] == [ids["story_en"]]


def test_containment_of_a_quoted_item_is_estimated_from_jaccard_and_sizes() -> None:
    # A (10 shingles) inside B (40): J = 10/40 = 0.25, containment 1
    assert containment_from(0.25, 10, 40) == pytest.approx(1.0)
    assert containment_from(0.0, 10, 40) == 0.0


def test_batch_evidence_weights_score_pairs_as_evidence_cosine_does(store: Store) -> None:
    ids = add_items(store, ["story_en", "story_ru", "story_fr", "other_en", "other_ru"])
    settings = MatchingSettings()
    index_items(store, settings, list(ids.values()))
    a, b = ids["story_en"], ids["story_ru"]
    with store.read() as conn:
        stats = EvidenceStats(conn, indexed_count(conn), settings)
        stats.load_items(ids.values())
    df = {str(t): n for t, n in stats.df.items()}
    expected = evidence_cosine([str(t) for t in stats.tokens_of[a]], [str(t) for t in stats.tokens_of[b]],
                               df, stats.total)
    assert expected > 0
    assert weighted_cosine(*stats.item_weights(a), *stats.item_weights(b)) == pytest.approx(expected, rel=1e-12)
