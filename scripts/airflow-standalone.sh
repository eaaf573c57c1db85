#!/usr/bin/env bash
# `make airflow`: Airflow 3 in one process tree (`airflow standalone`: api-server with the UI,
# scheduler, dag-processor, triggerer) with the project's DAGs and the Narratives plugin, and a
# project-local AIRFLOW_HOME (airflow_home/, gitignored).
#
# Without MONITOR_FEEDS in the environment it runs on the offline demo: the demo feeds are
# served on 127.0.0.1:8765 and the store is the one `make demo` fills (var/demo), so the
# Narratives page shows the demo narratives at once. Set MONITOR_FEEDS (and MONITOR_DATA_DIR or
# MONITOR_DATABASE_URL, MONITOR_CONFIG) to run on your own feeds instead.
#
# Environment: AIRFLOW_HOST (127.0.0.1), AIRFLOW_PORT (8080), AIRFLOW_HOME (airflow_home/).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export AIRFLOW_HOME="${AIRFLOW_HOME:-$ROOT/airflow_home}"
export AIRFLOW__CORE__DAGS_FOLDER="$ROOT/dags"
export AIRFLOW__CORE__PLUGINS_FOLDER="$ROOT/plugins"
export AIRFLOW__CORE__LOAD_EXAMPLES=False
export AIRFLOW__API__HOST="${AIRFLOW_HOST:-127.0.0.1}"
export AIRFLOW__API__PORT="${AIRFLOW_PORT:-8080}"
export AIRFLOW__CORE__EXECUTION_API_SERVER_URL="http://${AIRFLOW__API__HOST}:${AIRFLOW__API__PORT}/execution/"
mkdir -p "$AIRFLOW_HOME"

if ! command -v airflow >/dev/null; then
  echo "airflow is not on PATH: run \`make airflow\` (it puts .venv/bin first), or activate .venv" >&2
  exit 1
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [[ -z "${MONITOR_FEEDS:-}" ]]; then
  export MONITOR_FEEDS="$ROOT/config/demo/feeds.yaml"
  export MONITOR_DATA_DIR="${MONITOR_DATA_DIR:-$ROOT/var/demo}"
  export MONITOR_HTTP__ALLOW_PRIVATE_NETWORKS=true
  export MONITOR_DEMO_BASE="${MONITOR_DEMO_BASE:-http://127.0.0.1:8765}"
  demo_port="${MONITOR_DEMO_BASE##*:}"
  python -m http.server "$demo_port" --bind 127.0.0.1 --directory "$ROOT/config/demo/site" >/dev/null 2>&1 &
  pids+=($!)
  echo "» demo mode: feeds from $MONITOR_DEMO_BASE, store under $MONITOR_DATA_DIR"
fi

echo "» starting airflow standalone (AIRFLOW_HOME=$AIRFLOW_HOME); it migrates its database first …"
airflow standalone &
pids+=($!)

url="http://${AIRFLOW__API__HOST}:${AIRFLOW__API__PORT}"
for _ in $(seq 1 120); do
  if python - "$url/api/v2/monitor/health" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2)
PY
  sleep 1
done

# The fetch tasks run in this pool (politeness towards publishers); tasks wait until it exists.
airflow pools set feed_fetch "${MONITOR_FEED_FETCH_SLOTS:-4}" "Concurrent feed fetch tasks" >/dev/null

passwords="$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated"
cat <<MSG

────────────────────────────────────────────────────────────────────────
 Airflow is up:     $url
 Narratives page:   $url/plugin/narratives   (also in the navigation bar)
 Log in as:         admin
 Password:          $(python -c "import json,sys; print(json.load(open(sys.argv[1])).get('admin','?'))" "$passwords" 2>/dev/null || echo "see $passwords")
                    (stored in $passwords)
 DAGs start paused: unpause them in the UI, or trigger monitor_ingest with {"force": true}.
 Stop with Ctrl-C.
────────────────────────────────────────────────────────────────────────
MSG
wait "${pids[-1]}"
