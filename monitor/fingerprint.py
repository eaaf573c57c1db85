"""Fingerprints of normalized text: vectorised MinHash over word (or character) shingles,
LSH band keys that fit a BIGINT column, and passage hashes for shared paragraphs.

Every function is pure; one ``Fingerprinter`` is built once and reused (its permutation
parameters are the only state). The same recipe is used for every script.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import numpy.typing as npt

# Scripts written without spaces between words: shingle characters, not words.
_CHAR_SHINGLE_LANGS = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
_NO_SPACE_SCRIPT = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?؟。！？])\s+|\n+")

U64Array = npt.NDArray[np.uint64]


def hash64(token: str) -> int:
    """A stable unsigned 64-bit hash of a string (shingles, passages, evidence tokens)."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


def _mix(x: U64Array) -> U64Array:
    # splitmix64 finaliser: turns structured combinations of token hashes into uniform bits.
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return x


def to_signed64(value: int) -> int:
    """An unsigned 64-bit value as the signed integer a BIGINT column stores."""
    value &= 0xFFFFFFFFFFFFFFFF
    return value - (1 << 64) if value >= (1 << 63) else value


def uses_char_shingles(text: str, lang: str | None) -> bool:
    """True for languages (or, without a language, texts) written without word spaces."""
    if lang is not None:
        return lang.split("-")[0].lower() in _CHAR_SHINGLE_LANGS
    sample = text[:400]
    if not sample:
        return False
    return len(_NO_SPACE_SCRIPT.findall(sample)) > 0.3 * len(sample.replace(" ", ""))


def tokens(normalized_text: str, lang: str | None = None) -> list[str]:
    """Word tokens, or single characters for scripts without spaces."""
    if uses_char_shingles(normalized_text, lang):
        return [c for c in normalized_text if not c.isspace() and (c.isalnum())]
    return _WORD.findall(normalized_text.lower())


class Fingerprinter:
    """MinHash over shingles of ``shingle_size`` tokens with ``num_perm`` permutations.

    Each permutation is a multiply-add over 64 bits: for a strong
    64-bit input hash the high bits of ``a*h + b`` (a odd) order shingles uniformly, which
    is all MinHash needs, and it vectorises to one (shingles × num_perm) numpy expression.
    """

    def __init__(self, num_perm: int = 128, shingle_size: int = 3, seed: int = 1) -> None:
        if num_perm < 1 or shingle_size < 1:
            raise ValueError("num_perm and shingle_size must be positive")
        self.num_perm = num_perm
        self.shingle_size = shingle_size
        self.seed = seed
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 2**63, size=num_perm, dtype=np.uint64)
        self.scheme = f"w{shingle_size}-p{num_perm}-s{seed}"

    def shingles(self, normalized_text: str, lang: str | None = None) -> U64Array:
        """The distinct shingle hashes of the text (uint64).

        Word texts use ``shingle_size`` consecutive words; texts without spaces use
        ``shingle_size + 1`` consecutive characters (a character carries less than a word).
        Texts shorter than one shingle yield a single shingle of all their tokens.
        """
        toks = tokens(normalized_text, lang)
        if not toks:
            return np.zeros(0, dtype=np.uint64)
        k = self.shingle_size + 1 if uses_char_shingles(normalized_text, lang) else self.shingle_size
        unique = {t: hash64(t) for t in set(toks)}
        th = np.fromiter((unique[t] for t in toks), dtype=np.uint64, count=len(toks))
        if len(th) < k:
            k = len(th)
        n = len(th) - k + 1
        acc = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(k):
                # position-dependent rotation so "a b c" and "c b a" differ
                acc = _mix(acc ^ th[j:j + n] ^ np.uint64(j * 0x9E3779B97F4A7C15 & 0xFFFFFFFFFFFFFFFF))
        return np.unique(acc)

    def signature_of_shingles(self, shingles: U64Array) -> U64Array:
        """MinHash signature (num_perm uint64) of precomputed shingle hashes."""
        if shingles.size == 0:
            return np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        with np.errstate(over="ignore"):
            perm = shingles[:, None] * self._a[None, :] + self._b[None, :]
        return np.asarray(perm.min(axis=0), dtype=np.uint64)

    def signature(self, normalized_text: str, lang: str | None = None) -> U64Array:
        """MinHash signature of the text: shape (num_perm,), uint64."""
        return self.signature_of_shingles(self.shingles(normalized_text, lang))


def band_keys_matrix(signatures: npt.NDArray[np.uint64], bands: int, rows: int) -> npt.NDArray[np.int64]:
    """Band keys of many signatures at once: shape (n, bands), signed 64-bit."""
    sigs = np.atleast_2d(signatures)
    if bands * rows > sigs.shape[1]:
        raise ValueError(f"bands*rows = {bands * rows} exceeds signature length {sigs.shape[1]}")
    cells = sigs[:, : bands * rows].astype(np.uint64).reshape(sigs.shape[0], bands, rows)
    acc = np.broadcast_to(np.arange(1, bands + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15),
                          (sigs.shape[0], bands)).copy()
    for r in range(rows):
        acc = _mix(acc ^ cells[:, :, r])
    return acc.view(np.int64)


def band_keys(signature: npt.NDArray[np.uint64], bands: int, rows: int) -> list[int]:
    """One signed 64-bit key per band: a hash of that band's ``rows`` signature values
    (the band number is mixed in, so equal keys in different bands never collide)."""
    return [int(v) for v in band_keys_matrix(signature[None, :], bands, rows)[0]]


def signatures_of_shingle_matrix(fp: Fingerprinter, shingles: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """MinHash signatures of many equally sized shingle sets at once: (n, k) → (n, num_perm)."""
    with np.errstate(over="ignore"):
        perm = shingles[:, :, None] * fp._a[None, None, :] + fp._b[None, None, :]
    return np.asarray(perm.min(axis=1), dtype=np.uint64)


def estimate_jaccard(a: npt.NDArray[np.uint64], b: npt.NDArray[np.uint64]) -> float:
    """The fraction of equal MinHash values: an unbiased estimate of the Jaccard similarity."""
    if a.shape != b.shape:
        raise ValueError(f"signatures differ in length: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / float(a.size)


def passages(normalized_text: str, min_words: int = 8) -> list[tuple[int, int, str]]:
    """Sentence-level passages with at least ``min_words`` words: (signed 64-bit hash,
    position, text). The hash is over the lower-cased words only, so punctuation and
    spacing differences between outlets do not hide a shared talking point."""
    out: list[tuple[int, int, str]] = []
    seen: set[int] = set()
    for pos, raw in enumerate(s for s in _SENTENCE_END.split(normalized_text) if s and s.strip()):
        text = raw.strip()
        words = tokens(text)
        if uses_char_shingles(text, None):
            if len(words) < min_words * 2:
                continue
        elif len(words) < min_words:
            continue
        h = to_signed64(hash64(" ".join(words)))
        if h in seen:
            continue
        seen.add(h)
        out.append((h, pos, text))
    return out
