"""End to end in a real browser: `make airflow`'s script starts `airflow standalone` on 127.0.0.1
with the project's DAGs and plugins; Debian's Chromium, driven by Playwright, logs in, sees the DAGs
without import errors, triggers an ingest run and watches it succeed, and finds the demo narratives
on the Narratives page. Screenshots go to a temporary folder, or to docs/airflow-*.png (referenced
from the README) when MONITOR_UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from monitor.config import load_settings
from monitor.demo import DEMO_DIR
from tests.airflow_support import DAG_IDS, ROOT, VENV_BIN, airflow_env

CHROMIUM = Path("/usr/bin/chromium")
DOCS = (ROOT / "docs" if os.environ.get("MONITOR_UPDATE_SCREENSHOTS") == "1"
        else Path(tempfile.mkdtemp(prefix="monitor-screenshots-")))
STARTUP_LIMIT_S = 240  # a deadline for a slow CI machine, not an assertion about speed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (`make system-deps`)"),
    # The page reads its own SQLite demo store, so the PostgreSQL pass of CI would repeat the same run.
    pytest.mark.skipif(bool(os.environ.get("MONITOR_TEST_DATABASE_URL")),
                       reason="browser test runs once, in the SQLite pass"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _up(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)
    except OSError:
        return False


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory, demo_base_url: str) -> Iterator[dict[str, Any]]:
    """scripts/airflow-standalone.sh on a free port, over a demo store filled by one full cycle."""
    from monitor.pipeline import run_cycle

    work = tmp_path_factory.mktemp("standalone")
    monitor_env = {
        "MONITOR_FEEDS": str(DEMO_DIR / "feeds.yaml"), "MONITOR_DATA_DIR": str(work / "data"),
        "MONITOR_DEMO_BASE": demo_base_url, "MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS": "true",
    }
    settings = load_settings(env=monitor_env)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MONITOR_DEMO_BASE", demo_base_url)  # the feeds file reads it from os.environ
        report = run_cycle(settings).report
    assert report["narratives"] > 0
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "MONITOR_"))}
    env |= airflow_env(work / "airflow_home") | monitor_env
    env |= {"AIRFLOW_PORT": str(port), "AIRFLOW_HOST": "127.0.0.1", "PATH": f"{VENV_BIN}{os.pathsep}{env['PATH']}"}
    for k in ("AIRFLOW__CORE__EXECUTION_API_SERVER_URL",):
        env.pop(k, None)
    log = (work / "standalone.log").open("wb")
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "airflow-standalone.sh")], env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_LIMIT_S
        while not _up(f"{url}/api/v2/monitor/health"):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = (work / "standalone.log").read_text()[-4000:]
                pytest.fail(f"airflow standalone did not come up; log:\n{tail}")
            time.sleep(1)
        passwords = work / "airflow_home" / "simple_auth_manager_passwords.json.generated"
        yield {"url": url, "password": json.loads(passwords.read_text())["admin"], "settings": settings,
               "log": work / "standalone.log"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def browser(standalone: dict[str, Any]) -> Iterator[Any]:
    # After `standalone`: Playwright's sync API keeps an event loop running in this thread, and the
    # demo cycle that fills the store uses asyncio.run() for fetching.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser: Any, standalone: dict[str, Any]) -> Iterator[Any]:
    """A logged-in page (admin, password from the generated passwords file)."""
    pg = browser.new_page(viewport={"width": 1400, "height": 900})
    pg.goto(standalone["url"])
    pg.fill("input[name=username]", "admin")
    pg.fill("input[name=password]", standalone["password"])
    pg.click("button:has-text('Sign in')")
    pg.wait_for_url(lambda u: "/auth/login" not in u, timeout=60_000)
    yield pg
    pg.close()


def test_pages_need_a_login(browser: Any, standalone: dict[str, Any]) -> None:
    anonymous = browser.new_page()
    try:
        assert anonymous.goto(f"{standalone['url']}/monitor/").status == 401
        anonymous.goto(standalone["url"])
        anonymous.wait_for_selector("input[name=password]", timeout=60_000)
    finally:
        anonymous.close()


def test_dags_are_listed_without_import_errors(page: Any, standalone: dict[str, Any]) -> None:
    page.goto(f"{standalone['url']}/dags")
    for dag_id in DAG_IDS:  # the dag-processor parses the folder shortly after start
        page.wait_for_selector(f"text={dag_id}", timeout=120_000)
    errors = page.request.get(f"{standalone['url']}/api/v2/importErrors").json()
    assert errors["total_entries"] == 0, errors
    page.screenshot(path=str(DOCS / "airflow-dags.png"))


def test_triggered_ingest_run_succeeds(page: Any, standalone: dict[str, Any]) -> None:
    url = standalone["url"]
    assert page.request.patch(f"{url}/api/v2/dags/monitor_ingest", data={"is_paused": False}).ok
    created = page.request.post(f"{url}/api/v2/dags/monitor_ingest/dagRuns",
                                data={"logical_date": None, "conf": {"force": True}})
    assert created.ok, created.text()
    run_id = created.json()["dag_run_id"]
    state, deadline = "queued", time.monotonic() + 180
    while state not in ("success", "failed") and time.monotonic() < deadline:
        time.sleep(2)
        state = page.request.get(f"{url}/api/v2/dags/monitor_ingest/dagRuns/{quote(run_id, safe='')}").json()["state"]
    assert state == "success", standalone["log"].read_text()[-3000:]
    page.goto(f"{url}/dags/monitor_ingest/runs/{quote(run_id, safe='')}")
    page.wait_for_selector("text=fetch", timeout=60_000)
    page.wait_for_selector("text=Success", timeout=60_000)
    page.screenshot(path=str(DOCS / "airflow-run.png"))
    standalone["run_id"] = run_id


def test_narratives_page_shows_the_demo_narratives(page: Any, standalone: dict[str, Any]) -> None:
    from monitor.pipeline import open_configured_store
    from monitor.ui.data import top_narratives

    store = open_configured_store(standalone["settings"])
    expected = [n["title"] for n in top_narratives(store, limit=3)]
    store.close()
    assert expected, "the demo store has narratives"
    page.goto(f"{standalone['url']}/plugin/narratives")
    frame = page.frame_locator("iframe")
    for title in expected:
        frame.get_by_text(title, exact=False).first.wait_for(timeout=60_000)
    assert frame.locator("tr.narrative").count() >= len(expected)
    assert frame.locator("tr.feed").count() >= 3
    if "run_id" in standalone:  # feed health links each feed to the ingest run that fetched it last
        link = frame.locator(f"a[href='/dags/monitor_ingest/runs/{quote(standalone['run_id'], safe='')}']")
        assert link.count() >= 1
    page.screenshot(path=str(DOCS / "airflow-narratives.png"), full_page=True)


def test_an_analyst_labels_a_narrative_member_from_the_page(page: Any, standalone: dict[str, Any]) -> None:
    """The review form posts through Airflow's session (admin may edit monitor_analyze's runs); the
    label names the logged-in user and is listed under "Analyst review"."""
    page.goto(f"{standalone['url']}/plugin/narratives")
    frame = page.frame_locator("iframe")
    frame.locator("tr.narrative details > summary").first.click()
    frame.locator("details.rv > summary").first.click()
    form = frame.locator("form.review").first
    form.locator("input[name=note]").fill("checked against the outlet's site")
    form.locator("button[value=right]").click()
    form.locator("output.ok").wait_for(timeout=30_000)
    assert "by admin" in form.locator("output").inner_text()
    page.reload()
    frame = page.frame_locator("iframe")
    frame.locator("tr.label").first.wait_for(timeout=60_000)
    assert "admin" in frame.locator("tr.label").first.inner_text()
    # The screenshot for the README: a member's review form open, then the analyst sections.
    page.set_viewport_size({"width": 1400, "height": 2300})
    frame.locator("tr.narrative details > summary").first.click()
    frame.locator("details.rv > summary").first.click()
    frame.locator("form.review").first.wait_for()
    page.screenshot(path=str(DOCS / "airflow-narratives-review.png"))
    page.set_viewport_size({"width": 1400, "height": 900})
