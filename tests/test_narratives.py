"""Narratives built from stored matches (monitor.narratives) and `monitor narratives` /
`monitor narrative ID`."""

from __future__ import annotations

import json

from sqlalchemy import select
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.config import MatchingSettings
from monitor.matching import index_items, match_items
from monitor.narratives import growth_per_day, list_narratives, narrative_detail, update_narratives
from monitor.store import Store
from monitor.store.tables import narrative_members, narratives
from tests.test_matching import T0, add_items

STORY = ["story_en", "verbatim_en", "story_ru", "story_fa", "edited_en"]
OTHERS = ["other_en", "other_fr", "other_ru", "other2_fa"]


def build(store: Store, keys: list[str]) -> dict[str, int]:
    ids = add_items(store, keys)
    settings = MatchingSettings()
    index_items(store, settings, list(ids.values()))
    match_items(store, settings, list(ids.values()))
    update_narratives(store, list(ids.values()), clock=lambda: T0)
    return ids


def membership(store: Store) -> dict[int, str]:
    with store.read() as conn:
        return dict(conn.execute(select(narrative_members.c.item_id, narrative_members.c.narrative_id)).all())


def test_copies_and_translations_form_one_narrative(store: Store) -> None:
    ids = build(store, STORY + OTHERS)
    member = membership(store)
    assert len({member.get(ids[k]) for k in STORY}) == 1
    assert all(ids[k] not in member for k in OTHERS)


def test_origin_is_the_earliest_published_member_with_outlet_and_url(store: Store) -> None:
    build(store, STORY)
    (row,) = list_narratives(store)
    assert row["origin"]["outlet"] == "Outlet story_en"
    assert row["origin"]["url"] == "https://story_en.example.org/a"
    assert row["first_seen"].startswith("2026-03-14T08:00")


def test_narrative_counts_outlets_and_languages(store: Store) -> None:
    build(store, STORY)
    (row,) = list_narratives(store)
    assert (row["size"], row["outlets"], row["languages"]) == (5, 5, 3)


def test_rerunning_adds_nothing(store: Store) -> None:
    ids = build(store, STORY + OTHERS)
    with store.read() as conn:
        before = conn.execute(select(narratives).order_by(narratives.c.id)).all()
    counts = update_narratives(store, list(ids.values()), clock=lambda: T0)
    with store.read() as conn:
        after = conn.execute(select(narratives).order_by(narratives.c.id)).all()
    assert (counts["created"], counts["joined"], counts["merged"]) == (0, 0, 0)
    assert before == after


def test_narrative_ids_are_stable_across_stores(store: Store, tmp_path: object) -> None:
    from monitor.store import open_store

    build(store, STORY)
    other = open_store(f"sqlite:///{tmp_path}/second.db")  # type: ignore[str-bytes-safe]
    try:
        build(other, STORY)
        assert [r["id"] for r in list_narratives(store)] == [r["id"] for r in list_narratives(other)]
    finally:
        other.close()


def test_detail_lists_members_in_time_order_with_their_evidence(store: Store) -> None:
    build(store, STORY)
    nid = list_narratives(store)[0]["id"]
    detail = narrative_detail(store, nid)
    assert detail is not None
    published = [m["published"] for m in detail["members"]]
    assert published == sorted(published)
    methods = {m["method"] for m in detail["members"]}
    assert {"origin", "minhash", "crosslingual"} <= methods
    cross = next(m for m in detail["members"] if m["method"] == "crosslingual")
    assert any(t.startswith("n:") for t in cross["evidence"]["shared"])
    assert detail["timeline"] == [{"day": "2026-03-14", "members": 5}]


def test_growth_counts_members_gained_per_day() -> None:
    assert growth_per_day(T0, T0.replace(day=16), 5) == 2.0
    assert growth_per_day(T0, T0, 3) == 2.0  # within a day: per one day


def test_unknown_narrative_has_no_detail(store: Store) -> None:
    assert narrative_detail(store, "Nnope") is None


def test_cli_lists_and_shows_narratives_as_json(store: Store) -> None:
    build(store, STORY)
    runner = CliRunner()
    env = {"MONITOR_DATABASE_URL": store.url}
    listed = runner.invoke(app, ["narratives", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    shown = runner.invoke(app, ["narrative", rows[0]["id"], "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.output)["size"] == 5


def test_cli_table_names_the_origin_outlet(store: Store) -> None:
    build(store, STORY)
    result = CliRunner().invoke(app, ["narratives"], env={"MONITOR_DATABASE_URL": store.url, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Outlet story_en" in result.output


def test_an_evidence_link_never_fuses_two_established_narratives(store: Store) -> None:
    from monitor.store.tables import matches

    ids = build(store, ["story_en", "verbatim_en", "other_fr", "other_en"])
    with store.write() as conn:
        conn.execute(matches.insert().values(item_id=ids["other_en"], other_id=ids["other_fr"], method="minhash",
                                             score=0.9, jaccard=0.9, containment=None, evidence={}, created_at=T0))
    update_narratives(store, list(ids.values()), clock=lambda: T0)
    before = membership(store)
    with store.write() as conn:
        conn.execute(matches.insert().values(item_id=ids["other_en"], other_id=ids["story_en"],
                                             method="crosslingual", score=0.4, jaccard=None, containment=None,
                                             evidence={"shared": []}, created_at=T0))
    update_narratives(store, list(ids.values()), clock=lambda: T0)
    assert membership(store) == before
    assert before[ids["story_en"]] != before[ids["other_en"]]
