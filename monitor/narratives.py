"""Narratives: clusters of items that tell the same story, built from stored matches.

Each narrative has a stable id (derived from the feed and key of the item that founded it),
an origin (earliest published member), members with the evidence that tied them, and spread
statistics. Updating is deterministic and idempotent: matches already applied change nothing.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, select, update

from monitor.store import Store, in_chunks, insert_ignore
from monitor.store.tables import feeds, items, matches, narrative_members, narratives
from monitor.timeutil import Clock, as_utc, iso_z, utcnow


def narrative_id(feed_name: str, item_key: str) -> str:
    """Stable narrative id from the founding item's natural key (the same in every store)."""
    return "N" + hashlib.sha1(f"{feed_name}\x00{item_key}".encode()).hexdigest()[:12]



def _founding_keys(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[datetime, str, str]]:
    """(published, feed name, item key) of items: what orders founders and names narratives."""
    out: dict[int, tuple[datetime, str, str]] = {}
    for chunk in in_chunks(sorted(set(ids))):
        for item_id, published, feed_name, key in conn.execute(
                select(items.c.id, items.c.published_at, feeds.c.name, items.c.item_key)
                .join(feeds, feeds.c.id == items.c.feed_id).where(items.c.id.in_(chunk))):
            out[item_id] = (as_utc(published), feed_name, key)
    return out


def _membership(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    for chunk in in_chunks(sorted(set(ids))):
        out.update({r[0]: r[1] for r in conn.execute(
            select(narrative_members.c.item_id, narrative_members.c.narrative_id)
            .where(narrative_members.c.item_id.in_(chunk)))})
    return out


def refresh_stats(conn: Connection, narrative_ids: Sequence[str], now: datetime) -> None:
    """Recompute origin, first/last seen, size, outlets and languages of ``narrative_ids``."""
    members: dict[str, list[Any]] = {nid: [] for nid in narrative_ids}
    for chunk in in_chunks(sorted(members)):
        for r in conn.execute(
                select(narrative_members.c.narrative_id, items.c.id, items.c.published_at, items.c.lang,
                       feeds.c.outlet, items.c.title)
                .join(narrative_members, narrative_members.c.item_id == items.c.id)
                .join(feeds, feeds.c.id == items.c.feed_id)
                .where(narrative_members.c.narrative_id.in_(chunk))
                .order_by(narrative_members.c.narrative_id, items.c.published_at, items.c.id)):
            members[r.narrative_id].append(r)
    gone = [nid for nid, rows in members.items() if not rows]
    for chunk in in_chunks(gone):
        conn.execute(delete(narratives).where(narratives.c.id.in_(chunk)))
    stats = [{
        "id": nid, "origin_item_id": rows[0].id, "title": rows[0].title or "", "first_seen": rows[0].published_at,
        "last_seen": max(as_utc(r.published_at) for r in rows), "size": len(rows),
        "outlets": len({r.outlet for r in rows}), "languages": len({r.lang for r in rows if r.lang}),
        "updated_at": now} for nid, rows in members.items() if rows]
    if stats:  # one executemany (bound names must differ from the column names)
        conn.execute(update(narratives).where(narratives.c.id == bindparam("b_id")).values(
            {k: bindparam(f"b_{k}") for k in stats[0] if k != "id"}),
            [{f"b_{k}": v for k, v in row.items()} for row in stats])


def update_narratives(store: Store, ids: Sequence[int] | None = None, *, clock: Clock = utcnow) -> dict[str, int]:
    """Apply the matches involving ``ids`` (all matches when None) to narrative membership."""
    now = clock()
    created = joined = merged = 0
    with store.write() as conn:
        q = (select(matches.c.item_id, matches.c.other_id, matches.c.method, matches.c.score, matches.c.evidence)
             .order_by(matches.c.other_id, matches.c.item_id))
        if ids is not None:
            id_list = list(ids)
            q = q.where(matches.c.item_id.in_(id_list) | matches.c.other_id.in_(id_list))
        found = conn.execute(q).all()
        involved = sorted({i for r in found for i in (r[0], r[1])})
        # Membership of every item the matches touch, read once and kept up to date below
        # (this transaction is the only writer), instead of two reads per match.
        member = _membership(conn, involved)
        founding = _founding_keys(conn, involved)
        touched: set[str] = set()
        for newer, older, method, score, evidence in found:
            a, b = member.get(older), member.get(newer)
            ev: dict[str, Any] = {"method": method, "score": score, **(evidence or {})}
            if a is None and b is None:
                # The founder is the earlier publication, not the lower row id: ids follow the
                # order feeds happened to arrive in, and the id must be the same in every store.
                older, newer = sorted((older, newer), key=founding.__getitem__)
                _, feed_name, key = founding[older]
                nid = narrative_id(feed_name, key)
                insert_ignore(conn, narratives, [{
                    "id": nid, "origin_item_id": older, "title": "", "first_seen": now, "last_seen": now,
                    "size": 2, "outlets": 1, "languages": 1, "created_at": now, "updated_at": now}], ["id"])
                added = insert_ignore(conn, narrative_members, [
                    {"item_id": older, "narrative_id": nid, "via_item_id": None, "method": "origin",
                     "score": None, "evidence": {}, "joined_at": now},
                    {"item_id": newer, "narrative_id": nid, "via_item_id": older, "method": method,
                     "score": score, "evidence": ev, "joined_at": now}], ["item_id"])
                if added == 2:
                    member[older] = member[newer] = nid
                else:  # a row was there after all (another writer): believe the store
                    member.update(_membership(conn, [older, newer]))
                touched.add(nid)
                created += 1
            elif a is None or b is None:
                existing = a or b
                assert existing is not None
                lone, via = (older, newer) if a is None else (newer, older)
                added = insert_ignore(conn, narrative_members, [
                    {"item_id": lone, "narrative_id": existing, "via_item_id": via, "method": method,
                     "score": score, "evidence": ev, "joined_at": now}], ["item_id"])
                joined += added
                if added:
                    member[lone] = existing
                else:
                    member.update(_membership(conn, [lone]))
                touched.add(existing)
            elif a != b and method == "crosslingual":
                # Evidence links (shared figures and names) are right ~97 % of the time; enough
                # to add one item to a story, not to fuse two established stories, where one
                # wrong link would chain everything that touches either.
                continue
            elif a != b:
                # Two narratives turn out to be one: keep the one created first (then by id).
                keep, drop = sorted((a, b), key=lambda n: (conn.execute(
                    select(narratives.c.created_at).where(narratives.c.id == n)).scalar_one(), n))
                conn.execute(update(narrative_members).where(narrative_members.c.narrative_id == drop)
                             .values(narrative_id=keep))
                conn.execute(delete(narratives).where(narratives.c.id == drop))
                member.update({i: keep for i, n in member.items() if n == drop})
                touched.discard(drop)
                touched.add(keep)
                merged += 1
        refresh_stats(conn, sorted(touched), now)
        from monitor.review import enforce_labels  # analysts' labels beat matches: a rejected match stays split

        enforce_labels(conn, now)
        total = conn.execute(select(func.count()).select_from(narratives)).scalar_one()
    return {"created": created, "joined": joined, "merged": merged, "narratives": int(total)}


# ----------------------------------------------------------------- reading narratives



def growth_per_day(first_seen: datetime, last_seen: datetime, size: int) -> float:
    """Members gained per day since the origin (the whole span; at least one day)."""
    days = max(1.0, (as_utc(last_seen) - as_utc(first_seen)).total_seconds() / 86400)
    return round((size - 1) / days, 3)


def list_narratives(store: Store, *, limit: int = 50, min_size: int = 2,
                    since: datetime | None = None) -> list[dict[str, Any]]:
    """Narratives with at least ``min_size`` members, most widespread first."""
    origin = items.alias("origin")
    q = (select(narratives, origin.c.url.label("origin_url"), origin.c.lang.label("origin_lang"),
                feeds.c.outlet.label("origin_outlet"))
         .join(origin, origin.c.id == narratives.c.origin_item_id, isouter=True)
         .join(feeds, feeds.c.id == origin.c.feed_id, isouter=True)
         .where(narratives.c.size >= min_size)
         .order_by(narratives.c.outlets.desc(), narratives.c.size.desc(), narratives.c.last_seen.desc(),
                   narratives.c.id)
         .limit(limit))
    if since is not None:
        q = q.where(narratives.c.last_seen >= since)
    with store.read() as conn:
        rows = conn.execute(q).all()
    return [{
        "id": r.id, "title": r.title, "size": r.size, "outlets": r.outlets, "languages": r.languages,
        "first_seen": iso_z(r.first_seen), "last_seen": iso_z(r.last_seen),
        "growth_per_day": growth_per_day(r.first_seen, r.last_seen, r.size),
        "origin": {"item_id": r.origin_item_id, "outlet": r.origin_outlet, "url": r.origin_url,
                   "lang": r.origin_lang},
    } for r in rows]


def narrative_detail(store: Store, narrative_id: str) -> dict[str, Any] | None:
    """One narrative with its members in publication order (the timeline), the evidence that
    tied each member, and members per day. None when there is no such narrative."""
    with store.read() as conn:
        head = conn.execute(select(narratives).where(narratives.c.id == narrative_id)).one_or_none()
        if head is None:
            return None
        rows = conn.execute(
            select(items.c.id, items.c.title, items.c.url, items.c.lang, items.c.published_at, feeds.c.outlet,
                   narrative_members.c.via_item_id, narrative_members.c.method, narrative_members.c.score,
                   narrative_members.c.evidence)
            .join(narrative_members, narrative_members.c.item_id == items.c.id)
            .join(feeds, feeds.c.id == items.c.feed_id)
            .where(narrative_members.c.narrative_id == narrative_id)
            .order_by(items.c.published_at, items.c.id)).all()
    members = [{
        "item_id": r.id, "published": iso_z(r.published_at), "outlet": r.outlet, "lang": r.lang,
        "title": r.title, "url": r.url, "via_item_id": r.via_item_id, "method": r.method,
        "score": r.score, "evidence": r.evidence or {},
    } for r in rows]
    per_day: dict[str, int] = {}
    for m in members:
        day = (m["published"] or "")[:10]
        per_day[day] = per_day.get(day, 0) + 1
    origin = members[0] if members else None
    return {
        "id": head.id, "title": head.title, "size": head.size, "outlets": head.outlets,
        "languages": head.languages, "first_seen": iso_z(head.first_seen), "last_seen": iso_z(head.last_seen),
        "growth_per_day": growth_per_day(head.first_seen, head.last_seen, head.size),
        "origin": origin, "outlet_names": sorted({m["outlet"] for m in members}),
        "language_codes": sorted({m["lang"] for m in members if m["lang"]}),
        "timeline": [{"day": d, "members": n} for d, n in sorted(per_day.items())],
        "members": members,
    }
