"""
The benchmark's floor: the smallest Django project that returns a page, run by the same
gunicorn configuration as the portal (deploy/gunicorn.conf.py). Every portal figure in
docs/benchmarks.md is a ratio to this one's requests per second in the same run.
"""

SECRET_KEY = "benchmark-baseline-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.baseline.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
USE_TZ = True
