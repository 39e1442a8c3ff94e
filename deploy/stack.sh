#!/usr/bin/env bash
# The production stack on one machine: nginx with TLS (deploy/nginx.conf) in front of two
# gunicorn app servers (deploy/gunicorn.conf.py), on this machine's PostgreSQL and Redis,
# with media in one folder that both app servers share.
#
#   deploy/stack.sh up      start whatever is not running yet (running it again is harmless),
#                           then print the address and the demo accounts
#   deploy/stack.sh down    stop exactly what `up` started, by its pid files
#   deploy/stack.sh status  each process: running (with its pid) or stopped; exit status 3
#                           when something is stopped
#
# Settings from the environment, with their defaults:
#   STACK_HTTP_PORT=8080 STACK_HTTPS_PORT=8443   where nginx listens
#   STACK_LISTEN_ADDRESS=127.0.0.1               empty: every address (production)
#   STACK_APP_PORTS="8001 8002"                  the two app servers, on 127.0.0.1
#   STACK_SERVER_NAME=127.0.0.1                  nginx's server_name, the certificate's name
#   STACK_DIR=.stack                             rendered nginx configuration, certificate,
#                                                static files, media, logs, pid files
#   STACK_TLS_CERTIFICATE, STACK_TLS_CERTIFICATE_KEY
#                                                default: a self-signed one made with openssl
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuda_stack (created when missing)
#   REDIS_URL=redis://127.0.0.1:6379/2
#   STACK_DEMO_CONTENT=1                         the demo content and accounts go into an
#                                                empty database (0 in production)
# Every other setting of the portal (.env.example) passes through to it, e.g.
# GUNICORN_WORKERS (default: 2 x cores + 1 shared out between the app servers) or
# MEDIA_STORAGE. SECRET_KEY, unless given, is made once and kept in
# $STACK_DIR/secret-key.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

http_port=${STACK_HTTP_PORT:-8080}
https_port=${STACK_HTTPS_PORT:-8443}
listen_address=${STACK_LISTEN_ADDRESS-127.0.0.1}
read -r -a app_ports <<<"${STACK_APP_PORTS:-8001 8002}"
server_name=${STACK_SERVER_NAME:-127.0.0.1}
stack_dir=$(realpath -m "${STACK_DIR:-$here/.stack}")
venv=$here/.venv
python=$venv/bin/python
run=$stack_dir/run
logs=$stack_dir/logs
ngx=$stack_dir/nginx
error_pages=$stack_dir/error-pages
apps=(app1 app2)

if ((${#app_ports[@]} != 2)); then
  echo "STACK_APP_PORTS must name two ports, e.g. \"8001 8002\"" >&2
  exit 2
fi

say() { printf '%s\n' "$*"; }
fail() {
  printf 'deploy/stack.sh: %s\n' "$*" >&2
  exit 1
}

nginx_bin() {
  command -v nginx 2>/dev/null || { [[ -x /usr/sbin/nginx ]] && echo /usr/sbin/nginx; } || true
}

# --- Processes, by pid file --------------------------------------------------------------

pid_file() { # app1.2: the new master a release starts writes app1.pid.2 until it takes over
  if [[ $1 == *.2 ]]; then echo "$run/${1%.2}.pid.2"; else echo "$run/$1.pid"; fi
}

pid_of() { # the pid in a pid file, if that process is alive and is ours
  local file pid
  file=$(pid_file "$1")
  [[ -s $file ]] || return 1
  pid=$(<"$file")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A pid file outlives a reboot: the number may belong to someone else's process by now.
  if [[ $1 == nginx ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$ngx/nginx.conf" || return 1
  else
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qxF "STACK_DIR=$stack_dir" || return 1
  fi
  echo "$pid"
}

port_free() {
  "$python" - "$1" <<'PY'
import socket, sys
with socket.socket() as probe:
    probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        probe.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}

stop() { # stop one process gracefully (TERM for gunicorn, QUIT for nginx), KILL after 40 s
  local name=$1 signal=$2 pid
  pid=$(pid_of "$name") || {
    rm -f "$(pid_file "$name")"
    return 0
  }
  kill "-$signal" "$pid" 2>/dev/null || true
  for _ in $(seq 400); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(pid_file "$name")"
  say "stopped $name (pid $pid)"
}

# --- Settings of the portal --------------------------------------------------------------

portal_environment() {
  mkdir -p "$stack_dir"
  if [[ -z ${SECRET_KEY:-} ]]; then
    if [[ ! -s $stack_dir/secret-key ]]; then
      (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$stack_dir/secret-key")
    fi
    SECRET_KEY=$(<"$stack_dir/secret-key")
  fi
  export SECRET_KEY STACK_DIR=$stack_dir
  # Production settings: wuda_portal.settings with DEBUG off, behind nginx.
  export DJANGO_SETTINGS_MODULE=wuda_portal.settings DEBUG=0 BEHIND_PROXY=1
  export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/wuda_stack}
  export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/2}
  export ALLOWED_HOSTS=${ALLOWED_HOSTS:-$server_name,127.0.0.1,localhost}
  export STATIC_ROOT=${STATIC_ROOT:-$stack_dir/static}
  export MEDIA_ROOT=${MEDIA_ROOT:-$stack_dir/media}
  # nginx sends attachment files from the media folder; media in an object store are
  # streamed by the app servers instead.
  if [[ ${MEDIA_STORAGE:-django.core.files.storage.FileSystemStorage} == django.core.files.storage.FileSystemStorage ]]; then
    export ATTACHMENT_X_ACCEL_PREFIX=${ATTACHMENT_X_ACCEL_PREFIX-/protected-media/}
  fi
}

# --- up ----------------------------------------------------------------------------------

ensure_tools() {
  local missing=()
  [[ -n $(nginx_bin) ]] || missing+=(nginx-light)
  command -v openssl >/dev/null || missing+=(openssl)
  command -v envsubst >/dev/null || missing+=(gettext-base)
  ((${#missing[@]})) || return 0
  if ((EUID == 0)) && command -v apt-get >/dev/null; then
    say "installing ${missing[*]} with apt-get"
    apt-get update -qq
    # Debian 13 has no nginx-light any more: its nginx package is the same light build.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]/nginx-light/nginx}"
  else
    fail "missing ${missing[*]}: sudo apt-get install ${missing[*]}"
  fi
}

ensure_venv() {
  if [[ ! -x $venv/bin/gunicorn ]]; then
    say "creating .venv and installing requirements.txt"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r requirements.txt
  fi
}

check_ports() { # before anything starts: every port this run would take must be free
  local taken=()
  if ! pid_of nginx >/dev/null; then
    port_free "$http_port" || taken+=("$http_port")
    port_free "$https_port" || taken+=("$https_port")
  fi
  local i
  for i in 0 1; do
    pid_of "${apps[i]}" >/dev/null || port_free "${app_ports[i]}" || taken+=("${app_ports[i]}")
  done
  if ((${#taken[@]})); then
    fail "port ${taken[*]} already in use by another program: nothing started. Free it, or choose other ports (STACK_HTTP_PORT, STACK_HTTPS_PORT, STACK_APP_PORTS)."
  fi
}

ensure_certificate() {
  if [[ -n ${STACK_TLS_CERTIFICATE:-} ]]; then
    certificate=$STACK_TLS_CERTIFICATE
    certificate_key=${STACK_TLS_CERTIFICATE_KEY:?STACK_TLS_CERTIFICATE_KEY is not set}
    return
  fi
  certificate=$stack_dir/tls/certificate.pem
  certificate_key=$stack_dir/tls/key.pem
  [[ -s $certificate && -s $certificate_key ]] && return
  mkdir -p "$stack_dir/tls"
  local names="IP:127.0.0.1,DNS:localhost"
  if [[ $server_name =~ ^[0-9.]+$ ]]; then
    [[ $server_name == 127.0.0.1 ]] || names+=",IP:$server_name"
  else
    names+=",DNS:$server_name"
  fi
  (umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 -days 825 \
    -subj "/CN=$server_name" -addext "subjectAltName=$names" \
    -keyout "$certificate_key" -out "$certificate" 2>/dev/null)
  chmod 644 "$certificate"
  say "made a self-signed certificate for $names: $certificate"
}

ensure_database() {
  "$python" - <<'PY'
import os

import environ
import psycopg2
from psycopg2 import sql

db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
if db["ENGINE"].endswith("postgresql"):
    params = {k: db[K] for k, K in (("host", "HOST"), ("port", "PORT"), ("user", "USER"), ("password", "PASSWORD")) if db.get(K)}
    try:
        psycopg2.connect(dbname=db["NAME"], **params).close()
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        connection = psycopg2.connect(dbname="postgres", **params)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        connection.close()
        print(f"created the database {db['NAME']}")
PY
}

prepare() {
  "$python" manage.py migrate --noinput -v0
  # Hashed names; the files of earlier releases stay (deploy/release.sh relies on it).
  # Skipped when nothing changed since the last run: compressing every file takes a while.
  local manifest=$STATIC_ROOT/staticfiles.json
  if [[ ! -s $manifest || requirements.txt -nt $manifest || -n $(find static -newer "$manifest" -print -quit) ]]; then
    "$python" manage.py collectstatic --noinput -v0
  fi
  "$python" manage.py render_error_pages "$error_pages" >/dev/null
  [[ ${STACK_DEMO_CONTENT:-1} == 1 ]] || return 0
  if [[ $("$python" manage.py shell -v0 -c "from news.models import Article; print(Article.objects.exists())") == False ]]; then
    "$python" manage.py load_demo
    demo_accounts=$("$python" manage.py create_demo_accounts)
  fi
}

render_nginx() {
  mkdir -p "$ngx/tmp" "$logs" "$run"
  local user_line="" listen_prefix=${listen_address:+$listen_address:}
  # As root (CI, a container) the workers stay root, to read $STACK_DIR wherever it is; in
  # production the whole stack runs as an unprivileged user (README, "Production").
  ((EUID == 0)) && user_line="user root root;"
  WUDA_SERVER_NAME=$server_name \
    WUDA_HTTP_LISTEN=$listen_prefix$http_port \
    WUDA_HTTPS_LISTEN=$listen_prefix$https_port \
    WUDA_HTTPS_PORT=$https_port \
    WUDA_APP_SERVER_1=127.0.0.1:${app_ports[0]} \
    WUDA_APP_SERVER_2=127.0.0.1:${app_ports[1]} \
    WUDA_TLS_CERTIFICATE=$certificate \
    WUDA_TLS_CERTIFICATE_KEY=$certificate_key \
    WUDA_STATIC_ROOT=$STATIC_ROOT \
    WUDA_MEDIA_ROOT=$MEDIA_ROOT \
    WUDA_ERROR_PAGES=$error_pages \
    WUDA_ADMIN_PATH=/${ADMIN_URL:-admin/} \
    envsubst '${WUDA_SERVER_NAME} ${WUDA_HTTP_LISTEN} ${WUDA_HTTPS_LISTEN} ${WUDA_HTTPS_PORT}
      ${WUDA_APP_SERVER_1} ${WUDA_APP_SERVER_2} ${WUDA_TLS_CERTIFICATE} ${WUDA_TLS_CERTIFICATE_KEY}
      ${WUDA_STATIC_ROOT} ${WUDA_MEDIA_ROOT} ${WUDA_ERROR_PAGES} ${WUDA_ADMIN_PATH}' \
    <deploy/nginx.conf >"$ngx/wuda-portal.conf"
  if grep -n '\${WUDA_' "$ngx/wuda-portal.conf"; then
    fail "deploy/nginx.conf has a placeholder deploy/stack.sh does not fill in"
  fi
  # The main context Debian's /etc/nginx/nginx.conf gives the site configuration in
  # production, with this stack's own pid file, logs and temporary files.
  cat >"$ngx/nginx.conf" <<EOF
# Written by deploy/stack.sh. The site configuration is deploy/nginx.conf, rendered.
$user_line
worker_processes auto;
pid $run/nginx.pid;
error_log $logs/nginx-error.log;
events {
    worker_connections 1024;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $logs/nginx-access.log;
    client_body_temp_path $ngx/tmp/body;
    proxy_temp_path $ngx/tmp/proxy;
    fastcgi_temp_path $ngx/tmp/fastcgi;
    uwsgi_temp_path $ngx/tmp/uwsgi;
    scgi_temp_path $ngx/tmp/scgi;
    include $ngx/wuda-portal.conf;
}
EOF
  "$(nginx_bin)" -t -q -p "$ngx/" -c "$ngx/nginx.conf" || fail "nginx refuses the configuration (see above)"
}

# gunicorn's rule for sync workers, 2 x cores + 1, is for a machine: the app servers that
# share this one share it out (2 each on 2 cores), unless GUNICORN_WORKERS says otherwise.
# Ten workers on two cores, with nginx beside them, were slower than four and doubled the
# p99 (docs/benchmarks.md, "Stop 25").
app_workers() {
  local workers=$(((2 * $(nproc) + 1) / ${#app_ports[@]}))
  echo "${GUNICORN_WORKERS:-$((workers > 2 ? workers : 2))}"
}

start_app() {
  local i=$1 name=${apps[$1]} port=${app_ports[$1]}
  GUNICORN_WORKERS=$(app_workers) GUNICORN_BIND=127.0.0.1:$port setsid "$venv/bin/gunicorn" -c deploy/gunicorn.conf.py --pid "$run/$name.pid" \
    wuda_portal.wsgi >>"$logs/$name.log" 2>&1 </dev/null &
  started+=("$name")
  for _ in $(seq 600); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && pid_of "$name" >/dev/null; then
      say "started $name on 127.0.0.1:$port (pid $(pid_of "$name"), $(app_workers) workers)"
      return
    fi
    sleep 0.1
  done
  tail -n 30 "$logs/$name.log" >&2
  fail "$name did not answer on 127.0.0.1:$port within 60 s (log: $logs/$name.log)"
}

undo_started() { # a failed `up` stops what it started itself, and nothing else
  local name
  for name in "${started[@]}"; do
    if [[ $name == nginx ]]; then stop nginx QUIT; else stop "$name" TERM; fi
  done
}

up() {
  ensure_tools
  ensure_venv
  check_ports
  portal_environment
  mkdir -p "$run" "$logs" "$MEDIA_ROOT"
  ensure_certificate
  ensure_database
  started=()
  trap undo_started EXIT
  demo_accounts=""
  prepare
  render_nginx
  local i
  for i in 0 1; do
    if pid=$(pid_of "${apps[i]}"); then
      say "${apps[i]} is running already (pid $pid)"
    else
      start_app "$i"
    fi
  done
  if pid=$(pid_of nginx); then
    kill -HUP "$pid"
    say "nginx is running already (pid $pid): configuration reloaded"
  else
    "$(nginx_bin)" -p "$ngx/" -c "$ngx/nginx.conf"
    started+=(nginx)
    say "started nginx on ports $http_port and $https_port (pid $(pid_of nginx))"
  fi
  trap - EXIT
  local address=https://$server_name:$https_port/
  [[ $https_port == 443 ]] && address=https://$server_name/
  say ""
  say "乌达党建 is running: $address   (admin: ${address}admin/)"
  [[ -z ${STACK_TLS_CERTIFICATE:-} ]] && say "The certificate is self-signed ($certificate): tell the browser to accept it."
  if [[ -n $demo_accounts ]]; then
    say "$demo_accounts"
  elif [[ ${STACK_DEMO_CONTENT:-1} == 1 ]]; then
    say "Demo accounts (admin, editor, reviewer): their passwords were shown by the first 'up'."
  fi
}

down() {
  local name
  stop nginx QUIT
  for name in "${apps[@]}"; do
    stop "$name.2" TERM # a new master started by a release that was cut short
    stop "$name" TERM
  done
}

status() {
  local name pid stopped=0 i
  if pid=$(pid_of nginx); then
    say "nginx  running  pid $pid  https://$server_name:$https_port/  (http: $http_port)"
  else
    say "nginx  stopped"
    stopped=1
  fi
  for i in 0 1; do
    name=${apps[i]}
    if pid=$(pid_of "$name"); then
      say "$name   running  pid $pid  127.0.0.1:${app_ports[i]}  workers: $(pgrep -c -P "$pid" || true)"
    else
      say "$name   stopped"
      stopped=1
    fi
  done
  return $((stopped ? 3 : 0))
}

# deploy/release.sh sources this file for its settings and functions.
[[ ${BASH_SOURCE[0]} == "$0" ]] || return 0

case ${1:-} in
up) up ;;
down) down ;;
status) status ;;
*)
  echo "usage: deploy/stack.sh up|down|status" >&2
  exit 2
  ;;
esac
