"""Alert rules: each rule fires on the snapshot's planted cases (tests/data/digest/store.yaml) and
nowhere else, every alert is stored once with its evidence, and a narrative that spreads further
gets exactly one update alert per severity step."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from monitor.alerts import (
    Member,
    evaluate_alerts,
    excerpt,
    growth_bursts,
    list_alerts,
    max_distinct_within,
    term_pattern,
)
from monitor.config import AlertRules
from monitor.store import Store
from monitor.store.tables import alerts
from tests.test_digest_support import NOW, add_item, add_narrative, load_snapshot


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    return load_snapshot(store)


def _alerts(store: Store) -> list[dict[str, Any]]:
    with store.read() as conn:
        return [dict(r._mapping) for r in conn.execute(select(alerts).order_by(alerts.c.id))]


def _by(store: Store, kind: str) -> dict[str, dict[str, Any]]:
    return {a["subject"]: a for a in _alerts(store) if a["kind"] == kind}


def test_new_narrative_reaching_outlets_and_languages_alerts_with_its_evidence(store: Store,
                                                                              ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    a = _by(store, "narrative_new")["N-hostile"]
    assert a["severity"] == "high"  # 3 outlets in 3 languages
    ev = a["evidence"]
    assert ev["origin_item_id"] == ids["evil-1"]
    assert (ev["outlets"], ev["languages"], ev["size"]) == (3, 3, 3)
    assert sorted(ev["item_ids"]) == sorted([ids["evil-1"], ids["dispatch-1"], ids["marsad-1"]])
    assert ev["language_codes"] == ["ar", "en", "fa"]


def test_severity_follows_the_spread(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    new = _by(store, "narrative_new")
    assert new["N-strike"]["severity"] == "low"  # two outlets, one language: the minimum spread
    assert new["N-burst"]["severity"] == "high"  # three languages


def test_rerunning_the_rules_stores_nothing_twice(store: Store, ids: dict[str, int]) -> None:
    first = evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    before = _alerts(store)
    assert first == len(before) > 0
    assert evaluate_alerts(store, AlertRules(), clock=lambda: NOW + timedelta(hours=1)) == 0
    assert _alerts(store) == before


def test_a_narrative_reaching_the_outlets_only_after_the_window_is_not_new(store: Store,
                                                                          ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(window_hours=72), clock=lambda: NOW)
    assert "N-slow" not in _by(store, "narrative_new")


def test_a_wider_window_catches_the_slow_narrative(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(window_hours=24 * 7), clock=lambda: NOW)
    assert "N-slow" in _by(store, "narrative_new")


def test_narratives_last_seen_before_max_age_raise_nothing(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(max_age_days=30), clock=lambda: NOW)
    assert not [a for a in _alerts(store) if a["subject"] == "N-old"]


def test_a_burst_of_items_raises_a_growth_alert(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(growth_min_items=4, growth_window_hours=6), clock=lambda: NOW)
    growth = _by(store, "narrative_growth")
    assert set(growth) == {"N-burst"}
    assert growth["N-burst"]["evidence"]["burst_items"] == 5
    assert growth["N-burst"]["evidence"]["burst_outlets"] == 3


def test_a_narrative_that_spreads_further_gets_one_update_alert(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    assert _by(store, "narrative_new")["N-strike"]["severity"] == "low"
    later = NOW + timedelta(hours=3)
    extra = {"strike-fa": add_item(store, "strike-fa", "dispatch", "اعتصاب کارگران بندر روتردام",
                                   NOW - timedelta(hours=20), lang="fa")}
    with store.write() as conn:
        add_narrative(conn, "N-strike", [{"item": "strike-fa", "method": "crosslingual", "score": 0.5}],
                      {**ids, **extra})
    assert evaluate_alerts(store, AlertRules(), clock=lambda: later) == 1
    strike = [a for a in _alerts(store) if a["kind"] == "narrative_new" and a["subject"] == "N-strike"]
    assert [(a["level"], a["severity"]) for a in strike] == [(1, "low"), (2, "medium")]
    assert strike[1]["evidence"]["update_of_level"] == 1
    assert evaluate_alerts(store, AlertRules(), clock=lambda: later + timedelta(hours=1)) == 0


def test_a_shrinking_narrative_raises_no_downgrade(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    # Stricter thresholds make every severity lower: nothing new may be stored for it.
    assert evaluate_alerts(store, AlertRules(high_outlets=10, high_languages=10), clock=lambda: NOW) == 0


def test_a_figure_repeated_across_independent_stories_alerts(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    fig = _by(store, "figure_repeated")
    assert set(fig) == {"count:1500"}  # count:38 only repeats inside one narrative
    ev = fig["count:1500"]["evidence"]
    assert ev["origin_item_id"] == ids["evil-1"]
    assert ev["stories"] == 2
    assert set(ev["raw_forms"]) == {"1,500", "۱۵۰۰", "1500"}


def test_a_mutated_figure_alerts_with_its_sibling(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    mutation = _by(store, "figure_mutation")["count:1700"]
    assert mutation["evidence"]["mutation_of"]["value"] == 1500
    assert "1,500" in mutation["title"] and "1,700" in mutation["title"]


def test_figure_mutations_can_be_switched_off(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(figure_mutations=False), clock=lambda: NOW)
    assert _by(store, "figure_mutation") == {}


def test_watched_keyword_entity_outlet_and_figure_alert(store: Store, ids: dict[str, int]) -> None:
    rules = AlertRules(watch_keywords=["ceasefire"], watch_entities=["Rotterdam"], watch_outlets=["al-marsad"],
                       watch_figures=[1700], watch_severity="high")
    evaluate_alerts(store, rules, clock=lambda: NOW)
    got = {(a["kind"], a["evidence"].get("narrative") or a["evidence"]["item_ids"][0]) for a in _alerts(store)
           if a["kind"].startswith("watch_")}
    assert ("watch_keyword", "N-burst") in got
    assert ("watch_entity", "N-strike") in got
    assert {n for k, n in got if k == "watch_outlet"} == {"N-hostile", "N-burst", "N-slow"}
    assert ("watch_figure", ids["veilleur-mutation"]) in got
    assert all(a["severity"] == "high" for a in _alerts(store) if a["kind"].startswith("watch_"))


def test_watched_keyword_alert_quotes_the_passage(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(watch_keywords=["straddle carriers"]), clock=lambda: NOW)
    (a,) = [a for a in _alerts(store) if a["kind"] == "watch_keyword"]
    assert a["evidence"]["narrative"] == "N-strike"
    assert "automate cranes and straddle carriers" in a["evidence"]["excerpt"]


def test_watched_terms_match_whole_words_case_insensitively() -> None:
    assert term_pattern("port").search("The PORT of Rotterdam")
    assert not term_pattern("port").search("a new report")
    assert term_pattern("interior ministry").search("the Interior\nMinistry said")
    assert term_pattern("تهران").search("در تهران امروز")
    assert term_pattern("北京").search("今天北京下雪")  # no spaces between words in Chinese


def test_excerpt_cuts_on_word_boundaries() -> None:
    text = "one two three four five six seven eight nine ten " * 10
    start = text.index("five", 200)
    out = excerpt(text, start, start + 4, width=20)
    assert out.startswith("… ") and out.endswith(" …")
    assert "five" in out and all(w in text.split() for w in out.strip("… ").split())


def test_list_alerts_is_newest_first(store: Store, ids: dict[str, int]) -> None:
    evaluate_alerts(store, AlertRules(), clock=lambda: NOW)
    got = list_alerts(store)
    assert [a["id"] for a in got] == sorted((a["id"] for a in got), reverse=True)
    assert len(list_alerts(store, limit=2)) == 2


def _members(*spec: tuple[int, str]) -> list[Member]:
    t0 = NOW - timedelta(days=1)
    return [Member(i, t0 + timedelta(minutes=m), "en", outlet) for i, (m, outlet) in enumerate(spec)]


def test_three_outlets_within_the_hour_count_as_coordinated() -> None:
    assert max_distinct_within(_members((0, "a"), (10, "b"), (50, "c"), (200, "d")), 60) == 3
    assert max_distinct_within(_members((0, "a"), (10, "a"), (90, "b"), (200, "c")), 60) == 1


def test_a_narrative_spreading_after_a_stray_early_item_is_still_new(store: Store, ids: dict[str, int]) -> None:
    # N-slow's two outlets are five days apart; a third outlet the day after the second makes
    # two outlets within 72 h, however old the first item is.
    extra = {"slow-3": add_item(store, "slow-3", "veilleur", "Le musée municipal rouvre",
                                NOW - timedelta(days=2), lang="fr")}
    with store.write() as conn:
        add_narrative(conn, "N-slow", [{"item": "slow-3", "method": "crosslingual", "score": 0.7}], {**ids, **extra})
    evaluate_alerts(store, AlertRules(window_hours=72), clock=lambda: NOW)
    ev = _by(store, "narrative_new")["N-slow"]["evidence"]
    assert (ev["window_outlets"], ev["window_languages"], ev["origin_item_id"]) == (2, 2, ids["ledger-slow"])


@given(st.lists(st.tuples(st.integers(0, 3000), st.sampled_from("abcd")), max_size=40), st.integers(2, 6),
       st.integers(1, 12))
def test_growth_bursts_are_disjoint_windows_with_enough_items(spec: list[tuple[int, str]], min_items: int,
                                                              hours: int) -> None:
    members = _members(*sorted(spec))
    bursts = growth_bursts(members, min_items, hours)
    ids = [m.item_id for b in bursts for m in b]
    assert len(ids) == len(set(ids))
    for b in bursts:
        assert len(b) >= min_items
        assert b[-1].published - b[0].published <= timedelta(hours=hours)
