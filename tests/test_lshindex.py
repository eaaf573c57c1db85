"""The LSH band index in the store (monitor.lshindex): rows, lookups single and batched, stray
key collisions rejected by verification, and the migration from the one-row-per-band layout."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import Connection, text

from monitor.config import MatchingSettings
from monitor.errors import ConfigError
from monitor.fingerprint import Fingerprinter, band_keys
from monitor.lshindex import (
    Signature,
    band_keys32,
    band_rows,
    detect_layout,
    ensure_band_layout,
    indexed_band_keys,
    layout_name,
    lsh_candidates,
    lsh_candidates_many,
    stored_layout,
    write_band_rows,
)
from monitor.matching import find_matches
from monitor.store import Store, migrate, open_store

SETTINGS = MatchingSettings()
FP = Fingerprinter(num_perm=SETTINGS.num_perm, shingle_size=SETTINGS.shingle_size)
SHINGLES = 100


def _shingles(rng: np.random.Generator) -> np.ndarray:
    return rng.integers(0, 2**62, size=SHINGLES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def _copy(rng: np.random.Generator, doc: np.ndarray, jaccard: float) -> np.ndarray:
    """A copy of ``doc`` sharing exactly k of its shingles, k / (2n - k) = jaccard."""
    k = round(2 * SHINGLES * jaccard / (1 + jaccard))
    out = doc.copy()
    out[rng.choice(SHINGLES, size=SHINGLES - k, replace=False)] = rng.integers(0, 2**62, size=SHINGLES - k,
                                                                                dtype=np.uint64) * np.uint64(2)
    return out


def _sig(shingles: np.ndarray) -> Signature:
    return FP.signature_of_shingles(np.unique(shingles))


def _add_items(conn: Connection, sigs: list[Signature], first_id: int = 1) -> list[int]:
    """Minimal items (one feed) with their fingerprints; no band rows."""
    if conn.execute(text("SELECT COUNT(*) FROM feeds")).scalar_one() == 0:
        conn.execute(text("INSERT INTO feeds (id, name, url, outlet, tags, enabled, consecutive_failures, created_at)"
                          " VALUES (1, 'f', 'https://example.org/rss', 'Outlet', '[]', true, 0,"
                          " '2026-01-01 00:00:00')"))
    ids = list(range(first_id, first_id + len(sigs)))
    for i, sig in zip(ids, sigs, strict=True):
        conn.execute(text("INSERT INTO items (id, feed_id, item_key, title, summary, content, published_at,"
                          " published_source, fetched_at, content_hash, text_source, lang, normalized_text)"
                          " VALUES (:i, 1, :k, '', '', 'x', '2026-01-01 00:00:00', 'published',"
                          " '2026-01-01 00:00:00', :k, 'feed', 'en', 'x')"), {"i": i, "k": str(i)})
        conn.execute(text("INSERT INTO fingerprints (item_id, minhash, shingles, scheme) VALUES (:i, :m, :n, :s)"),
                     {"i": i, "m": sig.astype("<u8").tobytes(), "n": SHINGLES, "s": FP.scheme})
    return ids


def _index(conn: Connection, ids: list[int], sigs: list[Signature]) -> None:
    write_band_rows(conn, [r for i, s in zip(ids, sigs, strict=True) for r in band_rows(i, s, SETTINGS)])


@pytest.fixture
def corpus(store: Store) -> tuple[Store, list[np.ndarray], list[int]]:
    """200 unrelated indexed documents (shingle sets and their item ids)."""
    rng = np.random.default_rng(11)
    docs = [_shingles(rng) for _ in range(200)]
    sigs = [_sig(d) for d in docs]
    with store.write() as conn:
        ids = _add_items(conn, sigs)
        _index(conn, ids, sigs)
    return store, docs, ids


def test_an_item_is_stored_as_one_row_with_one_key_per_band(store: Store) -> None:
    sig = _sig(_shingles(np.random.default_rng(1)))
    with store.write() as conn:
        [item] = _add_items(conn, [sig])
        assert write_band_rows(conn, band_rows(item, sig, SETTINGS)) == 1
    with store.read() as conn:
        stored = indexed_band_keys(conn, item, SETTINGS)
    assert stored == band_keys32(sig, SETTINGS)[0].tolist()
    assert len(stored) == SETTINGS.bands


def test_a_stored_key_is_the_high_half_of_the_64_bit_band_key() -> None:
    sig = _sig(_shingles(np.random.default_rng(2)))
    assert band_keys32(sig, SETTINGS)[0].tolist() == [k >> 32 for k in band_keys(sig, SETTINGS.bands, SETTINGS.rows)]


def test_writing_an_item_twice_adds_nothing(store: Store) -> None:
    sig = _sig(_shingles(np.random.default_rng(3)))
    with store.write() as conn:
        [item] = _add_items(conn, [sig])
        write_band_rows(conn, band_rows(item, sig, SETTINGS))
        assert write_band_rows(conn, band_rows(item, sig, SETTINGS)) == 0


@pytest.mark.parametrize("jaccard", [0.7, 0.8, 0.9, 1.0])
def test_lookup_finds_a_planted_near_duplicate(corpus: tuple[Store, list[np.ndarray], list[int]],
                                               jaccard: float) -> None:
    store, docs, ids = corpus
    rng = np.random.default_rng(int(jaccard * 100))
    with store.read() as conn:
        for j in range(0, 200, 20):
            assert ids[j] in lsh_candidates(conn, _sig(_copy(rng, docs[j], jaccard)), SETTINGS)


def test_lookup_of_an_unrelated_document_finds_nothing(corpus: tuple[Store, list[np.ndarray], list[int]]) -> None:
    store, _docs, _ids = corpus
    with store.read() as conn:
        assert lsh_candidates(conn, _sig(_shingles(np.random.default_rng(99))), SETTINGS) == set()


def test_batched_lookup_equals_one_lookup_per_item(corpus: tuple[Store, list[np.ndarray], list[int]]) -> None:
    store, docs, _ids = corpus
    rng = np.random.default_rng(5)
    queries = {100 + j: _sig(_copy(rng, docs[j], 0.5 + (j % 5) / 10)) for j in range(0, 200, 3)}
    queries[999] = _sig(_shingles(rng))  # matches nothing
    with store.read() as conn:
        single = {q: lsh_candidates(conn, s, SETTINGS) for q, s in queries.items()}
        batched = lsh_candidates_many(conn, queries, SETTINGS)
    assert batched == single
    assert any(single.values()) and batched[999] == set()


def test_batched_lookup_of_no_signatures_is_empty(store: Store) -> None:
    with store.read() as conn:
        assert lsh_candidates_many(conn, {}, SETTINGS) == {}


def test_a_key_collision_is_a_candidate_but_not_a_match(store: Store) -> None:
    rng = np.random.default_rng(8)
    query, stray = _sig(_shingles(rng)), _sig(_shingles(rng))
    with store.write() as conn:
        q_id, stray_id = _add_items(conn, [query, stray])
        write_band_rows(conn, band_rows(q_id, query, SETTINGS))
        # the stray item's band 5 key collides with the query's, its signature is unrelated
        row = band_rows(stray_id, stray, SETTINGS)[0]
        row["k5"] = int(band_keys32(query, SETTINGS)[0, 5])
        write_band_rows(conn, [row])
    with store.read() as conn:
        assert stray_id in lsh_candidates(conn, query, SETTINGS)
        assert stray_id not in {c.other_id for c in find_matches(conn, q_id, SETTINGS)}


def test_fewer_bands_leave_the_other_columns_empty(store: Store) -> None:
    settings = MatchingSettings(bands=16, rows=4)
    sig = _sig(_shingles(np.random.default_rng(9)))
    with store.write() as conn:
        [item] = _add_items(conn, [sig])
        write_band_rows(conn, band_rows(item, sig, settings))
    with store.read() as conn:
        assert len(indexed_band_keys(conn, item, SETTINGS)) == 16
        assert lsh_candidates(conn, sig, settings) == {item}


def test_more_bands_than_the_index_holds_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="at most 32 bands"):
        band_keys32(np.zeros(128, dtype=np.uint64), MatchingSettings(bands=64, rows=2))


def test_migration_from_one_row_per_band_keeps_every_lookup(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from monitor.store.db import MIGRATIONS_DIR, create_store_engine

    engine = create_store_engine(database_url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "matching_0003")  # the layout before lshindex_0005
    rng = np.random.default_rng(12)
    docs = [_shingles(rng) for _ in range(50)]
    sigs = [_sig(d) for d in docs]
    with engine.begin() as conn:
        ids = _add_items(conn, sigs)
        for i, sig in zip(ids, sigs, strict=True):
            for b, key in enumerate(band_keys(sig, SETTINGS.bands, SETTINGS.rows)):
                conn.execute(text("INSERT INTO lsh_bands (band, key, item_id) VALUES (:b, :k, :i)"),
                             {"b": b, "k": key, "i": i})
    migrate(engine)
    engine.dispose()
    store = open_store(database_url)
    try:
        with store.read() as conn:
            for j in range(0, 50, 5):
                assert indexed_band_keys(conn, ids[j], SETTINGS) == band_keys32(sigs[j], SETTINGS)[0].tolist()
                assert ids[j] in lsh_candidates(conn, _sig(_copy(rng, docs[j], 0.8)), SETTINGS)
    finally:
        store.close()


# ------------------------------------------------------------------ the recorded layout

OLD = MatchingSettings(bands=32, rows=4)  # the default before 24 x 3


def _legacy_store(store: Store, n: int, settings: MatchingSettings, seed: int = 21) -> tuple[list[int], list[Any]]:
    """Items indexed with ``settings`` and no layout recorded (a store from before store_meta)."""
    rng = np.random.default_rng(seed)
    docs = [_shingles(rng) for _ in range(n)]
    with store.write() as conn:
        ids = _add_items(conn, [_sig(d) for d in docs])
        write_band_rows(conn, [r for i, d in zip(ids, docs, strict=True) for r in band_rows(i, _sig(d), settings)])
    return ids, docs


def test_the_layout_of_unrecorded_keys_is_read_off_the_index(store: Store) -> None:
    with store.read() as conn:
        assert detect_layout(conn) is None  # nothing indexed yet
    _legacy_store(store, 3, MatchingSettings(bands=16, rows=4))
    with store.read() as conn:
        assert stored_layout(conn) is None
        assert detect_layout(conn) == "16x4"
    with store.write() as conn:  # keys no recipe reproduces (fingerprints changed since)
        conn.execute(text("UPDATE lsh_bands SET k0 = k0 + 1"))
    with store.read() as conn:
        assert detect_layout(conn) == "unknown"


def test_a_changed_layout_is_rebuilt_once_and_every_item_is_found_again(store: Store) -> None:
    ids, docs = _legacy_store(store, 40, OLD)
    rng = np.random.default_rng(5)
    copy = _sig(_copy(rng, docs[7], 0.8))
    with store.read() as conn:  # new keys against old ones: nothing is found
        assert ids[7] not in lsh_candidates(conn, copy, SETTINGS)
    assert ensure_band_layout(store, SETTINGS) == 40
    with store.read() as conn:
        assert stored_layout(conn) == layout_name(SETTINGS)
        assert ids[7] in lsh_candidates(conn, copy, SETTINGS)
        for i, d in zip(ids, docs, strict=True):
            assert indexed_band_keys(conn, i, SETTINGS) == band_keys32(_sig(d), SETTINGS)[0].tolist()
    assert ensure_band_layout(store, SETTINGS) == 0  # recorded: the next run only reads it
    assert ensure_band_layout(store, OLD) == 40  # and back, when the config goes back
    with store.read() as conn:
        assert stored_layout(conn) == "32x4"
        assert indexed_band_keys(conn, ids[0], OLD) == band_keys32(_sig(docs[0]), OLD)[0].tolist()


def test_a_store_indexed_with_the_current_layout_is_only_recorded(store: Store) -> None:
    _legacy_store(store, 5, SETTINGS)
    with store.read() as conn:
        before = sorted(tuple(r) for r in conn.execute(text("SELECT * FROM lsh_bands")))
    assert ensure_band_layout(store, SETTINGS) == 0
    with store.read() as conn:
        assert stored_layout(conn) == layout_name(SETTINGS)
        assert sorted(tuple(r) for r in conn.execute(text("SELECT * FROM lsh_bands"))) == before


def test_a_layout_the_index_cannot_hold_fails_before_touching_it(store: Store) -> None:
    _legacy_store(store, 5, OLD)
    with pytest.raises(ConfigError, match="at most 32 bands"):
        ensure_band_layout(store, MatchingSettings(bands=64, rows=2))
    with store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM lsh_bands")).scalar_one() == 5
        assert detect_layout(conn) == "32x4"


def _ensure_in_child(url: str, out: Any) -> None:
    s = open_store(url)
    try:
        out.put(ensure_band_layout(s, SETTINGS))
    finally:
        s.close()


def test_two_processes_changing_the_layout_at_once_rebuild_it_once(store: Store, database_url: str) -> None:
    import multiprocessing as mp

    _legacy_store(store, 300, OLD)
    ctx = mp.get_context("spawn")
    out: Any = ctx.Queue()
    procs = [ctx.Process(target=_ensure_in_child, args=(database_url, out)) for _ in range(2)]
    for p in procs:
        p.start()
    results = sorted(out.get(timeout=120) for _ in procs)
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert results == [0, 300]
    with store.read() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM lsh_bands")).scalar_one() == 300
        assert stored_layout(conn) == layout_name(SETTINGS)
