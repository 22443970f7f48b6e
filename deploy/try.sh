#!/usr/bin/env bash
# Try the multi-process deployment on one machine: PostgreSQL, Redis, N app processes and
# nginx (TLS with a self-signed certificate), all on 127.0.0.1, all under one folder.
#
#   deploy/try.sh start [N]   # N app processes (default 3); prints the URL and the password
#   deploy/try.sh status
#   deploy/try.sh stop        # stops everything it started; the folder (data) stays
#   deploy/try.sh clean       # stop, then remove the folder
#
# Settings (environment): QUIZ_TRY_DIR (/tmp/quiz-try), QUIZ_TRY_APP_PORT (5001: the first
# app process; the others follow), QUIZ_TRY_HTTPS_PORT (8443), QUIZ_TRY_HTTP_PORT (8080),
# QUIZ_TRY_PG_PORT (55432), QUIZ_TRY_REDIS_PORT (56379), QUIZ_TRY_BIND (127.0.0.1: nginx's
# address; 0.0.0.0 lets phones on the LAN in). Needs: nginx, postgresql, redis-server,
# openssl (Debian: apt-get install nginx postgresql redis-server openssl) and the project's
# .venv (make run once). Not for production: docs/scaling.md says what is.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${QUIZ_TRY_DIR:-/tmp/quiz-try}
APP_PORT=${QUIZ_TRY_APP_PORT:-5001}
HTTPS_PORT=${QUIZ_TRY_HTTPS_PORT:-8443}
HTTP_PORT=${QUIZ_TRY_HTTP_PORT:-8080}
PG_PORT=${QUIZ_TRY_PG_PORT:-55432}
REDIS_PORT=${QUIZ_TRY_REDIS_PORT:-56379}
BIND=${QUIZ_TRY_BIND:-127.0.0.1}
PY="$ROOT/.venv/bin/python"
NGINX=${NGINX:-/usr/sbin/nginx}
PGBIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")

as_pg() {  # PostgreSQL refuses to run as root: root runs it as the postgres account
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

need() {
  local missing=()
  [ -x "$NGINX" ] || missing+=(nginx)
  [ -x "$PGBIN/initdb" ] || missing+=(postgresql)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v openssl >/dev/null || missing+=(openssl)
  [ -x "$PY" ] || { echo "no $PY: run 'make run' once (it makes the venv)"; exit 1; }
  if [ ${#missing[@]} -gt 0 ]; then
    echo "missing: ${missing[*]} (Debian: apt-get install ${missing[*]})"; exit 1
  fi
}

wait_port() {  # wait_port PORT SECONDS
  local end=$((SECONDS + $2))
  while [ $SECONDS -lt $end ]; do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "nothing listens on port $1 after $2 s"; return 1
}

start_postgres() {
  if [ ! -d "$DIR/pg" ]; then
    mkdir -p "$DIR/pg"
    [ "$(id -u)" = 0 ] && chown postgres "$DIR/pg" "$DIR"
    as_pg "$PGBIN/initdb -D $DIR/pg -A trust -U quiz" >/dev/null
  fi
  as_pg "$PGBIN/pg_ctl -D $DIR/pg -w -l $DIR/pg.log -o '-p $PG_PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=200' start" >/dev/null
  as_pg "$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U quiz -d postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='quiz'\"" | grep -q 1 \
    || as_pg "$PGBIN/createdb -h 127.0.0.1 -p $PG_PORT -U quiz quiz"
}

start_redis() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' \
    --appendonly no --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
  wait_port "$REDIS_PORT" 10
}

write_env() {  # the environment every app process shares (deploy/quiz.env.example explains it)
  [ -f "$DIR/secret_key" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(32))" >"$DIR/secret_key"
  [ -f "$DIR/admin_password" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(9))" >"$DIR/admin_password"
  chmod 600 "$DIR/secret_key" "$DIR/admin_password"
  local public_host=127.0.0.1
  [ "$BIND" = 127.0.0.1 ] || public_host=$(hostname -I 2>/dev/null | awk '{print $1}')
  cat >"$DIR/quiz.env" <<EOF
DATABASE_URL=postgresql://quiz@127.0.0.1:$PG_PORT/quiz
REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
SECRET_KEY=$(cat "$DIR/secret_key")
QUIZ_ADMIN_PASSWORD=$(cat "$DIR/admin_password")
QUIZ_PUBLIC_URL=https://$public_host:$HTTPS_PORT
QUIZ_TRUSTED_PROXIES=1
QUIZ_MAX_WAITING_PER_ADDRESS=1024
HOST=127.0.0.1
EOF
}

start_app() {  # start_app PORT DEMO
  mkdir -p "$DIR/app-$1"
  ( set -a; . "$DIR/quiz.env"; set +a
    export PORT=$1 QUIZ_INSTANCE_PATH="$DIR/app-$1" QUIZ_DEMO=$2 PYTHONUNBUFFERED=1
    cd "$ROOT"
    nohup "$PY" app.py >"$DIR/app-$1.log" 2>&1 &
    echo $! >"$DIR/app-$1.pid" )
}

start_nginx() {
  local ports=$1
  [ -f "$DIR/tls.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$DIR/tls.key" -out "$DIR/tls.crt" 2>/dev/null
  local user=()
  [ "$(id -u)" = 0 ] && user=(--user root)
  "$PY" "$ROOT/deploy/render.py" --ports "$ports" --prefix "$DIR/nginx" \
    --https "$BIND:$HTTPS_PORT" --http "$BIND:$HTTP_PORT" \
    --cert "$DIR/tls.crt" --key "$DIR/tls.key" "${user[@]}"
  "$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf"
  wait_port "$HTTPS_PORT" 10
}

start() {
  local n=${1:-3}
  need
  mkdir -p "$DIR"
  [ -f "$DIR/nginx/nginx.pid" ] && { echo "already running (deploy/try.sh stop first)"; exit 1; }
  start_postgres
  start_redis
  write_env
  local ports=() p
  for ((i = 0; i < n; i++)); do ports+=($((APP_PORT + i))); done
  # the first process brings the schema to head and loads the demo; then the others start
  start_app "${ports[0]}" 1
  wait_port "${ports[0]}" 60
  for p in "${ports[@]:1}"; do start_app "$p" 0; done
  for p in "${ports[@]:1}"; do wait_port "$p" 60; done
  start_nginx "$(IFS=,; echo "${ports[*]}")"
  echo "running: $n app processes (ports ${ports[*]}), nginx https://$BIND:$HTTPS_PORT"
  echo "open $(grep QUIZ_PUBLIC_URL "$DIR/quiz.env" | cut -d= -f2)/ (self-signed certificate:"
  echo "accept it once); organizer password: $(cat "$DIR/admin_password")"
  echo "logs: $DIR/*.log, $DIR/nginx/access.log; stop: deploy/try.sh stop"
}

stop_pidfile() {  # stop_pidfile FILE: TERM the process it names, KILL it after 10 s
  [ -f "$1" ] || return 0
  local pid; pid=$(cat "$1")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$1"
}

stop() {
  [ -d "$DIR" ] || { echo "nothing to stop ($DIR does not exist)"; return 0; }
  [ -f "$DIR/nginx/nginx.pid" ] && "$NGINX" -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -s quit 2>/dev/null || true
  for _ in $(seq 50); do [ -f "$DIR/nginx/nginx.pid" ] || break; sleep 0.2; done
  rm -f "$DIR/nginx/nginx.pid"
  for f in "$DIR"/app-*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
  stop_pidfile "$DIR/redis.pid"
  [ -f "$DIR/pg/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl -D $DIR/pg -m fast -w stop" >/dev/null || true
  echo "stopped (data kept in $DIR)"
}

status() {
  local f
  for f in "$DIR"/app-*.pid "$DIR/redis.pid" "$DIR/nginx/nginx.pid" "$DIR/pg/postmaster.pid"; do
    [ -e "$f" ] || continue
    if kill -0 "$(head -1 "$f")" 2>/dev/null; then echo "up    $f"; else echo "down  $f"; fi
  done
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  stop) stop ;;
  status) status ;;
  clean) stop; rm -rf "$DIR" ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
