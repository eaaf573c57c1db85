"""The review form of the Narratives page on the real Airflow API server: labels are JSON POSTs to
/monitor/review, need a login and the right to edit monitor_analyze's runs (reading is not enough),
name the logged-in user (never a name from the form), go through monitor.review like `monitor
review`, and change what the next analysis run produces.
Articles: tests/data/matching/articles.json (real English, Russian and Persian news text)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from monitor.narratives import update_narratives
from monitor.store import Store
from monitor.store.tables import review_labels
from tests.airflow_support import airflow_home
from tests.test_matching import T0, add_items
from tests.test_review import narrative_of, run

KEYS = ["story_en", "verbatim_en", "story_ru", "edited_en"]


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


def _as(role: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {_token(role)}"} if role else {}


@pytest.fixture
def analysed(store: Store, database_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Four related articles after one analysis run, in the store the page reads."""
    monkeypatch.setenv("MONITOR_DATABASE_URL", database_url)
    monkeypatch.delenv("MONITOR_CONFIG", raising=False)
    ids = add_items(store, KEYS)
    run(store, list(ids.values()))
    return ids


def _labels(store: Store) -> list[Any]:
    with store.read() as conn:
        return list(conn.execute(select(review_labels).order_by(review_labels.c.id)).all())


def _post(client: Any, body: dict[str, Any], role: str | None, **headers: str) -> Any:
    client.cookies.clear()
    return client.post("/monitor/review", json=body, headers=_as(role) | headers)


def test_an_anonymous_review_is_refused(api_server: Any, analysed: dict[str, int], store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "wrong"}, None)
    assert r.status_code == 401
    assert _labels(store) == []


def test_a_reader_may_open_the_page_but_not_review(api_server: Any, analysed: dict[str, int], store: Store) -> None:
    api_server.cookies.clear()
    assert api_server.get("/monitor/", headers=_as("viewer")).status_code == 200
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "wrong"}, "viewer")
    assert r.status_code == 403
    assert _labels(store) == []


def test_an_editor_review_is_stored_under_the_logged_in_name(api_server: Any, analysed: dict[str, int],
                                                             store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "wrong",
                           "note": "a different event"}, "user")
    assert r.status_code == 200, r.text
    assert r.json()["label"]["reviewer"] == "u-user"
    (label,) = _labels(store)
    assert (label.kind, label.subject, label.verdict, label.reviewer, label.note) == (
        "membership", str(analysed["story_ru"]), "wrong", "u-user", "a different event")


def test_the_session_cookie_of_the_ui_is_enough_to_review(api_server: Any, analysed: dict[str, int],
                                                          store: Store) -> None:
    api_server.cookies.clear()
    api_server.cookies.set("_token", _token("admin"))
    r = api_server.post("/monitor/review", json={"kind": "language", "subject": str(analysed["story_ru"]),
                                                 "verdict": "right"})
    api_server.cookies.clear()
    assert r.status_code == 200, r.text
    assert [lb.reviewer for lb in _labels(store)] == ["u-admin"]


def test_a_reviewer_name_in_the_request_is_refused(api_server: Any, analysed: dict[str, int], store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "wrong",
                           "reviewer": "someone-else"}, "user")
    assert r.status_code == 422
    assert _labels(store) == []


def test_a_form_encoded_post_as_a_cross_site_form_sends_it_is_refused(api_server: Any, analysed: dict[str, int],
                                                                      store: Store) -> None:
    api_server.cookies.clear()
    api_server.cookies.set("_token", _token("admin"))
    r = api_server.post("/monitor/review", data={"kind": "membership", "subject": str(analysed["story_ru"]),
                                                 "verdict": "wrong"})
    api_server.cookies.clear()
    assert r.status_code == 415
    assert _labels(store) == []


def test_a_request_from_another_origin_is_refused(api_server: Any, analysed: dict[str, int], store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "wrong"},
              "user", Origin="https://evil.example")
    assert r.status_code == 403
    assert _labels(store) == []


def test_a_request_from_the_site_behind_a_proxy_is_accepted(api_server: Any, analysed: dict[str, int],
                                                            store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": str(analysed["story_ru"]), "verdict": "right"},
              "user", Origin="https://news-desk.example", **{"X-Forwarded-Host": "news-desk.example"})
    assert r.status_code == 200, r.text
    assert len(_labels(store)) == 1


def test_a_label_about_something_unknown_is_a_clear_error(api_server: Any, analysed: dict[str, int],
                                                          store: Store) -> None:
    r = _post(api_server, {"kind": "membership", "subject": "999999", "verdict": "wrong"}, "user")
    assert r.status_code == 400
    assert "999999" in r.json()["error"]
    r = _post(api_server, {"kind": "language", "subject": str(analysed["story_ru"]), "verdict": "wrong"}, "user")
    assert r.status_code == 400 and "language" in r.json()["error"]
    assert _labels(store) == []


def test_a_membership_rejected_in_the_ui_stays_out_of_the_next_analysis_run(
        api_server: Any, analysed: dict[str, int], store: Store) -> None:
    ru = analysed["story_ru"]
    assert narrative_of(store).get(ru) == narrative_of(store)[analysed["story_en"]]
    r = _post(api_server, {"kind": "membership", "subject": str(ru), "verdict": "wrong"}, "user")
    assert r.status_code == 200 and ru not in narrative_of(store)
    update_narratives(store, None, clock=lambda: T0)  # the next run's narrative update over every match
    member = narrative_of(store)
    assert ru not in member
    assert member[analysed["story_en"]] == member[analysed["verbatim_en"]] == member[analysed["edited_en"]]
    api_server.cookies.clear()
    page = api_server.get("/monitor/data.json", headers=_as("viewer")).json()
    assert all(m["id"] != ru for n in page["narratives"] for m in n["members"])


def test_a_match_rejected_in_the_ui_stays_split_on_the_next_analysis_run(
        api_server: Any, analysed: dict[str, int], store: Store) -> None:
    en, ver = analysed["story_en"], analysed["verbatim_en"]
    r = _post(api_server, {"kind": "match", "subject": f"{en}:{ver}", "verdict": "wrong"}, "user")
    assert r.status_code == 200, r.text
    update_narratives(store, None, clock=lambda: T0)
    member = narrative_of(store)
    assert member.get(en) != member.get(ver)


def test_the_page_offers_the_review_form_and_lists_the_labels(api_server: Any, analysed: dict[str, int]) -> None:
    assert _post(api_server, {"kind": "language", "subject": str(analysed["story_ru"]), "verdict": "right",
                              "note": "checked by a native speaker"}, "user").status_code == 200
    api_server.cookies.clear()
    html = api_server.get("/monitor/", headers=_as("viewer")).text
    assert 'class="review"' in html and f'data-item="{analysed["verbatim_en"]}"' in html
    assert "Analyst review" in html and "u-user" in html and "checked by a native speaker" in html
