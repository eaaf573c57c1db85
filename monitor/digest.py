"""Alert digests: gather a period's alerts with their evidence, render HTML and plain text with
Jinja2 (autoescaped), write .html/.eml files, and deliver by SMTP exactly once per
(recipient, period) thanks to the digest ledger."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import select

from monitor.config import DigestSettings, Subscription
from monitor.errors import DeliveryError
from monitor.store import Store, insert_ignore
from monitor.store.tables import alerts, digest_ledger, feeds, figure_groups, figures, items, narrative_members
from monitor.timeutil import Clock, as_utc, utcnow

_KIND_LABELS = {"narrative_spread": "Narrative spreading", "figure_repeated": "Repeated figure",
                "figure_mutation": "Figure mutation", "keyword": "Watched keyword"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def safe_header(text: str, limit: int = 160) -> str:
    """Header-safe text: no CR/LF or other control characters can reach an email header."""
    return _CONTROL.sub(" ", text).strip()[:limit]


def safe_link(url: str | None) -> str | None:
    """Only http(s) links are rendered; anything else (javascript:, data:) is dropped."""
    if not url:
        return None
    try:
        scheme = urlsplit(url.strip()).scheme.lower()
    except ValueError:
        return None
    return url.strip() if scheme in ("http", "https") else None


def period_key(frequency: str, now: datetime) -> tuple[str, datetime, datetime]:
    """The period a digest covers: ``(key, start, end)``; ``now`` falls inside [start, end)."""
    now = as_utc(now)
    if frequency == "hourly":
        start = now.replace(minute=0, second=0, microsecond=0)
        return f"hourly:{start:%Y-%m-%dT%H}", start, start + timedelta(hours=1)
    if frequency == "weekly":
        day = now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = day - timedelta(days=day.weekday())
        return f"weekly:{start:%G-W%V}", start, start + timedelta(days=7)
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    return f"daily:{start:%Y-%m-%d}", start, start + timedelta(days=1)


def _members_for(conn: Any, alert_row: Any) -> list[dict[str, Any]]:
    ev = alert_row.evidence or {}
    base = (select(items.c.id, items.c.title, items.c.url, items.c.lang, items.c.published_at, feeds.c.outlet)
            .join(feeds, feeds.c.id == items.c.feed_id))
    if alert_row.kind == "narrative_spread":
        q = base.join(narrative_members, narrative_members.c.item_id == items.c.id).where(
            narrative_members.c.narrative_id == ev.get("narrative"))
    elif alert_row.kind in ("figure_repeated", "figure_mutation"):
        gid = select(figure_groups.c.id).where(figure_groups.c.key == ev.get("group")).scalar_subquery()
        q = base.where(items.c.id.in_(select(figures.c.item_id).where(figures.c.group_id == gid)))
    else:
        return []
    rows = conn.execute(q.order_by(items.c.published_at, items.c.id)).all()
    return [{"title": r.title or "(untitled)", "url": safe_link(r.url), "lang": r.lang or "und",
             "published": f"{as_utc(r.published_at):%Y-%m-%d %H:%M} UTC", "outlet": r.outlet} for r in rows]


def gather(store: Store, subscription: Subscription, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """The alerts of [start, end) a subscription wants, each with its origin and members."""
    order = ["info", "low", "medium", "high"]
    min_rank = order.index(subscription.min_severity)
    out: list[dict[str, Any]] = []
    with store.read() as conn:
        rows = conn.execute(select(alerts).where(alerts.c.created_at >= start, alerts.c.created_at < end)
                            .order_by(alerts.c.id)).all()
        for a in rows:
            if order.index(a.severity) < min_rank:
                continue
            members = _members_for(conn, a)
            if subscription.languages and not {m["lang"] for m in members} & set(subscription.languages):
                continue
            if subscription.outlets and not {m["outlet"] for m in members} & set(subscription.outlets):
                continue
            out.append({
                "kind": a.kind, "kind_label": _KIND_LABELS.get(a.kind, a.kind), "severity": a.severity,
                "heading": a.title, "members": members, "origin": members[0] if members else None,
                "outlets": sorted({m["outlet"] for m in members}),
                "languages": sorted({m["lang"] for m in members}),
            })
    return out


@dataclass(slots=True)
class RenderedDigest:
    recipient: str
    period: str
    subject: str
    html: str
    text: str
    alerts: int
    message: EmailMessage


def _environment() -> Environment:
    return Environment(loader=PackageLoader("monitor", "templates"),
                       autoescape=select_autoescape(["html", "j2"], default_for_string=True),
                       trim_blocks=False, lstrip_blocks=False)


def render(store: Store, settings: DigestSettings, subscription: Subscription, now: datetime) -> RenderedDigest:
    key, start, end = period_key(subscription.frequency, now)
    found = gather(store, subscription, start, end)
    env = _environment()
    subject = safe_header(f"monitor digest: {len(found)} alert{'s' if len(found) != 1 else ''} "
                          f"({key.split(':', 1)[1]})")
    ctx = {"subject": subject, "period_label": f"{subscription.frequency} digest, {key.split(':', 1)[1]}",
           "alerts": found}
    html = env.get_template("digest.html.j2").render(**ctx)
    text_env = Environment(loader=PackageLoader("monitor", "templates"), autoescape=False)
    text = text_env.get_template("digest.txt.j2").render(**ctx)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = safe_header(settings.sender)
    msg["To"] = safe_header(subscription.email)
    if settings.reply_to:
        msg["Reply-To"] = safe_header(settings.reply_to)
    msg["Date"] = formatdate(as_utc(now).timestamp(), usegmt=True)
    msg["Message-ID"] = make_msgid(idstring=f"{key}.{subscription.email}".replace("@", ".").replace(":", "-"),
                                   domain="monitor.local")
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return RenderedDigest(subscription.email, key, subject, html, text, len(found), msg)


def _smtp_send(smtp_url: str, message: EmailMessage) -> None:
    u = urlsplit(smtp_url)
    if u.scheme not in ("smtp", "smtps", "smtp+starttls"):
        raise DeliveryError(f"unsupported SMTP URL scheme {u.scheme!r} (use smtp://, smtps:// or smtp+starttls://)")
    host, port = u.hostname or "localhost", u.port or (465 if u.scheme == "smtps" else 25)
    try:
        cls = smtplib.SMTP_SSL if u.scheme == "smtps" else smtplib.SMTP
        with cls(host, port, timeout=30) as smtp:
            if u.scheme == "smtp+starttls":
                smtp.starttls()
            if u.username:
                smtp.login(unquote(u.username), unquote(u.password or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        raise DeliveryError(f"SMTP delivery to {message['To']} via {host}:{port} failed: {e}") from e


Sender = Callable[[EmailMessage], None]


def run_digests(store: Store, settings: DigestSettings, *, out_dir: Path | None = None, send: bool = False,
                sender: Sender | None = None, clock: Clock = utcnow) -> list[dict[str, Any]]:
    """Render (and with ``send``, deliver) each subscription's digest for the current period.

    The ledger makes delivery exactly-once: a (recipient, period) already ``sent`` is skipped;
    a failed one is retried on the next run without resending to the others.
    """
    now = clock()
    results: list[dict[str, Any]] = []
    for sub in settings.subscriptions:
        digest = render(store, settings, sub, now)
        with store.read() as conn:
            entry = conn.execute(select(digest_ledger).where(digest_ledger.c.recipient == sub.email,
                                                             digest_ledger.c.period == digest.period)).first()
        result: dict[str, Any] = {"recipient": sub.email, "period": digest.period, "alerts": digest.alerts}
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{digest.period}_{sub.email}")
            (out_dir / f"{stem}.html").write_text(digest.html, encoding="utf-8")
            (out_dir / f"{stem}.eml").write_bytes(bytes(digest.message))
            result["html"] = str(out_dir / f"{stem}.html")
            result["eml"] = str(out_dir / f"{stem}.eml")
        if not send:
            result["status"] = "rendered"
            results.append(result)
            continue
        if entry is not None and entry.status == "sent":
            result["status"] = "already_sent"
            results.append(result)
            continue
        if digest.alerts == 0 and not sub.send_empty:
            result["status"] = "empty_skipped"
            results.append(result)
            continue
        deliver = sender or (lambda m: _smtp_send(settings.smtp_url or "smtp://localhost:25", m))
        status, error = "sent", None
        try:
            deliver(digest.message)
        except DeliveryError as e:
            status, error = "failed", str(e)
        with store.write() as conn:
            insert_ignore(conn, digest_ledger, [{"recipient": sub.email, "period": digest.period, "status": status,
                                                "attempts": 0, "alerts": digest.alerts, "updated_at": now}],
                          ["recipient", "period"])
            conn.execute(digest_ledger.update().where(digest_ledger.c.recipient == sub.email,
                                                      digest_ledger.c.period == digest.period)
                         .values(status=status, attempts=digest_ledger.c.attempts + 1, error=error,
                                 message_id=digest.message["Message-ID"], alerts=digest.alerts,
                                 path=result.get("eml"), updated_at=now))
        result["status"] = status
        if error:
            result["error"] = error
        results.append(result)
    return results
