#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into an EMPTY database and media folder.
#   deploy/restore.sh wuda-<stamp>.dump wuda-media-<stamp>.tar.gz
# Reads DATABASE_URL (the database must exist and be empty: createdb first) and MEDIA_ROOT.
set -euo pipefail
dump=${1:?usage: deploy/restore.sh DUMP MEDIA_TARBALL}
media=${2:?usage: deploy/restore.sh DUMP MEDIA_TARBALL}
: "${DATABASE_URL:?DATABASE_URL is not set}"
: "${MEDIA_ROOT:?MEDIA_ROOT is not set}"
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-$here/.venv/bin/python}
if [ -n "$(ls -A "$MEDIA_ROOT" 2>/dev/null)" ]; then
  echo "MEDIA_ROOT $MEDIA_ROOT is not empty: restore into an empty folder." >&2
  exit 1
fi
pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" "$dump"
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$media"
# Anything the cache held belongs to the old content.
"$python" "$here/manage.py" content_changed
"$python" "$here/manage.py" attachments_check
