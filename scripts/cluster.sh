#!/usr/bin/env bash
# The production topology on this machine, on loopback, in a scratch directory: a PostgreSQL
# primary and a streaming hot-standby replica, Redis, two or more gunicorn instances of the app
# and nginx in front, every one configured by the files in deploy/.
#
#   bash scripts/cluster.sh up          start what is not running (sets up the data once), wait, print the URLs
#   bash scripts/cluster.sh down        stop everything and remove the scratch directory
#   bash scripts/cluster.sh status      what runs
#   bash scripts/cluster.sh kill-app N | stop-app N | start-app N    app instance N (1, 2, …)
#   bash scripts/cluster.sh stop-replica | start-replica | restart-primary
#   bash scripts/cluster.sh nginx-conf DIR   write the nginx configuration `up` uses into DIR
#
# Settings (read by `up`, then kept in $CLUSTER_DIR/cluster.env, which every other command and
# scripts/drill.py read): CLUSTER_DIR (/tmp/guia-cluster), CLUSTER_APPS (2), CLUSTER_WORKERS (2,
# gunicorn workers per instance), CLUSTER_NGINX_PORT (8180; instance N listens on that + N),
# CLUSTER_PG_PORT (5442; the replica on the next), CLUSTER_REDIS_PORT (6390). Never 5432 nor
# 6379: those serve the tests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${CLUSTER_DIR:-/tmp/guia-cluster}
ENV_FILE=$DIR/cluster.env

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}
say() { printf '%s\n' "$*" >&2; }
die() { say "cluster: $*"; exit 1; }

# --- settings: one source of truth, written once by `up` --------------------------------------

load_settings() {
  if [ -f "$ENV_FILE" ]; then
    # shellcheck disable=SC1090
    . "$ENV_FILE"
  else
    APPS=${CLUSTER_APPS:-2}
    WORKERS=${CLUSTER_WORKERS:-2}
    NGINX_PORT=${CLUSTER_NGINX_PORT:-8180}
    PG_PORT=${CLUSTER_PG_PORT:-5442}
    REPLICA_PORT=$((PG_PORT + 1))
    REDIS_PORT=${CLUSTER_REDIS_PORT:-6390}
    PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
  fi
  PGDIR=$DIR/pg
  SOCKETS=$PGDIR/run
  PUBLIC_URL=http://127.0.0.1:$NGINX_PORT
}

write_settings() {
  local db_password repl_password
  db_password=$(openssl rand -hex 16)
  repl_password=$(openssl rand -hex 16)
  umask 077
  cat >"$ENV_FILE" <<EOF
# Written by scripts/cluster.sh up; read by its other commands and by scripts/drill.py.
ROOT=$ROOT
APPS=$APPS
WORKERS=$WORKERS
NGINX_PORT=$NGINX_PORT
PG_PORT=$PG_PORT
REPLICA_PORT=$REPLICA_PORT
REDIS_PORT=$REDIS_PORT
PG_BIN=$PG_BIN
DB_PASSWORD=$db_password
REPL_PASSWORD=$repl_password
PRIMARY_URL=postgresql://guia:$db_password@127.0.0.1:$PG_PORT/guia
REPLICA_URL=postgresql://guia:$db_password@127.0.0.1:$REPLICA_PORT/guia
EOF
  umask 022
}

app_port() { echo $((NGINX_PORT + $1)); }

# --- what the machine needs ---------------------------------------------------------------------

install_packages() {
  local missing=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v envsubst >/dev/null 2>&1 || missing+=(gettext-base)
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  if [ ${#missing[@]} -gt 0 ]; then
    say "Instalando ${missing[*]} (pacotes Debian)…"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  fi
}

NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

# --- PostgreSQL ---------------------------------------------------------------------------------

pg_running() { [ -f "$PGDIR/$1/postmaster.pid" ] && as_postgres "$PG_BIN/pg_ctl" -D "$PGDIR/$1" status >/dev/null 2>&1; }

pg_start() {  # $1 primary|replica, $2 port
  pg_running "$1" && return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDIR/$1" -l "$PGDIR/log/$1.log" -w -t 60 \
    -o "-p $2 -c listen_addresses=127.0.0.1 -k $SOCKETS" start >/dev/null
}

pg_stop() {  # $1 primary|replica
  pg_running "$1" || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$PGDIR/$1" -m fast -w -t 60 stop >/dev/null
}

psql_primary() { as_postgres "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKETS" -p "$PG_PORT" -U postgres "$@"; }

setup_primary() {
  if [ ! -f "$PGDIR/primary/PG_VERSION" ]; then
    mkdir -p "$PGDIR/log" "$SOCKETS"
    chown -R postgres:postgres "$PGDIR"
    chmod 700 "$PGDIR" "$SOCKETS"
    local pwfile=$PGDIR/superuser-password
    openssl rand -hex 16 >"$pwfile" && chown postgres "$pwfile" && chmod 600 "$pwfile"
    # Local socket: the postgres OS user only (its directory is 0700); TCP: passwords (scram).
    as_postgres "$PG_BIN/initdb" -D "$PGDIR/primary" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=peer --auth-host=scram-sha-256 --pwfile="$pwfile" >/dev/null
    rm -f "$pwfile"
    echo "include '$ROOT/deploy/postgresql/primary.conf'" >>"$PGDIR/primary/postgresql.conf"
    pg_start primary "$PG_PORT"
    psql_primary -d postgres <<EOF
CREATE ROLE guia LOGIN PASSWORD '$DB_PASSWORD';
CREATE DATABASE guia OWNER guia;
CREATE ROLE replicator REPLICATION LOGIN PASSWORD '$REPL_PASSWORD';
EOF
  fi
  pg_start primary "$PG_PORT"
}

setup_replica() {
  if [ ! -f "$PGDIR/replica/PG_VERSION" ]; then
    # A copy of the primary that keeps streaming from it (-R writes primary_conninfo and
    # standby.signal); the password goes to a passfile of the postgres user, not to the copy.
    local passfile=$PGDIR/.pgpass
    echo "127.0.0.1:$PG_PORT:replication:replicator:$REPL_PASSWORD" >"$passfile"
    chown postgres "$passfile" && chmod 600 "$passfile"
    as_postgres env PGPASSFILE="$passfile" "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PORT" -U replicator \
      -D "$PGDIR/replica" -R -X stream -c fast
    echo "primary_conninfo = 'host=127.0.0.1 port=$PG_PORT user=replicator passfile=$passfile application_name=replica'" \
      >>"$PGDIR/replica/postgresql.auto.conf"
    echo "include '$ROOT/deploy/postgresql/replica.conf'" >>"$PGDIR/replica/postgresql.conf"
  fi
  pg_start replica "$REPLICA_PORT"
}

replica_streaming() {
  [ "$(psql_primary -d postgres -Atc "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" -ge 1 ]
}

# --- Redis ----------------------------------------------------------------------------------------

redis_running() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; }

start_redis() {
  redis_running && return 0
  mkdir -p "$DIR/redis" "$DIR/log" "$DIR/run"
  redis-server "$ROOT/deploy/redis.conf" --port "$REDIS_PORT" --dir "$DIR/redis" \
    --pidfile "$DIR/run/redis.pid" --logfile "$DIR/log/redis.log" --daemonize yes
  for _ in $(seq 1 50); do redis_running && return 0; sleep 0.1; done
  die "o Redis não respondeu na porta $REDIS_PORT"
}

# --- the app --------------------------------------------------------------------------------------

write_app_env() {
  # The documented template, filled in: deploy/guia.env.example with this cluster's values.
  local secret
  secret=$(openssl rand -hex 32)
  umask 077
  sed -e "s|^SECRET_KEY=.*|SECRET_KEY=$secret|" \
      -e "s|^DATABASE_URL=.*|DATABASE_URL=postgresql://guia:$DB_PASSWORD@127.0.0.1:$PG_PORT/guia|" \
      -e "s|^DATABASE_REPLICA_URL=.*|DATABASE_REPLICA_URL=postgresql://guia:$DB_PASSWORD@127.0.0.1:$REPLICA_PORT/guia|" \
      -e "s|^REDIS_URL=.*|REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0|" \
      -e "s|^PUBLIC_URL=.*|PUBLIC_URL=$PUBLIC_URL|" \
      -e "s|^MAIL_URL=.*||" \
      "$ROOT/deploy/guia.env.example" >"$DIR/guia.env"
  # The app's older name of PUBLIC_URL, for a checkout from before the alias.
  echo "PUBLIC_BASE_URL=$PUBLIC_URL" >>"$DIR/guia.env"
  umask 022
}

# The app's environment, read the way systemd's EnvironmentFile= and docker's --env-file read it:
# KEY=value per line, the value literally (no quotes, no expansion).
load_app_env() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    case $line in '' | '#'*) continue ;; esac
    export "${line?}"
  done <"$DIR/guia.env"
  export PYTHONPATH=$ROOT  # this checkout's webapp, whatever the virtualenv was installed from
}

flask_cli() { (load_app_env && cd "$ROOT" && .venv/bin/flask --app webapp "$@"); }

seed_data() {
  [ -f "$DIR/seeded" ] && return 0
  say "Migrando o primário e carregando o catálogo e os dados de demonstração…"
  # Migrations first, against the primary, before any instance starts (as in a release).
  flask_cli db upgrade >/dev/null
  GUIA_DEMO=1 flask_cli setup >/dev/null
  mkdir -p "$ROOT/instance"
  local csv=$ROOT/instance/network-demo.csv
  [ -f "$csv" ] || "$ROOT/.venv/bin/python" "$ROOT/scripts/generate_network.py" --count 20000 --out "$csv" >/dev/null
  flask_cli network import "$csv" --full --rejects "$DIR/network-rejeicoes.csv" >/dev/null
  GUIA_DEMO=1 flask_cli history demo >/dev/null
  touch "$DIR/seeded"
}

app_pid() { local f=$DIR/run/app-$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

# Ready: /readyz answers 200; an app without it, /healthz; without either, the home page.
app_ready() {
  local base=http://127.0.0.1:$(app_port "$1") path code
  for path in /readyz /healthz /; do
    code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$base$path" || true)
    [ "$code" = 404 ] && continue
    [ "$code" = 200 ]
    return
  done
  return 1
}

start_app() {
  local n=$1 port
  port=$(app_port "$n")
  [ -n "$(app_pid "$n")" ] && return 0
  mkdir -p "$DIR/run" "$DIR/log" "$DIR/apps/$n/metrics"
  (
    load_app_env
    export GUIA_BIND=127.0.0.1:$port GUIA_WORKERS=${WORKERS_OVERRIDE:-$WORKERS}
    export PROMETHEUS_MULTIPROC_DIR=$DIR/apps/$n/metrics
    cd "$ROOT"
    # A session of its own, so `kill-app` can end the instance (master and workers) at once.
    exec setsid .venv/bin/gunicorn -c deploy/gunicorn.conf.py --pid "$DIR/run/app-$n.pid"
  ) >>"$DIR/log/app-$n.log" 2>&1 </dev/null &
  for _ in $(seq 1 150); do
    app_ready "$n" && return 0
    sleep 0.2
  done
  die "a instância $n não ficou pronta (veja $DIR/log/app-$n.log)"
}

kill_app() {  # SIGKILL: the instance dies at once, its requests in flight with it
  local pid
  pid=$(app_pid "$1") || return 0
  kill -KILL -- "-$(ps -o pgid= -p "$pid" | tr -d ' ')" 2>/dev/null || kill -KILL "$pid"
  rm -f "$DIR/run/app-$1.pid"
}

stop_app() {  # SIGTERM: workers finish what they hold (graceful_timeout)
  local pid
  pid=$(app_pid "$1") || return 0
  kill -TERM "$pid"
  for _ in $(seq 1 250); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$DIR/run/app-$1.pid"
}

# --- nginx ------------------------------------------------------------------------------------------

# The site from deploy/nginx-site.conf and a main configuration that keeps every file of this nginx
# (pid, logs, temporary files) in $1: the same code for `up` and for the configuration test.
render_nginx_conf() {  # $1 directory, $2 listen port, then the instances' ports
  local out=$1 listen=$2 servers="" port
  shift 2
  for port in "$@"; do servers+="server 127.0.0.1:$port max_fails=1 fail_timeout=10s; "; done
  mkdir -p "$out/tmp" "$out/logs"
  GUIA_LISTEN=127.0.0.1:$listen GUIA_SERVER_NAME=127.0.0.1 GUIA_APP_SERVERS=$servers \
    GUIA_STATIC_DIR=$ROOT/webapp/static/dist \
    envsubst '${GUIA_LISTEN} ${GUIA_SERVER_NAME} ${GUIA_APP_SERVERS} ${GUIA_STATIC_DIR}' \
    <"$ROOT/deploy/nginx-site.conf" >"$out/guia.conf"
  local user_line=""
  if [ "$(id -u)" = 0 ]; then
    user_line="user www-data;"
    chown -R www-data "$out/tmp"
  fi
  cat >"$out/nginx.conf" <<EOF
# The scratch cluster's nginx (scripts/cluster.sh); the site itself is deploy/nginx-site.conf.
$user_line
worker_processes auto;
pid $out/nginx.pid;
error_log $out/logs/error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    client_body_temp_path $out/tmp/body;
    proxy_temp_path $out/tmp/proxy;
    fastcgi_temp_path $out/tmp/fastcgi;
    uwsgi_temp_path $out/tmp/uwsgi;
    scgi_temp_path $out/tmp/scgi;
    include $out/guia.conf;
    access_log $out/logs/access.log guia;
}
EOF
}

nginx_running() { [ -f "$DIR/nginx/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx/nginx.pid")" 2>/dev/null; }

start_nginx() {
  nginx_running && return 0
  local ports=() n
  for n in $(seq 1 "$APPS"); do ports+=("$(app_port "$n")"); done
  render_nginx_conf "$DIR/nginx" "$NGINX_PORT" "${ports[@]}"
  "$NGINX" -t -q -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf"
  "$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf"
  for _ in $(seq 1 50); do
    [ "$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$PUBLIC_URL/" || true)" = 200 ] && return 0
    sleep 0.1
  done
  die "o nginx não respondeu em $PUBLIC_URL"
}

stop_nginx() {
  nginx_running || return 0
  local pid
  pid=$(cat "$DIR/nginx/nginx.pid")
  kill -QUIT "$pid"
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

# --- commands ---------------------------------------------------------------------------------------

status() {
  local n state
  printf '%-22s %s\n' "primário :$PG_PORT" "$(pg_running primary && echo no ar || echo parado)"
  printf '%-22s %s\n' "réplica :$REPLICA_PORT" "$(pg_running replica && echo no ar || echo parada)"
  printf '%-22s %s\n' "redis :$REDIS_PORT" "$(redis_running && echo no ar || echo parado)"
  for n in $(seq 1 "$APPS"); do
    state=parada
    [ -n "$(app_pid "$n")" ] && state="no ar (pid $(app_pid "$n"))"
    printf '%-22s %s\n' "instância $n :$(app_port "$n")" "$state"
  done
  printf '%-22s %s\n' "nginx :$NGINX_PORT" "$(nginx_running && echo no ar || echo parado)"
}

up() {
  mkdir -p "$DIR"
  load_settings
  install_packages
  [ -f "$ENV_FILE" ] || write_settings
  load_settings
  [ -f "$DIR/guia.env" ] || write_app_env
  [ -x "$ROOT/.venv/bin/gunicorn" ] || bash "$ROOT/scripts/bootstrap.sh"
  [ -f "$ROOT/webapp/static/dist/manifest.json" ] || (cd "$ROOT" && .venv/bin/flask --app webapp assets build >/dev/null)
  setup_primary
  start_redis
  seed_data
  setup_replica
  for _ in $(seq 1 100); do replica_streaming && break; sleep 0.2; done
  replica_streaming || die "a réplica não está recebendo o WAL do primário (veja $PGDIR/log/replica.log)"
  local n
  for n in $(seq 1 "$APPS"); do start_app "$n"; done
  start_nginx
  status
  echo "Pronto: $PUBLIC_URL (nginx) — configuração em $ENV_FILE, registros em $DIR/log e $DIR/nginx/logs"
}

down() {
  [ -d "$DIR" ] || return 0
  if [ -f "$ENV_FILE" ]; then
    load_settings
    stop_nginx
    local n
    for n in $(seq 1 "$APPS"); do stop_app "$n"; done
    if [ -f "$DIR/run/redis.pid" ]; then kill "$(cat "$DIR/run/redis.pid")" 2>/dev/null || true; fi
    pg_stop replica
    pg_stop primary
  fi
  rm -rf "$DIR"
  echo "Cluster parado; $DIR removido."
}

need_cluster() { [ -f "$ENV_FILE" ] || die "nenhum cluster em $DIR (rode: bash scripts/cluster.sh up)"; load_settings; }

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) need_cluster && status ;;
  kill-app) need_cluster && kill_app "${2:?instância}" ;;
  stop-app) need_cluster && stop_app "${2:?instância}" ;;
  start-app) need_cluster && start_app "${2:?instância}" ;;
  stop-replica) need_cluster && pg_stop replica ;;
  start-replica) need_cluster && pg_start replica "$REPLICA_PORT" ;;
  restart-primary)
    need_cluster
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDIR/primary" -l "$PGDIR/log/primary.log" -m fast -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $SOCKETS" restart >/dev/null
    ;;
  nginx-conf)
    load_settings
    out=${2:?diretório}
    mkdir -p "$out"
    ports=()
    for n in $(seq 1 "$APPS"); do ports+=("$(app_port "$n")"); done
    render_nginx_conf "$(cd "$out" && pwd)" "$NGINX_PORT" "${ports[@]}"
    ;;
  *) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
