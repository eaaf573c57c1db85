#!/usr/bin/env bash
# One-off setup run by the airflow-init service of docker-compose.yml, after Airflow's own
# migrations: create monitor's database, migrate it, and create the pool and SMTP connection
# the DAGs use. Every step is idempotent, so `docker compose up` can run it each time.
set -euo pipefail

echo "monitor: ensuring database and schema at ${MONITOR_DATABASE_URL%%://*}://…"
python - <<'PY'
import os

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

url = make_url(os.environ["MONITOR_DATABASE_URL"])
if url.get_backend_name() == "postgresql":
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{url.database}"'))
            print(f"monitor: created database {url.database}")
    admin.dispose()

from monitor.config import load_settings
from monitor.pipeline import open_configured_store

open_configured_store(load_settings()).close()
print("monitor: store migrated")
PY

airflow pools set feed_fetch "${MONITOR_FEED_FETCH_SLOTS:-4}" "Concurrent feed fetch tasks (politeness towards publishers)"

# Recreate the connection so a changed MONITOR_SMTP_CONN_URI takes effect.
airflow connections delete smtp_default >/dev/null 2>&1 || true
airflow connections add smtp_default --conn-uri "${MONITOR_SMTP_CONN_URI:-smtp://mailpit:1025?disable_ssl=true&disable_tls=true}"

echo "monitor: ready. UI on http://localhost:8080, mail on http://localhost:8025"
