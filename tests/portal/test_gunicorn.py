"""The deployment: gunicorn with deploy/gunicorn.conf.py and production settings on PostgreSQL."""

import re

import pytest

from tests.servers import fetch, gunicorn, production_env


@pytest.mark.postgres
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_portal_with_production_settings(collected_static, media_root):
    with gunicorn(production_env(static_root=collected_static, media_root=media_root)) as base:
        status, _, home = fetch(base + "/")
        assert status == 200
        assert "版权所有：中共乌达区委组织部" in home

        status, headers, body = fetch(base + "/healthz")
        assert (status, body) == (200, '{"status": "ok"}')

        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home)
        assert css, "the page links the hashed stylesheet"
        status, headers, body = fetch(base + css.group(1))
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "max-age=315360000" in headers["Cache-Control"]

        status, _, page = fetch(base + "/no-such-page/")
        assert status == 404
        assert "页面不存在" in page and "版权所有" in page and css.group(1) in page
