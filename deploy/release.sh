#!/usr/bin/env bash
# Put the code of this checkout live on the running stack (deploy/stack.sh), without
# downtime: after `git pull` (or unpacking a release) in the same folder, run
#   deploy/release.sh
# with the environment deploy/stack.sh runs with. In order:
#   1. install requirements.txt into .venv;
#   2. migrate (migrations must suit the code still running until step 5: add, then use);
#   3. collectstatic: the new hashed files go next to the old ones, which stay, so a page
#      from either version finds the files it links (app servers that have not reloaded
#      yet, and pages in the page cache, link the old ones);
#   4. render the error pages nginx serves (they link the new files);
#   5. reload each app server in turn: USR2 starts a new gunicorn master with the new code
#      beside the old one, on the same listening socket; once its workers are up, TERM
#      stops the old master gracefully (requests in flight finish). No request is refused.
set -euo pipefail
source "$(dirname "$0")/stack.sh"

reload_app() { # USR2, wait for the new master's workers, TERM the old master
  local name=$1 old new="" workers
  old=$(pid_of "$name") || fail "$name is not running: start the stack first (deploy/stack.sh up)"
  workers=$(pgrep -c -P "$old")
  kill -USR2 "$old"
  for _ in $(seq 600); do
    if new=$(pid_of "$name.2") && (($(pgrep -c -P "$new" || true) >= workers)); then
      break
    fi
    new=""
    sleep 0.1
  done
  if [[ -z $new ]]; then
    stop "$name.2" TERM
    fail "the new $name did not start within 60 s: the old one keeps serving (log: $logs/$name.log)"
  fi
  sleep 0.5 # the new workers reach accept()
  kill -TERM "$old"
  old_masters+=("$old")
  new_masters+=("$name:$new")
  say "reloading $name: pid $old -> $new"
}

wait_for_old_masters() { # they finish the requests in flight; each new master then takes over the pid file
  local pid entry
  for pid in "${old_masters[@]}"; do
    for _ in $(seq 400); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  done
  for entry in "${new_masters[@]}"; do
    for _ in $(seq 100); do
      [[ $(pid_of "${entry%%:*}" || true) == "${entry#*:}" ]] && break
      sleep 0.1
    done
  done
}

portal_environment
for name in "${apps[@]}"; do
  pid_of "$name" >/dev/null || fail "$name is not running: start the stack first (deploy/stack.sh up)"
done
"$venv/bin/pip" install --quiet -r requirements.txt
"$python" manage.py migrate --noinput
"$python" manage.py collectstatic --noinput -v0
"$python" manage.py render_error_pages "$error_pages"
old_masters=()
new_masters=()
for name in "${apps[@]}"; do
  reload_app "$name"
done
wait_for_old_masters
say "released $(git rev-parse --short HEAD 2>/dev/null || echo 'this checkout')"
