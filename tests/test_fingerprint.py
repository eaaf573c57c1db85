"""Fingerprints: MinHash signatures, LSH band keys and passage hashes (monitor.fingerprint)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.fingerprint import Fingerprinter, band_keys, estimate_jaccard, passages

ARTICLES = json.loads((Path(__file__).parent / "data" / "matching" / "articles.json").read_text("utf-8"))
FP = Fingerprinter()


def test_signature_has_num_perm_unsigned_values() -> None:
    sig = FP.signature(ARTICLES["story_en"])
    assert sig.shape == (128,)
    assert sig.dtype == np.uint64


def test_identical_texts_have_identical_signatures() -> None:
    assert estimate_jaccard(FP.signature(ARTICLES["story_en"]), FP.signature(ARTICLES["story_en"])) == 1.0


def test_estimate_tracks_exact_shingle_jaccard() -> None:
    a, b = ARTICLES["story_en"], ARTICLES["edited_en"]
    sa, sb = set(FP.shingles(a).tolist()), set(FP.shingles(b).tolist())
    exact = len(sa & sb) / len(sa | sb)
    assert abs(estimate_jaccard(FP.signature(a), FP.signature(b)) - exact) < 0.15


def test_unrelated_articles_sharing_boilerplate_have_low_similarity() -> None:
    sim = estimate_jaccard(FP.signature(ARTICLES["story_en"]), FP.signature(ARTICLES["other_en"]))
    assert sim < 0.2


def test_chinese_is_shingled_by_characters() -> None:
    text = "鹿特丹港的码头工人周二因薪资纠纷举行罢工"
    assert FP.shingles(text, "zh").size == len(text) - FP.shingle_size
    assert FP.shingles(text).size == FP.shingles(text, "zh").size  # detected without a language


def test_word_order_matters_within_a_shingle() -> None:
    assert not np.array_equal(FP.shingles("alpha beta gamma"), FP.shingles("gamma beta alpha"))


def test_scheme_names_the_recipe() -> None:
    assert Fingerprinter(num_perm=64, shingle_size=2).scheme.startswith("w2-p64")


def test_band_keys_fit_a_signed_bigint() -> None:
    keys = band_keys(FP.signature(ARTICLES["story_fa"]), 32, 4)
    assert len(keys) == 32
    assert all(-(2**63) <= k < 2**63 for k in keys)


def test_equal_bands_in_different_positions_get_different_keys() -> None:
    sig = np.zeros(8, dtype=np.uint64)
    a, b = band_keys(sig, 2, 4)
    assert a != b


def test_edited_copy_shares_a_band_key() -> None:
    ka = band_keys(FP.signature(ARTICLES["story_en"]), 32, 4)
    kb = band_keys(FP.signature(ARTICLES["edited_en"]), 32, 4)
    assert set(ka) & set(kb)


def test_shared_paragraph_yields_the_same_passage_hash() -> None:
    story = {h for h, _, _ in passages(ARTICLES["story_en"])}
    partial = {h for h, _, _ in passages(ARTICLES["partial_en"])}
    assert len(story & partial) == 1


def test_passages_ignore_short_sentences() -> None:
    assert passages("Too short. Also short!") == []


def test_passage_hash_ignores_punctuation_and_case() -> None:
    a = passages("Dock workers at the Port of Rotterdam walked out on Tuesday.")
    b = passages("dock workers at the port of Rotterdam walked out on Tuesday!")
    assert a[0][0] == b[0][0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.text(alphabet="abcdefgh", min_size=1, max_size=6), min_size=0, max_size=60))
def test_estimate_is_a_fraction_and_symmetric(words: list[str]) -> None:
    a = " ".join(words)
    b = " ".join(reversed(words))
    sa, sb = FP.signature(a), FP.signature(b)
    j = estimate_jaccard(sa, sb)
    assert 0.0 <= j <= 1.0
    assert j == estimate_jaccard(sb, sa)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_fingerprinting_never_fails_on_any_text(text: str) -> None:
    assert FP.signature(text).shape == (128,)
    for h, _pos, _t in passages(text, min_words=1):
        assert -(2**63) <= h < 2**63
