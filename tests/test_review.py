"""Analyst review (monitor.review, `monitor review`, `monitor calibrate`): labels are kept with
who and when, never overwritten, respected by later runs (a rejected match stays split), turned
into precision per matcher and language pair; alerts record the config version behind them.
Articles: tests/data/matching/articles.json (real English, Russian and Persian news text)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from monitor.alerts import evaluate_alerts
from monitor.cli.app import app
from monitor.config import AlertRules, MatchingSettings, Settings
from monitor.errors import InputError
from monitor.matching import index_items, match_items
from monitor.narratives import update_narratives
from monitor.review import add_label, apply_labels, calibrate, config_provenance, labels_in_force, suggest_threshold
from monitor.store import Store
from monitor.store.tables import alerts, items, narrative_members, review_labels
from tests.test_matching import T0, add_items

LATER = T0 + timedelta(days=1)


def run(store: Store, ids: list[int]) -> None:
    """One analysis run's matching steps over ``ids`` (what analyze_pending does for new items)."""
    settings = MatchingSettings()
    index_items(store, settings, ids)
    match_items(store, settings, ids)
    update_narratives(store, ids, clock=lambda: T0)


def narrative_of(store: Store) -> dict[int, str]:
    with store.read() as conn:
        return dict(conn.execute(select(narrative_members.c.item_id, narrative_members.c.narrative_id)).all())


def test_a_label_is_stored_with_reviewer_time_and_what_the_matcher_said(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en"])
    run(store, list(ids.values()))
    label = add_label(store, "match", f"{ids['story_en']}:{ids['verbatim_en']}", "right", "ana",
                      clock=lambda: LATER)
    assert label["reviewer"] == "ana" and label["created_at"].startswith(LATER.date().isoformat())
    assert label["context"]["method"] == "minhash" and label["context"]["langs"] == ["en", "en"]


def test_a_new_label_supersedes_but_never_erases_the_old_one(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en"])
    run(store, list(ids.values()))
    subject = f"{ids['verbatim_en']}:{ids['story_en']}"
    add_label(store, "match", subject, "right", "ana", clock=lambda: T0)
    add_label(store, "match", subject, "wrong", "ben", clock=lambda: LATER)
    with store.read() as conn:
        assert conn.execute(select(review_labels.c.reviewer).order_by(review_labels.c.id)).scalars().all() == [
            "ana", "ben"]
        (current,) = labels_in_force(conn, "match").values()
    assert current.verdict == "wrong"


def test_rejecting_the_only_match_splits_the_narrative(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en"])
    run(store, list(ids.values()))
    assert narrative_of(store)[ids["story_en"]] == narrative_of(store)[ids["verbatim_en"]]
    add_label(store, "match", f"{ids['story_en']}:{ids['verbatim_en']}", "wrong", "ana")
    assert apply_labels(store)["narratives_split"] == 1
    assert narrative_of(store) == {}


def test_a_rejected_match_stays_split_when_the_next_run_brings_an_item_linking_both(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "edited_en"])
    run(store, [ids["story_en"], ids["verbatim_en"]])
    add_label(store, "match", f"{ids['story_en']}:{ids['verbatim_en']}", "wrong", "ana")
    apply_labels(store)
    run(store, [ids["edited_en"]])  # the next run: edited_en matches both
    member = narrative_of(store)
    assert ids["edited_en"] in member
    assert member.get(ids["story_en"]) != member.get(ids["verbatim_en"])


def test_without_the_label_the_next_run_joins_all_three(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "edited_en"])
    run(store, [ids["story_en"], ids["verbatim_en"]])
    run(store, [ids["edited_en"]])
    member = narrative_of(store)
    assert member[ids["story_en"]] == member[ids["verbatim_en"]] == member[ids["edited_en"]]


def test_a_rejected_member_leaves_and_does_not_come_back(store: Store) -> None:
    keys = ["story_en", "verbatim_en", "story_ru", "edited_en"]
    ids = add_items(store, keys)
    run(store, list(ids.values()))
    add_label(store, "membership", str(ids["story_ru"]), "wrong", "ana", note="a different event")
    apply_labels(store)
    assert ids["story_ru"] not in narrative_of(store)
    update_narratives(store, None, clock=lambda: LATER)  # a full re-run over every match
    member = narrative_of(store)
    assert ids["story_ru"] not in member
    assert member[ids["story_en"]] == member[ids["verbatim_en"]] == member[ids["edited_en"]]


def test_a_corrected_language_replaces_the_detected_one(store: Store) -> None:
    ids = add_items(store, ["story_fa"])
    add_label(store, "language", str(ids["story_fa"]), "wrong", "ana", value="ur")
    assert apply_labels(store)["languages_corrected"] == 1
    with store.read() as conn:
        assert conn.execute(select(items.c.lang).where(items.c.id == ids["story_fa"])).scalar_one() == "ur"


def test_malformed_labels_are_input_errors(store: Store) -> None:
    add_items(store, ["story_en", "verbatim_en"])
    for kind, subject, verdict, by in [
            ("match", "1", "wrong", "ana"),  # a match needs two items
            ("colour", "1", "wrong", "ana"), ("language", "1", "maybe", "ana"),
            ("language", "1", "wrong", "ana"),  # a wrong language needs the right one
            ("match", "1:2", "wrong", " "),  # nobody
            ("membership", "99999", "wrong", "ana")]:  # no such item
        with pytest.raises(InputError):
            add_label(store, kind, subject, verdict, by)
    with store.read() as conn:
        assert conn.execute(select(review_labels)).all() == []


def test_calibration_reports_precision_per_matcher_and_language_pair(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "edited_en", "story_ru"])
    run(store, list(ids.values()))
    add_label(store, "match", f"{ids['story_en']}:{ids['verbatim_en']}", "right", "ana")
    add_label(store, "match", f"{ids['story_en']}:{ids['edited_en']}", "wrong", "ana")
    add_label(store, "match", f"{ids['story_en']}:{ids['story_ru']}", "right", "ana")
    report = calibrate(store, Settings())
    rows = {(r["matcher"], r["languages"]): r for r in report["matchers"]}
    assert rows[("minhash", "en-en")]["precision"] == 0.5
    assert rows[("minhash", "en-en")]["threshold"] == MatchingSettings().jaccard_threshold
    assert rows[("crosslingual", "en-ru")]["precision"] == 1.0
    # the right pair scored higher than the wrong one: a threshold between them is suggested
    assert rows[("minhash", "en-en")]["suggested_threshold"] is not None
    assert report["config_version"] == Settings().thresholds_version


def test_recall_is_estimated_from_labelled_pairs_no_matcher_found(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "other_en"])
    run(store, list(ids.values()))
    add_label(store, "match", f"{ids['story_en']}:{ids['verbatim_en']}", "right", "ana")
    add_label(store, "match", f"{ids['story_en']}:{ids['other_en']}", "right", "ana")  # missed
    (row,) = [r for r in calibrate(store, Settings())["matchers"] if r["matcher"] == "minhash"]
    assert row["recall"] == 0.5


def test_suggested_threshold_is_the_lowest_reaching_the_target_precision() -> None:
    assert suggest_threshold([0.9, 0.8, 0.7], [0.55, 0.6], 0.9) == 0.7
    assert suggest_threshold([0.9], [], 0.9) is None


def test_every_alert_records_the_config_version_and_thresholds(store: Store) -> None:
    ids = add_items(store, ["story_en", "verbatim_en", "story_ru"])
    run(store, list(ids.values()))
    settings = Settings()
    assert evaluate_alerts(store, AlertRules(), clock=lambda: T0 + timedelta(hours=3),
                           provenance=config_provenance(settings)) >= 1
    with store.read() as conn:
        evidence = conn.execute(select(alerts.c.evidence)).scalars().all()
    for ev in evidence:
        assert ev["config"]["version"] == settings.thresholds_version
        assert ev["config"]["matching"]["jaccard_threshold"] == settings.matching.jaccard_threshold
        assert ev["config"]["alert_rules"]["narrative_min_outlets"] == AlertRules().narrative_min_outlets


def test_review_and_calibrate_commands(store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = add_items(store, ["story_en", "verbatim_en"])
    run(store, list(ids.values()))
    monkeypatch.setenv("MONITOR_DATABASE_URL", database_url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    res = CliRunner().invoke(app, ["review", "match", f"{ids['story_en']}:{ids['verbatim_en']}", "wrong",
                                   "--by", "ana", "--note", "different strikes"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["applied"]["narratives_split"] == 1
    res = CliRunner().invoke(app, ["calibrate", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["matchers"][0]["wrong"] == 1


