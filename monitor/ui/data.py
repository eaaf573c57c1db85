"""Read models for the Narratives page: plain dicts gathered from the store, each narrative and
figure with its origin, its spread, and the ingest run that brought each item in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, desc, func, select

from monitor.maintenance import feed_health, health_summary
from monitor.store import Store
from monitor.store.tables import (
    alerts,
    feeds,
    fetch_log,
    figure_groups,
    figures,
    items,
    narrative_members,
    narratives,
    review_labels,
)
from monitor.timeutil import Clock, as_utc, utcnow


def _iso(value: datetime | None) -> str | None:
    return as_utc(value).strftime("%Y-%m-%d %H:%M UTC") if value is not None else None


def _ingest_run() -> Any:
    """The run id of the last fetch of an item's feed at or before the item was fetched: the ingest
    run (Airflow DAG run id, or a CLI run id) that stored it."""
    return (select(fetch_log.c.run_id)
            .where(fetch_log.c.feed_id == items.c.feed_id, fetch_log.c.started_at <= items.c.fetched_at)
            .order_by(desc(fetch_log.c.started_at)).limit(1).correlate(items).scalar_subquery())


def _item_rows(conn: Connection, where: Any) -> list[dict[str, Any]]:
    q = (select(items.c.id, items.c.title, items.c.url, items.c.lang, items.c.declared_language,
                items.c.published_at, feeds.c.outlet, feeds.c.name.label("feed"), _ingest_run().label("run_id"))
         .join(feeds, feeds.c.id == items.c.feed_id).where(where).order_by(items.c.published_at, items.c.id))
    return [{"id": r.id, "title": r.title or "(untitled)", "url": r.url, "outlet": r.outlet, "feed": r.feed,
             "lang": r.lang or r.declared_language or "und", "published": _iso(r.published_at), "run_id": r.run_id}
            for r in conn.execute(q)]


def top_narratives(store: Store, *, limit: int = 30, min_size: int = 2) -> list[dict[str, Any]]:
    """Narratives told by at least ``min_size`` items, widest spread first, with every member."""
    with store.read() as conn:
        rows = conn.execute(
            select(narratives).where(narratives.c.size >= min_size)
            .order_by(desc(narratives.c.outlets), desc(narratives.c.languages), desc(narratives.c.size),
                      desc(narratives.c.last_seen), narratives.c.id).limit(limit)).all()
        # How each member joined (the match an analyst may reject: member -> via); an item is a
        # member of one narrative at most, so one query serves every narrative shown.
        joined = {r.item_id: r for r in conn.execute(
            select(narrative_members.c.item_id, narrative_members.c.via_item_id, narrative_members.c.method)
            .where(narrative_members.c.narrative_id.in_([n.id for n in rows])))}
        out: list[dict[str, Any]] = []
        for n in rows:
            member_ids = select(narrative_members.c.item_id).where(narrative_members.c.narrative_id == n.id)
            members = _item_rows(conn, items.c.id.in_(member_ids))
            for m in members:
                j = joined.get(m["id"])
                m["via"], m["method"] = (j.via_item_id, j.method) if j is not None else (None, None)
            origin = next((m for m in members if m["id"] == n.origin_item_id), members[0] if members else None)
            out.append({
                "id": n.id, "title": (origin or {}).get("title") or n.title, "size": n.size,
                "outlets": sorted({m["outlet"] for m in members}), "languages": sorted({m["lang"] for m in members}),
                "first_seen": _iso(n.first_seen), "last_seen": _iso(n.last_seen), "origin": origin,
                "members": members,
            })
    return out


def repeated_figures(store: Store, *, limit: int = 30, min_items: int = 2) -> list[dict[str, Any]]:
    """Figure groups found in at least ``min_items`` items, most outlets first, with the written
    forms seen (``1,500``, ``۱۵۰۰`` …) and where the figure first appeared."""
    with store.read() as conn:
        rows = conn.execute(
            select(figure_groups).where(figure_groups.c["items"] >= min_items)
            .order_by(desc(figure_groups.c.outlets), desc(figure_groups.c["items"]), figure_groups.c.key)
            .limit(limit)).all()
        out: list[dict[str, Any]] = []
        for g in rows:
            forms = [r[0] for r in conn.execute(
                select(figures.c.raw).where(figures.c.group_id == g.id).group_by(figures.c.raw)
                .order_by(func.min(figures.c.id)).limit(12))]
            origin = _item_rows(conn, items.c.id == g.origin_item_id) if g.origin_item_id is not None else []
            claims = [{"figure_id": r.id, "raw": r.raw, "item_id": r.item_id, "outlet": r.outlet, "lang": r.lang}
                      for r in conn.execute(
                          select(figures.c.id, figures.c.raw, figures.c.item_id, items.c.lang, feeds.c.outlet)
                          .join(items, items.c.id == figures.c.item_id).join(feeds, feeds.c.id == items.c.feed_id)
                          .where(figures.c.group_id == g.id).order_by(items.c.published_at, figures.c.id).limit(20))]
            out.append({
                "key": g.key, "value": g.value, "unit": g.unit, "label": g.label, "items": g.items,
                "outlets": g.outlets, "languages": g.languages, "forms": forms,
                "first_seen": _iso(g.first_seen), "last_seen": _iso(g.last_seen),
                "origin": origin[0] if origin else None, "claims": claims,
            })
    return out


def recent_labels(store: Store, *, limit: int = 20) -> list[dict[str, Any]]:
    """The latest analyst labels, newest first (who, when, what and the verdict)."""
    with store.read() as conn:
        rows = conn.execute(select(review_labels).order_by(desc(review_labels.c.created_at),
                                                           desc(review_labels.c.id)).limit(limit)).all()
    return [{"kind": r.kind, "subject": r.subject, "verdict": r.verdict, "value": r.value, "reviewer": r.reviewer,
             "note": r.note, "created": _iso(r.created_at)} for r in rows]


def latest_alerts(store: Store, *, limit: int = 20) -> list[dict[str, Any]]:
    with store.read() as conn:
        rows = conn.execute(select(alerts).order_by(desc(alerts.c.created_at), desc(alerts.c.id)).limit(limit)).all()
    return [{"id": a.id, "kind": a.kind, "severity": a.severity, "title": a.title, "subject": a.subject,
             "created": _iso(a.created_at)} for a in rows]


def page_data(store: Store, *, clock: Clock = utcnow, limit: int = 30) -> dict[str, Any]:
    """Everything the Narratives page shows, as plain data (also served as JSON)."""
    health = feed_health(store, clock=clock)
    with store.read() as conn:
        counts = {
            "items": int(conn.execute(select(func.count()).select_from(items)).scalar_one()),
            "narratives": int(conn.execute(select(func.count()).select_from(narratives)
                                           .where(narratives.c.size >= 2)).scalar_one()),
            "repeated_figures": int(conn.execute(select(func.count()).select_from(figure_groups)
                                                 .where(figure_groups.c["items"] >= 2)).scalar_one()),
            "alerts": int(conn.execute(select(func.count()).select_from(alerts)).scalar_one()),
        }
    return {
        "generated": _iso(clock()), "counts": counts,
        "narratives": top_narratives(store, limit=limit), "figures": repeated_figures(store, limit=limit),
        "alerts": latest_alerts(store), "labels": recent_labels(store),
        "feeds": [asdict(h) for h in health], "feed_summary": health_summary(health),
        **beyond_sections(store, clock=clock),
    }


def beyond_sections(store: Store, *, clock: Clock = utcnow, days: int = 7) -> dict[str, Any]:
    """Coordinated publishing, talking-point templates and the blind spots of the last ``days``
    (the same sections as the digest; default settings)."""
    from datetime import timedelta

    from monitor import blindspots, coordination, templates_tp
    from monitor.config import BlindSpotSettings, CoordinationSettings

    now = as_utc(clock())
    since = now - timedelta(days=days)
    return {"coordination": coordination.digest_section(store, CoordinationSettings(), clock=lambda: now),
            "templates": templates_tp.store_templates(store, since, now)[:10],
            "blind_spots": blindspots.digest_section(store, BlindSpotSettings(), since, now)}


def run_ids(data: dict[str, Any]) -> Sequence[str]:
    """Every ingest run id the page refers to (for tests and link checks)."""
    found = {m["run_id"] for n in data["narratives"] for m in n["members"] if m["run_id"]}
    found |= {f["last_run_id"] for f in data["feeds"] if f["last_run_id"]}
    return sorted(found)
