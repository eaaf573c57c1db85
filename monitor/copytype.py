"""Copy type of each narrative member (verbatim, edited, partial, translated, rewritten) against
the narrative's origin, chosen by the earliest trustworthy time, with scores and thresholds kept.

The claimed publication time of an item is believed only when it is consistent with when we saw
it: a feed that future-dates items, or that shows an item first long after it claims to have
published it while we were polling, is flagged and its items fall back to the time we fetched them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select

from monitor.crosslingual import evidence
from monitor.fingerprint import Fingerprinter, passages
from monitor.store import Store
from monitor.store.tables import copy_types as copy_types_table
from monitor.store.tables import feeds, fetch_log, items, narrative_members
from monitor.timeutil import Clock, as_utc, iso_z, utcnow

COPY_TYPES = ("verbatim", "edited", "partial", "translated", "rewritten")


@dataclass(frozen=True, slots=True)
class CopyThresholds:
    """What each label needs; stored beside every label so it can be explained later."""

    edited_jaccard: float = 0.5  # shingle Jaccard with the origin at or above: edited
    edited_containment: float = 0.8  # ...or this share of the shorter text found in the other
    partial_containment: float = 0.2  # below edited, at least this containment: partial
    partial_passages: int = 1  # ...or this many shared passages (sentences of 8+ words)
    translated_min_shared: int = 3  # another language and this much shared evidence...
    # ...covering this share of the smaller item's evidence (a long article shares a few names and
    # numbers with any other: on NTREX-128, 3 shared alone called 38 % of wrong pairs translations)
    translated_min_coverage: float = 0.15
    future_tolerance_minutes: int = 15  # a claimed time this far past the fetch time is future-dated
    backdate_tolerance_minutes: int = 60  # first seen this long after a poll that should have shown it


@dataclass(frozen=True, slots=True)
class TextSide:
    """One side of a comparison: normalized text (for overlap), original text (for evidence)."""

    normalized: str
    original: str
    lang: str | None


@dataclass(frozen=True, slots=True)
class _SideFeatures:
    """What ``compare`` reads of one side: computed once per item, not once per pair."""

    side: TextSide
    shingles: frozenset[int]
    passages: frozenset[str]
    evidence: frozenset[str]


def _features(side: TextSide, fp: Fingerprinter) -> _SideFeatures:
    return _SideFeatures(side, frozenset(fp.shingles(side.normalized, side.lang).tolist()),
                         frozenset(t for _, _, t in passages(side.normalized)),
                         evidence(side.original, side.lang).tokens)


def compare(member: TextSide, origin: TextSide, fp: Fingerprinter | None = None) -> dict[str, Any]:
    """The scores a copy type is decided on: normalized-text equality, shingle Jaccard and
    containment, shared passages, languages, and shared language-independent evidence."""
    fp = fp or Fingerprinter()
    return _compare_features(_features(member, fp), _features(origin, fp))


def _compare_features(mf: _SideFeatures, of: _SideFeatures) -> dict[str, Any]:
    member, origin = mf.side, of.side
    a, b = mf.shingles, of.shingles
    inter = len(a & b)
    jaccard = inter / len(a | b) if a and b else 0.0
    containment = inter / min(len(a), len(b)) if a and b else 0.0
    shared_passages = sorted(mf.passages & of.passages)
    ev_a, ev_b = mf.evidence, of.evidence
    shared_ev = sorted(ev_a & ev_b)
    return {
        "same_text": bool(member.normalized.strip()) and member.normalized.split() == origin.normalized.split(),
        "jaccard": round(jaccard, 4), "containment": round(containment, 4),
        "shared_passages": len(shared_passages), "passages": [p[:200] for p in shared_passages[:3]],
        "lang": member.lang, "origin_lang": origin.lang,
        "shared_evidence": len(shared_ev), "evidence": shared_ev[:10],
        "evidence_coverage": round(len(shared_ev) / min(len(ev_a), len(ev_b)), 4) if ev_a and ev_b else 0.0,
    }


def classify(scores: dict[str, Any], thresholds: CopyThresholds = CopyThresholds()) -> str:
    """The copy type for ``scores`` (from :func:`compare`), decided in a fixed order."""
    t = thresholds
    if scores["same_text"]:
        return "verbatim"
    lang, origin_lang = scores.get("lang"), scores.get("origin_lang")
    other_language = bool(lang and origin_lang and lang != "und" and origin_lang != "und" and lang != origin_lang)
    if other_language:
        # Lexical overlap across languages is only shared names and numbers: the evidence decides.
        tied = (scores["shared_evidence"] >= t.translated_min_shared
                and scores.get("evidence_coverage", 1.0) >= t.translated_min_coverage)
        return "translated" if tied else "rewritten"
    if scores["jaccard"] >= t.edited_jaccard or scores["containment"] >= t.edited_containment:
        return "edited"
    if scores["shared_passages"] >= t.partial_passages or scores["containment"] >= t.partial_containment:
        return "partial"
    return "rewritten"


# ----------------------------------------------------------------- trustworthy times


def trusted_time(published: datetime, fetched: datetime, previous_poll: datetime | None,
                 thresholds: CopyThresholds = CopyThresholds()) -> tuple[datetime, str | None]:
    """The earliest time we can believe for an item, and why the claimed time was not believed.

    ``previous_poll`` is the feed's last successful poll before the one that first showed the
    item (None on the feed's first poll, when any past date is plausible)."""
    published, fetched = as_utc(published), as_utc(fetched)
    if published > fetched + timedelta(minutes=thresholds.future_tolerance_minutes):
        return fetched, "future_dated"
    if previous_poll is not None and published < as_utc(previous_poll) - timedelta(
            minutes=thresholds.backdate_tolerance_minutes):
        return fetched, "back_dated"
    return published, None


def _previous_polls(conn: Any, feed_ids: set[int]) -> dict[int, list[datetime]]:
    polls: dict[int, list[datetime]] = {}
    for feed_id, started in conn.execute(
            select(fetch_log.c.feed_id, fetch_log.c.started_at)
            .where(fetch_log.c.feed_id.in_(sorted(feed_ids)), fetch_log.c.status.in_(("ok", "not_modified")))
            .order_by(fetch_log.c.feed_id, fetch_log.c.started_at)):
        polls.setdefault(feed_id, []).append(as_utc(started))
    return polls


def _poll_before(polls: list[datetime], fetched: datetime) -> datetime | None:
    # The poll that first showed an item started shortly before its fetched_at; the one before that
    # should already have shown it if the claimed time were true.
    earlier = [p for p in polls if p <= fetched]
    return earlier[-2] if len(earlier) >= 2 else None


def item_times(store: Store, ids: Sequence[int],
               thresholds: CopyThresholds = CopyThresholds()) -> dict[int, dict[str, Any]]:
    """For each item: claimed and fetched time, the trusted time, and a flag when not believed."""
    if not ids:
        return {}
    with store.read() as conn:
        rows = conn.execute(select(items.c.id, items.c.feed_id, items.c.published_at, items.c.fetched_at,
                                   items.c.published_source)
                            .where(items.c.id.in_(list(ids)))).all()
        polls = _previous_polls(conn, {r.feed_id for r in rows})
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        fetched = as_utc(r.fetched_at)
        if r.published_source == "fetched":  # the feed gave no time: the fetch time is all we have
            when, flag = fetched, None
        else:
            when, flag = trusted_time(r.published_at, fetched, _poll_before(polls.get(r.feed_id, []), fetched),
                                      thresholds)
        out[r.id] = {"claimed": as_utc(r.published_at), "fetched": fetched, "trusted": when, "flag": flag}
    return out


def feed_time_flags(store: Store, thresholds: CopyThresholds = CopyThresholds(), *,
                    fetched_since: datetime | None = None) -> list[dict[str, Any]]:
    """Feeds with items (fetched since ``fetched_since``) whose claimed times were not believed:
    counts of future- and back-dated items."""
    q = select(items.c.id, feeds.c.name).join(feeds, feeds.c.id == items.c.feed_id)
    if fetched_since is not None:
        q = q.where(items.c.fetched_at >= fetched_since)
    with store.read() as conn:
        names = dict(conn.execute(q).all())
        ids = sorted(names)
    counts: dict[str, dict[str, int]] = {}
    for item_id, t in item_times(store, ids, thresholds).items():
        if t["flag"]:
            c = counts.setdefault(names[item_id], {"future_dated": 0, "back_dated": 0})
            c[t["flag"]] += 1
    return [{"feed": f, **c} for f, c in sorted(counts.items())]


# ----------------------------------------------------------------- the store


def _side(row: Any) -> TextSide:
    original = "\n".join(p for p in (row.title, row.content or row.summary) if p)
    return TextSide(row.normalized_text or "", original, row.lang)


def compute_copy_types(store: Store, narrative_ids: Sequence[str] | None = None, *,
                       thresholds: CopyThresholds = CopyThresholds(), fingerprinter: Fingerprinter | None = None,
                       clock: Clock = utcnow) -> int:
    """Label every member of ``narrative_ids`` (all narratives when None) against the member with
    the earliest trusted time, replacing earlier labels of those narratives. Returns rows written."""
    fp = fingerprinter or Fingerprinter()
    now = clock()
    with store.read() as conn:
        q = select(narrative_members.c.narrative_id, items.c.id, items.c.title, items.c.summary, items.c.content,
                   items.c.normalized_text, items.c.lang).join(items, items.c.id == narrative_members.c.item_id)
        if narrative_ids is not None:
            q = q.where(narrative_members.c.narrative_id.in_(list(narrative_ids)))
        rows = conn.execute(q.order_by(narrative_members.c.narrative_id, items.c.id)).all()
    times = item_times(store, [r.id for r in rows], thresholds)
    by_narrative: dict[str, list[Any]] = {}
    for r in rows:
        by_narrative.setdefault(r.narrative_id, []).append(r)
    out: list[dict[str, Any]] = []
    limits = asdict(thresholds)
    for nid, members in by_narrative.items():
        origin = min(members, key=lambda r: (times[r.id]["trusted"], r.id))
        origin_features = _features(_side(origin), fp)  # read once, compared with every member
        for m in members:
            t = times[m.id]
            timing = {"claimed": iso_z(t["claimed"]), "fetched": iso_z(t["fetched"]), "trusted": iso_z(t["trusted"]),
                      "time_flag": t["flag"]}
            if m.id == origin.id:
                label, scores = "origin", timing
            else:
                scores = {**_compare_features(_features(_side(m), fp), origin_features), **timing}
                label = classify(scores, thresholds)
            out.append({"item_id": m.id, "narrative_id": nid, "origin_item_id": origin.id, "copy_type": label,
                        "scores": scores, "thresholds": limits, "computed_at": now})
    with store.write() as conn:
        stale = delete(copy_types_table)
        if narrative_ids is not None:
            stale = stale.where(copy_types_table.c.narrative_id.in_(list(narrative_ids))
                                | copy_types_table.c.item_id.in_([r["item_id"] for r in out]))
        conn.execute(stale)
        if out:
            conn.execute(copy_types_table.insert(), out)
    return len(out)


def stale_narratives(store: Store) -> list[str]:
    """Narratives with a member whose copy type is missing or was computed for another narrative."""
    with store.read() as conn:
        rows = conn.execute(
            select(narrative_members.c.narrative_id).distinct()
            .join(copy_types_table, copy_types_table.c.item_id == narrative_members.c.item_id, isouter=True)
            .where(copy_types_table.c.item_id.is_(None)
                   | (copy_types_table.c.narrative_id != narrative_members.c.narrative_id))).all()
    return sorted(r[0] for r in rows)


def ensure_copy_types(store: Store, *, clock: Clock = utcnow) -> int:
    """Compute the copy types of narratives whose membership changed since (rows written)."""
    stale = stale_narratives(store)
    return compute_copy_types(store, stale, clock=clock) if stale else 0


def copy_types(store: Store, narrative_id: str) -> list[dict[str, Any]]:
    """The copy type of each member of ``narrative_id`` (origin first, then by trusted time),
    computed and stored first when the narrative's members have changed since."""
    with store.read() as conn:
        members = {r[0] for r in conn.execute(select(narrative_members.c.item_id)
                                              .where(narrative_members.c.narrative_id == narrative_id))}
        labelled = {r[0] for r in conn.execute(select(copy_types_table.c.item_id)
                                               .where(copy_types_table.c.narrative_id == narrative_id))}
    if members != labelled:
        compute_copy_types(store, [narrative_id])
    with store.read() as conn:
        rows = conn.execute(select(copy_types_table, feeds.c.outlet, items.c.title)
                            .join(items, items.c.id == copy_types_table.c.item_id)
                            .join(feeds, feeds.c.id == items.c.feed_id)
                            .where(copy_types_table.c.narrative_id == narrative_id)).all()
    out = [{"item_id": r.item_id, "outlet": r.outlet, "title": r.title, "copy_type": r.copy_type,
            "origin_item_id": r.origin_item_id, "scores": r.scores, "thresholds": r.thresholds} for r in rows]
    return sorted(out, key=lambda r: (r["copy_type"] != "origin", r["scores"].get("trusted") or "", r["item_id"]))


