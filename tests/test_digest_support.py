"""Shared setup for the alert and digest tests (no tests here): loads the store snapshot in
tests/data/digest/store.yaml into a fresh store, runs a real SMTP server (aiosmtpd) on 127.0.0.1,
and builds digest settings."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import yaml
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select, update

from monitor.config import DigestSettings, Subscription
from monitor.items import item_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, figure_groups, figures, items, narrative_members, narratives

SNAPSHOT = Path(__file__).parent / "data" / "digest" / "store.yaml"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # the snapshot's "now": alerts are evaluated then
DIGEST_TIME = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)  # after the daily 08:00 UTC slot


def _utc(v: Any) -> datetime:
    dt = v if isinstance(v, datetime) else datetime.fromisoformat(str(v).replace("Z", "+00:00"))
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def load_snapshot(store: Store, path: Path = SNAPSHOT) -> dict[str, int]:
    """Insert the snapshot's feeds, items, narratives and figures; returns item key -> id."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    with store.write() as conn:
        insert_ignore(conn, feeds, [{
            "name": f["name"], "url": f"https://{f['name']}.example/feed.xml", "outlet": f["outlet"],
            "language": f["language"], "tags": f["tags"], "enabled": True, "consecutive_failures": 0,
            "created_at": NOW} for f in data["feeds"]], ["name"])
        feed_ids = {r.name: r.id for r in conn.execute(select(feeds.c.id, feeds.c.name))}
        item_rows = []
        for it in data["items"]:
            text = f"{it['title']}\n{it.get('summary', '')}"
            item_rows.append({
                "feed_id": feed_ids[it["feed"]], "item_key": it["key"], "url": it.get("url"), "title": it["title"],
                "summary": it.get("summary", ""), "content": "", "published_at": _utc(it["published"]),
                "published_source": "published", "fetched_at": NOW - timedelta(hours=1),
                "declared_language": it.get("lang"), "content_hash": hashlib.sha256(text.encode()).hexdigest(),
                "text_source": "feed", "lang": it.get("lang"), "lang_confidence": 0.99,
                "normalized_text": text.casefold(), "analyzed_at": NOW - timedelta(minutes=30)})
        insert_ignore(conn, items, item_rows, ["feed_id", "item_key"])
        ids = {r.item_key: r.id for r in conn.execute(select(items.c.id, items.c.item_key))}
        by_key = {it["key"]: it for it in data["items"]}
        outlet_of = {f["name"]: f["outlet"] for f in data["feeds"]}
        for n in data["narratives"]:
            members = sorted(n["members"], key=lambda m: (_utc(by_key[m["item"]]["published"]), m["item"]))
            add_narrative(conn, n["id"], [{**m, "published": _utc(by_key[m["item"]]["published"]),
                                           "outlet": outlet_of[by_key[m["item"]]["feed"]],
                                           "lang": by_key[m["item"]]["lang"]} for m in members], ids, by_key)
        group_ids: dict[str, int] = {}
        for g in data["figures"]:
            mentions = g["mentions"]
            pubs = sorted(_utc(by_key[m["item"]]["published"]) for m in mentions)
            origin = min(mentions, key=lambda m: _utc(by_key[m["item"]]["published"]))
            conn.execute(figure_groups.insert().values(
                key=g["key"], value=g["value"], unit=g.get("unit"), label="", origin_item_id=ids[origin["item"]],
                first_seen=pubs[0], last_seen=pubs[-1], items=len({m["item"] for m in mentions}),
                outlets=len({outlet_of[by_key[m["item"]]["feed"]] for m in mentions}),
                languages=len({by_key[m["item"]]["lang"] for m in mentions})))
            gid = conn.execute(select(figure_groups.c.id).where(figure_groups.c.key == g["key"])).scalar_one()
            group_ids[g["key"]] = gid
            for m in mentions:
                it = by_key[m["item"]]
                text = item_text({"title": it["title"], "summary": it.get("summary", ""), "content": ""})
                start = text.find(m["raw"])
                assert start >= 0, f"{m['raw']!r} not in item {m['item']}"
                conn.execute(figures.insert().values(
                    item_id=ids[m["item"]], start=start, end=start + len(m["raw"]), value=g["value"], raw=m["raw"],
                    kind="count", unit=g.get("unit"), qualifier=None, context=None, group_id=gid))
        for g in data["figures"]:
            if g.get("mutation_of"):
                conn.execute(update(figure_groups).where(figure_groups.c.key == g["key"])
                             .values(mutation_of=group_ids[g["mutation_of"]]))
    return ids


def add_narrative(conn: Any, nid: str, members: list[dict[str, Any]], ids: dict[str, int],
                  by_key: dict[str, Any] | None = None) -> None:
    """Insert (or extend) narrative ``nid``; ``members`` carry item, published, outlet, lang and
    optionally method, score, evidence."""
    insert_ignore(conn, narratives, [{"id": nid, "title": "", "first_seen": NOW, "last_seen": NOW, "size": 1,
                                      "outlets": 1, "languages": 1, "created_at": NOW, "updated_at": NOW}], ["id"])
    insert_ignore(conn, narrative_members, [{
        "item_id": ids[m["item"]], "narrative_id": nid, "via_item_id": None, "method": m.get("method", "origin"),
        "score": m.get("score"), "evidence": m.get("evidence", {}), "joined_at": NOW} for m in members], ["item_id"])
    rows = conn.execute(select(items.c.id, items.c.published_at, items.c.lang, items.c.title, feeds.c.outlet)
                        .join(narrative_members, narrative_members.c.item_id == items.c.id)
                        .join(feeds, feeds.c.id == items.c.feed_id).where(narrative_members.c.narrative_id == nid)
                        .order_by(items.c.published_at, items.c.id)).all()
    stats = {"origin_item_id": rows[0].id, "title": rows[0].title, "first_seen": _utc(rows[0].published_at),
             "last_seen": _utc(rows[-1].published_at), "size": len(rows), "outlets": len({r.outlet for r in rows}),
             "languages": len({r.lang for r in rows}), "updated_at": NOW}
    conn.execute(update(narratives).where(narratives.c.id == nid).values(**stats))


def add_item(store: Store, key: str, feed: str, title: str, published: datetime, lang: str = "en",
             url: str | None = None, summary: str = "") -> int:
    """One more item (fetched just before NOW), for tests that grow the snapshot."""
    with store.write() as conn:
        fid = conn.execute(select(feeds.c.id).where(feeds.c.name == feed)).scalar_one()
        conn.execute(items.insert().values(
            feed_id=fid, item_key=key, url=url, title=title, summary=summary, content="", published_at=published,
            published_source="published", fetched_at=NOW - timedelta(minutes=10), declared_language=lang,
            content_hash=hashlib.sha256(key.encode()).hexdigest(), text_source="feed", lang=lang,
            lang_confidence=0.99, normalized_text=title.casefold(), analyzed_at=NOW))
        return int(conn.execute(select(items.c.id).where(items.c.item_key == key)).scalar_one())


def digest_settings(*subs: Subscription, **kw: Any) -> DigestSettings:
    return DigestSettings(sender="Monitor Digest <digest@monitor.example>", reply_to="desk@monitor.example",
                          subscriptions=list(subs), **kw)


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


class _Recorder:
    """An aiosmtpd handler that keeps every message and rejects the recipients in ``reject``."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.reject: set[str] = set()

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        msg = message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    url: str
    handler: _Recorder
    received: list[Received] = field(default_factory=list)

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.handler.received if address in r.recipients]


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server on 127.0.0.1 (a free port) recording what it accepts."""
    handler = _Recorder()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(f"smtp://127.0.0.1:{port}", handler, handler.received)
    finally:
        controller.stop()
