"""The Narratives page as a FastAPI app: ``GET /`` (HTML), ``GET /data.json`` and ``POST /review``
(an analyst label, JSON only). Access control and the reviewer's identity are injected, so the
Airflow plugin can put it behind Airflow's login and permissions while this module stays free of Airflow."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, HTTPException, Request
from fastapi import params as fastapi_params
from fastapi.params import Depends
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from monitor.config import Settings, load_settings
from monitor.digest import safe_link
from monitor.errors import MonitorError
from monitor.pipeline import open_configured_store
from monitor.store import Store
from monitor.timeutil import Clock, utcnow
from monitor.ui.data import page_data

TEMPLATES = Path(__file__).resolve().parent / "templates"
INGEST_DAG = "monitor_ingest"


def run_link(run_id: str | None, *, base: str = "", dag_id: str = INGEST_DAG) -> str | None:
    """The Airflow UI page of a DAG run; None for runs that did not come from Airflow
    (``monitor run`` on the command line uses plain hex ids)."""
    if not run_id or "__" not in run_id:
        return None
    return f"{base}/dags/{quote(dag_id, safe='')}/runs/{quote(run_id, safe='')}"


# Feed links on the page pass the same check as in the digest: absolute http(s) only.
safe_href = safe_link


class ReviewRequest(BaseModel):
    """What the review form sends. Who labels is never part of it: the reviewer is the logged-in
    user (extra fields such as ``by`` are refused)."""

    model_config = ConfigDict(extra="forbid")
    kind: str
    subject: str
    verdict: str
    value: str | None = None
    note: str | None = None


def check_same_origin_json(request: Request) -> None:
    """Writes accept only JSON from this site: a cross-site HTML form can send neither a JSON
    content type nor a foreign page's Origin without the browser's CORS preflight stopping it."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/json":
        raise HTTPException(415, "the review endpoint accepts application/json only")
    origin = request.headers.get("origin")
    # Behind a reverse proxy the browser's host arrives as X-Forwarded-Host; a foreign page cannot
    # set that header on a cross-site request without a preflight either.
    ours = {request.headers.get("host"), request.headers.get("x-forwarded-host")} - {None}
    if origin is not None and urlsplit(origin).netloc not in ours:
        raise HTTPException(403, "cross-site review requests are refused")


def record_review(store: Store, body: ReviewRequest, reviewer: str) -> dict[str, Any]:
    """The label through monitor.review, applied to the store at once (as ``monitor review`` does)."""
    from monitor.review import add_label, apply_labels

    label = add_label(store, body.kind, body.subject, body.verdict, reviewer, value=body.value or None,
                      note=body.note or None)
    return {"label": label, "applied": apply_labels(store)}


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
               airflow_base: str = "", title: str = "monitor — Narratives",
               reviewer: Callable[..., Awaitable[str]] | None = None,
               review_dependencies: Sequence[Depends] = (), clock: Clock = utcnow) -> FastAPI:
    """The app; ``store`` is called on every request (see ``ConfiguredStore``), ``clock`` gives
    "now" for the page's periods (coordination, templates, blind spots). ``dependencies``
    guard every route; ``POST /review`` exists only with a ``reviewer`` dependency (it returns the
    authenticated user's name) and is guarded by ``review_dependencies`` as well (a stronger
    permission than reading)."""
    app = FastAPI(title=title, dependencies=list(dependencies), docs_url=None, redoc_url=None, openapi_url=None)
    env = _environment(airflow_base)
    env.globals["can_review"] = reviewer is not None

    def gather() -> tuple[dict[str, Any] | None, str | None]:
        try:
            return page_data(store(), clock=clock), None
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

    if reviewer is not None:
        who: Any = fastapi_params.Depends(reviewer)

        @app.post("/review", dependencies=[*review_dependencies, fastapi_params.Depends(check_same_origin_json)])
        async def review(request: Request, name: str = who) -> JSONResponse:
            try:
                body = ReviewRequest.model_validate(await request.json())
            except (ValueError, ValidationError) as e:
                return JSONResponse({"error": f"malformed review request: {str(e).splitlines()[0]}"}, 422)
            try:
                result = await run_in_threadpool(record_review, store(), body, name)
            except MonitorError as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            return JSONResponse(result)

    return app
