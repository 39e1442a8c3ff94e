"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wuda_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")

django_application = get_wsgi_application()

from wuda_portal.pagecache import PageCache  # noqa: E402  (needs the settings loaded)

application = PageCache(django_application)
