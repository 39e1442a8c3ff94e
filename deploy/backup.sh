#!/usr/bin/env bash
# Back up the portal: the PostgreSQL database (pg_dump, custom format) and the media folder.
#   deploy/backup.sh /backup/folder
# Reads DATABASE_URL and MEDIA_ROOT from the environment (e.g. set -a; . /etc/wuda-portal.env).
# Writes wuda-<stamp>.dump and wuda-media-<stamp>.tar.gz, and prints their names.
# Redis holds only caches and view counts not yet written; the script writes those first.
set -euo pipefail
target=${1:?usage: deploy/backup.sh BACKUP_FOLDER}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
stamp=$(date +%Y%m%d-%H%M%S)
mkdir -p "$target"
"$python" "$here/manage.py" flush_view_counts >/dev/null
pg_dump --format=custom --no-owner --file="$target/wuda-$stamp.dump" "$DATABASE_URL"
tar -C "$MEDIA_ROOT" -czf "$target/wuda-media-$stamp.tar.gz" .
echo "$target/wuda-$stamp.dump"
echo "$target/wuda-media-$stamp.tar.gz"
