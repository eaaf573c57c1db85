"""Rendering a digest: Jinja2 templates (HTML autoescaped, plain text), a spread timeline drawn as
an HTML table (renders in mail clients without scripts or images), and the multipart message."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, StrictUndefined

from monitor.config import DigestSettings, Subscription
from monitor.digest._periods import Period
from monitor.timeutil import as_utc

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_STEPS = [timedelta(hours=h) for h in (1, 3, 6, 12, 24, 48, 24 * 7, 24 * 30)]
BAR_MAX_PX = 180
SEVERITY_COLORS = {"high": "#c53030", "medium": "#c05621", "low": "#2b6cb0", "info": "#4a5568"}


def safe_header(text: str, limit: int = 160) -> str:
    """Header-safe text: CR, LF and every other control character become spaces, so nothing from a
    feed can start a new header line."""
    cleaned = " ".join(_CONTROL.sub(" ", text).split())
    return cleaned if len(cleaned) <= limit else cleaned[:limit - 1].rstrip() + "…"


def one_line(text: object) -> str:
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def _when(value: datetime | None, tz: str, fmt: str = "%d %b %Y %H:%M %Z") -> str:
    if value is None:
        return ""
    return as_utc(value).astimezone(ZoneInfo(tz)).strftime(fmt)


def timeline(times: Sequence[datetime], tz: str, max_bars: int = 8) -> list[dict[str, Any]]:
    """Items per time bucket in the recipient's zone, with bar widths in pixels. The bucket size is
    the smallest of 1 h … 30 days that keeps at most ``max_bars`` bars, empty buckets included."""
    if not times:
        return []
    zone = ZoneInfo(tz)
    local = sorted(as_utc(t).astimezone(zone) for t in times)
    first, last = local[0], local[-1]
    step = _STEPS[-1]
    start = first
    for s in _STEPS:
        if s < timedelta(days=1):
            hours = int(s.total_seconds() // 3600)
            start = first.replace(minute=0, second=0, microsecond=0, hour=first.hour - first.hour % hours)
        else:
            start = first.replace(hour=0, minute=0, second=0, microsecond=0)
        if (last - start) / s < max_bars:
            step = s
            break
    counts: Counter[int] = Counter(int((t - start) / step) for t in local)
    n = max(counts) + 1
    peak = max(counts.values())
    fmt = "%d %b %H:%M" if step < timedelta(days=1) else "%d %b"
    bars = []
    for i in range(n):
        c = counts.get(i, 0)
        bars.append({"label": (start + i * step).strftime(fmt), "count": c,
                     "width": max(3, round(BAR_MAX_PX * c / peak)) if c else 0})
    return bars


@dataclass(slots=True)
class RenderedDigest:
    recipient: str
    period: Period
    subject: str
    html: str
    text: str
    alert_ids: list[int]
    cards: int
    message: EmailMessage


def environments() -> tuple[Environment, Environment]:
    """The HTML environment (autoescape always on) and the plain-text one."""
    envs = []
    for autoescape in (True, False):
        env = Environment(loader=PackageLoader("monitor", "templates"), autoescape=autoescape,
                          undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["when"] = _when
        env.filters["one_line"] = one_line
        envs.append(env)
    return envs[0], envs[1]


def message_id(recipient: str, period_key: str, sender: str) -> str:
    """Deterministic per (recipient, period): a re-send after a crash carries the same Message-ID,
    so mail systems that de-duplicate on it show the digest once."""
    digest = hashlib.sha256(f"{recipient.lower()}\x00{period_key}".encode()).hexdigest()[:32]
    domain = parseaddr(sender)[1].rpartition("@")[2]
    domain = re.sub(r"[^A-Za-z0-9.-]", "", domain) or "monitor.local"
    return f"<digest.{digest}@{domain}>"


def _subject(settings: DigestSettings, sub: Subscription, period: Period, cards: Sequence[dict[str, Any]]) -> str:
    when = period.key.split(":", 1)[1]
    head = f"{settings.subject_prefix} {sub.frequency.capitalize()} digest {when}"
    if not cards:
        return safe_header(f"{head}: nothing new")
    lead = safe_header(str(cards[0]["heading"]), 70)
    n = len(cards)
    return safe_header(f"{head}: {n} alert{'s' if n != 1 else ''} — {lead}", 200)


def render_digest(settings: DigestSettings, sub: Subscription, period: Period, cards: Sequence[dict[str, Any]],
                  alert_ids: Sequence[int], now: datetime,
                  envs: tuple[Environment, Environment] | None = None,
                  sections: dict[str, Any] | None = None) -> RenderedDigest:
    """Render ``cards`` for ``sub`` into a multipart/alternative message (text first, then HTML).
    ``sections``: the coordination groups, templates and blind spots of the period (None: not shown)."""
    html_env, text_env = envs or environments()
    shown = [{**c, "timeline": timeline(c["times"], sub.timezone)} for c in cards[:sub.max_alerts]]
    severities = Counter(c["severity"] for c in cards)
    subject = _subject(settings, sub, period, cards)
    ctx = {"subject": subject, "period": period, "sub": sub, "tz": sub.timezone, "cards": shown,
           "more": list(cards[sub.max_alerts:]), "total": len(cards), "generated": now,
           "severity_counts": [(s, severities[s]) for s in ("high", "medium", "low", "info") if severities[s]],
           "colors": SEVERITY_COLORS, "bar_max": BAR_MAX_PX,
           "coordination": (sections or {}).get("coordination"), "blind_spots": (sections or {}).get("blind_spots"),
           "templates": (sections or {}).get("templates")}
    html = html_env.get_template("digest.html.j2").render(**ctx)
    text = text_env.get_template("digest.txt.j2").render(**ctx)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = safe_header(settings.sender, 320)
    name, addr = parseaddr(sub.email)
    msg["To"] = formataddr((safe_header(sub.name or name, 80), addr)) if (sub.name or name) else addr
    if settings.reply_to:
        msg["Reply-To"] = safe_header(settings.reply_to, 320)
    msg["Date"] = formatdate(as_utc(now).timestamp(), usegmt=True)
    msg["Message-ID"] = message_id(addr, period.key, settings.sender)
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Monitor-Period"] = period.key
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    # The ledger keys on the lower-cased address: "Ana@X" and "ana@x" are one recipient.
    return RenderedDigest(addr.lower(), period, subject, html, text, list(alert_ids), len(cards), msg)
