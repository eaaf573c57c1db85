"""Airflow UI plugin: a "Narratives" page (narratives with origin and spread, repeated figures,
latest alerts, feed health) served by a FastAPI app mounted on the API server at /monitor and
shown in the UI's navigation as an external view. Only logged-in users who may read the runs of
the monitor DAGs can open it; everyone else gets 401/403 like the rest of Airflow's API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.core_api.security import requires_access_dag
from airflow.configuration import conf
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends

URL_PREFIX = "/monitor"


def _app() -> Any:
    from monitor.ui.app import ConfiguredStore, create_app

    # Reading the page means reading what the monitor DAG runs produced.
    allowed = Depends(requires_access_dag("GET", DagAccessEntity.RUN, param_dag_id="monitor_ingest"))
    # Links to DAG runs must carry the UI's path prefix when Airflow is served under one.
    base = urlsplit(conf.get("api", "base_url", fallback="") or "").path.rstrip("/")
    return create_app(ConfiguredStore(), dependencies=[allowed], airflow_base=base)


class MonitorNarrativesPlugin(AirflowPlugin):
    name = "monitor_narratives"
    # AirflowPlugin's extension points are class attributes by design.
    fastapi_apps = [{"app": _app(), "url_prefix": URL_PREFIX, "name": "monitor narratives"}]  # noqa: RUF012
    external_views = [{  # noqa: RUF012
        "name": "Narratives",
        "href": f"{URL_PREFIX}/",
        "destination": "nav",
        "url_route": "narratives",
        "nav_top_level": True,
    }]
