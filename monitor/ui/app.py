"""The Narratives page as a FastAPI app: ``GET /`` (HTML) and ``GET /data.json``. Access control
is injected (``dependencies``), so the Airflow plugin can put it behind Airflow's login while
this module stays free of Airflow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.params import Depends
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import SQLAlchemyError

from monitor.config import Settings, load_settings
from monitor.errors import MonitorError
from monitor.pipeline import open_configured_store
from monitor.store import Store
from monitor.ui.data import page_data

TEMPLATES = Path(__file__).resolve().parent / "templates"
INGEST_DAG = "monitor_ingest"


def run_link(run_id: str | None, *, base: str = "", dag_id: str = INGEST_DAG) -> str | None:
    """The Airflow UI page of a DAG run; None for runs that did not come from Airflow
    (``monitor run`` on the command line uses plain hex ids)."""
    if not run_id or "__" not in run_id:
        return None
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


def safe_href(url: str | None) -> str | None:
    """Only http(s) links from feeds are rendered; javascript: and data: URLs are dropped."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def _environment(airflow_base: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    env.globals["run_link"] = lambda run_id, dag_id=INGEST_DAG: run_link(run_id, base=airflow_base, dag_id=dag_id)
    env.globals["airflow_base"] = airflow_base
    env.filters["href"] = safe_href
    return env


class ConfiguredStore:
    """Opens the store named by the current settings once and reuses it; reopens when the
    configured database changes (the settings are re-read on each call, which is cheap)."""

    def __init__(self, load: Callable[[], Settings] | None = None) -> None:
        self._load = load or load_settings
        self._open: dict[str, Store] = {}

    def __call__(self) -> Store:
        settings = self._load()
        url = settings.resolved_database_url()
        if url not in self._open:
            for old in self._open.values():
                old.close()
            self._open = {url: open_configured_store(settings)}
        return self._open[url]


def create_app(store: Callable[[], Store], *, dependencies: Sequence[Depends] = (),
               airflow_base: str = "", title: str = "monitor — Narratives") -> FastAPI:
    """The app; ``store`` is called on every request (see ``ConfiguredStore``)."""
    app = FastAPI(title=title, dependencies=list(dependencies), docs_url=None, redoc_url=None, openapi_url=None)
    env = _environment(airflow_base)

    def gather() -> tuple[dict[str, Any] | None, str | None]:
        try:
            return page_data(store()), None
        except (MonitorError, SQLAlchemyError) as e:
            return None, str(e).splitlines()[0]

    @app.get("/", response_class=HTMLResponse)
    def narratives_page(request: Request) -> HTMLResponse:
        data, error = gather()
        html = env.get_template("narratives.html.j2").render(data=data, error=error, title=title)
        return HTMLResponse(html, status_code=200 if error is None else 503)

    @app.get("/data.json")
    def narratives_json() -> JSONResponse:
        data, error = gather()
        if error is not None:
            return JSONResponse({"error": error}, status_code=503)
        return JSONResponse(data)

    return app
