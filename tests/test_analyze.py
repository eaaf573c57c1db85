"""The batched analysis paths (monitor.analyze, monitor.matching) give the same answers as the
step-by-step ones they replace: one pass of annotate + index, worker processes, claim contexts
stored at annotation, and matching a whole batch at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from monitor.analyze import (
    MIN_POOLED_JOBS,
    ItemJob,
    Workers,
    analyze_pending,
    annotate_and_index,
    annotate_items,
    language_identifier,
    run_jobs,
)
from monitor.config import MatchingSettings, Settings
from monitor.figure_registry import annotate_contexts
from monitor.lshindex import band_keys32, indexed_band_keys, layout_name, stored_layout
from monitor.matching import candidate_fingerprints, find_matches, find_matches_many, index_items
from monitor.store import Store, open_store
from monitor.store.tables import evidence_tokens, feeds, figures, fingerprints, items, lsh_bands, matches, passages
from tests.conftest import fresh_database

ARTICLES: dict[str, str] = json.loads(
    (Path(__file__).parent / "data" / "matching" / "articles.json").read_text("utf-8"))
T0 = datetime(2026, 3, 14, 8, 0, tzinfo=UTC)


def add_unanalysed(store: Store) -> list[int]:
    """The fixture articles as new items (no language, no normalized text), one feed each."""
    ids = []
    with store.write() as conn:
        for n, (key, text) in enumerate(ARTICLES.items()):
            feed_id = conn.execute(feeds.insert().values(
                name=f"feed-{key}", url=f"https://{key}.example.org/rss", outlet=f"Outlet {key}",
                tags=[], enabled=True, consecutive_failures=0, created_at=T0).returning(feeds.c.id)).scalar_one()
            title, _, body = text.partition(". ")
            ids.append(conn.execute(items.insert().values(
                feed_id=feed_id, item_key=key, url=f"https://{key}.example.org/a", title=title, summary="",
                content=body, published_at=T0 + timedelta(hours=n), published_source="published",
                fetched_at=T0 + timedelta(hours=n), content_hash=key, text_source="feed")
                .returning(items.c.id)).scalar_one())
    return ids


def snapshot(store: Store) -> dict[str, list[Any]]:
    """Everything annotation and indexing write, in a comparable order."""
    with store.read() as conn:
        return {
            "items": [tuple(r) for r in conn.execute(
                select(items.c.id, items.c.lang, items.c.normalized_text).order_by(items.c.id))],
            "figures": [tuple(r) for r in conn.execute(
                select(figures.c.item_id, figures.c.start, figures.c.end, figures.c.value, figures.c.raw,
                       figures.c.kind, figures.c.unit, figures.c.qualifier, figures.c.context)
                .order_by(figures.c.item_id, figures.c.start))],
            "fingerprints": [tuple(r) for r in conn.execute(select(fingerprints).order_by(fingerprints.c.item_id))],
            "lsh_bands": sorted(tuple(r) for r in conn.execute(select(lsh_bands))),
            "passages": sorted(tuple(r) for r in conn.execute(select(passages))),
            "evidence_tokens": sorted(tuple(r) for r in conn.execute(select(evidence_tokens))),
        }


def test_one_pass_stores_what_annotating_then_indexing_stores(tmp_path: Path) -> None:
    settings = Settings()
    ident = language_identifier(settings)
    with fresh_database(tmp_path / "a") as url_a, fresh_database(tmp_path / "b") as url_b:
        a, b = open_store(url_a), open_store(url_b)
        try:
            ids_a, ids_b = add_unanalysed(a), add_unanalysed(b)
            annotate_items(a, ids_a, ident)
            index_items(a, settings.matching, ids_a)
            done = annotate_and_index(b, settings, ids_b, ident)
            assert done.counts["annotated"] == done.counts["indexed"] == len(ids_b)
            assert snapshot(a) == snapshot(b)
        finally:
            a.close()
            b.close()


def test_running_the_one_pass_again_changes_nothing(store: Store) -> None:
    settings = Settings()
    ids = add_unanalysed(store)
    annotate_and_index(store, settings, ids, language_identifier(settings))
    before = snapshot(store)
    again = annotate_and_index(store, settings, ids, language_identifier(settings))
    assert again.counts == {"annotated": 0, "figures": 0, "indexed": 0}
    assert snapshot(store) == before


def test_an_annotated_item_is_indexed_from_its_stored_text(store: Store) -> None:
    settings = Settings()
    ids = add_unanalysed(store)
    annotate_items(store, ids, language_identifier(settings))
    done = annotate_and_index(store, settings, ids, language_identifier(settings))
    assert done.counts == {"annotated": 0, "figures": 0, "indexed": len(ids)}


def test_claim_contexts_stored_at_annotation_are_those_the_registry_computes(store: Store) -> None:
    settings = Settings()
    ids = add_unanalysed(store)
    annotate_items(store, ids, language_identifier(settings))
    stored = snapshot(store)["figures"]
    assert any(f[-1] is not None for f in stored), "the fixture has claims with a context"
    with store.write() as conn:
        conn.execute(update(figures).values(context=None))
        annotate_contexts(conn, ids)
    assert snapshot(store)["figures"] == stored


def test_worker_processes_give_the_answers_of_one_process() -> None:
    settings = MatchingSettings()
    texts = list(ARTICLES.values())
    jobs = [ItemJob(i, f"Item {i}", None, texts[i % len(texts)], "en" if i % 3 else "und", None, True)
            for i in range(MIN_POOLED_JOBS + 6)]
    with Workers(2) as workers:
        pooled = workers.run(settings, jobs)
    assert pooled == run_jobs(settings, jobs)
    assert [w.id for w in pooled] == [j.id for j in jobs]


def test_matching_a_batch_finds_what_matching_each_item_finds(store: Store) -> None:
    settings = Settings()
    ids = add_unanalysed(store)
    annotate_and_index(store, settings, ids, language_identifier(settings))
    with store.read() as conn:
        batch = find_matches_many(conn, ids, settings.matching)
        one_by_one = {i: find_matches(conn, i, settings.matching) for i in ids}
    assert any(batch.values()), "the fixture has near-duplicates"
    assert batch == one_by_one


def _match_pairs(store: Store) -> list[tuple[int, int, str]]:
    with store.read() as conn:
        return sorted((r.item_id, r.other_id, r.method) for r in conn.execute(select(matches)))


def test_a_changed_band_layout_rebuilds_the_index_and_finds_what_it_always_did(tmp_path: Path) -> None:
    # Store b analyses its first two articles with the old default layout (32 bands x 4 rows), then
    # the rest with the current one: the band keys of the first two must be cut again, or the
    # verbatim, edited and partial copies that follow would never find them.
    old = Settings(matching=MatchingSettings(bands=32, rows=4))
    new = Settings()
    assert layout_name(new.matching) != layout_name(old.matching)
    with fresh_database(tmp_path / "a") as url_a, fresh_database(tmp_path / "b") as url_b:
        a, b = open_store(url_a), open_store(url_b)
        try:
            add_unanalysed(a)
            ids = add_unanalysed(b)
            analyze_pending(a, new, clock=lambda: T0)
            analyze_pending(b, old, clock=lambda: T0, limit=2)
            with b.read() as conn:
                assert stored_layout(conn) == "32x4"
                assert indexed_band_keys(conn, ids[0], old.matching) == \
                    band_keys32(candidate_fingerprints(conn, ids[:1])[ids[0]][0], old.matching)[0].tolist()
            analyze_pending(b, new, clock=lambda: T0)
            with b.read() as conn:
                assert stored_layout(conn) == layout_name(new.matching)
                assert indexed_band_keys(conn, ids[0], new.matching) == \
                    band_keys32(candidate_fingerprints(conn, ids[:1])[ids[0]][0], new.matching)[0].tolist()
            found = _match_pairs(b)
            assert (ids[2], ids[0], "minhash") in found  # edited_en -> story_en, across the change
            # lexical matches are those the band index finds (cross-lingual links weigh evidence by
            # how many stored items carry it, which depends on how the items were split into runs)
            lexical = [m for m in found if m[2] != "crosslingual"]
            assert lexical == [m for m in _match_pairs(a) if m[2] != "crosslingual"]
            assert len(lexical) >= 3
        finally:
            a.close()
            b.close()

