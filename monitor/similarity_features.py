"""Lexical features of a sentence pair for monitor.similarity's paraphrase model.

MT-metric style evidence (n-gram precision both ways over words, stems and characters,
subsequence and edit rates, aligned unigrams), disagreement on numbers, names and negation,
and term weights learned from labelled pairs (idf and TF-KLD, passed in as ``TermWeights``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

_TOKEN = re.compile(r"\d+(?:[.,:/]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?|\d+", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,:/]\d+)*")
# Capitalised words after the first one: names of people, places, companies.
_CAPITALISED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][\w&'-]*[a-zA-Z]")
_MONTH_NAMES = "january february march april may june july august september october november december"
_MONTHS = frozenset(_MONTH_NAMES.split())
_DAYS = frozenset(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                   "yesterday", "today", "tomorrow"))
_NEGATION_WORDS = "not no never neither nor without none nobody nothing cannot n't"
_NEGATIONS = frozenset(_NEGATION_WORDS.split())

# Function words carry no story; counts of unmatched words leave them out.
_STOP_WORDS = """a an the of to in on at for by with from and or but is are was were be been
being has have had do does did it its this that these those he she they we you i his her their our as
said says say will would could should may might can than then there which who whom what when where
while also about into over after before up out more most s 's"""
STOP_WORDS = frozenset(_STOP_WORDS.split())


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text``."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_SUFFIXES = ("ational", "ization", "fulness", "iveness", "ements", "ations", "ement", "ation",
             "ingly", "ments", "ness", "ment", "edly", "ies", "ied", "ing", "ers", "est", "ed",
             "er", "es", "ly", "s")
# The shortest base (at least 3 letters) wins, so the longest suffix is stripped.
_SUFFIXED = re.compile(rf"([a-z]{{3,}}?)({'|'.join(_SUFFIXES)})")
_ASCII_WORD = re.compile(r"[a-z]{4,}")


def stem(word: str) -> str:
    """A light English suffix strip ("shares"/"shared"/"sharing" → "shar"); other scripts unchanged."""
    if not _ASCII_WORD.fullmatch(word):
        return word
    m = _SUFFIXED.fullmatch(word)
    if m is None:
        return word.rstrip("e") if len(word) > 4 else word
    base, suf = m.group(1), m.group(2)
    if suf in ("ies", "ied"):
        return base + "y"
    # "stopped" → "stopp" → "stop": undouble a final consonant
    if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
        base = base[:-1]
    return base.rstrip("e") if len(base) > 3 else base


@dataclass(frozen=True, slots=True)
class TermWeights:
    """Per-stem weights learned from a labelled pair file: idf and TF-KLD (Ji & Eisenstein 2013)."""

    idf: Mapping[str, float] = field(default_factory=dict)
    default_idf: float = 1.0
    kld: Mapping[str, float] = field(default_factory=dict)
    default_kld: float = 0.0
    # log-odds of paraphrase when a stem is on one side only / on both sides
    odds_one: Mapping[str, float] = field(default_factory=dict)
    odds_both: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Sentence:
    """One side of a pair, tokenised once."""

    words: tuple[str, ...]
    stems: tuple[str, ...]
    content: frozenset[str]  # stems of non-stop words
    numbers: frozenset[str]
    names: frozenset[str]
    chars: tuple[frozenset[str], ...]  # character 3-, 4-, 5-grams
    negations: int


def prepare(text: str) -> Sentence:
    """Tokenise ``text`` into the views the features compare."""
    folded = fold(text)
    words = tuple(_TOKEN.findall(folded))
    stems = tuple(stem(w) for w in words)
    squashed = " ".join(words)
    chars = tuple(frozenset(squashed[i:i + n] for i in range(max(0, len(squashed) - n + 1))) for n in (3, 4, 5))
    numbers = frozenset(n.replace(",", "") for n in _NUMBER.findall(folded))
    names = frozenset(n for n in map(fold, _CAPITALISED.findall(text)) if n not in _MONTHS)
    negs = sum(1 for w in words if w in _NEGATIONS or w.endswith("n't"))
    content = frozenset(s for w, s in zip(words, stems, strict=True) if w not in STOP_WORDS)
    return Sentence(words, stems, content, numbers, names, chars, negs)


def _ngrams(seq: Sequence[str], n: int) -> frozenset[tuple[str, ...]]:
    return frozenset(zip(*(seq[i:] for i in range(n)), strict=False))


def _both_ways(a: Iterable[object], b: Iterable[object]) -> tuple[float, float]:
    """Precision of a's units in b and of b's in a, as (min, max): symmetric in a and b."""
    sa, sb = set(a), set(b)
    shared = len(sa & sb)
    pa = shared / len(sa) if sa else 1.0 if not sb else 0.0
    pb = shared / len(sb) if sb else 1.0 if not sa else 0.0
    return min(pa, pb), max(pa, pb)


def _masks(a: Sequence[str]) -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, x in enumerate(a):
        masks[x] = masks.get(x, 0) | (1 << i)
    return masks


def _lcs(a: Sequence[str], b: Sequence[str]) -> int:
    """Length of the longest common subsequence, bit-parallel (Allison & Dix 1986)."""
    masks, full = _masks(a), (1 << len(a)) - 1
    v = full
    for y in b:
        u = v & masks.get(y, 0)
        v = ((v + u) | (v - u)) & full
    return len(a) - v.bit_count()


def _edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance over tokens, bit-parallel (Myers 1999, Hyyrö's formulation)."""
    if not a:
        return len(b)
    masks, full, top = _masks(a), (1 << len(a)) - 1, 1 << (len(a) - 1)
    pv, mv, dist = full, 0, len(a)
    for y in b:
        eq = masks.get(y, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = mv | (full ^ (xh | pv))
        mh = pv & xh
        if ph & top:
            dist += 1
        elif mh & top:
            dist -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (full ^ (xv | ph))
        mv = ph & xv
    return dist


def _chunks(a: Sequence[str], b: Sequence[str]) -> tuple[int, int]:
    """METEOR-style alignment: greedy one-to-one unigram matches of a in b, and how many
    contiguous runs they form (fewer runs = same word order)."""
    positions: dict[str, list[int]] = {}
    for j, y in enumerate(b):
        positions.setdefault(y, []).append(j)
    aligned: list[int] = []
    for x in a:
        slots = positions.get(x)
        if slots:
            aligned.append(slots.pop(0))
        else:
            aligned.append(-1)
    matches, runs, last = 0, 0, -2
    for j in aligned:
        if j < 0:
            last = -2
            continue
        matches += 1
        if j != last + 1:
            runs += 1
        last = j
    return matches, runs


def _weighted(units: Iterable[str], weights: Mapping[str, float], default: float) -> float:
    return sum(weights.get(u, default) for u in units)


def _cosine(a: Sequence[str], b: Sequence[str], weights: Mapping[str, float], default: float) -> float:
    va: dict[str, float] = {}
    vb: dict[str, float] = {}
    for u in a:
        va[u] = va.get(u, 0.0) + weights.get(u, default)
    for u in b:
        vb[u] = vb.get(u, 0.0) + weights.get(u, default)
    dot = sum(v * vb[k] for k, v in va.items() if k in vb)
    na = math.sqrt(sum(v * v for v in va.values()))
    nb = math.sqrt(sum(v * v for v in vb.values()))
    return dot / (na * nb) if na and nb else 0.0


def _pair_mass(a: frozenset[str], b: frozenset[str], weights: Mapping[str, float], default: float,
               prefix: str, out: dict[str, float]) -> None:
    only_a, only_b = a - b, b - a
    shared = _weighted(a & b, weights, default)
    ua, ub = _weighted(only_a, weights, default), _weighted(only_b, weights, default)
    total_a, total_b = shared + ua, shared + ub
    sa = shared / total_a if total_a else 1.0
    sb = shared / total_b if total_b else 1.0
    out[f"{prefix}_share_min"], out[f"{prefix}_share_max"] = min(sa, sb), max(sa, sb)
    out[f"{prefix}_unmatched_min"] = math.log1p(min(ua, ub))
    out[f"{prefix}_unmatched_max"] = math.log1p(max(ua, ub))


def pair_features(ta: Sentence, tb: Sentence, weights: TermWeights) -> dict[str, float]:
    """The features of a prepared pair; symmetric: swapping a and b gives the same values."""
    out: dict[str, float] = {}
    la, lb = len(ta.words), len(tb.words)
    short, long_ = min(la, lb), max(la, lb)
    for n in (1, 2, 3, 4):
        out[f"word{n}_min"], out[f"word{n}_max"] = _both_ways(_ngrams(ta.words, n), _ngrams(tb.words, n))
    for n in (1, 2, 3):
        out[f"stem{n}_min"], out[f"stem{n}_max"] = _both_ways(_ngrams(ta.stems, n), _ngrams(tb.stems, n))
    for i, n in enumerate((3, 4, 5)):
        out[f"char{n}_min"], out[f"char{n}_max"] = _both_ways(ta.chars[i], tb.chars[i])
    out["content_min"], out["content_max"] = _both_ways(ta.content, tb.content)
    bleu = [math.log(max(out[f"word{n}_min"], 0.01)) for n in (1, 2, 3, 4)]
    out["bleu_min"] = math.exp(sum(bleu) / 4)
    lcs = _lcs(ta.stems, tb.stems)
    out["lcs_short"] = lcs / short if short else 1.0
    out["lcs_long"] = lcs / long_ if long_ else 1.0
    out["edit_rate"] = _edit_distance(ta.stems, tb.stems) / long_ if long_ else 0.0
    fa = [w for w in ta.stems if not w[0].isdigit()]
    fb = [w for w in tb.stems if not w[0].isdigit()]
    out["edit_rate_without_figures"] = _edit_distance(fa, fb) / max(1, len(fa), len(fb))
    ma, runs_a = _chunks(ta.stems, tb.stems)
    mb, runs_b = _chunks(tb.stems, ta.stems)
    matches = min(ma, mb)
    prec, rec = (matches / la if la else 0.0), (matches / lb if lb else 0.0)
    fmean = 10 * prec * rec / (rec + 9 * prec) if prec and rec else 0.0
    fmean_r = 10 * prec * rec / (prec + 9 * rec) if prec and rec else 0.0
    frag = (max(runs_a, runs_b) / matches) if matches else 1.0
    out["meteor_min"] = min(fmean, fmean_r) * (1 - 0.5 * frag ** 3)
    out["meteor_max"] = max(fmean, fmean_r) * (1 - 0.5 * frag ** 3)
    out["fragmentation"] = frag
    out["length_short"] = math.log1p(short)
    out["length_difference"] = math.log1p(long_ - short)
    out["length_ratio"] = short / long_ if long_ else 1.0
    only_a, only_b = len(ta.content - tb.content), len(tb.content - ta.content)
    out["unmatched_min"] = math.log1p(min(only_a, only_b))
    out["unmatched_max"] = math.log1p(max(only_a, only_b))
    na, nb = ta.numbers, tb.numbers
    out["numbers_equal"] = 1.0 if na and na == nb else 0.0
    out["numbers_conflict"] = 1.0 if na and nb and na != nb else 0.0
    out["numbers_one_side"] = 1.0 if bool(na) != bool(nb) else 0.0
    out["numbers_unmatched"] = math.log1p(len(na ^ nb))
    # each side states a figure the other lacks: the pair disagrees rather than elaborates
    out["numbers_disagree"] = 1.0 if (na - nb) and (nb - na) else 0.0
    out["names_min"], out["names_max"] = _both_ways(ta.names, tb.names)
    out["names_unmatched"] = math.log1p(len(ta.names ^ tb.names))
    out["negation_mismatch"] = 1.0 if (ta.negations % 2) != (tb.negations % 2) else 0.0
    sa, sb = frozenset(ta.stems), frozenset(tb.stems)
    out["idf_cosine"] = _cosine(ta.stems, tb.stems, weights.idf, weights.default_idf)
    _pair_mass(sa, sb, weights.idf, weights.default_idf, "idf", out)
    out["kld_cosine"] = _cosine(ta.stems, tb.stems, weights.kld, weights.default_kld)
    _pair_mass(sa, sb, weights.kld, weights.default_kld, "kld", out)
    out["odds_unmatched"] = sum(weights.odds_one.get(u, 0.0) for u in sa ^ sb)
    oa = sum(weights.odds_one.get(u, 0.0) for u in sa - sb)
    ob = sum(weights.odds_one.get(u, 0.0) for u in sb - sa)
    out["odds_unmatched_min"], out["odds_unmatched_max"] = min(oa, ob), max(oa, ob)
    days_a, days_b = {w for w in ta.words if w in _DAYS}, {w for w in tb.words if w in _DAYS}
    out["weekday_conflict"] = 1.0 if days_a and days_b and days_a != days_b else 0.0
    out["word1_min_squared"] = out["word1_min"] ** 2
    out["content_min_squared"] = out["content_min"] ** 2
    out["word1_product"] = out["word1_min"] * out["word1_max"]
    out["odds_matched"] = sum(weights.odds_both.get(u, 0.0) for u in sa & sb)
    fuzzy_a = _unmatched_fuzzy(ta.content, tb.content)
    fuzzy_b = _unmatched_fuzzy(tb.content, ta.content)
    out["fuzzy_unmatched_min"] = math.log1p(min(fuzzy_a, fuzzy_b))
    out["fuzzy_unmatched_max"] = math.log1p(max(fuzzy_a, fuzzy_b))
    return out


# A near-verbatim copy (at most this share of words edited, figures aside) that states a different
# figure makes a different claim: never a duplicate, however high its overlap. MRPC's annotators
# were lenient about such pairs, but they are a handful (3 of the 4,076 train pairs).
CHANGED_FIGURE_EDIT_RATE = 0.15


def changed_figure(feats: Mapping[str, float]) -> bool:
    """The pair is one sentence with a figure changed (see CHANGED_FIGURE_EDIT_RATE)."""
    return bool(feats["numbers_disagree"]) and feats["edit_rate_without_figures"] <= CHANGED_FIGURE_EDIT_RATE


def _unmatched_fuzzy(a: frozenset[str], b: frozenset[str]) -> int:
    """Words of a with neither an exact nor a 5-letter-prefix match in b (a second, cruder stemmer)."""
    prefixes = {w[:5] for w in b}
    return sum(1 for w in a if w not in b and w[:5] not in prefixes)


def fit_term_weights(pairs: Sequence[tuple[Sentence, Sentence, bool]], *, min_count: int = 3,
                     max_terms: int = 6000) -> TermWeights:
    """idf over all sentences, and TF-KLD: for each stem, the KL divergence between how often a
    stem in one sentence is also in the other among paraphrases and among non-paraphrases."""
    df: dict[str, int] = {}
    counts: dict[str, list[int]] = {}  # stem -> [both|pos, one|pos, both|neg, one|neg]
    for a, b, gold in pairs:
        sa, sb = frozenset(a.stems), frozenset(b.stems)
        for s in sa:
            df[s] = df.get(s, 0) + 1
        for s in sb:
            df[s] = df.get(s, 0) + 1
        base = 0 if gold else 2
        for s in sa | sb:
            c = counts.setdefault(s, [0, 0, 0, 0])
            c[base + (0 if s in sa and s in sb else 1)] += 1
    n_docs = 2 * len(pairs)
    idf = {s: math.log((n_docs + 1) / (d + 0.5)) for s, d in df.items() if d >= 2}
    default_idf = math.log((n_docs + 1) / 1.5)
    kld: dict[str, float] = {}
    for s, (bp, op, bn, on) in counts.items():
        if bp + op + bn + on < min_count:
            continue
        p = (bp + 0.5) / (bp + op + 1.0)
        q = (bn + 0.5) / (bn + on + 1.0)
        kld[s] = p * math.log(p / q) + (1 - p) * math.log((1 - p) / (1 - q))
    top = sorted(kld.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]
    default_kld = sorted(kld.values())[len(kld) // 2] if kld else 0.0
    n_pos = sum(1 for p in pairs if p[2])
    prior = math.log(max(1, n_pos) / max(1, len(pairs) - n_pos))
    odds_one: dict[str, float] = {}
    odds_both: dict[str, float] = {}
    for s, (bp, op, bn, on) in counts.items():
        # shrunk towards the prior by a pseudo-count of 2 pairs split at the base rate
        if op + on >= min_count:
            odds_one[s] = math.log((op + 1.35) / (on + 0.65)) - prior
        if bp + bn >= min_count:
            odds_both[s] = math.log((bp + 1.35) / (bn + 0.65)) - prior
    keep = {s for s, _ in top}
    return TermWeights(idf=idf, default_idf=default_idf, kld=dict(top), default_kld=default_kld,
                       odds_one={s: v for s, v in odds_one.items() if s in keep or abs(v) > 0.3},
                       odds_both={s: v for s, v in odds_both.items() if s in keep or abs(v) > 0.3})
