#!/usr/bin/env bash
# Set up everything and serve the app with demo data at http://127.0.0.1:8000 (SQLite by
# default; set DATABASE_URL for PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export GUIA_DEMO=${GUIA_DEMO:-1}
.venv/bin/flask --app webapp setup
if [ "$GUIA_DEMO" = "1" ]; then
  # Demo network: generated, then imported through the real import path (idempotent).
  mkdir -p instance
  [ -f instance/network-demo.csv ] || .venv/bin/python scripts/generate_network.py --count 20000 --out instance/network-demo.csv
  .venv/bin/flask --app webapp network import instance/network-demo.csv --full --rejects instance/network-demo-rejeicoes.csv
  # Demo histories again now that the network exists, so events link to real providers (idempotent).
  .venv/bin/flask --app webapp history demo
  # Demo reports for the network team's queue, on providers of that network (idempotent).
  .venv/bin/flask --app webapp agents demo
fi
exec .venv/bin/gunicorn --workers "${WORKERS:-2}" --bind "${BIND:-127.0.0.1:8000}" \
  --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms' --access-logfile - \
  --logger-class webapp.core.accesslog.GunicornLogger 'webapp:create_app()'
