"""Airflow UI plugin: a "Narratives" page (narratives with origin and spread, repeated figures,
latest alerts, feed health, analyst review) served by a FastAPI app mounted on the API server at
/monitor and shown in the UI's navigation as an external view. Only logged-in users who may read the
runs of the monitor DAGs can open it; only those who may edit monitor_analyze's runs can label (the
label names the logged-in user); everyone else gets 401/403 like the rest of Airflow's API."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from airflow.api_fastapi.auth.managers.models.resource_details import DagAccessEntity
from airflow.api_fastapi.core_api.security import GetUserDep, requires_access_dag
from airflow.configuration import conf
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends

URL_PREFIX = "/monitor"


async def _reviewer(user: GetUserDep) -> str:
    """The reviewer is whoever the validated token names (never a name sent by the form)."""
    return str(user.get_name())


def _app() -> Any:
    from monitor.ui.app import ConfiguredStore, create_app

    # Reading the page means reading what the monitor DAG runs produced.
    allowed = Depends(requires_access_dag("GET", DagAccessEntity.RUN, param_dag_id="monitor_ingest"))
    # Links to DAG runs must carry the UI's path prefix when Airflow is served under one.
    base = urlsplit(conf.get("api", "base_url", fallback="") or "").path.rstrip("/")
    # A label changes what the next monitor_analyze run produces: it needs the right to edit its runs
    # (the "user" role and above under the simple auth manager; a policy under FAB or Keycloak).
    may_review = Depends(requires_access_dag("PUT", DagAccessEntity.RUN, param_dag_id="monitor_analyze"))
    return create_app(ConfiguredStore(), dependencies=[allowed], airflow_base=base,
                      reviewer=_reviewer, review_dependencies=[may_review])


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
