"""Near-duplicate matching against the store: MinHash fingerprints and LSH band keys live in
indexed tables, so every task is stateless and memory stays flat as the store grows.

Two phases, each safe to run in parallel over disjoint batches and to re-run:
``index_items`` writes fingerprints, band keys, passage hashes and cross-lingual evidence
tokens; ``match_items`` looks up candidates sharing a band key, a passage or rare evidence,
verifies them (estimated Jaccard, containment, evidence coverage) and writes ``matches``.
Each pair is stored once as (newer item, older item). Both work a batch at a time: the
store is asked once per batch (not once per item) wherever the question allows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, func, select

from monitor.config import MatchingSettings
from monitor.crosslingual import evidence, idf_weights, token_hash, weighted_cosine
from monitor.figures import Figure, extract_figures
from monitor.fingerprint import Fingerprinter, passages
from monitor.items import item_text
from monitor.lshindex import band_rows, lsh_candidates, lsh_candidates_many, placeholder
from monitor.normalize import normalize_text
from monitor.store import Store, in_chunks, insert_ignore, insert_ignore_bulk
from monitor.store.tables import evidence_tokens, fingerprints, items, lsh_bands, matches
from monitor.store.tables import passages as passages_table
from monitor.timeutil import utcnow

Signature = npt.NDArray[np.uint64]
INDEX_TABLES = ("fingerprints", "lsh_bands", "passages", "evidence_tokens")



def _placeholders(conn: Connection, n: int) -> str:
    return ", ".join([placeholder(conn)] * n)


def fingerprinter_for(settings: MatchingSettings) -> Fingerprinter:
    return Fingerprinter(num_perm=settings.num_perm, shingle_size=settings.shingle_size)


def _evidence_text(title: str | None, summary: str | None, content: str | None) -> tuple[str, list[tuple[int, int]]]:
    """The text evidence is read from, and where each of its lines lies in ``item_text``.

    Evidence needs the original spelling: capitals mark names, which normalization folds. It
    reads the title and the body (content, else summary) without their feed boilerplate lines
    (``normalize.strip_boilerplate``): "… appeared first on <outlet>" would tie every item of
    an outlet to every other by the outlet's own name."""
    lines: list[str] = []
    spans: list[tuple[int, int]] = []
    pos = 0
    for part, used in ((title, True), (summary, not content), (content, True)):
        if not part:
            continue
        if used:
            start = pos
            for line in part.split("\n"):
                if not line.strip() or normalize_text(line):
                    lines.append(line)
                    spans.append((start, start + len(line)))
                start += len(line) + 1
        pos += len(part) + 2  # item_text joins the parts with a blank line
    return "\n".join(lines), spans


def _figures_within(figures: Iterable[Figure], spans: Sequence[tuple[int, int]]) -> list[Figure]:
    """The figures lying inside the spans (sorted lines): inside one line, or across lines that
    follow each other in one part of the item and are all kept."""
    kept: list[Figure] = []
    for f in figures:
        i = next((i for i, (a, b) in enumerate(spans) if a <= f.start < b), None)
        if i is None:
            continue
        while spans[i][1] < f.end and i + 1 < len(spans) and spans[i + 1][0] == spans[i][1] + 1:
            i += 1
        if f.end <= spans[i][1]:
            kept.append(f)
    return kept


@dataclass(frozen=True, slots=True)
class ItemEvidence:
    """An item's language and cross-lingual evidence tokens (stored hash -> token)."""

    lang: str | None
    tokens: dict[int, str]


def item_evidence(title: str | None, summary: str | None, content: str | None, lang: str | None,
                  figures: Sequence[Figure] | None = None) -> ItemEvidence:
    """The evidence of a stored item, as indexed and as matched (pure): names from its title and
    body, figures from those of its text that lie in its title and body (``figures``: those of
    ``item_text``, as ``extract_figures`` finds them for the item's language, when the caller
    has them: annotation extracts them anyway)."""
    if figures is None:
        text = item_text({"title": title, "summary": summary, "content": content})
        figures = extract_figures(text, None if lang == "und" else lang)
    text, spans = _evidence_text(title, summary, content)
    found = evidence(text, lang, figures=_figures_within(figures, spans))
    return ItemEvidence(lang, {token_hash(t): t for t in found.tokens})


def index_rows(item_id: int, normalized: str, original: str, lang: str | None,
               settings: MatchingSettings, fp: Fingerprinter,
               tokens: Mapping[int, str] | None = None) -> dict[str, list[dict[str, Any]]]:
    """The index rows of one item, by table (pure: used by index_items and the benchmark).
    ``tokens`` are its evidence tokens when already computed from ``original``."""
    shingles = fp.shingles(normalized, lang)
    sig = fp.signature_of_shingles(shingles)
    if tokens is None:
        tokens = {token_hash(t): t for t in evidence(original, lang).tokens}
    return {
        "fingerprints": [{"item_id": item_id, "minhash": sig.astype("<u8").tobytes(),
                          "shingles": int(shingles.size), "scheme": fp.scheme}],
        # an item without words gets no band keys: empty texts are alike but tell nothing
        "lsh_bands": band_rows(item_id, sig, settings) if shingles.size else [],
        "passages": [{"hash": h, "item_id": item_id, "position": pos, "text": t[:1000]}
                     for h, pos, t in passages(normalized)],
        "evidence_tokens": [{"token": h, "item_id": item_id} for h in sorted(tokens)],
    }


def batch_index_rows(rows: Iterable[tuple[int, str, str | None, str | None, str | None, str | None]],
                     settings: MatchingSettings, fp: Fingerprinter,
                     ) -> tuple[dict[str, list[dict[str, Any]]], dict[int, ItemEvidence]]:
    """Index rows of many items (id, normalized text, lang, title, summary, content), by table,
    and each item's evidence (which matching needs again)."""
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in INDEX_TABLES}
    found: dict[int, ItemEvidence] = {}
    for item_id, text, lang, title, summary, content in rows:
        ev = item_evidence(title, summary, content, lang)
        found[item_id] = ev
        for table, table_rows in index_rows(item_id, text or "", "", lang, settings, fp, ev.tokens).items():
            out[table].extend(table_rows)
    return out, found


def write_index_rows(conn: Connection, rows: Mapping[str, list[dict[str, Any]]]) -> int:
    """Store rows from ``batch_index_rows``; returns how many items were newly fingerprinted."""
    new = insert_ignore(conn, fingerprints, rows["fingerprints"], ["item_id"])
    # the bulk path: nothing here needs the inserted counts (write_band_rows returns one)
    insert_ignore_bulk(conn, lsh_bands, rows["lsh_bands"], ["item_id"])
    insert_ignore_bulk(conn, passages_table, rows["passages"], ["hash", "item_id"])
    insert_ignore_bulk(conn, evidence_tokens, rows["evidence_tokens"], ["token", "item_id"])
    return new


def unindexed(conn: Connection, ids: Sequence[int]) -> set[int]:
    """Those of ``ids`` that have no fingerprint yet."""
    done: set[int] = set()
    for chunk in in_chunks(sorted(set(ids))):
        done.update(conn.execute(select(fingerprints.c.item_id).where(fingerprints.c.item_id.in_(chunk))).scalars())
    return set(ids) - done


def index_items(store: Store, settings: MatchingSettings, ids: Sequence[int],
                fingerprinter: Fingerprinter | None = None) -> int:
    """Fingerprint the (already normalized) items ``ids`` and write their index rows.
    Returns how many items were newly indexed."""
    fp = fingerprinter or fingerprinter_for(settings)
    todo: list[tuple[int, str, str | None, str | None, str | None, str | None]] = []
    with store.read() as conn:
        pending = unindexed(conn, ids)
        for chunk in in_chunks(sorted(pending)):
            todo.extend((r[0], r[1] or "", r[2], r[3], r[4], r[5]) for r in conn.execute(
                select(items.c.id, items.c.normalized_text, items.c.lang, items.c.title, items.c.summary,
                       items.c.content).where(items.c.id.in_(chunk), items.c.normalized_text.is_not(None))))
    rows, _ = batch_index_rows(todo, settings, fp)
    with store.write() as conn:
        write_index_rows(conn, rows)
    return len(rows["fingerprints"])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A verified near-duplicate of a queried item."""

    other_id: int
    method: str  # minhash | containment | passage | crosslingual
    score: float
    jaccard: float | None
    containment: float | None
    evidence: dict[str, Any]


def containment_from(jaccard: float, size_a: int, size_b: int) -> float:
    """|A ∩ B| / min(|A|, |B|) from the Jaccard estimate and the two shingle counts."""
    if jaccard <= 0 or min(size_a, size_b) == 0:
        return 0.0
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, inter / min(size_a, size_b))


def candidate_fingerprints(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[Signature, int]]:
    """Fingerprints (signature, shingle count) of candidate items: the verification read."""
    out: dict[int, tuple[Signature, int]] = {}
    for chunk in in_chunks(list(ids)):
        # driver SQL: building and compiling an expression per call costs more than the lookup
        rows = conn.exec_driver_sql("SELECT item_id, minhash, shingles FROM fingerprints "
                                    f"WHERE item_id IN ({_placeholders(conn, len(chunk))})", tuple(chunk))
        out.update({int(i): (np.frombuffer(bytes(blob), dtype="<u8"), int(n)) for i, blob, n in rows})
    return out


def verify_lexical(sig: Signature, size: int, candidates: Mapping[int, tuple[Signature, int]],
                   shared_passages: Mapping[int, list[str]], settings: MatchingSettings) -> list[Candidate]:
    """Keep the candidates (id -> fingerprint) whose estimated Jaccard or containment passes,
    or that share a passage. The Jaccard estimates of all candidates are one numpy comparison."""
    # another recipe (never compare across schemes), or no words to compare
    others = [o for o in sorted(candidates) if candidates[o][0].shape == sig.shape and candidates[o][1] > 0]
    if size == 0 or not others or sig.size == 0:
        return []
    equal = np.count_nonzero(np.stack([candidates[o][0] for o in others]) == sig[None, :], axis=1)
    out: list[Candidate] = []
    for other, n_equal in zip(others, equal.tolist(), strict=True):
        j = float(n_equal) / float(sig.size)  # estimate_jaccard, for every candidate at once
        c = containment_from(j, size, candidates[other][1])
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


def indexed_count(conn: Connection) -> int:
    """How many items are indexed: the corpus size behind evidence weights."""
    return int(conn.execute(select(func.count()).select_from(fingerprints)).scalar_one())


class EvidenceStats:
    """Document frequencies, postings and stored evidence of tokens and items, read from the
    store once per batch.

    The index does not change while a batch is matched (every batch is indexed first), so
    what one item's lookup read serves the next: the answers are those of asking per item.
    """

    def __init__(self, conn: Connection, total: int, settings: MatchingSettings,
                 known: Mapping[int, ItemEvidence] | None = None) -> None:
        self.conn = conn
        # evidence of items indexed by this run: what the store holds for them, without reading it
        self.known = known or {}
        self.total = total
        # tokens carried by a large share of the store say nothing about one story (a small
        # store has no such share to speak of: there a token is common only past 20 items)
        self.cap = max(20, int(settings.crosslingual_max_df * total))
        self.df: dict[int, int] = {}  # token -> items carrying it (0: none)
        self.postings: dict[int, list[tuple[int, str | None]]] = {}  # rare token -> (item, lang)
        self.tokens_of: dict[int, list[int]] = {}  # item -> its tokens, sorted
        self.lang_of: dict[int, str | None] = {}  # stored item -> its language
        self._weights: dict[int, tuple[dict[int, float], float]] = {}  # item -> (weights, norm)

    def _rows(self, sql: str, values: Sequence[int]) -> Iterable[Any]:
        for chunk in in_chunks(values):
            # driver SQL: building and compiling an expression per call costs more than the lookup
            # (fetchall: one call for the chunk's rows instead of one per row)
            yield from self.conn.exec_driver_sql(sql.format(_placeholders(self.conn, len(chunk))),
                                                 tuple(chunk)).fetchall()

    def load_df(self, tokens: Iterable[int]) -> None:
        missing = sorted({t for t in tokens if t not in self.df})  # not `- keys()`: O(len(df))
        self.df.update(dict.fromkeys(missing, 0))
        self.df.update({int(h): int(n) for h, n in self._rows(
            "SELECT token, count(*) FROM evidence_tokens WHERE token IN ({}) GROUP BY token", missing)})

    def rare(self, tokens: Iterable[int]) -> list[int]:
        """The tokens (sorted) that some other item carries too, but not a large share of all."""
        self.load_df(tokens)
        return [h for h in sorted(tokens) if 2 <= self.df[h] <= self.cap]

    def load_postings(self, tokens: Iterable[int]) -> None:
        """Which items (with their language) carry each of these rare tokens."""
        missing = sorted({t for t in tokens if t not in self.postings})
        self.postings.update({h: [] for h in missing})
        # no join with items (it cost three times the lookup): the languages of the items this
        # run indexed are known, the others' are read once; rows of an item no longer stored
        # count for nothing, as under the join
        rows = [(int(h), int(i)) for h, i in self._rows(
            "SELECT token, item_id FROM evidence_tokens WHERE token IN ({})", missing)]
        self.load_langs(i for _, i in rows)
        for h, item_id in rows:
            if item_id in self.lang_of:
                self.postings[h].append((item_id, self.lang_of[item_id]))

    def load_langs(self, ids: Iterable[int]) -> None:
        missing = sorted({i for i in ids if i not in self.lang_of})
        self.lang_of.update({i: self.known[i].lang for i in missing if i in self.known})
        self.lang_of.update({int(i): lang for i, lang in self._rows(
            "SELECT id, lang FROM items WHERE id IN ({})", [i for i in missing if i not in self.known])})

    def load_items(self, ids: Iterable[int]) -> None:
        missing = sorted({i for i in ids if i not in self.tokens_of})
        found: dict[int, list[int]] = {i: list(self.known[i].tokens) for i in missing if i in self.known}
        unknown = [i for i in missing if i not in found]
        found.update({i: [] for i in unknown})
        for other, token in self._rows("SELECT item_id, token FROM evidence_tokens WHERE item_id IN ({})", unknown):
            found[int(other)].append(int(token))
        self.tokens_of.update({i: sorted(ts) for i, ts in found.items()})
        self.load_df(t for i in missing for t in self.tokens_of[i])

    def weights(self, tokens: Iterable[int]) -> tuple[dict[int, float], float]:
        """monitor.crosslingual.idf_weights over this store's document frequencies."""
        return idf_weights(tokens, self.df, self.total)

    def item_weights(self, item_id: int) -> tuple[dict[int, float], float]:
        if item_id not in self._weights:
            self._weights[item_id] = self.weights(self.tokens_of[item_id])
        return self._weights[item_id]

    def hits(self, item_id: int, lang: str, rare: Sequence[int], settings: MatchingSettings) -> list[tuple[int, str]]:
        """The items in another language sharing the most rare evidence with ``item_id``, at
        most crosslingual_max_candidates of them: a translation shares many of an item's names
        and figures, so it ranks near the top, and the per-item work stays bounded however
        large the store grows."""
        self.load_postings(rare)
        # counted in C (Counter over the chained postings), not in a Python loop per posting;
        # an item has one language, so (item, language) pairs count items
        counts = Counter(chain.from_iterable(self.postings[h] for h in rare))
        shared = {other: n for (other, other_lang), n in counts.items()
                  if other != item_id and other_lang is not None and other_lang != lang}
        langs = {other: other_lang for other, other_lang in counts if other in shared and other_lang is not None}
        ranked = sorted((o for o, n in shared.items() if n >= settings.crosslingual_min_shared),
                        key=lambda o: (-shared[o], o))
        return [(o, langs[o]) for o in ranked[:settings.crosslingual_max_candidates]]


def crosslingual_candidates(conn: Connection, item_id: int, lang: str | None, tokens: dict[int, str],
                            settings: MatchingSettings, total: int | None = None,
                            stats: EvidenceStats | None = None) -> list[Candidate]:
    """Items in another language sharing enough rare evidence (figures, names, keys),
    verified by the idf-weighted cosine of both items' evidence. ``stats`` carries what
    earlier items of the same batch already read."""
    if not lang or len(tokens) < settings.crosslingual_min_shared:
        return []
    stats = stats or EvidenceStats(conn, indexed_count(conn) if total is None else total, settings)
    rare = stats.rare(tokens)
    if len(rare) < settings.crosslingual_min_shared:
        return []
    hits = stats.hits(item_id, lang, rare, settings)
    if not hits:
        return []
    # Every candidate's evidence and its document frequencies at once (or already read for
    # an earlier item of the batch), not two queries per candidate.
    stats.load_items(h[0] for h in hits)
    mine, norm = stats.weights(tokens)
    rare_set = set(rare)
    df = stats.df
    # Only the best-scoring item of each other language is linked: a story has one version
    # per outlet and language at a time, while unrelated items that happen to share a few
    # names and figures are many. On NTREX this rule links far more precisely than a
    # threshold alone (benchmarks/cluster_eval.py).
    best: dict[str, Candidate] = {}
    for other, other_lang in sorted(hits):
        score = weighted_cosine(mine, norm, *stats.item_weights(other))
        if score < settings.crosslingual_threshold:
            continue
        common = tokens.keys() & set(stats.tokens_of[other])
        # Consonant keys of common words collide across unrelated texts in the same script
        # ("BR", "KM"); a translation also shares figures, Latin-script names or URLs.
        anchors = [h for h in common if not tokens[h].startswith("k:")]
        if len(anchors) < settings.crosslingual_min_anchors:
            continue
        if other_lang in best and best[other_lang].score >= score:
            continue
        # tokens maps each token's hash to it: sort the hashes by (df, token), not re-hash the tokens
        shared = [tokens[h] for h in sorted(common & rare_set, key=lambda h: (df[h], tokens[h]))]
        best[other_lang] = Candidate(other, "crosslingual", score, None, None, {"shared": shared[:20]})
    return [best[k] for k in sorted(best)]


def passage_candidates_many(conn: Connection, ids: Sequence[int],
                            settings: MatchingSettings) -> dict[int, dict[int, list[str]]]:
    """For each item, the items sharing a talking point with it: one long passage, or several
    (three queries for the whole batch).

    Boilerplate ("Subscribe to our newsletter for the latest updates.") is short and
    repeated everywhere, so a passage counts only when few items carry it, and a single
    shared passage only when it is long enough to be a statement of its own.
    """
    mine: dict[int, dict[int, int]] = {}
    for chunk in in_chunks(sorted(set(ids))):
        for item_id, h, text in conn.execute(select(passages_table.c.item_id, passages_table.c.hash,
                                                    passages_table.c.text).where(passages_table.c.item_id.in_(chunk))):
            mine.setdefault(item_id, {})[h] = len(text.split())
    hashes = sorted({h for ps in mine.values() for h in ps})
    common: set[int] = set()
    for chunk in in_chunks(hashes):
        common.update(h for h, _ in conn.execute(
            select(passages_table.c.hash, func.count()).where(passages_table.c.hash.in_(chunk))
            .group_by(passages_table.c.hash).having(func.count() > settings.passage_max_items)))
    holders: dict[int, list[tuple[int, str]]] = {}
    for chunk in in_chunks([h for h in hashes if h not in common]):
        for other, h, text in conn.execute(select(passages_table.c.item_id, passages_table.c.hash,
                                                  passages_table.c.text).where(passages_table.c.hash.in_(chunk))):
            holders.setdefault(h, []).append((other, text))
    out: dict[int, dict[int, list[str]]] = {}
    for item_id, own in mine.items():
        shared: dict[int, list[tuple[int, str]]] = {}
        for h, words in own.items():
            for other, text in holders.get(h, []):
                if other != item_id:
                    shared.setdefault(other, []).append((words, text))
        out[item_id] = {other: [t for _, t in sorted(found, key=lambda x: (-x[0], x[1]))]
                        for other, found in shared.items()
                        if len(found) >= 2 or found[0][0] >= settings.passage_min_words}
    return out


def _stored_evidence(conn: Connection, ids: Sequence[int]) -> dict[int, ItemEvidence]:
    out: dict[int, ItemEvidence] = {}
    for chunk in in_chunks(list(ids)):
        for item_id, lang, title, summary, content in conn.execute(
                select(items.c.id, items.c.lang, items.c.title, items.c.summary, items.c.content)
                .where(items.c.id.in_(chunk))):
            out[item_id] = item_evidence(title, summary, content, lang)
    return out


def find_matches_many(conn: Connection, ids: Sequence[int], settings: MatchingSettings,
                      total: int | None = None,
                      known_evidence: Mapping[int, ItemEvidence] | None = None) -> dict[int, list[Candidate]]:
    """Every verified near-duplicate of each indexed item of ``ids`` (unindexed ones are left
    out). ``known_evidence``: item evidence already computed by indexing (else recomputed); it
    also stands in for those items' stored evidence tokens and language when they are candidates,
    so it must be the evidence they were indexed with."""
    fps = candidate_fingerprints(conn, sorted(set(ids)))
    queried = sorted(fps)
    if not queried:
        return {}
    shared_passages = passage_candidates_many(conn, queried, settings)
    # the batch's band lookups at once; a signature of another recipe (length) goes alone
    lexical = lsh_candidates_many(conn, {i: fps[i][0] for i in queried if fps[i][0].shape == (settings.num_perm,)},
                                  settings)
    for item_id in queried:
        if item_id not in lexical:
            lexical[item_id] = lsh_candidates(conn, fps[item_id][0], settings)
        lexical[item_id] |= set(shared_passages.get(item_id, {}))
        lexical[item_id].discard(item_id)
    known = dict(fps)
    known.update(candidate_fingerprints(conn, sorted(set().union(*lexical.values()) - known.keys())))
    found: dict[int, dict[int, Candidate]] = {}
    for item_id in queried:
        sig, size = fps[item_id]
        theirs = {o: known[o] for o in lexical[item_id] if o in known}
        found[item_id] = {c.other_id: c for c in verify_lexical(sig, size, theirs, shared_passages.get(item_id, {}),
                                                                settings)}
    if settings.crosslingual:
        known_evidence = known_evidence or {}
        evs = {i: known_evidence[i] for i in queried if i in known_evidence}
        evs.update(_stored_evidence(conn, [i for i in queried if i not in evs]))
        stats = EvidenceStats(conn, indexed_count(conn) if total is None else total, settings, known_evidence)
        # the whole batch's rare tokens and their postings at once
        stats.load_postings(stats.rare({h for ev in evs.values() for h in ev.tokens}))
        for item_id in queried:
            if item_id not in evs:
                continue
            ev = evs[item_id]
            for c in crosslingual_candidates(conn, item_id, ev.lang, ev.tokens, settings, stats=stats):
                found[item_id].setdefault(c.other_id, c)
    return {i: [found[i][k] for k in sorted(found[i])] for i in queried}


def find_matches(conn: Connection, item_id: int, settings: MatchingSettings,
                 total: int | None = None) -> list[Candidate]:
    """Every verified near-duplicate of an indexed item (the per-item match query).
    ``total`` (the indexed count) can be passed in when matching a batch."""
    return find_matches_many(conn, [item_id], settings, total).get(item_id, [])


def match_items(store: Store, settings: MatchingSettings, ids: Sequence[int],
                known_evidence: Mapping[int, ItemEvidence] | None = None) -> int:
    """Find and store near-duplicates of ``ids`` among all indexed items. Returns new matches.
    ``known_evidence``: the evidence items were indexed with, when the caller has it (see
    ``find_matches_many``)."""
    now = utcnow()
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    with store.read() as conn:
        found = find_matches_many(conn, ids, settings, known_evidence=known_evidence)
    for item_id in sorted(found):
        for c in found[item_id]:
            lo, hi = sorted((item_id, c.other_id))
            rows.setdefault((hi, lo), {
                "item_id": hi, "other_id": lo, "method": c.method, "score": round(c.score, 6),
                "jaccard": c.jaccard, "containment": c.containment, "evidence": c.evidence,
                "created_at": now})
    with store.write() as conn:
        return insert_ignore(conn, matches, list(rows.values()), ["item_id", "other_id"])
