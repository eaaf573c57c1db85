"""Digest building blocks: header and link sanitising, periods in the recipient's time zone, the
spread timeline, shared passages, subscription filters, and the preview from the command line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from monitor.alerts import evaluate_alerts
from monitor.cli.app import app
from monitor.config import AlertRules, Subscription
from monitor.digest import (
    current_period,
    preview_message,
    run_digests,
    safe_header,
    safe_link,
    select_cards,
    shared_passage,
    timeline,
)
from monitor.store import Store
from monitor.store.tables import feeds
from tests.test_digest_support import DIGEST_TIME, NOW, add_item, add_narrative, digest_settings, load_snapshot


@given(st.text())
def test_safe_header_never_lets_a_line_break_or_control_character_through(text: str) -> None:
    out = safe_header(text)
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c in "\u2028\u2029" for c in out)
    assert len(out) <= 160


def test_safe_header_keeps_ordinary_text() -> None:
    assert safe_header("Séisme : 14 morts\r\nBcc: x@y") == "Séisme : 14 morts Bcc: x@y"


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<b>x</b>",
                                 "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/x", "/relative",
                                 "http://exa mple.org/", "https://ex\nample.org/", "", None])
def test_safe_link_drops_everything_but_absolute_http_links(url: str | None) -> None:
    assert safe_link(url) is None


@pytest.mark.parametrize("url", ["http://example.org/a?b=c&d=e", "HTTPS://Example.org/فارسی"])
def test_safe_link_keeps_http_and_https(url: str) -> None:
    assert safe_link(url) == url


def test_daily_period_is_named_by_the_latest_local_send_slot() -> None:
    sub = Subscription(email="a@example.org", timezone="America/New_York", send_hour=8)
    # 12:30 UTC is 07:30 in New York: the 08:00 slot of the 20th has not come yet.
    assert current_period(sub, DIGEST_TIME).key == "daily:2026-11-19"
    assert current_period(sub, DIGEST_TIME + timedelta(hours=1)).key == "daily:2026-11-20"


def test_hourly_and_weekly_periods() -> None:
    hourly = Subscription(email="a@example.org", frequency="hourly", timezone="Asia/Tehran")
    assert current_period(hourly, DIGEST_TIME).key == "hourly:2026-11-20T16"  # 16:00 +03:30
    weekly = Subscription(email="a@example.org", frequency="weekly", send_weekday=0, send_hour=8)
    assert current_period(weekly, DIGEST_TIME).key == "weekly:2026-W47"  # Monday 16 November
    monday_early = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert current_period(weekly, monday_early).key == "weekly:2026-W47"  # the 23rd's slot is at 08:00
    assert current_period(weekly, monday_early + timedelta(hours=1)).key == "weekly:2026-W48"


def test_timeline_counts_items_per_bucket_including_empty_ones() -> None:
    t0 = datetime(2026, 11, 20, 6, 10, tzinfo=UTC)
    bars = timeline([t0, t0 + timedelta(minutes=20), t0 + timedelta(hours=3)], "UTC")
    assert [b["count"] for b in bars] == [2, 0, 0, 1]
    assert bars[0]["label"] == "20 Nov 06:00"
    assert bars[0]["width"] > bars[3]["width"] > 0 and bars[1]["width"] == 0


@given(st.lists(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1),
                             timezones=st.just(UTC)), min_size=1, max_size=40))
def test_timeline_keeps_every_item_in_eight_bars_at_most(times: list[datetime]) -> None:
    bars = timeline(times, "Europe/Berlin")
    assert sum(b["count"] for b in bars) == len(times)
    assert 1 <= len(bars) <= 8 or (max(times) - min(times)) > timedelta(days=30 * 7)


def test_shared_passage_quotes_the_longest_common_run_from_the_original() -> None:
    a = "Intro. Dockworkers at the port of Rotterdam walked off the job on Thursday! Union said."
    b = "Other lead: dockworkers at the Port of Rotterdam walked off the job on thursday, halting traffic."
    assert shared_passage(a, b) == "Dockworkers at the port of Rotterdam walked off the job on Thursday!"


def test_shared_passage_needs_enough_words() -> None:
    assert shared_passage("the port of Rotterdam today", "in the port of Rotterdam") is None


@pytest.fixture
def loaded(store: Store) -> Store:
    load_snapshot(store)
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    return store


def _cards(store: Store, sub: Subscription) -> list[str]:
    with store.read() as conn:
        return [c["topic"] for c in select_cards(conn, digest_settings(sub), sub, DIGEST_TIME)]


def test_one_card_per_narrative_or_figure(loaded: Store) -> None:
    topics = _cards(loaded, Subscription(email="a@example.org"))
    assert sorted(topics) == ["figure:count:1500", "figure:count:1700", "narrative:N-burst", "narrative:N-hostile",
                              "narrative:N-strike"]
    assert topics[0] == "narrative:N-hostile"  # high, widest spread, most recent


def test_subscription_filters_by_language_outlet_tag_and_severity(loaded: Store) -> None:
    assert set(_cards(loaded, Subscription(email="a@example.org", languages=["fa"]))) == {
        "narrative:N-hostile", "figure:count:1500"}
    assert set(_cards(loaded, Subscription(email="a@example.org", outlets=["le veilleur"]))) == {
        "narrative:N-strike", "narrative:N-burst", "figure:count:1700"}
    assert set(_cards(loaded, Subscription(email="a@example.org", tags=["uk"]))) == {
        "narrative:N-strike", "narrative:N-burst", "figure:count:1500"}
    assert set(_cards(loaded, Subscription(email="a@example.org", min_severity="high"))) == {
        "narrative:N-hostile", "narrative:N-burst", "figure:count:1500"}


def test_a_card_explains_origin_spread_and_shared_passage(loaded: Store) -> None:
    sub = Subscription(email="a@example.org")
    msg = preview_message(loaded, digest_settings(sub), sub, clock=lambda: DIGEST_TIME)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    strike = text[text.index("Rotterdam dockworkers walk out"):]
    strike = strike[:strike.index("\n== ") if "\n== " in strike else None]
    assert "First seen: Northern Ledger, 19 Nov 2026 10:00 UTC (English)" in strike
    assert "https://ledger.example/business/rotterdam-strike" in strike
    assert "Shared passage (Northern Ledger and Le Veilleur):" in strike
    assert "Dockworkers at the port of Rotterdam walked off the job on Thursday morning" in strike
    assert "- Le Veilleur: 1 item (English), first 19 Nov 13:00" in strike
    assert "Matched by: minhash ×1, similarity 0.82" in strike


def test_a_figure_card_shows_every_written_form_and_the_mutation(loaded: Store) -> None:
    sub = Subscription(email="a@example.org")
    msg = preview_message(loaded, digest_settings(sub), sub, clock=lambda: DIGEST_TIME)
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "The figure as written: " in text and "۱۵۰۰ (Persian)" in text
    assert "Altered from 1,500 protesters" in text


def test_preview_writes_html_and_eml_without_touching_the_ledger(loaded: Store, tmp_path: Path) -> None:
    sub = Subscription(email="a@example.org")
    first = run_digests(loaded, digest_settings(sub), out_dir=tmp_path, clock=lambda: DIGEST_TIME)
    again = run_digests(loaded, digest_settings(sub), out_dir=tmp_path, clock=lambda: DIGEST_TIME)
    assert first[0]["status"] == again[0]["status"] == "rendered"
    assert first[0]["alert_ids"] == again[0]["alert_ids"] != []
    eml = message_from_bytes(Path(first[0]["eml"]).read_bytes(), policy=policy.default)
    assert eml["To"] == "a@example.org"
    assert Path(first[0]["html"]).read_text(encoding="utf-8").startswith("<!doctype html>")


def test_cli_digest_preview_and_alerts_listing(loaded: Store, database_url: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "monitor.yaml"
    config.write_text(yaml.safe_dump({"digest": {"sender": "digest@monitor.example", "subscriptions": [
        {"email": "a@example.org"}, {"email": "b@example.org", "languages": ["ar"]}]}}), encoding="utf-8")
    monkeypatch.setenv("MONITOR_DATABASE_URL", database_url)
    monkeypatch.setenv("MONITOR_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(app, ["--config", str(config), "digest", "--preview", "--out", str(out),
                              "--recipient", "b@example.org"])
    assert res.exit_code == 0, res.output
    (line,) = res.output.strip().splitlines()
    got = json.loads(line)
    assert got["recipient"] == "b@example.org" and got["status"] == "rendered"
    assert Path(got["html"]).parent == out and Path(got["eml"]).exists()
    res = runner.invoke(app, ["--config", str(config), "alerts", "--json", "--min-severity", "high"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.output.strip().splitlines()]
    assert rows and {r["severity"] for r in rows} == {"high"}


def test_an_update_alert_is_marked_as_such(loaded: Store) -> None:
    sub = Subscription(email="a@example.org")
    run_digests(loaded, digest_settings(sub), send=True, sender=lambda m: None, clock=lambda: DIGEST_TIME)
    ids = {"strike-fa": add_item(loaded, "strike-fa", "dispatch", "اعتصاب کارگران بندر روتردام",
                                 NOW - timedelta(hours=20), lang="fa")}
    with loaded.write() as conn:
        add_narrative(conn, "N-strike", [{"item": "strike-fa", "method": "crosslingual", "score": 0.5}], ids)
    assert evaluate_alerts(loaded, AlertRules(), clock=lambda: NOW + timedelta(hours=3)) == 1
    msg = preview_message(loaded, digest_settings(sub), sub, clock=lambda: DIGEST_TIME + timedelta(days=1))
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "== [MEDIUM] Rotterdam dockworkers walk out over automation plans" in text
    assert "(UPDATE)" in text and "reported before at severity low" in text
    assert "Breaking" not in text  # delivered the day before


def test_matcher_evidence_is_shown_in_words(loaded: Store) -> None:
    sub = Subscription(email="a@example.org")
    text = preview_message(loaded, digest_settings(sub), sub, clock=lambda: DIGEST_TIME).get_body(
        ("plain",)).get_content()  # type: ignore[union-attr]
    burst = text[text.index("== [HIGH] Ceasefire announced"):]
    burst = burst[:burst.index("\n== ")]
    assert "Matched by: crosslingual ×3, similarity 0.50–0.55; minhash ×1, similarity 0.60" in burst
    assert "Shared names and terms: Ceasefire" in burst  # the matcher's w: token, not its k:/n: keys
    assert "NRTHRN" not in burst


def test_watch_alerts_join_the_card_of_their_narrative_or_figure(store: Store) -> None:
    load_snapshot(store)
    evaluate_alerts(store, AlertRules(watch_figures=[1500], watch_outlets=["Al-Marsad"]), clock=lambda: NOW)
    sub = Subscription(email="a@example.org")
    with store.read() as conn:
        cards = {c["topic"]: c for c in select_cards(conn, digest_settings(sub), sub, DIGEST_TIME)}
    assert not [t for t in cards if t.startswith("watch_")]
    assert "Watched figure" in cards["figure:count:1500"]["kinds"]  # the standalone Northern Ledger item
    assert {"New narrative spreading", "Watched figure", "Watched outlet"} <= set(cards["narrative:N-hostile"]["kinds"])


def test_a_watched_term_outside_narratives_gets_one_card_listing_its_items(store: Store) -> None:
    load_snapshot(store)
    for n in (1, 2):
        add_item(store, f"tanker-{n}", "ledger" if n == 1 else "marsad", f"Tanker seized in the Gulf ({n})",
                 NOW - timedelta(hours=n), url=f"https://example.org/tanker-{n}")
    evaluate_alerts(store, AlertRules(watch_keywords=["tanker"]), clock=lambda: NOW)
    sub = Subscription(email="a@example.org")
    with store.read() as conn:
        cards = [c for c in select_cards(conn, digest_settings(sub), sub, DIGEST_TIME) if c["kind"] == "watch_keyword"]
    (card,) = cards
    assert len(card["alert_ids"]) == 2 and len(card["members"]) == 2
    assert card["sentences"] == ["Watched term “tanker” appears in 2 item(s)"]


def test_a_wide_narrative_lists_the_first_outlets_and_counts_the_rest(store: Store) -> None:
    ids = load_snapshot(store)
    with store.write() as conn:
        conn.execute(feeds.insert(), [
            {"name": f"wire-{n}", "url": f"https://wire{n}.example/feed", "outlet": f"Wire {n}", "tags": [],
             "enabled": True, "consecutive_failures": 0, "created_at": NOW} for n in range(20)])
    for n in range(20):
        ids[f"wire-{n}"] = add_item(store, f"wire-{n}", f"wire-{n}", "Port strike spreads", NOW - timedelta(minutes=n))
    with store.write() as conn:
        add_narrative(conn, "N-strike", [{"item": f"wire-{n}", "method": "minhash", "score": 0.9} for n in range(20)],
                      ids)
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    sub = Subscription(email="a@example.org")
    with store.read() as conn:
        card = next(c for c in select_cards(conn, digest_settings(sub), sub, DIGEST_TIME)
                    if c["topic"] == "narrative:N-strike")
    assert (len(card["by_outlet"]), card["more_outlets"]) == (15, 22 - 15)
    assert (len(card["members"]), card["more_members"]) == (12, 22 - 12)
    assert card["by_outlet"][0]["outlet"] == "Northern Ledger" and card["by_outlet"][0]["is_origin"]
    assert card["severity"] == "high"
