"""
The fingerprint of the running release: what the cache keeps is kept under it.

What is cached takes its shape from the code (the data classes of page data) and the
templates (whole pages), and whole pages name the static files of their release. Keeping
entries under a fingerprint of all of that means a new release never reads what an older
one kept, with nothing to remember to bump; and while two releases run side by side during
a rolling update (deploy/release.sh), neither serves the other's pages.
"""

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings

# What shapes cached values and pages: the code, the templates, the static files.
SUFFIXES = {".py", ".html", ".txt", ".xml", ".css", ".js"}
SKIPPED = {"node_modules", "tests", "bench", "docs", "deploy", "migrations", "media", "staticfiles", "artifacts"}


def _sources(base):
    for top in sorted(base.iterdir()):
        if top.is_dir() and top.name not in SKIPPED and not top.name.startswith("."):
            for path in sorted(top.rglob("*")):
                if path.suffix in SUFFIXES and SKIPPED.isdisjoint(path.relative_to(top).parts):
                    yield path


@cache
def fingerprint():
    """Twelve hex digits that change whenever the code, the templates or the static files do."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    # The pinned packages too: a release that only upgrades one (the sanitiser, Django)
    # may shape what is cached differently.
    for path in [*_sources(base), *sorted(base.glob("requirements*.txt"))]:
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.is_file():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]
