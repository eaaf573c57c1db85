"""The repeated-figure registry: figure claims that recur across documents, with origin, spread and mutations.

A claim is a figure's value with its context (what it counts plus the concepts and names of its
sentence, see monitor.figures.claim_context). Claims of the same kind and value about the same
topic across documents are one repeated figure (origin = first published item); a claim about the
same topic with a different but close value, near in time, is a mutation linked to its sibling.
Updating is idempotent: contexts are filled once, groups are upserted by key and recomputed.
A figure an analyst marked wrong (monitor.review) is left out of every group from the next update.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, or_, select, update

from monitor.figures import ALERTABLE_KINDS, ClaimContext, Figure, claim_context
from monitor.items import item_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, figure_groups, figures, items, review_labels
from monitor.timeutil import Clock, as_utc, utcnow

MIN_VALUE = 10  # small numbers ("two people") recur everywhere and are not claims worth tracking
MUTATION_RATIO = 2.0  # a mutation stays within this factor of its sibling (1,500 -> 1,700, not -> 15)
MUTATION_WINDOW = timedelta(days=30)
MIN_NAME_OVERLAP = 2  # claims without a known topic must share this many names to be one figure


@dataclass(frozen=True, slots=True)
class Claim:
    """One stored figure with what the registry needs: its context and its item's provenance."""

    figure_id: int
    item_id: int
    kind: str
    value: float
    raw: str
    unit: str | None
    context: ClaimContext
    published: datetime
    lang: str | None
    outlet: str

    @property
    def names(self) -> frozenset[str]:
        return frozenset(t for t in self.context.tokens if t[0] in "kw")


def group_key(kind: str, value: float, topic: str | None) -> str:
    """The natural key of a repeated figure: kind, value and topic ("count:1500:protester")."""
    return f"{kind}:{value:.6g}:{topic or '-'}"[:128]


# ------------------------------------------------------------------ contexts


def annotate_contexts(conn: Connection, ids: Sequence[int] | None = None) -> int:
    """Fill ``figures.context`` for alertable claims that have none yet; returns how many."""
    q = (select(figures.c.id, figures.c.item_id, figures.c.start, figures.c.end, figures.c.value, figures.c.raw,
                figures.c.kind, figures.c.unit, figures.c.qualifier)
         .where(figures.c.context.is_(None), figures.c.kind.in_(sorted(ALERTABLE_KINDS)),
                figures.c.value >= MIN_VALUE))
    if ids is not None:
        q = q.where(figures.c.item_id.in_(list(ids)))
    pending = conn.execute(q).all()
    by_item: dict[int, list[Any]] = defaultdict(list)
    for row in pending:
        by_item[row.item_id].append(row)
    texts: dict[int, tuple[str, str | None]] = {}
    item_ids = sorted(by_item)
    for start in range(0, len(item_ids), 500):
        for item in conn.execute(select(items.c.id, items.c.title, items.c.summary, items.c.content, items.c.lang)
                                 .where(items.c.id.in_(item_ids[start:start + 500]))):
            texts[item.id] = (item_text(dict(item._mapping)), item.lang)
    contexts: list[dict[str, Any]] = []
    for item_id, rows in by_item.items():
        if item_id not in texts:
            continue
        text, lang = texts[item_id]
        for r in rows:
            fig = Figure(r.value, r.raw, r.start, r.end, r.kind, r.unit, r.qualifier)
            stale = text[r.start:r.end] != r.raw  # the item changed since extraction: no context
            ctx = ClaimContext(None, frozenset()) if stale else claim_context(text, fig, lang)
            contexts.append({"b_id": r.id, "b_context": ctx.serialize()})
    if contexts:  # one executemany, not one statement per figure
        conn.execute(update(figures).where(figures.c.id == bindparam("b_id")).values(context=bindparam("b_context")),
                     contexts)
    return len(pending)


def stored_context(text: str, fig: Figure, lang: str | None) -> str | None:
    """The context to store with a freshly extracted figure of ``text`` (the item's text and
    stored language), or None for figures the registry leaves alone (``annotate_contexts``
    fills those it skips, with the same answer)."""
    if fig.kind not in ALERTABLE_KINDS or fig.value < MIN_VALUE:
        return None
    # built as annotate_contexts builds it from the stored row
    stored = Figure(fig.value, fig.raw, fig.start, fig.end, fig.kind, fig.unit, fig.qualifier)
    return claim_context(text, stored, lang).serialize()


def figure_verdicts(conn: Connection) -> dict[int, str]:
    """The analyst verdict in force (the latest label) of every reviewed figure id."""
    rows = conn.execute(select(review_labels.c.subject, review_labels.c.verdict)
                        .where(review_labels.c.kind == "figure")
                        .order_by(review_labels.c.created_at, review_labels.c.id))
    return {int(subject): verdict for subject, verdict in rows}


def _claims(conn: Connection, where: Any, rejected: frozenset[int] = frozenset()) -> list[Claim]:
    rows = conn.execute(
        select(figures.c.id, figures.c.item_id, figures.c.kind, figures.c.value, figures.c.raw, figures.c.unit,
               figures.c.context, items.c.published_at, items.c.lang, feeds.c.outlet)
        .join(items, items.c.id == figures.c.item_id).join(feeds, feeds.c.id == items.c.feed_id)
        .where(where, figures.c.context.is_not(None))
        .order_by(items.c.published_at, items.c.id, figures.c.start)).all()
    rows = [r for r in rows if r.id not in rejected]
    return [Claim(r.id, r.item_id, r.kind, float(r.value), r.raw, r.unit, ClaimContext.parse(r.context),
                  as_utc(r.published_at), r.lang, r.outlet) for r in rows]


# ------------------------------------------------------------------ grouping


def _connected(claims: list[Claim], linked: Any) -> list[list[Claim]]:
    """Connected components of ``claims`` under the pairwise predicate ``linked`` (input order kept)."""
    parent = list(range(len(claims)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(claims)):
        for j in range(i + 1, len(claims)):
            if find(i) != find(j) and linked(claims[i], claims[j]):
                parent[find(j)] = find(i)
    comps: dict[int, list[Claim]] = defaultdict(list)
    for i, c in enumerate(claims):
        comps[find(i)].append(c)
    return list(comps.values())


def repeated_members(claims: Iterable[Claim]) -> dict[str, list[Claim]]:
    """The repeated figures among claims of one kind and value: group key -> member claims.

    Claims with a topic group by topic; claims without one need ``MIN_NAME_OVERLAP`` shared names
    (the largest such component is kept). A group needs claims from at least two items.
    """
    by_topic: dict[str | None, list[Claim]] = defaultdict(list)
    for c in claims:
        by_topic[c.context.topic].append(c)
    out: dict[str, list[Claim]] = {}
    for topic, members in by_topic.items():
        if topic is None:
            comps = _connected(members, lambda a, b: len(a.names & b.names) >= MIN_NAME_OVERLAP)
            members = max(comps, key=lambda comp: (len({c.item_id for c in comp}), -comp[0].figure_id))
        if len({c.item_id for c in members}) >= 2:
            out[group_key(members[0].kind, members[0].value, topic)] = members
    return out


def _stats(members: list[Claim]) -> dict[str, Any]:
    origin = members[0]  # claims come ordered by publication time, then item id
    units = Counter(c.unit for c in members if c.unit)
    return {
        "value": origin.value, "unit": origin.unit or (units.most_common(1)[0][0] if units else None),
        "label": f"{origin.raw} {origin.unit or origin.context.topic or ''}".strip(),
        "origin_item_id": origin.item_id, "first_seen": origin.published,
        "last_seen": max(c.published for c in members), "items": len({c.item_id for c in members}),
        "outlets": len({c.outlet for c in members}), "languages": len({c.lang for c in members if c.lang}),
    }


def _upsert_group(conn: Connection, key: str, members: list[Claim]) -> int:
    stats = _stats(members)
    insert_ignore(conn, figure_groups, [{"key": key, **stats}], ["key"])
    conn.execute(update(figure_groups).where(figure_groups.c.key == key).values(**stats))
    gid = int(conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == key)).scalar_one())
    ids = [c.figure_id for c in members]
    conn.execute(update(figures).where(figures.c.group_id == gid, figures.c.id.not_in(ids)).values(group_id=None))
    conn.execute(update(figures).where(figures.c.id.in_(ids)).values(group_id=gid))
    return gid


# ------------------------------------------------------------------ mutations


def _shares_context(a: list[Claim], b: list[Claim]) -> bool:
    """Beyond the topic, the two sides share a concept or a name (the same event, place, people)."""
    ta = set().union(*(c.context.tokens for c in a))
    tb = set().union(*(c.context.tokens for c in b))
    topic = a[0].context.topic
    return bool((ta & tb) - {f"c:{topic}"})


def _mutation_pairs(conn: Connection, key: str, members: list[Claim], ratio: float,
                    window: timedelta, rejected: frozenset[int] = frozenset()) -> list[tuple[str, list[Claim]]]:
    """Claims about the same topic with a close, different value near in time: (key, claims)."""
    first, topic = members[0], members[0].context.topic
    if topic is None:
        return []
    lo, hi = sorted((first.value / ratio, first.value * ratio))
    start = min(c.published for c in members) - window
    end = max(c.published for c in members) + window
    near = _claims(conn, and_(figures.c.kind == first.kind, figures.c.value >= lo, figures.c.value <= hi,
                              figures.c.value != first.value, figures.c.context.like(f"{topic} %"),
                              items.c.published_at >= start, items.c.published_at <= end), rejected)
    by_value: dict[float, list[Claim]] = defaultdict(list)
    for c in near:
        by_value[c.value].append(c)
    return [(group_key(first.kind, v, topic), cs) for v, cs in by_value.items() if _shares_context(members, cs)]


def _link_mutation(conn: Connection, original: tuple[str, list[Claim]], other: tuple[str, list[Claim]]) -> bool:
    """Record the later of two sibling figures as a mutation of the earlier one."""
    (k1, _), (k2, m2) = sorted([original, other], key=lambda kv: (kv[1][0].published, kv[1][0].item_id))
    earlier = conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == k1)).scalar()
    if earlier is None:  # the earlier side is a single claim: only a repeated figure can mutate
        return False
    gid = _upsert_group(conn, k2, m2)
    if conn.execute(select(figure_groups.c.mutation_of).where(figure_groups.c.id == gid)).scalar() == earlier:
        return False
    conn.execute(update(figure_groups).where(figure_groups.c.id == gid).values(mutation_of=earlier))
    return True


def _dissolve(conn: Connection, gid: int) -> None:
    """Remove a group that no longer has claims from two items (its members were rejected)."""
    conn.execute(update(figure_groups).where(figure_groups.c.mutation_of == gid).values(mutation_of=None))
    conn.execute(update(figures).where(figures.c.group_id == gid).values(group_id=None))
    conn.execute(delete(figure_groups).where(figure_groups.c.id == gid))


def _relabelled_values(conn: Connection, verdicts: dict[int, str]) -> list[Any]:
    """(kind, value) of reviewed figures whose grouping disagrees with their label: rejected but
    still grouped, or accepted again but left alone. The next update regroups those values."""
    if not verdicts:
        return []
    rows = conn.execute(select(figures.c.id, figures.c.kind, figures.c.value, figures.c.group_id)
                        .where(figures.c.id.in_(sorted(verdicts)))).all()
    return [(r.kind, r.value) for r in rows
            if (verdicts[r.id] == "wrong") == (r.group_id is not None)]


# ------------------------------------------------------------------ entry point


def update_registry(store: Store, ids: Sequence[int] | None = None, *, clock: Clock = utcnow,
                    mutation_ratio: float = MUTATION_RATIO,
                    mutation_window: timedelta = MUTATION_WINDOW) -> dict[str, int]:
    """Group the alertable claims of ``ids`` (all items when None) with equal claims elsewhere,
    and link mutations. Returns counts: claims given context, values checked, repeated figures
    touched, mutations newly linked, and all groups in the store."""
    _ = clock  # grouping depends on publication times only
    with store.write() as conn:
        annotated = annotate_contexts(conn, ids)
        # Values in the order of their first claim (item, then position): mutation links depend on
        # which value is met first, so the order must not be left to the database's plan (an
        # unordered DISTINCT gave this order on SQLite and another, layout-dependent, on PostgreSQL).
        q = select(figures.c.kind, figures.c.value).where(
            figures.c.kind.in_(sorted(ALERTABLE_KINDS)), figures.c.value >= MIN_VALUE,
            figures.c.context.is_not(None)).order_by(figures.c.item_id, figures.c.start)
        if ids is not None:
            q = q.where(figures.c.item_id.in_(list(ids)))
        verdicts = figure_verdicts(conn)
        rejected = frozenset(i for i, v in verdicts.items() if v == "wrong")
        pairs = list(dict.fromkeys([tuple(p) for p in conn.execute(q).all()]
                                   + [tuple(p) for p in _relabelled_values(conn, verdicts)]))
        repeated = mutations = 0
        for kind, value in pairs:
            same_value = and_(figures.c.kind == kind, figures.c.value == value)
            # Groups holding a rejected claim are recomputed without it even when no longer repeated.
            touched = {r.group_id: r for r in conn.execute(
                select(figures.c.group_id, figure_groups.c.key, figure_groups.c.mutation_of).distinct()
                .join(figure_groups, figure_groups.c.id == figures.c.group_id)
                .where(same_value, figures.c.id.in_(sorted(rejected))))} if rejected else {}
            old_members = {gid: set(conn.execute(select(figures.c.id).where(figures.c.group_id == gid)).scalars())
                           for gid in touched}
            claims = _claims(conn, same_value, rejected)
            groups = repeated_members(claims)
            kept = set()
            for key, members in groups.items():
                kept.add(_upsert_group(conn, key, members))
                repeated += 1
            for gid in sorted(set(touched) - kept):
                remaining = [c for c in claims if c.figure_id in old_members[gid]]
                if remaining and touched[gid].mutation_of is not None:  # a mutation may be one claim
                    _upsert_group(conn, touched[gid].key, remaining)
                else:
                    _dissolve(conn, gid)
            grouped = {c.figure_id for ms in groups.values() for c in ms}
            sides = list(groups.items()) + [
                (group_key(kind, value, c.context.topic), [c]) for c in claims
                if c.figure_id not in grouped and c.context.topic is not None]
            for side in sides:
                for other in _mutation_pairs(conn, side[0], side[1], mutation_ratio, mutation_window, rejected):
                    mutations += _link_mutation(conn, side, other)
        total = conn.execute(select(func.count()).select_from(figure_groups)).scalar_one()
    return {"annotated": annotated, "checked": len(pairs), "repeated": repeated, "mutations": mutations,
            "groups": int(total)}


# ------------------------------------------------------------------ reading


def figure_report(store: Store, *, min_outlets: int = 1, limit: int = 50) -> list[dict[str, Any]]:
    """Repeated figures with their spread: origin, members, outlets, languages, timeline, mutations."""
    with store.read() as conn:
        groups = conn.execute(
            select(figure_groups).where(or_(figure_groups.c.outlets >= min_outlets,
                                            figure_groups.c.mutation_of.is_not(None)))
            .order_by(figure_groups.c.outlets.desc(), figure_groups.c["items"].desc(), figure_groups.c.key)
            .limit(limit)).all()
        by_id = {g.id: g for g in conn.execute(select(figure_groups)).all()}
        mutations_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in by_id.values():
            if m.mutation_of is not None:
                mutations_of[m.mutation_of].append({"key": m.key, "value": m.value})
        # every shown group's members in one query, not one per group
        timelines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for start in range(0, len(groups), 500):
            for r in conn.execute(
                    select(figures.c.group_id, figures.c.raw, figures.c.item_id, items.c.title, items.c.url,
                           items.c.published_at, items.c.lang, feeds.c.outlet)
                    .join(items, items.c.id == figures.c.item_id).join(feeds, feeds.c.id == items.c.feed_id)
                    .where(figures.c.group_id.in_([g.id for g in groups[start:start + 500]]))
                    .order_by(figures.c.group_id, items.c.published_at, items.c.id)):
                timelines[r.group_id].append({
                    "published": as_utc(r.published_at).isoformat(), "outlet": r.outlet, "lang": r.lang,
                    "raw": r.raw, "item_id": r.item_id, "title": r.title, "url": r.url})
        out: list[dict[str, Any]] = []
        for g in groups:
            timeline = timelines[g.id]
            sibling = by_id.get(g.mutation_of) if g.mutation_of is not None else None
            mutations = mutations_of[g.id]
            out.append({
                "key": g.key, "kind": g.key.split(":", 1)[0], "value": g.value, "unit": g.unit, "label": g.label,
                "items": g.items, "outlets": g.outlets, "languages": g.languages,
                "language_codes": sorted({t["lang"] for t in timeline if t["lang"]}),
                "outlet_names": list(dict.fromkeys(t["outlet"] for t in timeline)),
                "origin": timeline[0] if timeline else None,
                "first_seen": as_utc(g.first_seen).isoformat(), "last_seen": as_utc(g.last_seen).isoformat(),
                "timeline": timeline,
                "mutation_of": {"key": sibling.key, "value": sibling.value} if sibling is not None else None,
                "mutations": mutations,
            })
    return out
