"""Analyst review: labels on matches, narrative memberships, figures and languages (who, when;
append-only, the latest label of a subject in force), enforcing them on the store, and calibration.

Labels are never touched by re-runs. ``apply_labels`` makes the store agree with them (a rejected
match splits its narrative, a rejected member leaves, a corrected language replaces the detected
one); ``calibrate`` turns them into precision (and recall where missed pairs were labelled) per
matcher and language pair, with suggested thresholds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select, update

from monitor.config import Settings
from monitor.errors import InputError
from monitor.narratives import narrative_id, refresh_stats
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, figures, items, matches, narrative_members, narratives, review_labels
from monitor.timeutil import Clock, as_utc, iso_z, utcnow

KINDS = ("match", "membership", "figure", "language")
VERDICTS = ("right", "wrong")
THRESHOLD_FIELDS = {"minhash": "jaccard_threshold", "containment": "containment_threshold",
                    "crosslingual": "crosslingual_threshold"}


def match_subject(a: int, b: int) -> str:
    """The subject of a match label: the newer (higher) item id, then the older."""
    hi, lo = max(a, b), min(a, b)
    return f"{hi}:{lo}"


def _context(conn: Connection, kind: str, subject: str) -> dict[str, Any]:
    """What the system said when the label was given (so calibration survives later re-runs)."""
    if kind == "match":
        hi, lo = (int(x) for x in subject.split(":"))
        langs = dict(conn.execute(select(items.c.id, items.c.lang).where(items.c.id.in_((hi, lo)))).all())
        if len(langs) < 2:
            raise InputError(f"no items {hi} and {lo} in the store")
        m = conn.execute(select(matches).where(matches.c.item_id == hi, matches.c.other_id == lo)).one_or_none()
        return {"langs": sorted((langs[hi] or "und", langs[lo] or "und")), "matched": m is not None,
                "method": m.method if m else None, "score": m.score if m else None,
                "jaccard": m.jaccard if m else None, "containment": m.containment if m else None}
    if kind in ("membership", "language"):
        row = conn.execute(select(items.c.lang, items.c.lang_confidence, narrative_members.c.narrative_id,
                                  narrative_members.c.method, narrative_members.c.score)
                           .join(narrative_members, narrative_members.c.item_id == items.c.id, isouter=True)
                           .where(items.c.id == int(subject))).one_or_none()
        if row is None:
            raise InputError(f"no item {subject} in the store")
        return {"lang": row.lang, "lang_confidence": row.lang_confidence, "narrative": row.narrative_id,
                "method": row.method, "score": row.score}
    fig = conn.execute(select(figures.c.value, figures.c.raw, figures.c.item_id)
                       .where(figures.c.id == int(subject))).one_or_none()
    if fig is None:
        raise InputError(f"no figure {subject} in the store")
    return {"value": fig.value, "raw": fig.raw, "item_id": fig.item_id}


def add_label(store: Store, kind: str, subject: str, verdict: str, reviewer: str, *, value: str | None = None,
              note: str | None = None, clock: Clock = utcnow) -> dict[str, Any]:
    """Record one analyst label. ``subject``: "A:B" item ids for a match (either order), an item
    id for a membership or a language, a figure id for a figure."""
    if kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if verdict not in VERDICTS:
        raise InputError(f"verdict must be right or wrong, not {verdict!r}")
    if not reviewer.strip():
        raise InputError("a label needs a reviewer (--by NAME)")
    try:
        subject = match_subject(*(int(x) for x in subject.split(":"))) if kind == "match" else str(int(subject))
    except (TypeError, ValueError):
        raise InputError(f"bad subject {subject!r} for a {kind} label "
                         f"({'two item ids as A:B' if kind == 'match' else 'a numeric id'})") from None
    if kind == "language" and verdict == "wrong" and not value:
        raise InputError("a wrong language needs the right one (--value CODE)")
    now = as_utc(clock())
    with store.write() as conn:
        row: dict[str, Any] = {"kind": kind, "subject": subject, "verdict": verdict, "value": value,
                               "reviewer": reviewer.strip(), "note": note, "context": _context(conn, kind, subject),
                               "created_at": now}
        conn.execute(review_labels.insert(), [row])
    return {**row, "created_at": iso_z(now)}



def labels_in_force(conn: Connection, kind: str | None = None) -> dict[tuple[str, str], Any]:
    """The latest label of every (kind, subject)."""
    q = select(review_labels).order_by(review_labels.c.created_at, review_labels.c.id)
    if kind is not None:
        q = q.where(review_labels.c.kind == kind)
    return {(r.kind, r.subject): r for r in conn.execute(q)}


def rejected_pairs(conn: Connection) -> set[tuple[int, int]]:
    """(newer, older) item pairs an analyst said do not match: the narrative hook skips them."""
    out = set()
    for (_, subject), r in labels_in_force(conn, "match").items():
        if r.verdict == "wrong":
            hi, lo = (int(x) for x in subject.split(":"))
            out.add((hi, lo))
    return out


def rejected_members(conn: Connection) -> dict[int, str | None]:
    """Items an analyst took out of a narrative, with the narrative they were taken out of."""
    return {int(s): (r.context or {}).get("narrative") for (_, s), r in labels_in_force(conn, "membership").items()
            if r.verdict == "wrong"}


# ----------------------------------------------------------------- enforcing labels


def _components(nodes: set[int], edges: Iterable[tuple[int, int]]) -> list[set[int]]:
    parent = {n: n for n in nodes}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    groups: dict[int, set[int]] = {}
    for n in nodes:
        groups.setdefault(find(n), set()).add(n)
    return sorted(groups.values(), key=min)


def _split(conn: Connection, nid: str, rejected: set[tuple[int, int]], removed: set[int], now: datetime) -> bool:
    """Rebuild narrative ``nid`` from its matches minus the rejected ones: the part holding the
    oldest member keeps the id, every other part of two or more becomes its own narrative."""
    members = {r[0] for r in conn.execute(select(narrative_members.c.item_id)
                                          .where(narrative_members.c.narrative_id == nid))}
    if not members:
        return False
    edges = [(a, b) for a, b in conn.execute(select(matches.c.item_id, matches.c.other_id)
                                             .where(matches.c.item_id.in_(members), matches.c.other_id.in_(members)))
             if (a, b) not in rejected and a not in removed and b not in removed]
    parts = _components(members - removed, edges)
    # Other paths may still join a rejected pair: then the newer item leaves (the analyst's word
    # beats any chain of matches), and its part is worked out again.
    while True:
        part_of = {i: n for n, p in enumerate(parts) for i in p}
        joined = sorted((hi, lo) for hi, lo in rejected if hi in part_of and part_of.get(lo) == part_of[hi])
        if not joined:
            break
        removed = removed | {joined[0][0]}
        edges = [(a, b) for a, b in edges if joined[0][0] not in (a, b)]
        parts = _components(members - removed, edges)
    if len(parts) <= 1 and not (members & removed):
        return False
    order = {r.id: (as_utc(r.published_at), r.id) for r in conn.execute(
        select(items.c.id, items.c.published_at).where(items.c.id.in_(members)))}
    parts.sort(key=lambda p: min(order[i] for i in p))
    conn.execute(delete(narrative_members).where(narrative_members.c.item_id.in_(members - parts[0]
                                                                                 if parts else members)))
    touched = [nid]
    for part in parts[1:]:
        if len(part) < 2:
            continue
        founder = min(part, key=lambda i: order[i])
        name, key = conn.execute(select(feeds.c.name, items.c.item_key).join(feeds, feeds.c.id == items.c.feed_id)
                                 .where(items.c.id == founder)).one()
        new_id = narrative_id(name, key)
        insert_ignore(conn, narratives, [{"id": new_id, "origin_item_id": founder, "title": "", "first_seen": now,
                                          "last_seen": now, "size": len(part), "outlets": 1, "languages": 1,
                                          "created_at": now, "updated_at": now}], ["id"])
        insert_ignore(conn, narrative_members, [
            {"item_id": i, "narrative_id": new_id, "via_item_id": None,
             "method": "origin" if i == founder else "review", "score": None,
             "evidence": {"split_from": nid}, "joined_at": now} for i in sorted(part)], ["item_id"])
        touched.append(new_id)
    if parts and len(parts[0]) < 2:
        conn.execute(delete(narrative_members).where(narrative_members.c.narrative_id == nid))
    refresh_stats(conn, touched, now)
    return True


def apply_labels(store: Store, *, clock: Clock = utcnow) -> dict[str, int]:
    """Make the store agree with the labels in force; safe to run at any time."""
    with store.write() as conn:
        return enforce_labels(conn, as_utc(clock()))


def enforce_labels(conn: Connection, now: datetime) -> dict[str, int]:
    """``apply_labels`` inside a transaction (the narratives update calls it after every update)."""
    split = languages = 0
    if conn.execute(select(review_labels.c.id).limit(1)).first() is None:
        return {"narratives_split": 0, "languages_corrected": 0}
    rejected = rejected_pairs(conn)
    removed = rejected_members(conn)
    pair_items = {i for p in rejected for i in p}
    affected = {r[0] for r in conn.execute(select(narrative_members.c.narrative_id)
                                           .where(narrative_members.c.item_id.in_(pair_items | set(removed))))}
    for nid in sorted(affected):
        split += _split(conn, nid, rejected, {i for i, n in removed.items() if n in (None, nid)}, now)
    for (_, subject), r in labels_in_force(conn, "language").items():
        if r.verdict == "wrong" and r.value:
            languages += conn.execute(update(items).where(items.c.id == int(subject), items.c.lang != r.value)
                                      .values(lang=r.value, lang_confidence=1.0)).rowcount or 0
    return {"narratives_split": split, "languages_corrected": languages}


# ----------------------------------------------------------------- calibration


@dataclass(slots=True)
class MatcherStats:
    matcher: str
    langs: str
    right: int = 0
    wrong: int = 0
    missed: int = 0  # pairs labelled as matching that no matcher found
    right_scores: list[float] = field(default_factory=list)
    wrong_scores: list[float] = field(default_factory=list)

    def as_dict(self, current: float | None, target: float) -> dict[str, Any]:
        labelled = self.right + self.wrong
        return {"matcher": self.matcher, "languages": self.langs, "labelled": labelled, "right": self.right,
                "wrong": self.wrong, "precision": round(self.right / labelled, 3) if labelled else None,
                "recall": round(self.right / (self.right + self.missed), 3) if self.missed else None,
                "threshold": current, "suggested_threshold": suggest_threshold(
                    self.right_scores, self.wrong_scores, target)}


def suggest_threshold(right: list[float], wrong: list[float], target_precision: float = 0.9) -> float | None:
    """The lowest score threshold whose labelled precision reaches ``target_precision`` (None
    without wrong labels to learn from or when no threshold reaches it)."""
    if not wrong or not right:
        return None
    for t in sorted(set(right + wrong)):
        r = sum(s >= t for s in right)
        w = sum(s >= t for s in wrong)
        if r and r / (r + w) >= target_precision:
            return round(t, 4)
    return None


def calibrate(store: Store, settings: Settings, target_precision: float = 0.9) -> dict[str, Any]:
    """Precision (and recall where missed pairs are labelled) of each matcher per language pair,
    from the match labels in force, with the thresholds in use and suggested ones."""
    stats: dict[tuple[str, str], MatcherStats] = {}
    with store.read() as conn:
        labels = labels_in_force(conn, "match")
    for r in labels.values():
        ctx = r.context or {}
        langs = "-".join(ctx.get("langs") or ["und", "und"])
        matcher = ctx.get("method") or "none"
        s = stats.setdefault((matcher, langs), MatcherStats(matcher, langs))
        if not ctx.get("matched"):
            if r.verdict == "right":
                s.missed += 1
            continue
        raw = ctx.get("jaccard") if matcher == "minhash" and ctx.get("jaccard") is not None else ctx.get("score")
        score = float(raw or 0.0)
        if r.verdict == "right":
            s.right += 1
            s.right_scores.append(score)
        else:
            s.wrong += 1
            s.wrong_scores.append(score)
    m = settings.matching
    rows = [s.as_dict(getattr(m, THRESHOLD_FIELDS[s.matcher]) if s.matcher in THRESHOLD_FIELDS else None,
                      target_precision) for _, s in sorted(stats.items())]
    # Missed pairs belong to no matcher: spread them over the matchers of the same languages.
    missed = {s.langs: s.missed for s in stats.values() if s.matcher == "none"}
    for row in rows:
        if row["matcher"] != "none" and missed.get(row["languages"]):
            row["recall"] = round(row["right"] / (row["right"] + missed[row["languages"]]), 3)
    return {"config_version": settings.thresholds_version, "target_precision": target_precision,
            "labels": len(labels), "matchers": rows}


def config_provenance(settings: Settings) -> dict[str, Any]:
    """The configuration version and matching thresholds an alert is produced under."""
    m = settings.matching
    return {"version": settings.thresholds_version,
            "matching": {"jaccard_threshold": m.jaccard_threshold, "containment_threshold": m.containment_threshold,
                         "containment_min_jaccard": m.containment_min_jaccard,
                         "passage_min_words": m.passage_min_words, "crosslingual": m.crosslingual,
                         "crosslingual_threshold": m.crosslingual_threshold,
                         "crosslingual_min_shared": m.crosslingual_min_shared,
                         "num_perm": m.num_perm, "bands": m.bands, "rows": m.rows, "shingle_size": m.shingle_size}}
