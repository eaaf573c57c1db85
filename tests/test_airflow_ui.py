"""The Narratives page inside the Airflow UI: the plugin mounts it on the real Airflow API server
behind Airflow's login and permissions, lists it in the navigation, and shows what the store holds
(narratives with origin and spread, repeated figures, alerts, feed health, links to DAG runs)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from monitor.config import Settings
from monitor.store import Store
from monitor.ui.app import run_link, safe_href
from tests.airflow_support import airflow_home


@pytest.fixture(scope="module")
def api_server() -> Iterator[Any]:
    """Airflow's API server app (with plugins) in process, with the test client."""
    airflow_home()
    from airflow.api_fastapi.app import create_app
    from fastapi.testclient import TestClient

    with TestClient(create_app(apps="all")) as client:
        yield client


def _token(role: str | None) -> str:
    from airflow.api_fastapi.app import get_auth_manager
    from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser

    return str(get_auth_manager().generate_jwt(SimpleAuthManagerUser(username=f"u-{role}", role=role)))


@pytest.fixture
def demo_store(demo_settings: Settings, store: Store) -> Store:
    """The store under test after one full cycle on the demo corpus, via ``monitor run``'s code path."""
    from monitor.pipeline import run_cycle

    run_cycle(demo_settings, store=store)
    return store


def test_page_requires_login(api_server: Any) -> None:
    api_server.cookies.clear()
    assert api_server.get("/monitor/").status_code == 401
    assert api_server.get("/monitor/data.json").status_code == 401


def test_page_rejects_a_forged_token(api_server: Any) -> None:
    api_server.cookies.clear()
    r = api_server.get("/monitor/", headers={"Authorization": "Bearer not-a-real-token"})
    assert r.status_code in (401, 403)


def test_page_rejects_a_user_without_permissions(api_server: Any) -> None:
    api_server.cookies.clear()
    r = api_server.get("/monitor/", headers={"Authorization": f"Bearer {_token(None)}"})
    assert r.status_code == 403


def test_logged_in_viewer_sees_the_demo_narratives(api_server: Any, demo_store: Store) -> None:
    api_server.cookies.clear()
    # The browser sends the UI's session cookie, not a header: the page must accept it.
    api_server.cookies.set("_token", _token("viewer"))
    r = api_server.get("/monitor/")
    assert r.status_code == 200
    assert "Narratives" in r.text and "Repeated figures" in r.text and "Feed health" in r.text
    data = api_server.get("/monitor/data.json").json()
    assert data["narratives"], "the demo corpus plants several narratives"
    top = data["narratives"][0]
    assert len(top["outlets"]) >= 2 and top["origin"]["outlet"] in top["outlets"]
    assert top["title"] in r.text
    assert data["feed_summary"]["total"] >= 3
    api_server.cookies.clear()


def test_plugin_adds_a_narratives_entry_to_the_navigation(api_server: Any) -> None:
    api_server.cookies.clear()
    r = api_server.get("/api/v2/plugins", headers={"Authorization": f"Bearer {_token('admin')}"})
    assert r.status_code == 200
    plugins = {p["name"]: p for p in r.json()["plugins"]}
    views = plugins["monitor_narratives"]["external_views"]
    assert views[0]["name"] == "Narratives" and views[0]["destination"] == "nav"
    assert views[0]["href"] == "/monitor/"


def test_items_fetched_by_an_airflow_run_link_to_that_run() -> None:
    link = run_link("manual__2026-11-25T01:00:00+00:00")
    assert link == "/dags/monitor_ingest/runs/manual__2026-11-25T01%3A00%3A00%2B00%3A00"
    assert run_link("3923310d9cf54642") is None  # a `monitor run` from the command line
    assert run_link(None) is None


def test_only_http_links_from_feeds_are_rendered() -> None:
    assert safe_href("https://example.org/a") == "https://example.org/a"
    assert safe_href("javascript:alert(1)") is None
    assert safe_href("data:text/html,x") is None
