"""Near-duplicate matching against the store: MinHash fingerprints and LSH band keys live in
indexed tables, so every task is stateless and memory stays flat as the store grows.

Two phases, each safe to run in parallel over disjoint batches and to re-run:
``index_items`` writes fingerprints, band keys, passage hashes and cross-lingual evidence
tokens; ``match_items`` looks up candidates sharing a band key, a passage or rare evidence,
verifies them (estimated Jaccard, containment, evidence coverage) and writes ``matches``.
Each pair is stored once as (newer item, older item).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, func, select

from monitor.config import MatchingSettings
from monitor.crosslingual import evidence, evidence_cosine, token_hash
from monitor.fingerprint import Fingerprinter, estimate_jaccard, passages
from monitor.lshindex import band_rows, lsh_candidates, write_band_rows
from monitor.normalize import strip_boilerplate
from monitor.store import Store, insert_ignore
from monitor.store.tables import evidence_tokens, fingerprints, items, matches
from monitor.store.tables import passages as passages_table
from monitor.timeutil import utcnow

Signature = npt.NDArray[np.uint64]


def fingerprinter_for(settings: MatchingSettings) -> Fingerprinter:
    return Fingerprinter(num_perm=settings.num_perm, shingle_size=settings.shingle_size)


def _original_text(title: str | None, summary: str | None, content: str | None) -> str:
    # Evidence needs the original spelling: capitals mark names, which normalization folds.
    # Feed boilerplate goes first: "… appeared first on <outlet>" would tie every item of an
    # outlet to every other by the outlet's own name.
    return strip_boilerplate("\n".join(p for p in (title, content or summary) if p))


def index_rows(item_id: int, normalized: str, original: str, lang: str | None,
               settings: MatchingSettings, fp: Fingerprinter) -> dict[str, list[dict[str, Any]]]:
    """The index rows of one item, by table (pure: used by index_items and the benchmark)."""
    shingles = fp.shingles(normalized, lang)
    sig = fp.signature_of_shingles(shingles)
    return {
        "fingerprints": [{"item_id": item_id, "minhash": sig.astype("<u8").tobytes(),
                          "shingles": int(shingles.size), "scheme": fp.scheme}],
        # an item without words gets no band keys: empty texts are alike but tell nothing
        "lsh_bands": band_rows(item_id, sig, settings) if shingles.size else [],
        "passages": [{"hash": h, "item_id": item_id, "position": pos, "text": t[:1000]}
                     for h, pos, t in passages(normalized)],
        "evidence_tokens": [{"token": token_hash(t), "item_id": item_id}
                            for t in sorted(evidence(original, lang).tokens)],
    }


def index_items(store: Store, settings: MatchingSettings, ids: Sequence[int],
                fingerprinter: Fingerprinter | None = None) -> int:
    """Fingerprint the (already normalized) items ``ids`` and write their index rows.
    Returns how many items were newly indexed."""
    fp = fingerprinter or fingerprinter_for(settings)
    with store.read() as conn:
        rows = conn.execute(select(items.c.id, items.c.normalized_text, items.c.lang, items.c.title,
                                   items.c.summary, items.c.content)
                            .where(items.c.id.in_(list(ids)), items.c.normalized_text.is_not(None))).all()
        done = {r[0] for r in conn.execute(select(fingerprints.c.item_id)
                                           .where(fingerprints.c.item_id.in_(list(ids))))}
    out: dict[str, list[dict[str, Any]]] = {"fingerprints": [], "lsh_bands": [], "passages": [],
                                            "evidence_tokens": []}
    for item_id, text, lang, title, summary, content in rows:
        if item_id in done:
            continue
        for table, table_rows in index_rows(item_id, text or "", _original_text(title, summary, content),
                                            lang, settings, fp).items():
            out[table].extend(table_rows)
    with store.write() as conn:
        insert_ignore(conn, fingerprints, out["fingerprints"], ["item_id"])
        write_band_rows(conn, out["lsh_bands"])
        insert_ignore(conn, passages_table, out["passages"], ["hash", "item_id"])
        insert_ignore(conn, evidence_tokens, out["evidence_tokens"], ["token", "item_id"])
    return len(out["fingerprints"])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A verified near-duplicate of a queried item."""

    other_id: int
    method: str  # minhash | containment | passage | crosslingual
    score: float
    jaccard: float | None
    containment: float | None
    evidence: dict[str, Any]


def _fingerprints(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Signature, int]]:
    out: dict[int, tuple[Signature, int]] = {}
    for item_id, blob, n in conn.execute(
            select(fingerprints.c.item_id, fingerprints.c.minhash, fingerprints.c.shingles)
            .where(fingerprints.c.item_id.in_(list(ids)))):
        out[item_id] = (np.frombuffer(blob, dtype="<u8"), int(n))
    return out


def containment_from(jaccard: float, size_a: int, size_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from the Jaccard estimate and the two shingle counts."""
    if jaccard <= 0 or min(size_a, size_b) == 0:
        return 0.0
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, inter / min(size_a, size_b))


def _placeholder(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def candidate_fingerprints(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Signature, int]]:
    """Fingerprints (signature, shingle count) of candidate items: the verification read."""
    if not ids:
        return {}
    ph = _placeholder(conn)
    rows = conn.exec_driver_sql(
        f"SELECT item_id, minhash, shingles FROM fingerprints WHERE item_id IN ({', '.join([ph] * len(ids))})",
        tuple(ids))
    return {int(i): (np.frombuffer(bytes(blob), dtype="<u8"), int(n)) for i, blob, n in rows}


def verify_lexical(conn: Connection, item_id: int, sig: Signature, size: int, cands: set[int],
                   shared_passages: dict[int, list[str]], settings: MatchingSettings) -> list[Candidate]:
    """Keep the candidates whose estimated Jaccard or containment passes, or that share a passage."""
    out: list[Candidate] = []
    for other, (osig, osize) in sorted(candidate_fingerprints(conn, sorted(cands)).items()):
        if osig.shape != sig.shape or size == 0 or osize == 0:
            continue  # another recipe (never compare across schemes), or no words to compare
        j = estimate_jaccard(sig, osig)
        c = containment_from(j, size, osize)
        shared = shared_passages.get(other, [])
        if j >= settings.jaccard_threshold:
            method = "minhash"
        elif c >= settings.containment_threshold and j >= settings.containment_min_jaccard:
            method = "containment"
        elif shared:
            method = "passage"
        else:
            continue
        score = max(j, c if method == "containment" else 0.0, 0.5 if shared else 0.0)
        out.append(Candidate(other, method, score, j, c, {"passages": shared[:3]} if shared else {}))
    return out


def _document_frequencies(conn: Connection, hashes: Sequence[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for start in range(0, len(hashes), 500):
        chunk = list(hashes[start:start + 500])
        out.update({h: int(n) for h, n in conn.execute(
            select(evidence_tokens.c.token, func.count()).where(evidence_tokens.c.token.in_(chunk))
            .group_by(evidence_tokens.c.token))})
    return out


def indexed_count(conn: Connection) -> int:
    """How many items are indexed: the corpus size behind evidence weights."""
    return int(conn.execute(select(func.count()).select_from(fingerprints)).scalar_one())


def crosslingual_candidates(conn: Connection, item_id: int, lang: str | None, tokens: dict[int, str],
                            settings: MatchingSettings, total: int | None = None) -> list[Candidate]:
    """Items in another language sharing enough rare evidence (figures, names, keys),
    verified by the idf-weighted cosine of both items' evidence."""
    if not lang or len(tokens) < settings.crosslingual_min_shared:
        return []
    total = indexed_count(conn) if total is None else total
    df = _document_frequencies(conn, sorted(tokens))
    # tokens carried by a large share of the store say nothing about one story (a small
    # store has no such share to speak of: there a token is common only past 20 items)
    cap = max(20, int(settings.crosslingual_max_df * total))
    rare = [h for h in sorted(tokens) if 2 <= df.get(h, 1) <= cap]
    if len(rare) < settings.crosslingual_min_shared:
        return []
    e2 = evidence_tokens.alias("e2")
    shared_count = func.count()
    # The items sharing the most rare evidence, at most crosslingual_max_candidates of them:
    # a translation shares many of an item's names and figures, so it ranks near the top, and
    # the per-item work stays bounded however large the store grows.
    hits = conn.execute(
        select(e2.c.item_id, items.c.lang)
        .join(items, items.c.id == e2.c.item_id)
        .where(e2.c.token.in_(rare), e2.c.item_id != item_id, items.c.lang.is_not(None), items.c.lang != lang)
        .group_by(e2.c.item_id, items.c.lang)
        .having(shared_count >= settings.crosslingual_min_shared)
        .order_by(shared_count.desc(), e2.c.item_id)
        .limit(settings.crosslingual_max_candidates)).all()
    if not hits:
        return []
    # Every candidate's evidence and its document frequencies in two queries, not two per candidate.
    their_tokens: dict[int, set[int]] = {}
    for other, token in conn.execute(select(evidence_tokens.c.item_id, evidence_tokens.c.token)
                                     .where(evidence_tokens.c.item_id.in_([h[0] for h in hits]))):
        their_tokens.setdefault(other, set()).add(token)
    unseen = sorted(set().union(*their_tokens.values()) - set(df)) if their_tokens else []
    all_df = {str(h): n for h, n in {**df, **_document_frequencies(conn, unseen)}.items()}
    mine = [str(h) for h in tokens]
    # Only the best-scoring item of each other language is linked: a story has one version
    # per outlet and language at a time, while unrelated items that happen to share a few
    # names and figures are many. On NTREX this rule links far more precisely than a
    # threshold alone (benchmarks/cluster_eval.py).
    best: dict[str, Candidate] = {}
    for other, other_lang in sorted(hits):
        theirs = sorted(their_tokens.get(other, set()))
        score = evidence_cosine(mine, [str(h) for h in theirs], all_df, total)
        if score < settings.crosslingual_threshold:
            continue
        # Consonant keys of common words collide across unrelated texts in the same script
        # ("BR", "KM"); a translation also shares figures, Latin-script names or URLs.
        anchors = [tokens[h] for h in set(theirs) & set(tokens) if not tokens[h].startswith("k:")]
        if len(anchors) < settings.crosslingual_min_anchors:
            continue
        if other_lang in best and best[other_lang].score >= score:
            continue
        shared = sorted((tokens[h] for h in set(theirs) & set(rare)), key=lambda t: (df[token_hash(t)], t))
        best[other_lang] = Candidate(other, "crosslingual", score, None, None, {"shared": shared[:20]})
    return [best[k] for k in sorted(best)]


def passage_candidates(conn: Connection, item_id: int, settings: MatchingSettings) -> dict[int, list[str]]:
    """Items sharing a talking point with this one: one long passage, or several.

    Boilerplate ("Subscribe to our newsletter for the latest updates.") is short and
    repeated everywhere, so a passage counts only when few items carry it, and a single
    shared passage only when it is long enough to be a statement of its own.
    """
    mine = {h: len(t.split()) for h, t in conn.execute(
        select(passages_table.c.hash, passages_table.c.text).where(passages_table.c.item_id == item_id))}
    if not mine:
        return {}
    common = {h for h, n in conn.execute(
        select(passages_table.c.hash, func.count()).where(passages_table.c.hash.in_(list(mine)))
        .group_by(passages_table.c.hash).having(func.count() > settings.passage_max_items))}
    shared: dict[int, list[tuple[int, str]]] = {}
    for other, h, text in conn.execute(
            select(passages_table.c.item_id, passages_table.c.hash, passages_table.c.text)
            .where(passages_table.c.hash.in_([h for h in mine if h not in common]),
                   passages_table.c.item_id != item_id)):
        shared.setdefault(other, []).append((mine[h], text))
    return {other: [t for _, t in sorted(found, key=lambda x: (-x[0], x[1]))]
            for other, found in shared.items()
            if len(found) >= 2 or found[0][0] >= settings.passage_min_words}


def find_matches(conn: Connection, item_id: int, settings: MatchingSettings,
                 total: int | None = None) -> list[Candidate]:
    """Every verified near-duplicate of an indexed item (the per-item match query).
    ``total`` (the indexed count) can be passed in when matching a batch."""
    fps = _fingerprints(conn, [item_id])
    if item_id not in fps:
        return []
    sig, size = fps[item_id]
    cands = lsh_candidates(conn, sig, settings)
    shared_passages = passage_candidates(conn, item_id, settings)
    cands |= set(shared_passages)
    cands.discard(item_id)
    found = {c.other_id: c for c in verify_lexical(conn, item_id, sig, size, cands, shared_passages, settings)}
    if settings.crosslingual:
        row = conn.execute(select(items.c.lang, items.c.title, items.c.summary, items.c.content)
                           .where(items.c.id == item_id)).one_or_none()
        if row is not None:
            toks = {token_hash(t): t for t in evidence(_original_text(row[1], row[2], row[3]), row[0]).tokens}
            for c in crosslingual_candidates(conn, item_id, row[0], toks, settings, total):
                found.setdefault(c.other_id, c)
    return [found[k] for k in sorted(found)]


def match_items(store: Store, settings: MatchingSettings, ids: Sequence[int]) -> int:
    """Find and store near-duplicates of ``ids`` among all indexed items. Returns new matches."""
    now = utcnow()
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    with store.read() as conn:
        total = indexed_count(conn)
        for item_id in sorted(set(ids)):
            for c in find_matches(conn, item_id, settings, total):
                lo, hi = sorted((item_id, c.other_id))
                rows.setdefault((hi, lo), {
                    "item_id": hi, "other_id": lo, "method": c.method, "score": round(c.score, 6),
                    "jaccard": c.jaccard, "containment": c.containment, "evidence": c.evidence,
                    "created_at": now})
    with store.write() as conn:
        return insert_ignore(conn, matches, list(rows.values()), ["item_id", "other_id"])
