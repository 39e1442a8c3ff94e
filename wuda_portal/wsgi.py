"""WSGI entry point: `gunicorn -c deploy/gunicorn.conf.py wuda_portal.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wuda_portal.settings")

application = get_wsgi_application()
