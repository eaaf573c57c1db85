"""Choosing, rendering and delivering each subscription's digest, with the ledger that makes
delivery exactly-once per (recipient, period).

Ledger protocol, per recipient and period:
1. *claim*: a row is inserted (or a ``failed`` row updated) to ``sending`` with the alert ids the
   digest carries and ``claimed_at``; the conditional write means two concurrent runs cannot both
   claim it.
2. *send*: the message goes to SMTP with a Message-ID derived from (recipient, period).
3. *record*: the row becomes ``sent`` (or ``failed`` with the error, to be retried by the next run;
   the other recipients are not touched).

Guarantee: a digest is never sent twice and no alert is ever skipped, except in one window: if the
process dies after the SMTP server accepted the message and before step 3 commits, the row stays
``sending``. After ``sending_lease_minutes`` the next run re-sends the *same* digest with the *same*
Message-ID (at-least-once there, never lost; mail systems that de-duplicate on Message-ID show it
once). SMTP offers no way to ask whether a message was accepted, so no design can close that window.
Alerts already claimed by a ``sending`` or ``sent`` digest are never put in another one; alerts of
a ``failed`` digest of an earlier period roll into the next digest (that row becomes ``superseded``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from jinja2 import Environment
from sqlalchemy import Connection, select, update

from monitor.alerts import severity_rank
from monitor.config import BlindSpotSettings, CoordinationSettings, DigestSettings, Subscription
from monitor.digest._deliver import Sender, smtp_sender
from monitor.digest._explain import build_cards
from monitor.digest._periods import Period, current_period, period_from_key
from monitor.digest._render import RenderedDigest, environments, render_digest
from monitor.errors import DeliveryError
from monitor.store import Store, insert_ignore
from monitor.store.tables import alerts, digest_ledger
from monitor.timeutil import Clock, as_utc, utcnow


def _delivered(conn: Connection, recipient: str, since: datetime) -> set[int]:
    """Alert ids already claimed for ``recipient`` by a digest that is sent or being sent."""
    out: set[int] = set()
    for (ids,) in conn.execute(select(digest_ledger.c.alert_ids).where(
            digest_ledger.c.recipient == recipient, digest_ledger.c.status.in_(["sent", "sending"]),
            digest_ledger.c.claimed_at >= since)):
        out.update(i for i in ids or [] if isinstance(i, int))
    return out


def wanted(card: dict[str, Any], sub: Subscription) -> bool:
    """Does a card pass the subscription's filters (severity, languages, outlets, tags)?"""
    if severity_rank(card["severity"]) < severity_rank(sub.min_severity):
        return False
    if sub.languages and not set(card["languages"]) & set(sub.languages):
        return False
    if sub.outlets and not {o.casefold() for o in card["outlets"]} & {o.casefold() for o in sub.outlets}:
        return False
    return not (sub.tags and not set(card["tags"]) & set(sub.tags))


CardBuilder = Callable[[Connection, Sequence[Any]], list[dict[str, Any]]]


def select_cards(conn: Connection, settings: DigestSettings, sub: Subscription, now: datetime,
                 only_ids: list[int] | None = None, build: CardBuilder = build_cards) -> list[dict[str, Any]]:
    """The cards of ``sub``'s next digest: alerts of the lookback window not yet delivered to the
    recipient that pass its filters (or exactly ``only_ids`` when re-sending a claimed digest)."""
    since = now - timedelta(days=settings.lookback_days)
    if only_ids is not None:
        rows = conn.execute(select(alerts).where(alerts.c.id.in_(only_ids)).order_by(alerts.c.id)).all() \
            if only_ids else []
        return build(conn, rows)
    done = _delivered(conn, _address(sub), since)
    rows = [a for a in conn.execute(select(alerts).where(alerts.c.created_at >= since).order_by(alerts.c.id))
            if a.id not in done]
    return [c for c in build(conn, rows) if wanted(c, sub)]


def _address(sub: Subscription) -> str:
    from email.utils import parseaddr

    return parseaddr(sub.email)[1].lower()


def _write_files(out_dir: Path, digest: RenderedDigest) -> dict[str, str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.@-]+", "_", f"{digest.period.key}_{digest.recipient}")
    html, eml = out_dir / f"{stem}.html", out_dir / f"{stem}.eml"
    html.write_text(digest.html, encoding="utf-8")
    eml.write_bytes(bytes(digest.message))
    return {"html": str(html), "eml": str(eml)}


class _Run:
    def __init__(self, store: Store, settings: DigestSettings, now: datetime, out_dir: Path | None,
                 sender: Sender | None, coordination: CoordinationSettings | None = None,
                 blind_spots: BlindSpotSettings | None = None) -> None:
        self.store, self.settings, self.now, self.out_dir = store, settings, now, out_dir
        self._sender = sender
        self.envs: tuple[Environment, Environment] = environments()
        self.coordination = coordination or CoordinationSettings()
        self.blind_spot_settings = blind_spots or BlindSpotSettings()
        self._sections: dict[str, Any] | None = None
        self._copy_types_done = False
        # Recipients with the same undelivered alerts get the same cards (filters apply after):
        # building them (queries, shared passages) once per distinct alert set, not per recipient.
        self._cards: dict[tuple[int, ...], list[dict[str, Any]]] = {}

    def cards(self, conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        key = tuple(a.id for a in rows)
        if key not in self._cards:
            self._cards[key] = build_cards(conn, rows)
        return self._cards[key]

    def sender(self) -> Sender:
        if self._sender is None:
            self._sender = smtp_sender(self.settings.smtp_url or "smtp://localhost:25",
                                       timeout=self.settings.smtp_timeout)
        return self._sender

    def render(self, sub: Subscription, period: Period, only_ids: list[int] | None = None) -> RenderedDigest:
        if not self._copy_types_done:  # cards name each member's copy type (monitor.copytype)
            from monitor.copytype import ensure_copy_types

            ensure_copy_types(self.store, clock=lambda: self.now)
            self._copy_types_done = True
        with self.store.read() as conn:
            cards = select_cards(conn, self.settings, sub, self.now, only_ids, build=self.cards)
        ids = sorted({i for c in cards for i in c["alert_ids"]}) if only_ids is None else sorted(only_ids)
        return render_digest(self.settings, sub, period, cards, ids, self.now, self.envs, self.sections())

    def sections(self) -> dict[str, Any]:
        """Coordination groups, talking-point templates and blind spots since the oldest alert a
        digest may carry: the same for every recipient of the run, so computed once."""
        if self._sections is None:
            from monitor import blindspots, coordination, templates_tp

            since = self.now - timedelta(days=self.settings.lookback_days)
            self._sections = {
                "coordination": coordination.digest_section(self.store, self.coordination, clock=lambda: self.now),
                "blind_spots": blindspots.digest_section(self.store, self.blind_spot_settings, since, self.now),
                "templates": templates_tp.store_templates(self.store, since, self.now)[:10]}
        return self._sections

    def result(self, digest: RenderedDigest, status: str, **extra: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"recipient": digest.recipient, "period": digest.period.key, "alerts": digest.cards,
                               "alert_ids": digest.alert_ids, "status": status,
                               "message_id": digest.message["Message-ID"], "subject": digest.subject}
        if self.out_dir is not None:
            out.update(_write_files(self.out_dir, digest))
        out.update(extra)
        return out

    def preview(self, sub: Subscription) -> dict[str, Any]:
        return self.result(self.render(sub, current_period(sub, self.now)), "rendered")

    def deliver(self, digest: RenderedDigest, result: dict[str, Any]) -> dict[str, Any]:
        """Send a claimed digest and record the outcome. Any exception from the sender (ours are
        DeliveryError; an injected sender may raise its own) is a failure of this recipient only."""
        error = None
        try:
            self.sender()(digest.message)
        except Exception as e:  # the boundary with an injected sender
            error = str(e) if isinstance(e, DeliveryError) else f"{type(e).__name__}: {e}"
        status = "failed" if error else "sent"
        with self.store.write() as conn:
            conn.execute(update(digest_ledger).where(digest_ledger.c.recipient == digest.recipient,
                                                     digest_ledger.c.period == digest.period.key)
                         .values(status=status, error=error, updated_at=self.now, path=result.get("eml"),
                                 sent_at=self.now if status == "sent" else None))
        result["status"] = status
        if error:
            result["error"] = error
        return result

    def recover(self, sub: Subscription) -> list[dict[str, Any]]:
        """Re-send digests left ``sending`` longer than the lease (a run died mid-delivery)."""
        recipient = _address(sub)
        stale = self.now - timedelta(minutes=self.settings.sending_lease_minutes)
        with self.store.read() as conn:
            rows = conn.execute(select(digest_ledger).where(
                digest_ledger.c.recipient == recipient, digest_ledger.c.status == "sending",
                digest_ledger.c.claimed_at < stale).order_by(digest_ledger.c.period)).all()
        out = []
        for row in rows:
            with self.store.write() as conn:
                got = conn.execute(update(digest_ledger).where(
                    digest_ledger.c.recipient == recipient, digest_ledger.c.period == row.period,
                    digest_ledger.c.status == "sending", digest_ledger.c.claimed_at < stale)
                    .values(claimed_at=self.now, attempts=digest_ledger.c.attempts + 1, updated_at=self.now))
            if got.rowcount != 1:
                continue  # another run recovered it first
            digest = self.render(sub, period_from_key(row.period, sub), list(row.alert_ids or []))
            out.append(self.deliver(digest, self.result(digest, "sending", resent=True)))
        return out

    def _claim(self, digest: RenderedDigest, entry: Any) -> bool:
        values = {"status": "sending", "alert_ids": digest.alert_ids, "alerts": digest.cards,
                  "message_id": digest.message["Message-ID"], "claimed_at": self.now, "updated_at": self.now,
                  "error": None}
        with self.store.write() as conn:
            if entry is None:
                claimed = insert_ignore(conn, digest_ledger, [{"recipient": digest.recipient, "period":
                                                               digest.period.key, "attempts": 1, **values}],
                                        ["recipient", "period"]) == 1
            else:
                claimed = conn.execute(update(digest_ledger).where(
                    digest_ledger.c.recipient == digest.recipient, digest_ledger.c.period == digest.period.key,
                    digest_ledger.c.status == "failed").values(attempts=digest_ledger.c.attempts + 1,
                                                              **values)).rowcount == 1
            if claimed:
                conn.execute(update(digest_ledger).where(
                    digest_ledger.c.recipient == digest.recipient, digest_ledger.c.period != digest.period.key,
                    digest_ledger.c.status == "failed").values(status="superseded", updated_at=self.now))
        return claimed

    def send(self, sub: Subscription) -> list[dict[str, Any]]:
        results = self.recover(sub)
        period = current_period(sub, self.now)
        recipient = _address(sub)
        with self.store.read() as conn:
            entry = conn.execute(select(digest_ledger).where(digest_ledger.c.recipient == recipient,
                                                             digest_ledger.c.period == period.key)).first()
        base = {"recipient": recipient, "period": period.key}
        if entry is not None and entry.status in ("sent", "sending"):
            status = "already_sent" if entry.status == "sent" else "in_progress"
            return [*results, {**base, "alerts": entry.alerts, "status": status, "message_id": entry.message_id}]
        digest = self.render(sub, period)
        if digest.cards == 0 and not sub.send_empty:
            # Not recorded: alerts arriving later in this period still go out in this period's digest.
            return [*results, {**base, "alerts": 0, "alert_ids": [], "status": "empty_skipped"}]
        if not self._claim(digest, entry):
            return [*results, {**base, "alerts": digest.cards, "status": "in_progress"}]
        return [*results, self.deliver(digest, self.result(digest, "sending"))]


def run_digests(store: Store, digest_settings: DigestSettings, *, out_dir: Path | None = None, send: bool = False,
                sender: Sender | None = None, clock: Clock = utcnow,
                raise_on_failure: bool = False, coordination: CoordinationSettings | None = None,
                blind_spots: BlindSpotSettings | None = None) -> list[dict[str, Any]]:
    """Render (and with ``send``, deliver) each subscription's digest for its current period.

    Returns one dict per digest: recipient, period, alerts (cards), alert_ids, status (rendered |
    sent | failed | already_sent | in_progress | empty_skipped), and the .html/.eml paths when
    ``out_dir`` is given. Delivery is exactly-once per (recipient, period) as described in this
    module's docstring; a failed recipient is retried by the next run without resending to the
    others. With ``raise_on_failure``, a DeliveryError naming the failed recipients is raised after
    every recipient has been tried.
    """
    run = _Run(store, digest_settings, as_utc(clock()), out_dir, sender, coordination, blind_spots)
    results: list[dict[str, Any]] = []
    for sub in digest_settings.subscriptions:
        results.extend(run.send(sub) if send else [run.preview(sub)])
    failed = [r for r in results if r["status"] == "failed"]
    if failed and raise_on_failure:
        raise DeliveryError(f"{len(failed)} digest(s) not delivered: "
                            + "; ".join(f"{r['recipient']}: {r.get('error', '')}" for r in failed))
    return results


def preview_message(store: Store, settings: DigestSettings, sub: Subscription, *,
                    clock: Clock = utcnow) -> EmailMessage:
    """The message ``sub`` would receive now (nothing recorded)."""
    now = as_utc(clock())  # read once: the period and the cards must agree on "now"
    return _Run(store, settings, now, None, None).render(sub, current_period(sub, now)).message
