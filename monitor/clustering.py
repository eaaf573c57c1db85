"""Corpus clustering: group documents that tell the same narrative, across languages too,
and name each group's origin (its earliest member)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from monitor.fingerprint import Fingerprinter, band_keys, estimate_jaccard


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


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller index stays root, so the result does not depend on link order
            self.parent[max(ra, rb)] = min(ra, rb)


def _origin_index(members: list[int], docs: Sequence[ClusterDoc]) -> int:
    dated = [i for i in members if docs[i].published]
    if dated:
        return min(dated, key=lambda i: (str(docs[i].published), i))
    return min(members)


def cluster_documents(docs: Sequence[ClusterDoc], *,
                      jaccard_threshold: float = 0.5) -> list[ClusterAssignment]:
    """Assign each document a narrative id (same order as ``docs``).

    Narrative ids are ``n`` + the origin's position-independent id, so they are stable for
    a given corpus regardless of input order of unrelated documents.
    """
    fp = Fingerprinter()
    sigs = [fp.signature(d.text, d.lang) for d in docs]
    uf = _UnionFind(len(docs))
    buckets: dict[int, list[int]] = {}
    for i, sig in enumerate(sigs):
        for key in band_keys(sig, 32, 4):
            buckets.setdefault(key, []).append(i)
    for members in buckets.values():
        for j in members[1:]:
            if estimate_jaccard(sigs[members[0]], sigs[j]) >= jaccard_threshold:
                uf.union(members[0], j)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[ClusterAssignment] = [ClusterAssignment("", "", None)] * len(docs)
    for members in groups.values():
        origin = _origin_index(members, docs)
        for i in members:
            out[i] = ClusterAssignment(docs[i].id, f"n-{docs[origin].id}", docs[origin].id)
    return out
