"""The repeated-figure registry: grouping claims across outlets and languages, origin, spread,
mutations, idempotence, and `monitor figures-report`.

Items are stored the way ingestion stores them and their figures come from the real extractor;
texts are short news sentences in several languages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from monitor.figure_registry import figure_report, group_key, update_registry
from monitor.figures import extract_figures
from monitor.items import item_text
from monitor.store import Store, insert_ignore
from monitor.store.tables import feeds, figure_groups, figures, items

T0 = datetime(2026, 11, 17, 8, 0, tzinfo=UTC)
IRAN_EN = "At least 1,500 protesters have been detained in Iran since the fuel price rise, a rights group said."
IRAN_FA = "معاون دادستان گفت ۱۵۰۰ معترض در ایران بازداشت شده‌اند."
IRAN_FR = "Au moins 1\u202f500 manifestants ont été interpellés en Iran en une semaine."
IRAN_DE = "In Iran wurden binnen einer Woche 1.500 Demonstranten festgenommen."
IRAN_AR_MUTATED = "قالت المنظمة إن السلطات في إيران اعتقلت 1700 متظاهر منذ رفع أسعار البنزين."
JOBS_EN = "The carmaker will cut 1,500 jobs at its plant in Sunderland."


def _add(store: Store, outlet: str, lang: str, text: str, published: datetime) -> int:
    """Store one item of ``outlet`` with its figures, as ingestion and analysis do."""
    now = datetime.now(UTC)
    with store.write() as conn:
        insert_ignore(conn, feeds, [{"name": outlet, "url": f"https://{outlet}.example/feed", "outlet": outlet,
                                     "language": lang, "created_at": now}], ["name"])
        feed_id = conn.execute(select(feeds.c.id).where(feeds.c.name == outlet)).scalar_one()
        n = conn.execute(select(items.c.id).where(items.c.feed_id == feed_id)).all()
        row = {"feed_id": feed_id, "item_key": f"{outlet}-{len(n)}", "url": f"https://{outlet}.example/{len(n)}",
               "title": "", "summary": "", "content": text, "published_at": published, "published_source": "published",
               "fetched_at": now, "content_hash": f"{outlet}{len(n)}{hash(text)}", "lang": lang}
        item_id = int(conn.execute(items.insert().values(**row).returning(items.c.id)).scalar_one())
        body = item_text(row)
        insert_ignore(conn, figures, [
            {"item_id": item_id, "start": f.start, "end": f.end, "value": f.value, "raw": f.raw, "kind": f.kind,
             "unit": f.unit, "qualifier": f.qualifier} for f in extract_figures(body, lang)], ["item_id", "start"])
    return item_id


def _groups(store: Store) -> dict[str, Any]:
    with store.read() as conn:
        return {g.key: g for g in conn.execute(select(figure_groups)).all()}


def _iran_story(store: Store) -> list[int]:
    return [_add(store, "northern-ledger", "en", IRAN_EN, T0),
            _add(store, "tehran-dispatch", "fa", IRAN_FA, T0 + timedelta(hours=20)),
            _add(store, "le-veilleur", "fr", IRAN_FR, T0 + timedelta(hours=26)),
            _add(store, "rheinischer-bote", "de", IRAN_DE, T0 + timedelta(days=2))]


def test_same_value_and_topic_across_outlets_and_languages_is_one_repeated_figure(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store)
    g = _groups(store)[group_key("count", 1500, "protester")]
    assert (g.items, g.outlets, g.languages) == (4, 4, 4)
    assert g.origin_item_id == ids[0]
    assert g.label == "1,500 protesters"


def test_origin_is_the_first_published_item_even_when_stored_last(store: Store) -> None:
    _add(store, "le-veilleur", "fr", IRAN_FR, T0 + timedelta(hours=5))
    first = _add(store, "tehran-dispatch", "fa", IRAN_FA, T0)
    update_registry(store)
    assert _groups(store)[group_key("count", 1500, "protester")].origin_item_id == first


def test_the_same_value_about_something_else_is_a_different_figure(store: Store) -> None:
    _add(store, "northern-ledger", "en", IRAN_EN, T0)
    _add(store, "daily-courier", "en", JOBS_EN, T0 + timedelta(hours=1))
    update_registry(store)
    assert group_key("count", 1500, "protester") not in _groups(store)


def test_a_value_stated_by_one_item_only_is_not_repeated(store: Store) -> None:
    _add(store, "northern-ledger", "en", IRAN_EN, T0)
    update_registry(store)
    assert _groups(store) == {}


def test_a_close_value_in_the_same_context_is_a_mutation_linked_to_its_sibling(store: Store) -> None:
    _iran_story(store)
    _add(store, "al-marsad", "ar", IRAN_AR_MUTATED, T0 + timedelta(days=2, hours=3))
    counts = update_registry(store)
    groups = _groups(store)
    original, mutated = groups[group_key("count", 1500, "protester")], groups[group_key("count", 1700, "protester")]
    assert mutated.mutation_of == original.id
    assert original.mutation_of is None
    assert counts["mutations"] == 1


@pytest.mark.parametrize(("text", "delay"), [
    ("قالت المنظمة إن السلطات في إيران اعتقلت 15000 متظاهر منذ رفع أسعار البنزين.", timedelta(days=2)),
    (IRAN_AR_MUTATED, timedelta(days=90)),
    ("The carmaker will cut 1,700 jobs at its plant in Sunderland.", timedelta(days=2)),
], ids=["far-value", "far-in-time", "other-topic"])
def test_no_mutation_for_a_distant_value_time_or_topic(store: Store, text: str, delay: timedelta) -> None:
    _iran_story(store)
    _add(store, "al-marsad", "ar" if "ا" in text else "en", text, T0 + delay)
    update_registry(store)
    assert all(g.mutation_of is None for g in _groups(store).values())


def test_rerunning_the_registry_changes_nothing(store: Store) -> None:
    _iran_story(store)
    _add(store, "al-marsad", "ar", IRAN_AR_MUTATED, T0 + timedelta(days=3))
    update_registry(store)
    before = {k: tuple(v) for k, v in _groups(store).items()}
    again = update_registry(store)
    assert {k: tuple(v) for k, v in _groups(store).items()} == before
    assert (again["annotated"], again["mutations"]) == (0, 0)


def test_new_items_join_an_existing_repeated_figure(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store, ids[:2])
    assert _groups(store)[group_key("count", 1500, "protester")].outlets == 2
    update_registry(store, ids[2:])
    g = _groups(store)[group_key("count", 1500, "protester")]
    assert (g.outlets, g.origin_item_id) == (4, ids[0])


def test_years_and_small_numbers_never_form_repeated_figures(store: Store) -> None:
    _add(store, "a", "en", "In 2019 police arrested 7 protesters in Tehran.", T0)
    _add(store, "b", "en", "In 2019 police arrested 7 protesters in Tehran, witnesses said.", T0)
    update_registry(store)
    assert _groups(store) == {}


def test_report_shows_origin_spread_timeline_and_mutation(store: Store) -> None:
    ids = _iran_story(store)
    _add(store, "al-marsad", "ar", IRAN_AR_MUTATED, T0 + timedelta(days=3))
    update_registry(store)
    report = {g["key"]: g for g in figure_report(store)}
    g = report[group_key("count", 1500, "protester")]
    assert g["origin"]["item_id"] == ids[0]
    assert g["language_codes"] == ["de", "en", "fa", "fr"]
    assert [t["raw"] for t in g["timeline"]] == ["1,500", "۱۵۰۰", "1\u202f500", "1.500"]
    assert g["mutations"] == [{"key": group_key("count", 1700, "protester"), "value": 1700.0}]
    assert report[group_key("count", 1700, "protester")]["mutation_of"]["value"] == 1500.0


def test_cli_figures_report_json_lists_repeated_figures(store: Store, database_url: str) -> None:
    _iran_story(store)
    update_registry(store)
    env = {**os.environ, "MONITOR_DATABASE_URL": database_url}
    env.pop("MONITOR_CONFIG", None)
    r = subprocess.run([sys.executable, "-m", "monitor.cli.app", "figures-report", "--json"], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (fig,) = json.loads(r.stdout)["figures"]
    assert (fig["value"], fig["outlets"], fig["label"]) == (1500.0, 4, "1,500 protesters")


def test_demo_corpus_planted_figures_and_mutation_are_found(demo_settings: Any) -> None:
    from monitor.pipeline import open_configured_store, run_cycle

    expected_file = Path(__file__).parents[1] / "config" / "demo" / "expected.yaml"
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))["figures"]
    assert expected, "the demo plants repeated figures"
    run_cycle(demo_settings)
    store = open_configured_store(demo_settings)
    with store.read() as conn:
        keyed = {(r.name, r.item_key): r.id for r in conn.execute(
            select(feeds.c.name, items.c.item_key, items.c.id).join(feeds, feeds.c.id == items.c.feed_id))}
    by_value = {g["value"]: g for g in figure_report(store, min_outlets=1, limit=1000)}
    for planted in expected:
        g = by_value[float(planted["value"])]
        member_ids = {t["item_id"] for t in g["timeline"]}
        want = {keyed[(m.split(":", 1)[0], m.split(":", 1)[1])] for m in planted["members"]}
        assert want <= member_ids, planted["name"]
        if "mutation" in planted:
            mutated = by_value[float(planted["mutation"]["value"])]
            assert mutated["mutation_of"]["value"] == float(planted["value"])


def test_claims_without_a_known_topic_group_only_when_they_share_names(store: Store) -> None:
    _add(store, "a", "en", "The Caspian pipeline to Baku will carry 4,300 barrels, Gazprom said.", T0)
    _add(store, "b", "en", "Gazprom said its Caspian pipeline to Baku would carry 4,300 barrels.",
         T0 + timedelta(hours=2))
    _add(store, "c", "en", "A new stadium in Leeds will seat 4,300 fans next season.", T0 + timedelta(hours=3))
    update_registry(store)
    report = figure_report(store)
    (g,) = [r for r in report if r["value"] == 4300.0]
    assert (g["key"], g["outlet_names"]) == (group_key("count", 4300, None), ["a", "b"])
