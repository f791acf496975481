#!/usr/bin/env bash
# Set up everything and serve the app with demo data at http://127.0.0.1:8000 (SQLite by
# default; set DATABASE_URL for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export GUIA_DEMO=${GUIA_DEMO:-1}
.venv/bin/flask --app webapp setup
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "${BIND:-127.0.0.1:8000}" \
  --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' --access-logfile - 'webapp:create_app()'
