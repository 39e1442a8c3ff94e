"""
Settings for the test suite: the production settings with test-only values for what a
laptop lacks (a secret key, HTTPS). DATABASE_URL and REDIS_URL are honoured, so the suite
runs against the real PostgreSQL and Redis when they are given (CI gives both).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-used-anywhere-else-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests talk plain HTTP to the test client, live servers and gunicorn.
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SERVE_MEDIA", "1")
os.environ.setdefault("CACHE_KEY_PREFIX", "wuda-test")

from wuda_portal.settings import *  # noqa: F403

# No collectstatic before tests: serve static files under their plain names.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Hashing passwords slowly protects nothing in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the source folders, as runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = Path(tempfile.mkdtemp(prefix="wuda-static-"))  # noqa: F405
# Django's test client reads response.context from a signal that only Django's own
# templates send under test; the public pages' Jinja2 backend sends it too in tests.
TEMPLATES[0]["BACKEND"] = "tests.jinja2_backend.InstrumentedJinja2"  # noqa: F405
