"""Figure labels and the figure registry: a figure an analyst marked wrong leaves its repeated
figure on the next registry update (and alerts count it no more); marking it right again brings it
back. Texts: the real multilingual Iran-protest sentences of tests/test_figure_registry.py."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from monitor.alerts import evaluate_alerts
from monitor.config import AlertRules
from monitor.figure_registry import group_key, update_registry
from monitor.review import add_label
from monitor.store import Store
from monitor.store.tables import alerts, figures
from tests.test_figure_registry import IRAN_EN, IRAN_FA, T0, _add, _groups, _iran_story

KEY = group_key("count", 1500, "protester")


def figure_of(store: Store, item_id: int) -> int:
    with store.read() as conn:
        return int(conn.execute(select(figures.c.id).where(figures.c.item_id == item_id, figures.c.value == 1500))
                   .scalar_one())


def group_of(store: Store, figure_id: int) -> int | None:
    with store.read() as conn:
        gid = conn.execute(select(figures.c.group_id).where(figures.c.id == figure_id)).scalar_one()
    return int(gid) if gid is not None else None


def test_a_figure_marked_wrong_leaves_its_repeated_figure_on_the_next_update(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store)
    assert _groups(store)[KEY].items == 4
    wrong = figure_of(store, ids[3])
    add_label(store, "figure", str(wrong), "wrong", "ana", note="a different count")
    # The next update only brings a new item; the label is respected all the same.
    new = _add(store, "daily-courier", "en", "The carmaker will cut 1,500 jobs in Sunderland.", T0 + timedelta(days=3))
    update_registry(store, [new])
    g = _groups(store)[KEY]
    assert (g.items, g.outlets, g.languages) == (3, 3, 3)
    assert group_of(store, wrong) is None


def test_a_rejected_figure_stays_out_when_the_registry_reruns_over_everything(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store)
    wrong = figure_of(store, ids[1])
    add_label(store, "figure", str(wrong), "wrong", "ana")
    update_registry(store)
    update_registry(store)
    assert group_of(store, wrong) is None
    assert _groups(store)[KEY].items == 3


def test_a_rejected_origin_hands_the_origin_to_the_next_item(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store)
    add_label(store, "figure", str(figure_of(store, ids[0])), "wrong", "ana")
    update_registry(store, [])
    assert _groups(store)[KEY].origin_item_id == ids[1]


def test_a_repeated_figure_left_with_one_item_is_gone_and_alerts_no_more(store: Store) -> None:
    en = _add(store, "northern-ledger", "en", IRAN_EN, T0)
    fa = _add(store, "tehran-dispatch", "fa", IRAN_FA, T0 + timedelta(hours=2))
    update_registry(store)
    assert KEY in _groups(store)
    add_label(store, "figure", str(figure_of(store, fa)), "wrong", "ana")
    update_registry(store, [])
    assert KEY not in _groups(store)
    assert group_of(store, figure_of(store, en)) is None
    evaluate_alerts(store, AlertRules(), clock=lambda: T0 + timedelta(hours=3))
    with store.read() as conn:
        assert conn.execute(select(alerts.c.kind).where(alerts.c.kind == "figure_repeated")).all() == []


def test_the_same_pair_alerts_without_the_label(store: Store) -> None:
    _add(store, "northern-ledger", "en", IRAN_EN, T0)
    _add(store, "tehran-dispatch", "fa", IRAN_FA, T0 + timedelta(hours=2))
    update_registry(store)
    evaluate_alerts(store, AlertRules(), clock=lambda: T0 + timedelta(hours=3))
    with store.read() as conn:
        assert conn.execute(select(alerts.c.kind).where(alerts.c.kind == "figure_repeated")).all() != []


def test_marking_a_rejected_figure_right_again_brings_it_back(store: Store) -> None:
    ids = _iran_story(store)
    update_registry(store)
    fig = figure_of(store, ids[2])
    add_label(store, "figure", str(fig), "wrong", "ana", clock=lambda: T0)
    update_registry(store, [])
    add_label(store, "figure", str(fig), "right", "ben", clock=lambda: T0 + timedelta(hours=1))
    update_registry(store, [])
    assert _groups(store)[KEY].items == 4
    assert group_of(store, fig) is not None
