"""Near-duplicate matching against the store: MinHash fingerprints and LSH band keys live in
indexed tables, so every task is stateless and memory stays flat as the store grows.

Two phases, each safe to run in parallel over disjoint batches and to re-run:
``index_items`` writes fingerprints, band keys and passage hashes; ``match_items`` looks up
candidates sharing a band key or a passage and verifies them by estimated Jaccard and
containment. Each pair is stored once as (newer item, older item).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, tuple_

from monitor.config import MatchingSettings
from monitor.fingerprint import Fingerprinter, band_keys, estimate_jaccard, passages
from monitor.store import Store, insert_ignore
from monitor.store.tables import fingerprints, items, lsh_bands, matches
from monitor.store.tables import passages as passages_table
from monitor.timeutil import utcnow


def fingerprinter_for(settings: MatchingSettings) -> Fingerprinter:
    return Fingerprinter(num_perm=settings.num_perm, shingle_size=settings.shingle_size)


def index_items(store: Store, settings: MatchingSettings, ids: Sequence[int],
                fingerprinter: Fingerprinter | None = None) -> int:
    """Fingerprint the (already normalized) items ``ids`` and write their index rows.
    Returns how many items were newly indexed."""
    fp = fingerprinter or fingerprinter_for(settings)
    with store.read() as conn:
        rows = conn.execute(select(items.c.id, items.c.normalized_text, items.c.lang, items.c.duplicate_of)
                            .where(items.c.id.in_(list(ids)), items.c.normalized_text.is_not(None))).all()
        done = {r[0] for r in conn.execute(select(fingerprints.c.item_id)
                                           .where(fingerprints.c.item_id.in_(list(ids))))}
    fp_rows: list[dict[str, Any]] = []
    band_rows: list[dict[str, Any]] = []
    passage_rows: list[dict[str, Any]] = []
    for item_id, text, lang, _dup in rows:
        if item_id in done:
            continue
        sig = fp.signature(text or "", lang)
        fp_rows.append({"item_id": item_id, "minhash": sig.astype("<u8").tobytes(),
                        "shingles": int(fp.shingles(text or "", lang).size), "scheme": fp_scheme(fp)})
        band_rows.extend({"band": b, "key": k, "item_id": item_id}
                         for b, k in enumerate(band_keys(sig, settings.bands, settings.rows)))
        passage_rows.extend({"hash": h, "item_id": item_id, "position": pos, "text": t[:1000]}
                            for h, pos, t in passages(text or ""))
    with store.write() as conn:
        insert_ignore(conn, fingerprints, fp_rows, ["item_id"])
        insert_ignore(conn, lsh_bands, band_rows, ["band", "key", "item_id"])
        insert_ignore(conn, passages_table, passage_rows, ["hash", "item_id"])
    return len(fp_rows)


def fp_scheme(fp: Fingerprinter) -> str:
    return str(getattr(fp, "scheme", f"w{fp.shingle_size}-p{fp.num_perm}"))


def _signatures(conn: Any, ids: Sequence[int]) -> dict[int, np.ndarray]:
    out: dict[int, np.ndarray] = {}
    for item_id, blob in conn.execute(select(fingerprints.c.item_id, fingerprints.c.minhash)
                                      .where(fingerprints.c.item_id.in_(list(ids)))):
        out[item_id] = np.frombuffer(blob, dtype="<u8")
    return out


def match_items(store: Store, settings: MatchingSettings, ids: Sequence[int]) -> int:
    """Find and store near-duplicates of ``ids`` among all indexed items. Returns new matches."""
    now = utcnow()
    new_rows: list[dict[str, Any]] = []
    with store.read() as conn:
        sigs = _signatures(conn, ids)
        for item_id, sig in sigs.items():
            keys = [(b, k) for b, k in enumerate(band_keys(sig, settings.bands, settings.rows))]
            cands = {r[0] for r in conn.execute(
                select(lsh_bands.c.item_id).where(tuple_(lsh_bands.c.band, lsh_bands.c.key).in_(keys)))}
            shared_passages: dict[int, list[str]] = {}
            mine = select(passages_table.c.hash).where(passages_table.c.item_id == item_id)
            for other, text in conn.execute(
                    select(passages_table.c.item_id, passages_table.c.text)
                    .where(passages_table.c.hash.in_(mine), passages_table.c.item_id != item_id)):
                shared_passages.setdefault(other, []).append(text)
            cands |= set(shared_passages)
            cands.discard(item_id)
            if not cands:
                continue
            other_sigs = _signatures(conn, sorted(cands))
            for other, osig in other_sigs.items():
                j = estimate_jaccard(sig, osig)
                shared = shared_passages.get(other, [])
                if j >= settings.jaccard_threshold:
                    method = "minhash"
                elif shared:
                    method = "passage"
                else:
                    continue
                lo, hi = sorted((item_id, other))
                score = max(j, 0.5) if shared else j
                new_rows.append({"item_id": hi, "other_id": lo, "method": method, "score": score,
                                 "jaccard": j, "containment": None,
                                 "evidence": {"passages": shared[:3]} if shared else {},
                                 "created_at": now})
    unique = {(r["item_id"], r["other_id"]): r for r in new_rows}
    with store.write() as conn:
        return insert_ignore(conn, matches, list(unique.values()), ["item_id", "other_id"])
