"""The docker compose deployment, checked statically (no Docker engine runs here): the shape of
Airflow 3.3's official compose file, LocalExecutor by default with a scalable Celery profile,
secrets from .env, healthchecks, monitor's config mounted beside Airflow's, and every file the
compose file and the Dockerfile refer to present in the repository."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
AIRFLOW_SERVICES = ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer",
                    "airflow-worker", "airflow-init")
LONG_RUNNING = ("postgres", "redis", "mailpit", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor",
                "airflow-triggerer", "airflow-worker")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return dict(compose["services"])


def _env_example() -> dict[str, str]:
    out = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value
    return out


def _dockerfile() -> list[str]:
    """Dockerfile instructions with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def test_compose_has_the_services_of_airflows_official_file(services: dict[str, Any]) -> None:
    assert set(AIRFLOW_SERVICES) | {"postgres", "redis", "mailpit"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    commands = {name: services[name].get("command") for name in AIRFLOW_SERVICES}
    assert commands["airflow-apiserver"] == "api-server"
    assert commands["airflow-scheduler"] == "scheduler"
    assert commands["airflow-dag-processor"] == "dag-processor"
    assert commands["airflow-triggerer"] == "triggerer"
    assert commands["airflow-worker"] == "celery worker"


def test_airflow_services_run_the_project_image_built_from_the_dockerfile(services: dict[str, Any]) -> None:
    for name in AIRFLOW_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == services["airflow-scheduler"]["image"], name
    assert (ROOT / "Dockerfile").is_file()


def test_image_extends_airflow_332_and_installs_the_project_with_constraints() -> None:
    lines = _dockerfile()
    assert lines[0].split()[0] == "FROM" and lines[0].split()[1].startswith("apache/airflow:3.3.2")
    installs = [ln for ln in lines if ln.startswith("RUN") and "pip install" in ln]
    assert any("-c constraints.txt" in ln and "." in ln for ln in installs)
    assert re.search(r"^apache-airflow==3\.3\.2$", (ROOT / "constraints.txt").read_text(), re.M)


def test_no_runtime_pip_installs(compose: dict[str, Any]) -> None:
    assert "_PIP_ADDITIONAL_REQUIREMENTS" not in (ROOT / "docker-compose.yml").read_text(encoding="utf-8")


def test_every_file_the_dockerfile_copies_exists_and_is_not_dockerignored() -> None:
    ignored = [ln.strip() for ln in (ROOT / ".dockerignore").read_text().splitlines()
               if ln.strip() and not ln.startswith("#")]
    for line in _dockerfile():
        if not line.startswith("COPY"):
            continue
        sources = [p for p in line.split()[1:-1] if not p.startswith("--")]
        for src in sources:
            assert (ROOT / src).exists(), src
            assert src.rstrip("/") not in ignored, src
    assert {".venv", ".env", ".git"} <= set(ignored)


def test_local_executor_by_default_and_celery_workers_in_a_profile(compose: dict[str, Any],
                                                                   services: dict[str, Any]) -> None:
    env = compose["x-airflow-common"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    assert services["redis"]["profiles"] == ["celery"]
    assert services["airflow-worker"]["profiles"] == ["celery"]
    assert "redis" in services["airflow-worker"]["depends_on"]
    assert env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")


def test_workers_can_be_scaled(services: dict[str, Any]) -> None:
    worker = services["airflow-worker"]
    # `--scale airflow-worker=N` refuses services with a fixed container name or host port.
    assert "container_name" not in worker
    assert "ports" not in worker


def test_secrets_come_from_env_and_are_shared_by_every_airflow_service(compose: dict[str, Any],
                                                                       services: dict[str, Any]) -> None:
    env = compose["x-airflow-common"]["environment"]
    assert env["AIRFLOW__API_AUTH__JWT_SECRET"].startswith("${AIRFLOW_JWT_SECRET:?")
    assert env["AIRFLOW__CORE__FERNET_KEY"].startswith("${AIRFLOW_FERNET_KEY:?")
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    for name in AIRFLOW_SERVICES:
        svc_env = services[name]["environment"]
        assert svc_env["AIRFLOW__API_AUTH__JWT_SECRET"] == env["AIRFLOW__API_AUTH__JWT_SECRET"], name
        assert svc_env["AIRFLOW__CORE__FERNET_KEY"] == env["AIRFLOW__CORE__FERNET_KEY"], name


def test_every_variable_the_compose_file_reads_is_in_env_example() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"(?<!\$)\$\{([A-Z_][A-Z0-9_]*)", text))
    assert used
    assert used <= set(_env_example()), sorted(used - set(_env_example()))


def test_env_example_is_never_the_real_env() -> None:
    assert ".env" in (ROOT / ".gitignore").read_text().split()
    assert "change-me" in _env_example()["AIRFLOW_JWT_SECRET"]


def test_long_running_services_have_healthchecks(services: dict[str, Any]) -> None:
    for name in LONG_RUNNING:
        check = services[name].get("healthcheck")
        assert check and check.get("test"), name


def test_airflow_services_wait_for_init_and_a_healthy_database(services: dict[str, Any]) -> None:
    for name in ("airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"):
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        assert deps["airflow-init"]["condition"] == "service_completed_successfully", name


def test_monitor_config_is_mounted_beside_airflows_own_config(compose: dict[str, Any]) -> None:
    volumes = compose["x-airflow-common"]["volumes"]
    targets = {v.split(":")[1]: v.split(":")[0] for v in volumes}
    assert "/opt/airflow/config" not in targets
    assert targets["/opt/monitor/config"] == "./config"
    env = compose["x-airflow-common"]["environment"]
    assert env["MONITOR_FEEDS"].startswith("/opt/monitor/config/")
    assert targets["/opt/airflow/dags"] == "./dags" and targets["/opt/airflow/plugins"] == "./plugins"


def test_every_mounted_project_directory_exists(compose: dict[str, Any]) -> None:
    for volume in compose["x-airflow-common"]["volumes"]:
        source = volume.split(":")[0]
        if source.startswith("./") and source != "./logs":  # logs/ is created by the containers
            assert (ROOT / source).is_dir(), source


def test_monitor_uses_its_own_database_on_the_same_server(compose: dict[str, Any]) -> None:
    env = compose["x-airflow-common"]["environment"]
    assert env["MONITOR_DATABASE_URL"].endswith("@postgres/monitor")
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].endswith("@postgres/airflow")


def test_init_migrates_and_creates_pool_connection_and_monitor_database(services: dict[str, Any]) -> None:
    init = services["airflow-init"]
    assert init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
    script_path = "scripts/compose-init.sh"
    assert f"/opt/monitor/{script_path}" in "\n".join(init["command"])
    script = (ROOT / script_path).read_text(encoding="utf-8")
    assert "CREATE DATABASE" in script and "open_configured_store" in script
    assert re.search(r"airflow pools set feed_fetch ", script)
    assert re.search(r"airflow connections add smtp_default ", script)
    assert f"COPY --chown=airflow:root {script_path}" in " ".join(_dockerfile())


def test_pool_and_connection_match_what_the_dags_use() -> None:
    from monitor.config import DigestSettings

    ingest = (ROOT / "dags" / "monitor_ingest.py").read_text(encoding="utf-8")
    assert 'pool="feed_fetch"' in ingest
    assert DigestSettings().airflow_conn_id == "smtp_default"


def test_mailpit_receives_the_smtp_traffic(compose: dict[str, Any], services: dict[str, Any]) -> None:
    assert services["mailpit"]["image"].startswith("axllent/mailpit")
    assert "8025:8025" in services["mailpit"]["ports"]
    env = compose["x-airflow-common"]["environment"]
    assert env["MONITOR_SMTP_URL"] == "smtp://mailpit:1025"
    assert "mailpit:1025" in _env_example()["MONITOR_SMTP_CONN_URI"]


def test_readme_documents_compose_and_shows_the_airflow_screenshots() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "cp .env.example .env" in readme and "docker compose up -d" in readme
    assert "--profile celery" in readme and "--scale airflow-worker=" in readme
    shots = re.findall(r"\(docs/(airflow-[a-z-]+\.png)\)", readme)
    assert shots
    for name in shots:
        assert (ROOT / "docs" / name).is_file(), name
