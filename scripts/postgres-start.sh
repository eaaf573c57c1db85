#!/usr/bin/env bash
# Install (Debian packages) and start a local PostgreSQL on 127.0.0.1:5432 with a `monitor` role and
# a `monitor_test` database; prints the SQLAlchemy URL to use as MONITOR_TEST_DATABASE_URL.
# Safe to re-run. Needs root (CI and the dev machines run as root).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
ver=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -q "^$ver main$"; then
  pg_createcluster "$ver" main >/dev/null
fi
pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
pg_isready -h 127.0.0.1 -p 5432 >/dev/null
su postgres -c "psql -q -v ON_ERROR_STOP=1" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'monitor') THEN
    CREATE ROLE monitor LOGIN PASSWORD 'monitor' CREATEDB;
  END IF;
END $$;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='monitor_test'\"" | grep -q 1 \
  || su postgres -c "createdb -O monitor monitor_test"
echo "postgresql+psycopg://monitor:monitor@127.0.0.1:5432/monitor_test"
