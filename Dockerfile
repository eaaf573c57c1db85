# The Airflow image with monitor installed: `docker compose build` (see docker-compose.yml).
# Extends the official image instead of _PIP_ADDITIONAL_REQUIREMENTS, so containers start
# without installing anything. The -python3.11 tag matches the interpreter constraints.txt was
# frozen with (apache/airflow:3.3.2 defaults to a newer Python).
FROM apache/airflow:3.3.2-python3.11

ENV MONITOR_HOME=/opt/monitor
WORKDIR /opt/monitor

# Dependencies first (cached while only the code changes), pinned by the project's constraints.
COPY --chown=airflow:root pyproject.toml constraints.txt README.md ./
COPY --chown=airflow:root monitor ./monitor
RUN pip install --no-cache-dir -c constraints.txt ".[airflow,postgres]"

COPY --chown=airflow:root scripts/compose-init.sh ./scripts/compose-init.sh
COPY --chown=airflow:root dags /opt/airflow/dags
COPY --chown=airflow:root plugins /opt/airflow/plugins
COPY --chown=airflow:root config ./config

WORKDIR /opt/airflow
