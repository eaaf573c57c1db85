"""Digest delivery against a real SMTP server (aiosmtpd on 127.0.0.1): what arrives, its multipart
structure and headers, escaping of hostile feed text, exactly-once delivery under retries and
crashes, and a failing recipient retried without resending to the others."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from functools import partial
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from monitor.alerts import evaluate_alerts
from monitor.cli.app import app
from monitor.config import AlertRules, Subscription
from monitor.digest import run_digests, smtp_sender
from monitor.errors import DeliveryError
from monitor.store import Store
from monitor.store.tables import digest_ledger
from tests.test_digest_support import (
    DIGEST_TIME,
    NOW,
    SmtpServer,
    add_item,
    add_narrative,
    digest_settings,
    load_snapshot,
    running_smtp_server,
)

ANA = Subscription(email="ana@newsroom.example", name="Ana Analyst")
BOB = Subscription(email="bob@newsroom.example", name="Bob")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    got = load_snapshot(store)
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    return got


def _parts(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(("plain",))
    html = msg.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.hrefs += [v or "" for k, v in attrs if k in ("href", "src")]


def test_each_subscription_receives_one_multipart_digest(store: Store, ids: dict[str, int],
                                                         smtp_server: SmtpServer) -> None:
    results = run_digests(store, digest_settings(ANA, BOB), send=True, sender=smtp_sender(smtp_server.url),
                          clock=lambda: DIGEST_TIME)
    assert [r["status"] for r in results] == ["sent", "sent"]
    assert [r.recipients for r in smtp_server.received] == [[ANA.email], [BOB.email]]
    msg = smtp_server.to(ANA.email)[0]
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    text, html = _parts(msg)
    assert "Rotterdam dockworkers walk out over automation plans" in text
    assert "Rotterdam dockworkers walk out over automation plans" in html


def test_headers_come_from_config_and_the_period(store: Store, ids: dict[str, int], smtp_server: SmtpServer) -> None:
    run_digests(store, digest_settings(ANA), send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    (received,) = smtp_server.handler.received
    msg = received.message
    assert received.envelope_from == "digest@monitor.example"
    assert msg["From"] == "Monitor Digest <digest@monitor.example>"
    assert msg["Reply-To"] == "desk@monitor.example"
    assert msg["To"] == "Ana Analyst <ana@newsroom.example>"
    assert msg["Subject"].startswith("[monitor] Daily digest 2026-11-20: ")
    assert re.fullmatch(r"<digest\.[0-9a-f]{32}@monitor\.example>", msg["Message-ID"])
    assert msg["X-Monitor-Period"] == "daily:2026-11-20"
    assert msg["Auto-Submitted"] == "auto-generated"


def test_hostile_feed_text_is_escaped_and_never_reaches_a_header(store: Store, ids: dict[str, int],
                                                                 smtp_server: SmtpServer) -> None:
    run_digests(store, digest_settings(ANA), send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    (received,) = smtp_server.handler.received
    msg = received.message
    assert received.recipients == [ANA.email]  # the "Bcc: victim" in a title added no recipient
    assert "Bcc" not in msg and "bcc" not in {k.lower() for k in msg}
    subject = msg["Subject"]
    assert "Breaking Bcc: victim@example.org" in subject  # the hostile narrative leads (severity high)...
    assert "\r" not in subject and "\n" not in subject  # ...flattened onto one line
    _, html = _parts(msg)
    parser = _Links()
    parser.feed(html)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=" in html
    assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in html
    external = [h for h in parser.hrefs if not h.startswith("#")]
    assert external and all(h.startswith(("http://", "https://")) for h in external)
    assert "javascript:" not in html and "data:text/html" not in html


def test_a_retried_run_sends_nothing_twice(store: Store, ids: dict[str, int], smtp_server: SmtpServer) -> None:
    settings = digest_settings(ANA, BOB)
    run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    again = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url),
                        clock=lambda: DIGEST_TIME + timedelta(minutes=5))
    assert [r["status"] for r in again] == ["already_sent", "already_sent"]
    assert len(smtp_server.handler.received) == 2


def _at(when: datetime) -> datetime:
    return when


def test_the_ledger_treats_address_case_as_one_recipient(store: Store, ids: dict[str, int],
                                                         smtp_server: SmtpServer) -> None:
    mixed = Subscription(email="Ana.Analyst@Newsroom.example")
    statuses = []
    for when in (DIGEST_TIME, DIGEST_TIME + timedelta(minutes=5)):
        (result,) = run_digests(store, digest_settings(mixed), send=True, sender=smtp_sender(smtp_server.url),
                                clock=partial(_at, when))
        statuses.append(result["status"])
    assert statuses == ["sent", "already_sent"]
    assert len(smtp_server.handler.received) == 1
    assert smtp_server.handler.received[0].message["To"] == "Ana.Analyst@Newsroom.example"


def test_a_rejected_recipient_is_retried_without_resending_to_the_others(store: Store, ids: dict[str, int],
                                                                         smtp_server: SmtpServer) -> None:
    settings = digest_settings(ANA, BOB)
    smtp_server.handler.reject.add(BOB.email)
    first = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    assert [r["status"] for r in first] == ["sent", "failed"]
    assert "550" in first[1]["error"]
    assert len(smtp_server.to(ANA.email)) == 1 and smtp_server.to(BOB.email) == []
    smtp_server.handler.reject.clear()
    second = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url),
                         clock=lambda: DIGEST_TIME + timedelta(minutes=10))
    assert [r["status"] for r in second] == ["already_sent", "sent"]
    assert len(smtp_server.to(ANA.email)) == 1 and len(smtp_server.to(BOB.email)) == 1
    with store.read() as conn:
        bob = conn.execute(select(digest_ledger).where(digest_ledger.c.recipient == BOB.email)).one()
    assert (bob.status, bob.attempts, bob.error) == ("sent", 2, None)


def test_raise_on_failure_names_the_failed_recipient_after_trying_all(store: Store, ids: dict[str, int],
                                                                      smtp_server: SmtpServer) -> None:
    smtp_server.handler.reject.add(ANA.email)
    with pytest.raises(DeliveryError, match=r"ana@newsroom\.example"):
        run_digests(store, digest_settings(ANA, BOB), send=True, sender=smtp_sender(smtp_server.url),
                    clock=lambda: DIGEST_TIME, raise_on_failure=True)
    assert len(smtp_server.to(BOB.email)) == 1


def test_an_unreachable_server_fails_every_recipient_without_recording_a_send(store: Store,
                                                                              ids: dict[str, int]) -> None:
    results = run_digests(store, digest_settings(ANA), send=True, sender=smtp_sender("smtp://127.0.0.1:9", timeout=5),
                          clock=lambda: DIGEST_TIME)
    assert results[0]["status"] == "failed"
    assert "127.0.0.1:9" in results[0]["error"]


def test_a_crash_after_the_server_accepted_resends_the_same_message_after_the_lease(
        store: Store, ids: dict[str, int], smtp_server: SmtpServer) -> None:
    settings = digest_settings(ANA, sending_lease_minutes=15)
    deliver = smtp_sender(smtp_server.url)

    def crash_after_accept(message: EmailMessage) -> None:
        deliver(message)
        raise SystemExit("worker killed before the ledger write")

    with pytest.raises(SystemExit):
        run_digests(store, settings, send=True, sender=crash_after_accept, clock=lambda: DIGEST_TIME)
    soon = run_digests(store, settings, send=True, sender=deliver, clock=lambda: DIGEST_TIME + timedelta(minutes=5))
    assert soon[0]["status"] == "in_progress"  # within the lease another worker may still be sending
    assert len(smtp_server.handler.received) == 1
    later = run_digests(store, settings, send=True, sender=deliver,
                        clock=lambda: DIGEST_TIME + timedelta(minutes=16))
    assert [r["status"] for r in later] == ["sent", "already_sent"]
    assert later[0]["resent"] is True
    first, second = (r.message for r in smtp_server.handler.received)
    assert first["Message-ID"] == second["Message-ID"]
    assert later[0]["alert_ids"] == soon_ids(store)  # the same digest, not a new one
    body = [_parts(m)[0].rsplit("--", 1)[0] for m in (first, second)]  # all but the "generated at" footer
    assert body[0] == body[1]


def soon_ids(store: Store) -> list[int]:
    with store.read() as conn:
        return list(conn.execute(select(digest_ledger.c.alert_ids)).scalar_one())


def test_alerts_go_out_once_and_new_ones_in_the_next_period(store: Store, ids: dict[str, int],
                                                            smtp_server: SmtpServer) -> None:
    settings = digest_settings(ANA)
    day1 = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    nxt = DIGEST_TIME + timedelta(days=1)
    late_ids = {**ids,
                "late-1": add_item(store, "late-1", "ledger", "Drought declared in the south",
                                   NOW + timedelta(hours=20)),
                "late-2": add_item(store, "late-2", "veilleur", "Sécheresse déclarée dans le sud",
                                   NOW + timedelta(hours=21), lang="fr")}
    with store.write() as conn:
        add_narrative(conn, "N-drought", [{"item": "late-1"}, {"item": "late-2", "method": "crosslingual",
                                                                "score": 0.6}], late_ids)
    assert evaluate_alerts(store, AlertRules(), clock=lambda: nxt - timedelta(hours=2)) == 1
    day2 = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url), clock=lambda: nxt)
    assert day2[0]["period"] == "daily:2026-11-21"
    assert set(day1[0]["alert_ids"]).isdisjoint(day2[0]["alert_ids"])
    assert len(day2[0]["alert_ids"]) == 1
    text, _ = _parts(smtp_server.handler.received[1].message)
    assert "Drought declared in the south" in text and "Rotterdam" not in text


def test_an_empty_period_sends_a_short_nothing_new_digest(store: Store, ids: dict[str, int],
                                                          smtp_server: SmtpServer) -> None:
    settings = digest_settings(ANA)
    run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url), clock=lambda: DIGEST_TIME)
    nxt = run_digests(store, settings, send=True, sender=smtp_sender(smtp_server.url),
                      clock=lambda: DIGEST_TIME + timedelta(days=1))
    assert nxt[0]["status"] == "sent" and nxt[0]["alerts"] == 0
    msg = smtp_server.handler.received[1].message
    assert msg["Subject"] == "[monitor] Daily digest 2026-11-21: nothing new"
    text, html = _parts(msg)
    assert "Nothing new" in text and 'id="nothing-new"' in html


def test_an_empty_period_sends_nothing_when_the_subscription_says_so(store: Store, ids: dict[str, int],
                                                                     smtp_server: SmtpServer) -> None:
    quiet = Subscription(email="quiet@newsroom.example", send_empty=False, min_severity="high",
                         languages=["de"])  # nothing in German: always empty
    results = run_digests(store, digest_settings(quiet), send=True, sender=smtp_sender(smtp_server.url),
                          clock=lambda: DIGEST_TIME)
    assert results[0]["status"] == "empty_skipped"
    assert smtp_server.handler.received == []


def test_a_daily_digest_before_its_hour_belongs_to_the_previous_day(store: Store, ids: dict[str, int],
                                                                    smtp_server: SmtpServer) -> None:
    tehran = Subscription(email="ana@newsroom.example", timezone="Asia/Tehran", send_hour=9)
    early = NOW.replace(hour=5)  # 08:30 in Tehran: before the 09:00 slot
    results = run_digests(store, digest_settings(tehran), send=True, sender=smtp_sender(smtp_server.url),
                          clock=lambda: early)
    assert results[0]["period"] == "daily:2026-11-19"
    text, _ = _parts(smtp_server.handler.received[0].message)
    assert "20 Nov 2026 09:30 +0330" in text  # N-hostile's origin (06:00 UTC) in the recipient's zone


def test_cli_send_uses_monitor_smtp_url_and_exits_nonzero_when_a_recipient_failed(
        store: Store, ids: dict[str, int], smtp_server: SmtpServer, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text(yaml.safe_dump({"digest": {"sender": "digest@monitor.example", "subscriptions": [
        {"email": ANA.email, "send_hour": 0}, {"email": BOB.email, "send_hour": 0}]}}), encoding="utf-8")
    for k, v in {"MONITOR_DATABASE_URL": database_url, "MONITOR_DATA_DIR": str(tmp_path / "data"),
                 "MONITOR_SMTP_URL": smtp_server.url}.items():
        monkeypatch.setenv(k, v)
    smtp_server.handler.reject.add(BOB.email)
    res = CliRunner().invoke(app, ["--config", str(config), "digest", "--send"])
    assert res.exit_code == 1
    assert [json.loads(line)["status"] for line in res.output.strip().splitlines()] == ["sent", "failed"]
    assert len(smtp_server.to(ANA.email)) == 1
    smtp_server.handler.reject.clear()
    res = CliRunner().invoke(app, ["--config", str(config), "digest", "--send"])
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["status"] for line in res.output.strip().splitlines()] == ["already_sent", "sent"]
    assert len(smtp_server.to(ANA.email)) == 1 and len(smtp_server.to(BOB.email)) == 1
