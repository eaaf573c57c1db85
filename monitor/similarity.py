"""Pairwise similarity of two texts: do they tell the same narrative?

Sentences: a logistic model over lexical features (monitor.similarity_features) shipped as
similarity_model.json; articles: shingle overlap; texts in different scripts: the
language-independent evidence of monitor.crosslingual.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from monitor.crosslingual import evidence, script_of
from monitor.errors import ConfigError
from monitor.fingerprint import Fingerprinter
from monitor.language import LanguageIdentifier
from monitor.similarity_features import TermWeights, changed_figure, pair_features, prepare

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class PairScore:
    """The verdict on a pair: ``score`` in [0, 1], ``duplicate`` when it passes the threshold."""

    score: float
    duplicate: bool
    features: dict[str, float] = field(default_factory=dict)

    def as_dict(self, *, with_features: bool = False) -> dict[str, object]:
        out: dict[str, object] = {"score": round(self.score, 4), "duplicate": self.duplicate}
        if with_features:
            out.update({k: round(v, 4) for k, v in self.features.items()})
        return out


MODEL_FILE = Path(__file__).with_name("similarity_model.json")


class Similarity:
    """The sentence-pair paraphrase model: logistic regression over the lexical features of
    monitor.similarity_features, with term weights (idf, TF-KLD, log-odds) learned from the MRPC train
    file by scripts/fit_similarity.py. Build one and reuse it: loading reads a data file."""

    def __init__(self, coefficients: Mapping[str, float], bias: float, threshold: float,
                 weights: TermWeights) -> None:
        self.coefficients = dict(coefficients)
        self.bias = bias
        self.threshold = threshold
        self.weights = weights

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Similarity:
        """The model stored at ``path`` (by default the one shipped with the package)."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            weights = TermWeights(idf=raw["idf"], default_idf=float(raw["default_idf"]),
                                  kld=raw["kld"], default_kld=float(raw["default_kld"]),
                                  odds_one=raw["odds_one"], odds_both=raw["odds_both"])
            model = cls(raw["coefficients"], float(raw["bias"]), float(raw["threshold"]), weights)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"similarity model {path} is unreadable ({exc}); "
                              "regenerate it with scripts/fit_similarity.py --write") from exc
        unknown = set(model.coefficients) - set(model.features("a", "b"))
        if unknown:
            # a model fitted on another version of the features would fail on the first pair
            raise ConfigError(f"similarity model {path} uses features this version lacks "
                              f"({', '.join(sorted(unknown))}); regenerate it with scripts/fit_similarity.py --write")
        return model

    def features(self, a: str, b: str) -> dict[str, float]:
        """The lexical features the model reads (symmetric in ``a`` and ``b``)."""
        return pair_features(prepare(a), prepare(b), self.weights)

    def score_features(self, feats: Mapping[str, float]) -> float:
        """The model's probability that the pair is a paraphrase."""
        z = self.bias + sum(w * feats[k] for k, w in self.coefficients.items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def sentence_pair(self, a: str, b: str) -> PairScore:
        """The verdict of the lexical model alone, whatever the length of the texts."""
        feats = self.features(a, b)
        s = self.score_features(feats)
        if changed_figure(feats):
            s = min(s, self.threshold / 2)
        return PairScore(score=s, duplicate=s >= self.threshold, features=feats)


# Texts in different scripts share no words; they are judged on language-independent
# evidence instead: enough shared rare tokens (figures, names, keys) relative to the smaller
# side. Checked on NTREX translation pairs by benchmarks/cluster_eval.py.
CROSS_SCRIPT_THRESHOLD = 0.25
CROSS_SCRIPT_MIN_SHARED = 3


def _cross_script(a: str, b: str, lang_a: str | None, lang_b: str | None) -> PairScore:
    ea, eb = evidence(a, lang_a), evidence(b, lang_b)
    shared = ea.tokens & eb.tokens
    smaller = min(len(ea.tokens), len(eb.tokens))
    s = len(shared) / smaller if smaller else 0.0
    dup = s >= CROSS_SCRIPT_THRESHOLD and len(shared) >= CROSS_SCRIPT_MIN_SHARED
    return PairScore(score=s, duplicate=dup, features={"shared_evidence": float(len(shared))})


# Whole articles (not sentences) are judged as near-duplicates on word 3-shingles: a lightly
# edited copy keeps half its shingles, a short item quoted inside a long one is contained.
DOCUMENT_WORDS = 40
DOCUMENT_JACCARD = 0.5
DOCUMENT_CONTAINMENT = 0.7


def _document_overlap(a: str, b: str, lang: str | None) -> tuple[float, float]:
    fp = Fingerprinter(num_perm=1)
    sa, sb = set(fp.shingles(a, lang).tolist()), set(fp.shingles(b, lang).tolist())
    if not sa or not sb:
        return 0.0, 0.0
    inter = len(sa & sb)
    return inter / len(sa | sb), inter / min(len(sa), len(sb))


def compare(a: str, b: str, *, lang_a: str | None = None, lang_b: str | None = None,
            identifier: LanguageIdentifier | None = None, model: Similarity | None = None) -> PairScore:
    """Score whether ``a`` and ``b`` tell the same narrative (same language or not).

    Texts in different scripts, or with different declared languages, are judged on
    language-independent evidence. With an ``identifier``, two articles in one script that
    share little text get their languages detected, so an English report and its French
    translation are judged as a translation rather than as unrelated English text.
    Pass a ``model`` (``Similarity.load()``) when comparing many pairs; without one the
    shipped model is loaded for this call.
    """
    if (lang_a and lang_b and lang_a != lang_b) or script_of(a) != script_of(b):
        return _cross_script(a, b, lang_a, lang_b)
    verdict = (model or Similarity.load()).sentence_pair(a, b)
    feats, s, dup = verdict.features, verdict.score, verdict.duplicate
    if min(len(_WORD.findall(a)), len(_WORD.findall(b))) >= DOCUMENT_WORDS:
        jaccard, containment = _document_overlap(a, b, lang_a or lang_b)
        feats = {**feats, "shingle_jaccard": jaccard, "shingle_containment": containment}
        dup = jaccard >= DOCUMENT_JACCARD or containment >= DOCUMENT_CONTAINMENT
        s = max(jaccard, containment) if dup else min(s, max(jaccard, containment))
        if not dup and identifier is not None and not (lang_a and lang_b):
            da = lang_a or identifier.detect(a).lang
            db = lang_b or identifier.detect(b).lang
            if da != db and "und" not in (da, db):
                return _cross_script(a, b, da, db)
    return PairScore(score=s, duplicate=dup, features=feats)
