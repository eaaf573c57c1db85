"""The bundled offline demo: serving config/demo/site on 127.0.0.1 (a real HTTP server in a
background thread) and checking a store against the corpus's ground truth (expected.yaml)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Connection, select

from monitor.store import Store
from monitor.store.tables import feeds, figure_groups, figures, items, narrative_members, narratives

DEMO_DIR = Path(__file__).resolve().parent.parent / "config" / "demo"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(directory: Path, port: int = 0, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``directory`` over HTTP; yields the base URL (``http://127.0.0.1:PORT``)."""
    if not directory.is_dir():
        raise FileNotFoundError(f"demo site not found: {directory}")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer((host, port), handler)
    thread = threading.Thread(target=server.serve_forever, name="demo-http", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True, slots=True)
class PlantedCase:
    """One planted case of config/demo/expected.yaml and whether the store shows it."""

    kind: str  # narrative case (verbatim, edited, translated, ...), "figure" or "blind spot"
    name: str
    found: bool
    detail: str


def _narrative_checks(conn: Connection, ids: dict[str, int], planted: list[dict[str, Any]]) -> list[PlantedCase]:
    out = []
    for n in planted:
        member_ids = [ids.get(m) for m in n["members"]]
        if None in member_ids:
            out.append(PlantedCase(n["case"], n["name"], False, "members not in the store"))
            continue
        rows = conn.execute(select(narrative_members.c.item_id, narrative_members.c.narrative_id)
                            .where(narrative_members.c.item_id.in_(member_ids))).all()
        nids = {r.narrative_id for r in rows}
        if len(rows) != len(member_ids) or len(nids) != 1:
            out.append(PlantedCase(n["case"], n["name"], False,
                                   f"{len(rows)}/{len(member_ids)} members in {len(nids)} narrative(s)"))
            continue
        nid = nids.pop()
        origin_id, origin = conn.execute(
            select(narratives.c.origin_item_id, feeds.c.outlet).select_from(narratives)
            .outerjoin(items, items.c.id == narratives.c.origin_item_id)
            .outerjoin(feeds, feeds.c.id == items.c.feed_id).where(narratives.c.id == nid)).one()
        right_origin = origin_id == ids[n["origin"]]
        out.append(PlantedCase(n["case"], n["name"], right_origin,
                               f"narrative {nid}, origin {origin}" + ("" if right_origin else " (expected another)")))
    return out


def _figure_checks(conn: Connection, ids: dict[str, int], planted: list[dict[str, Any]]) -> list[PlantedCase]:
    out = []
    for f in planted:
        member_ids = [ids[m] for m in f["members"] if m in ids]
        per_member: dict[int, set[int]] = {i: set() for i in member_ids}
        for item_id, group_id in conn.execute(select(figures.c.item_id, figures.c.group_id).where(
                figures.c.item_id.in_(member_ids), figures.c.value == float(f["value"]),
                figures.c.group_id.is_not(None))):
            per_member[item_id].add(group_id)
        # one repeated figure that every member belongs to (an article may state the value twice)
        groups = set.intersection(*per_member.values()) if per_member else set()
        ok = len(member_ids) == len(f["members"]) and bool(groups)
        detail = f"{sum(1 for g in per_member.values() if g)}/{len(f['members'])} members in one repeated figure"
        if ok:
            g = conn.execute(select(figure_groups.c.outlets, figure_groups.c.languages, feeds.c.outlet)
                             .join(items, items.c.id == figure_groups.c.origin_item_id)
                             .join(feeds, feeds.c.id == items.c.feed_id)
                             .where(figure_groups.c.id == min(groups))).one()
            detail = f"{g.outlets} outlets, {g.languages} languages, first in {g.outlet}"
        out.append(PlantedCase("figure", f["name"], ok, detail))
    return out


def _blind_spot_checks(conn: Connection, planted: dict[str, Any]) -> list[PlantedCase]:
    out = []
    for f in planted.get("failing", []):
        row = conn.execute(select(feeds.c.outlet, feeds.c.last_status, feeds.c.last_error,
                                  feeds.c.consecutive_failures).where(feeds.c.name == f["feed"])).one_or_none()
        if row is None:
            out.append(PlantedCase("blind spot", f"{f['feed']} failing", False, "feed not in the store"))
            continue
        ok = row.last_status == "error" and f["reason"] in (row.last_error or "")
        out.append(PlantedCase("blind spot", f"{row.outlet} ({f['feed']}) cannot be read", ok,
                               f"{row.consecutive_failures} failed fetch(es): {row.last_error or row.last_status}"))
    return out


def check_planted(store: Store, expected: Path = DEMO_DIR / "expected.yaml") -> list[PlantedCase]:
    """Compare the store with the demo corpus's ground truth (narratives, translations, figures,
    the failing feed the digest must list as a blind spot)."""
    truth = yaml.safe_load(expected.read_text(encoding="utf-8"))
    with store.read() as conn:
        ids = {f"{r.name}:{r.item_key}": r.id for r in conn.execute(
            select(feeds.c.name, items.c.item_key, items.c.id).join(feeds, feeds.c.id == items.c.feed_id))}
        return (_narrative_checks(conn, ids, truth.get("narratives", []))
                + _figure_checks(conn, ids, truth.get("figures", []))
                + _blind_spot_checks(conn, truth.get("blind_spots") or {}))
