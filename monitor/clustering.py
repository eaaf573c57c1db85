"""Corpus clustering: group documents that tell the same narrative, across languages too,
and name each group's origin (its earliest member).

Two kinds of link feed one average-linkage clustering: near-duplicate text (MinHash over
word shingles, same language) and language-independent evidence (monitor.crosslingual),
scored against each document's background in the other document's script.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from monitor.crosslingual import Evidence, EvidenceIndex, evidence, script_of
from monitor.fingerprint import Fingerprinter, band_keys_matrix, estimate_jaccard

FloatMatrix = npt.NDArray[np.float64]

# A pair is linked when its evidence score stands this many standard deviations above the
# document's scores against all documents of the other's script. Chosen on the NTREX
# shared file (benchmarks/cluster_eval.py): 3.0 gives F1 88.6 / precision 95.5, 3.5 gives
# F1 86.4 / precision 98.5; we keep the precision margin for unseen data.
LINK_Z = 3.5
# Same-script backgrounds need enough documents for a meaningful deviation; smaller
# script groups are scored against the whole corpus.
MIN_BACKGROUND = 20
# Small corpora give no background to stand out from; a high evidence cosine links on its
# own (98.7 % of NTREX pairs at or above 0.5 are translations of one document).
RAW_LINK = 0.5
# Near-duplicate text (verbatim or edited copies) is linked outright.
JACCARD_LINK = 0.5
_LINKED = 1e6


@dataclass(frozen=True, slots=True)
class ClusterDoc:
    id: str
    text: str
    lang: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class ClusterAssignment:
    id: str
    narrative: str
    origin: str | None


def narrative_id(origin_id: str) -> str:
    """A stable narrative id derived from its origin document's id."""
    return "n" + hashlib.sha1(origin_id.encode("utf-8")).hexdigest()[:12]


def evidence_matrix(evs: Sequence[Evidence]) -> FloatMatrix:
    """Cosine similarity of idf-weighted evidence for every pair (diagonal zero)."""
    index = EvidenceIndex(evs)
    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for i, ev in enumerate(evs):
        for tok in ev.tokens:
            # a token no other document has cannot link anything; leaving it out keeps a
            # long text in a wordy script from diluting the tokens it does share
            if index.df[tok] < 2:
                continue
            rows.append(i)
            cols.append(vocab.setdefault(tok, len(vocab)))
            vals.append(index.idf(tok))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(evs), max(1, len(vocab))))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    sim = np.asarray((m @ m.T).toarray(), dtype=np.float64) / np.outer(norms, norms)
    np.fill_diagonal(sim, 0.0)
    return sim


def background_z(sim: FloatMatrix, scripts: Sequence[str]) -> FloatMatrix:
    """Each score as standard deviations above the row's scores against the column's script,
    made symmetric by taking the smaller of the two directions.

    Texts in one script share common words (and so consonant keys) whatever their story;
    a translation stands out only against that background.
    """
    n = sim.shape[0]
    z = np.zeros_like(sim)
    script_arr = np.array(scripts)
    everyone = np.ones(n, dtype=bool)
    for script in sorted(set(scripts)):
        cols = script_arr == script
        ref = cols if cols.sum() >= MIN_BACKGROUND else everyone
        mu = sim[:, ref].mean(axis=1, keepdims=True)
        sd = sim[:, ref].std(axis=1, keepdims=True) + 1e-9
        z[:, cols] = (sim[:, cols] - mu) / sd
    sym = np.minimum(z, z.T)
    np.fill_diagonal(sym, -np.inf)
    return sym


def lexical_links(docs: Sequence[ClusterDoc], threshold: float) -> list[tuple[int, int]]:
    """Pairs whose MinHash Jaccard reaches ``threshold`` (candidates from LSH bands)."""
    fp = Fingerprinter()
    shingles = [fp.shingles(d.text, d.lang) for d in docs]
    sigs = [fp.signature_of_shingles(s) for s in shingles]
    buckets: dict[int, list[int]] = {}
    keys = band_keys_matrix(np.stack(sigs), 32, 4).tolist() if sigs else []  # every document's at once
    for i, doc_keys in enumerate(keys):
        if shingles[i].size == 0:
            continue  # empty texts are alike but tell nothing
        for key in doc_keys:
            buckets.setdefault(key, []).append(i)
    pairs: set[tuple[int, int]] = set()
    for members in buckets.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                if (a, b) not in pairs and estimate_jaccard(sigs[a], sigs[b]) >= threshold:
                    pairs.add((a, b))
    return sorted(pairs)


def average_linkage(affinity: FloatMatrix, threshold: float) -> list[list[int]]:
    """Agglomerative clustering: repeatedly merge the two groups with the highest average
    affinity while it reaches ``threshold``. Averages (not single links) keep one stray
    link from chaining two stories together. Ties break on the lowest index."""
    w = affinity.astype(np.float64, copy=True)
    n = w.shape[0]
    size = np.ones(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(members) > 1:
        flat = int(np.argmax(w))
        i, j = divmod(flat, n)
        if not w[i, j] >= threshold:
            break
        i, j = min(i, j), max(i, j)
        merged = (w[i, :] * size[i] + w[j, :] * size[j]) / (size[i] + size[j])
        w[i, :] = merged
        w[:, i] = merged
        w[i, i] = -np.inf
        w[j, :] = -np.inf
        w[:, j] = -np.inf
        size[i] += size[j]
        members[i].extend(members.pop(j))
    return [sorted(m) for m in members.values()]


def _origin_index(members: list[int], docs: Sequence[ClusterDoc]) -> int:
    dated = [i for i in members if docs[i].published]
    if dated:
        return min(dated, key=lambda i: (str(docs[i].published), i))
    return min(members)


def cluster_documents(docs: Sequence[ClusterDoc], *, link_z: float = LINK_Z,
                      jaccard_link: float = JACCARD_LINK) -> list[ClusterAssignment]:
    """Assign each document a narrative id and its origin, in the order of ``docs``.

    Memory and time grow with the square of the corpus: this is the batch command for a
    corpus of thousands; the store links items incrementally through its LSH index.
    """
    if not docs:
        return []
    evs = [evidence(d.text, d.lang) for d in docs]
    sim = evidence_matrix(evs)
    affinity = background_z(sim, [script_of(d.text) for d in docs])
    # ranked by the cosine itself among raw links, so no ties depend on input order
    affinity = np.where(sim >= RAW_LINK, np.maximum(affinity, link_z + sim - RAW_LINK), affinity)
    for a, b in lexical_links(docs, jaccard_link):
        affinity[a, b] = affinity[b, a] = _LINKED
    out: list[ClusterAssignment | None] = [None] * len(docs)
    for members in average_linkage(affinity, link_z):
        origin = docs[_origin_index(members, docs)].id
        for i in members:
            out[i] = ClusterAssignment(docs[i].id, narrative_id(origin), origin)
    return [a for a in out if a is not None]
