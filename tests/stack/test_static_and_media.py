"""Static files and media, served by nginx; pages whose every image loads."""

import gzip
import json
import re
from html.parser import HTMLParser

import pytest

from attachments.models import Attachment
from news.models import Article

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def hashed_name(stack, name):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    return manifest["paths"][name]


def test_hashed_static_files_are_cached_for_a_year_and_sent_precompressed(stack):
    name = hashed_name(stack, "css/site.css")
    assert re.search(r"\.[0-9a-f]{12}\.css$", name)
    plain = stack.get(f"/static/{name}")
    assert plain.status == 200 and plain.headers["Content-Type"] == "text/css"
    assert plain.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert plain.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Frame-Options" not in plain.headers  # nginx's answer: Django adds it to all of its own

    compressed = stack.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert compressed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The very file collectstatic compressed, not nginx compressing on the fly.
    assert compressed.body == (stack.static_root / f"{name}.gz").read_bytes()
    assert gzip.decompress(compressed.body) == plain.body


def test_static_files_without_a_hash_are_not_cached_for_ever(stack):
    response = stack.get("/static/css/site.css")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "public, max-age=3600"


def test_a_missing_static_file_is_nginx_s_404_in_the_site_s_look(stack):
    response = stack.get("/static/css/no-such-file.0123456789ab.css")
    assert response.status == 404
    assert "X-Frame-Options" not in response.headers  # not Django's
    assert response.body == (stack.error_pages / "404.html").read_bytes()
    assert "页面不存在" in response.text and "版权所有" in response.text


def test_attachment_files_are_not_served_from_media(stack, demo):
    attachment = Attachment.objects.first()
    assert (stack.media_root / attachment.file.name).exists()
    response = stack.get(f"/media/{attachment.file.name}")
    assert response.status == 404 and attachment.file.read() not in response.body
    assert "页面不存在" in response.text


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.sources.append(dict(attrs)["src"])


def images_of(html):
    parser = Images()
    parser.feed(html)
    return parser.sources


def test_residents_pages_have_no_broken_image(stack, demo):
    article = Article.objects.published().exclude(cover="").first()
    pages = ["/", f"/news/{article.category.slug}/", article.get_absolute_url()]
    seen = set()
    for path in pages:
        page = stack.get(path)
        assert page.status == 200, path
        seen.update(images_of(page.text))
    covers = {src for src in seen if src.startswith("/media/covers/")}
    assert len(covers) >= 3, seen
    for src in seen:
        image = stack.get(src)
        assert image.status == 200, src
        assert image.headers["Content-Type"].startswith("image/"), src
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in image.headers["Content-Security-Policy"]
