"""A full monitoring cycle on the bundled demo corpus finds every planted case of
config/demo/expected.yaml, and running it again adds nothing.

The cycle runs once per module through the library (`monitor.pipeline.run_cycle`, the same calls
the DAGs make) against the store under test; each test checks one planted behaviour.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import fresh_database
from sqlalchemy import func, select

from monitor.config import load_settings
from monitor.demo import DEMO_DIR, check_planted
from monitor.pipeline import CycleResult, run_cycle
from monitor.store import Store, open_store
from monitor.store.tables import feeds, figure_groups, figures, items, narrative_members, narratives

EXPECTED = yaml.safe_load((DEMO_DIR / "expected.yaml").read_text(encoding="utf-8"))
COUNTED = (items, narratives, narrative_members, figure_groups, figures)


@dataclass
class Cycle:
    store: Store
    first: CycleResult
    second: CycleResult
    counts_after_first: dict[str, int]
    ids: dict[str, int]  # "<feed>:<guid>" -> item id

    def narrative_of(self, key: str) -> str | None:
        with self.store.read() as conn:
            return conn.execute(select(narrative_members.c.narrative_id)
                                .where(narrative_members.c.item_id == self.ids[key])).scalar_one_or_none()


def _counts(store: Store) -> dict[str, int]:
    with store.read() as conn:
        return {t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one()) for t in COUNTED}


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory, demo_base_url: str) -> Iterator[Cycle]:
    tmp = tmp_path_factory.mktemp("cycle")
    with fresh_database(tmp) as url:
        env = {"MONITOR_DEMO_BASE": demo_base_url, "MONITOR_FEEDS": str(DEMO_DIR / "feeds.yaml"),
               "MONITOR_DATA_DIR": str(tmp / "data"), "MONITOR_DATABASE_URL": url,
               "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true"}
        saved = os.environ.get("MONITOR_DEMO_BASE")
        os.environ["MONITOR_DEMO_BASE"] = demo_base_url  # feeds.yaml expands ${MONITOR_DEMO_BASE}
        try:
            settings = load_settings(env=env)
            store = open_store(url)
            first = run_cycle(settings, store=store)
            counts = _counts(store)
            second = run_cycle(settings, store=store)
            with store.read() as conn:
                ids = {f"{r.name}:{r.item_key}": r.id for r in conn.execute(
                    select(feeds.c.name, items.c.item_key, items.c.id).join(feeds, feeds.c.id == items.c.feed_id))}
            yield Cycle(store, first, second, counts, ids)
            store.close()
        finally:
            if saved is None:
                os.environ.pop("MONITOR_DEMO_BASE", None)
            else:
                os.environ["MONITOR_DEMO_BASE"] = saved


def _planted(case: str) -> list[dict[str, Any]]:
    return [n for n in EXPECTED["narratives"] if n["case"] == case]


def test_every_demo_feed_is_fetched_and_every_item_stored(cycle: Cycle) -> None:
    assert cycle.first.ingest.feeds_failed == 1  # karachi-courier, planted to fail (HTTP 404)
    assert cycle.first.ingest.feeds_ok == 7
    assert cycle.first.ingest.items_new == 96
    assert cycle.first.analyze.items == 96


def test_every_planted_case_of_the_demo_is_found(cycle: Cycle) -> None:
    cases = check_planted(cycle.store)
    assert {c.kind for c in cases} >= {"verbatim", "edited", "translated", "figure", "blind spot"}
    assert [c.name for c in cases if not c.found] == []


def test_teaser_only_feed_items_are_analysed_with_their_article_text(cycle: Cycle) -> None:
    assert cycle.first.extract.used == 6 and cycle.second.extract.candidates == 0
    with cycle.store.read() as conn:
        sources = dict(conn.execute(select(feeds.c.name, func.count(func.distinct(items.c.text_source)))
                                    .join(items, items.c.feed_id == feeds.c.id).group_by(feeds.c.name)).tuples().all())
        pennine = set(conn.execute(select(items.c.text_source).join(feeds, feeds.c.id == items.c.feed_id)
                                   .where(feeds.c.name == "pennine-post")).scalars())
    assert pennine == {"page"} and set(sources.values()) == {1}


def test_every_stored_item_gets_a_language_and_normalized_text(cycle: Cycle) -> None:
    with cycle.store.read() as conn:
        missing = conn.execute(select(func.count()).select_from(items).where(
            (items.c.lang.is_(None)) | (items.c.normalized_text.is_(None)) | (items.c.analyzed_at.is_(None)))
        ).scalar_one()
    assert missing == 0


@pytest.mark.parametrize("planted", [n for n in EXPECTED["narratives"] if n["case"] != "translated"],
                         ids=lambda n: n["case"] + ": " + n["name"][:40])
def test_planted_same_language_narrative_is_one_narrative_with_its_origin(cycle: Cycle,
                                                                          planted: dict[str, Any]) -> None:
    found = {m: cycle.narrative_of(m) for m in planted["members"]}
    nid = found[planted["origin"]]
    assert nid is not None, f"origin {planted['origin']} is in no narrative"
    assert all(v == nid for v in found.values()), found
    with cycle.store.read() as conn:
        origin = conn.execute(select(narratives.c.origin_item_id).where(narratives.c.id == nid)).scalar_one()
    assert origin == cycle.ids[planted["origin"]]


@pytest.mark.parametrize("planted", _planted("translated"), ids=lambda n: n["name"][:50])
def test_planted_translation_joins_its_original(cycle: Cycle, planted: dict[str, Any]) -> None:
    found = {m: cycle.narrative_of(m) for m in planted["members"]}
    nid = found[planted["origin"]]
    assert nid is not None, f"origin {planted['origin']} is in no narrative"
    assert all(v == nid for v in found.values()), found


def test_unrelated_items_share_no_narrative_with_another_outlet(cycle: Cycle) -> None:
    wrongly_grouped = []
    with cycle.store.read() as conn:
        for key in EXPECTED["unrelated"]:
            nid = cycle.narrative_of(key)
            if nid is None:
                continue
            outlets = conn.execute(select(func.count(func.distinct(items.c.feed_id)))
                                   .join(narrative_members, narrative_members.c.item_id == items.c.id)
                                   .where(narrative_members.c.narrative_id == nid)).scalar_one()
            if outlets > 1:
                wrongly_grouped.append(key)
    assert wrongly_grouped == []


@pytest.mark.parametrize("planted", EXPECTED["figures"], ids=lambda f: f["name"])
def test_planted_figure_is_found_in_every_format_it_was_written(cycle: Cycle, planted: dict[str, Any]) -> None:
    with cycle.store.read() as conn:
        for key, raw in planted["raw"].items():
            values = {v for (v,) in conn.execute(select(figures.c.value).where(figures.c.item_id == cycle.ids[key]))}
            assert float(planted["value"]) in values, f"{raw!r} in {key} not extracted as {planted['value']}"


@pytest.mark.parametrize("planted", EXPECTED["figures"], ids=lambda f: f["name"])
def test_planted_figure_is_one_repeated_figure_with_its_first_publisher(cycle: Cycle,
                                                                         planted: dict[str, Any]) -> None:
    member_ids = {cycle.ids[k] for k in planted["members"]}
    with cycle.store.read() as conn:
        groups = conn.execute(select(figures.c.group_id, figures.c.item_id)
                              .where(figures.c.item_id.in_(member_ids), figures.c.value == float(planted["value"]),
                                     figures.c.group_id.is_not(None))).all()
        group_ids = {g for g, _ in groups}
        assert len(group_ids) == 1, f"expected one repeated figure, got groups {group_ids}"
        assert {i for _, i in groups} == member_ids
        origin = conn.execute(select(figure_groups.c.origin_item_id)
                              .where(figure_groups.c.id == group_ids.pop())).scalar_one()
    assert origin == cycle.ids[planted["members"][0]]


def test_second_cycle_adds_no_items_narratives_or_figures(cycle: Cycle) -> None:
    assert cycle.second.ingest.items_new == 0
    assert _counts(cycle.store) == cycle.counts_after_first


def test_digest_files_are_written_for_each_subscription(cycle: Cycle) -> None:
    assert cycle.first.digests
    for d in cycle.first.digests:
        assert Path(d["html"]).is_file() and Path(d["eml"]).is_file()
