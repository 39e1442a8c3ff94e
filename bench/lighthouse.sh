#!/usr/bin/env bash
# Lighthouse 12 (npm, bench/lighthouse/) with Debian's Chromium on the residents' pages,
# mobile and desktop presets, against a production-like server (DEBUG off, gunicorn,
# collected static files) with the demo content in a throwaway SQLite database.
# Writes the JSON reports to bench/results/lighthouse/ and the score table into
# docs/quality.md. Takes about three minutes. Not part of CI.
#
#   bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PROJECT="$(pwd)"
PYTHON="$PROJECT/.venv/bin/python"
CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
export CHROME_PATH

test -x "$PYTHON" || make venv
(cd bench/lighthouse && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
LIGHTHOUSE="$PROJECT/bench/lighthouse/node_modules/.bin/lighthouse"

WORK="$(mktemp -d)"
RESULTS="$PROJECT/bench/results/lighthouse"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
PORT="$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export DJANGO_SETTINGS_MODULE=wuda_portal.settings DEBUG=0 SECURE_COOKIES=0 SERVE_MEDIA=1 \
  SECRET_KEY="lighthouse-only-$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyz" \
  ALLOWED_HOSTS=127.0.0.1,localhost DATABASE_URL="sqlite:///$WORK/db.sqlite3" \
  STATIC_ROOT="$WORK/static" MEDIA_ROOT="$WORK/media" GUNICORN_ACCESSLOG=""
unset REDIS_URL
"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py load_demo >/dev/null
"$PYTHON" manage.py collectstatic --noinput -v0
ARTICLE="$("$PYTHON" manage.py shell -v0 -c \
  'from news.models import Article; print(Article.objects.published().filter(attachments__isnull=False).first().get_absolute_url())')"

"$PROJECT/.venv/bin/gunicorn" -c deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers 2 wuda_portal.wsgi \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 60); do curl -fs -o /dev/null "$BASE/healthz" && break; sleep 0.5; done

declare -A PAGES=([home]="/" [list]="/news/dangjian-dongtai/" [article]="$ARTICLE" [search]="/search/?q=%E5%85%9A%E5%BB%BA")
for name in home list article search; do
  for preset in mobile desktop; do
    extra=()
    if [ "$preset" = desktop ]; then extra=(--preset=desktop); fi
    "$LIGHTHOUSE" "$BASE${PAGES[$name]}" "${extra[@]}" --quiet --output=json \
      --output-path="$RESULTS/$name-$preset.json" \
      --only-categories=performance,accessibility,best-practices,seo \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync"
    echo "lighthouse: $name ($preset) done"
  done
done

"$PYTHON" bench/lighthouse_table.py "$RESULTS" docs/quality.md
