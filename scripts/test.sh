#!/usr/bin/env bash
# Set up everything and run every test, on SQLite and on the real PostgreSQL server.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
# Browser tests drive Debian's Chromium (never a browser downloaded by a tool); the deployment
# test has Debian's nginx check the configuration scripts/cluster.sh writes.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# PostgreSQL must be up on 127.0.0.1:5432 (the storage tests use the real server).
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# Line and branch coverage doubles the run time (sys.settrace on Python 3.11): on request only.
if [ "${COVERAGE:-0}" = 1 ]; then
  set -- --cov=webapp --cov-branch --cov-report=term:skip-covered "$@"
fi
exec .venv/bin/python -m pytest "$@"
