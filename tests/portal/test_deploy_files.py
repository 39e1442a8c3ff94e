import re
from pathlib import Path

from django.conf import settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_nginx_accepts_the_largest_attachment_and_not_much_more():
    size = re.search(r"client_max_body_size\s+(\d+)m;", (DEPLOY / "nginx.conf").read_text())
    limit = int(size.group(1)) * 1024 * 1024
    assert settings.ATTACHMENT_MAX_SIZE <= limit <= settings.ATTACHMENT_MAX_SIZE + 5 * 1024 * 1024


def test_nginx_never_serves_attachment_files_directly():
    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"location \^~ /media/attachments/ \{\s*return 404;", conf)
    assert re.search(r"location /protected-media/ \{\s*internal;", conf)


def test_nginx_overwrites_the_headers_django_trusts():
    conf = (DEPLOY / "nginx.conf").read_text()
    assert "proxy_set_header X-Real-IP $remote_addr;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf


def test_the_systemd_unit_runs_the_stack():
    unit = (DEPLOY / "portal.service").read_text()
    assert "ExecStart=/srv/wuda-portal/deploy/stack.sh up" in unit
    assert "ExecStop=/srv/wuda-portal/deploy/stack.sh down" in unit
    assert "EnvironmentFile=" in unit


def test_every_error_page_nginx_names_is_one_render_error_pages_writes():
    from core.management.commands.render_error_pages import error_pages

    conf = (DEPLOY / "nginx.conf").read_text()
    named = {int(name) for name in re.findall(r"error_page [\d =]+ /_errors/(\d+)\.html;", conf)}
    assert named == set(error_pages())
