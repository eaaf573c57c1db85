"""Acceptance on the demo corpus (config/demo): the planted coordination pattern (expected.yaml
`coordination:`) is found, exported and shown in the digest; the digest lists the period's blind
spots (here a feed that fails, added to the demo feeds); coordinated copies are typed verbatim."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import fresh_database
from typer.testing import CliRunner

from monitor.cli.app import app
from monitor.config import CoordinationSettings, Settings, load_settings
from monitor.coordination import coordination_network, to_graphml
from monitor.copytype import copy_types
from monitor.demo import DEMO_DIR
from monitor.narratives import list_narratives
from monitor.pipeline import CycleResult, run_cycle
from monitor.store import Store, open_store

DEMO_NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
EXPECTED = yaml.safe_load((DEMO_DIR / "expected.yaml").read_text(encoding="utf-8"))
OUTLET_OF = {f["name"]: f["outlet"] for f in yaml.safe_load((DEMO_DIR / "feeds.yaml").read_text())["feeds"]}
BROKEN_FEED = "karachi-courier"  # planted in config/demo/feeds.yaml: its address returns 404


@dataclass
class Demo:
    store: Store
    settings: Settings
    result: CycleResult
    env: dict[str, str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_base_url: str) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("beyond")
    feeds = yaml.safe_load((DEMO_DIR / "feeds.yaml").read_text(encoding="utf-8")
                           .replace("${MONITOR_DEMO_BASE:-http://127.0.0.1:8765}", demo_base_url))
    feeds_file = tmp / "feeds.yaml"
    feeds_file.write_text(yaml.safe_dump(feeds), encoding="utf-8")
    with fresh_database(tmp) as url:
        env = {"MONITOR_DEMO_BASE": demo_base_url, "MONITOR_FEEDS": str(feeds_file),
               "MONITOR_DATA_DIR": str(tmp / "data"), "MONITOR_DATABASE_URL": url,
               "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true"}
        settings = load_settings(env=env)
        store = open_store(url)
        try:
            yield Demo(store, settings, run_cycle(settings, store=store, clock=lambda: DEMO_NOW), env)
        finally:
            store.close()


def _planted_outlets() -> set[str]:
    (planted,) = EXPECTED["coordination"]
    return {OUTLET_OF[name] for name in planted["outlets"]}


def test_the_planted_outlets_form_one_coordination_group(demo: Demo) -> None:
    network = coordination_network(demo.store, demo.settings.coordination, clock=lambda: DEMO_NOW)
    (planted,) = EXPECTED["coordination"]
    groups = [g for g in network.groups if set(g["outlets"]) & _planted_outlets()]
    assert len(groups) == 1
    assert set(groups[0]["outlets"]) == _planted_outlets()
    assert groups[0]["occasions"] >= len(planted["occasions"])


def test_every_planted_pair_is_flagged_with_lags_within_the_planted_spread(demo: Demo) -> None:
    network = coordination_network(demo.store, demo.settings.coordination, clock=lambda: DEMO_NOW)
    (planted,) = EXPECTED["coordination"]
    flagged = {frozenset(p.outlets): p for p in network.pairs if p.flagged}
    outlets = sorted(_planted_outlets())
    for i, a in enumerate(outlets):
        for b in outlets[i + 1:]:
            pair = flagged[frozenset((a, b))]
            assert pair.count >= 3
            assert all(o.lag_minutes <= planted["max_spread_minutes"] for o in pair.occasions)
            assert pair.occasions[0].title


def test_no_pair_outside_the_planted_network_is_flagged(demo: Demo) -> None:
    network = coordination_network(demo.store, demo.settings.coordination, clock=lambda: DEMO_NOW)
    assert {o for p in network.pairs if p.flagged for o in p.outlets} == _planted_outlets()


def test_declared_syndication_is_marked_not_flagged(demo: Demo) -> None:
    owners = {outlet: "One Media Holding" for outlet in _planted_outlets()}
    network = coordination_network(demo.store, CoordinationSettings(owners=owners), clock=lambda: DEMO_NOW)
    assert not network.groups
    declared = [p for p in network.pairs if set(p.outlets) <= _planted_outlets()]
    assert declared and all(p.declared == "same owner: One Media Holding" and not p.flagged for p in declared)


def test_fewer_shared_narratives_than_required_flag_nothing(demo: Demo) -> None:
    network = coordination_network(demo.store, CoordinationSettings(min_shared=4), clock=lambda: DEMO_NOW)
    assert not network.groups


def test_graphml_export_has_the_outlets_as_nodes_and_weighted_edges(demo: Demo) -> None:
    network = coordination_network(demo.store, demo.settings.coordination, clock=lambda: DEMO_NOW)
    root = ET.fromstring(to_graphml(network))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    labels = {d.text for d in root.findall(".//g:node/g:data[@key='label']", ns)}
    assert _planted_outlets() <= labels
    assert len(root.findall(".//g:edge", ns)) == len(network.pairs)


def test_coordination_command_prints_json_and_writes_graphml(demo: Demo, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in demo.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    out = tmp_path / "net.graphml"
    res = CliRunner().invoke(app, ["coordination", "--json", "--graphml", str(out)])
    assert res.exit_code == 0, res.output
    doc: dict[str, Any] = json.loads(res.output)
    assert [set(g["outlets"]) for g in doc["groups"]] == [_planted_outlets()]
    assert out.read_text(encoding="utf-8").startswith("<?xml")


def test_the_digest_shows_the_coordination_group(demo: Demo) -> None:
    (digest,) = demo.result.digests
    page = Path(digest["html"]).read_text(encoding="utf-8")
    section = page.split('id="coordination"', 1)[1].split("</td>", 1)[0]
    for outlet in _planted_outlets():
        assert outlet in section
    assert "Coordinated publishing" in Path(digest["eml"]).read_text(encoding="utf-8", errors="replace")


def test_the_digest_lists_the_failing_feed_under_what_we_could_not_see(demo: Demo) -> None:
    (digest,) = demo.result.digests
    page = Path(digest["html"]).read_text(encoding="utf-8")
    section = page.split('id="blind-spots"', 1)[1].split("</td>", 1)[0]
    assert "What we could not see" in section
    assert BROKEN_FEED in section and "failing" in section


def test_coordinated_copies_are_typed_verbatim(demo: Demo) -> None:
    for n in list_narratives(demo.store):
        types = copy_types(demo.store, n["id"])
        if {t["outlet"] for t in types} == _planted_outlets() and len(types) == 3:
            assert sorted(t["copy_type"] for t in types) == ["origin", "verbatim", "verbatim"]
            assert all("jaccard" in t["scores"] and "edited_jaccard" in t["thresholds"]
                       for t in types if t["copy_type"] != "origin")
            return
    pytest.fail("no narrative of exactly the three coordinated outlets")




def test_the_planted_template_is_found_in_the_store_and_shown_in_the_digest(demo: Demo) -> None:
    from monitor.templates_tp import store_templates

    (planted,) = EXPECTED["templates"]
    found = store_templates(demo.store)
    (t,) = [t for t in found if len(t["outlets"]) == 3 and "jobs" in t["template"]]
    assert sorted(t["variants"]) == sorted(tuple(v) for v in planted["members"].values())
    feed = planted["first_use"].split(":", 1)[0]
    assert t["first_use"]["outlet"] == OUTLET_OF[feed]
    page = Path(demo.result.digests[0]["html"]).read_text(encoding="utf-8")
    section = page.split('id="templates"', 1)[1].split("</td>", 1)[0]
    assert "Murmansk Oblast" in section and "Talking-point templates" in section
    assert "3 items from Al-Marsad, Tehran Dispatch, Vestnik Vostoka" in section


def test_a_period_reports_the_templates_first_fetched_in_it_though_published_before_it(demo: Demo) -> None:
    from monitor.templates_tp import store_templates

    # the corpus claims 17-23 November; the cycle fetched it at DEMO_NOW
    fetched_period = store_templates(demo.store, DEMO_NOW - timedelta(hours=1), DEMO_NOW + timedelta(hours=1))
    assert any("Murmansk Oblast" in str(t["variants"]) for t in fetched_period)
    assert store_templates(demo.store, DEMO_NOW + timedelta(days=1), DEMO_NOW + timedelta(days=8)) == []


def test_the_coordination_window_counts_items_fetched_in_it(demo: Demo) -> None:
    later = DEMO_NOW + timedelta(days=3)  # the corpus' publication dates are out of a 1-day lookback by then
    network = coordination_network(demo.store, demo.settings.coordination.model_copy(update={"lookback_days": 4}),
                                   clock=lambda: later)
    assert [set(g["outlets"]) for g in network.as_dict()["groups"]] == [_planted_outlets()]
    gone = coordination_network(demo.store, demo.settings.coordination.model_copy(update={"lookback_days": 2}),
                                clock=lambda: later)
    assert gone.as_dict()["groups"] == []


def test_templates_command_prints_json(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in demo.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    res = CliRunner().invoke(app, ["templates", "--json", "--days", "100000"])
    assert res.exit_code == 0, res.output
    assert any(len(t["outlets"]) == 3 for t in json.loads(res.output))


def test_copy_types_command_shows_the_translations_of_the_kerman_report(demo: Demo,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from monitor.store.tables import items, narrative_members

    for k, v in demo.env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    with demo.store.read() as conn:
        nid = conn.execute(select(narrative_members.c.narrative_id)
                           .join(items, items.c.id == narrative_members.c.item_id)
                           .where(items.c.item_key == "nl-2026-11-20-kerman-earthquake")).scalar_one()
    res = CliRunner().invoke(app, ["copy-types", nid, "--json"])
    assert res.exit_code == 0, res.output
    types = {r["outlet"]: r["copy_type"] for r in json.loads(res.output)}
    assert types == {"Northern Ledger": "origin", "Tehran Dispatch": "translated", "Al-Marsad": "translated"}


def test_digest_cards_name_each_members_copy_type(demo: Demo) -> None:
    page = Path(demo.result.digests[0]["html"]).read_text(encoding="utf-8")
    assert "(verbatim, " in page  # the coordinated and republished copies
    assert "(translated, crosslingual" in page  # the Kerman and Darfur translations


def test_the_narratives_page_shows_coordination_templates_and_blind_spots(demo: Demo) -> None:
    from fastapi.testclient import TestClient

    from monitor.ui.app import create_app

    client = TestClient(create_app(lambda: demo.store, clock=lambda: DEMO_NOW))  # the corpus' week
    page = client.get("/").text
    coordination = page.split('id="coordination"', 1)[1].split("<h2", 1)[0]
    assert all(outlet in coordination for outlet in _planted_outlets())
    assert "Murmansk Oblast" in page.split('id="templates"', 1)[1].split("<h2", 1)[0]
    blind = page.split('id="blind-spots"', 1)[1].split("<h2", 1)[0]
    assert BROKEN_FEED in blind
    data = client.get("/data.json").json()
    assert [set(g["outlets"]) for g in data["coordination"]] == [_planted_outlets()]
