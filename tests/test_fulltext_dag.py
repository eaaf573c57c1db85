"""The Airflow ingest DAG fetches the article pages of the demo's teaser-only outlet in a mapped
`extract` step between fetching feeds and publishing the items Asset, and a second run fetches none."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from monitor.config import Settings
from monitor.store import Store
from monitor.store.tables import items, pages
from tests.airflow_support import DAGS, airflow_home


@pytest.fixture(scope="module")
def dagbag() -> Any:
    airflow_home()
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def _run(dagbag: Any, conf: dict[str, Any]) -> Any:
    dag = dagbag.get_dag("monitor_ingest")
    return dag.test(run_conf={**{k: dag.params[k] for k in dag.params}, **conf})


def test_extract_is_a_mapped_step_between_feed_fetching_and_publishing(dagbag: Any) -> None:
    from airflow.sdk.definitions.mappedoperator import MappedOperator

    dag = dagbag.get_dag("monitor_ingest")
    extract = dag.get_task("extract")
    assert isinstance(extract, MappedOperator)
    assert "fetch" in dag.get_task("plan_pages").upstream_task_ids
    assert "extract" in dag.get_task("publish").upstream_task_ids


@pytest.mark.airflow
def test_ingest_run_stores_the_teaser_feeds_article_pages_once(dagbag: Any, demo_settings: Settings,
                                                               store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_FULLTEXT__PER_HOST_DELAY", "0")
    assert _run(dagbag, {"force": True}).state == "success"
    with store.read() as conn:
        used = conn.execute(select(func.count()).select_from(pages).where(pages.c.used)).scalar_one()
        from_pages = conn.execute(select(func.count()).where(items.c.text_source == "page")).scalar_one()
        fetched = conn.execute(select(pages.c.item_id, pages.c.fetched_at)).all()
    assert used == from_pages == 6
    assert _run(dagbag, {"force": True}).state == "success"
    with store.read() as conn:
        assert conn.execute(select(pages.c.item_id, pages.c.fetched_at)).all() == fetched
