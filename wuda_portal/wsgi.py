"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wuda_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")

django_application = get_wsgi_application()

from core.pagecache import PageCache  # noqa: E402  (needs the settings loaded)
from wuda_portal.warmup import warm_up  # noqa: E402

application = PageCache(django_application)
# gunicorn loads this module once before forking its workers (preload_app): whatever is
# prepared here, each worker has from its first request on, including workers started
# later to replace recycled ones.
warm_up()
