"""
What nginx adds to what it serves itself (issue 14, section 5, deploy/nginx.conf): no
version in any answer, `nosniff` and the sandbox policy on media, and Django's headers
kept on downloads nginx sends for it through X-Accel-Redirect.
"""

import pytest

from attachments.models import Attachment
from news.models import Article

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

MEDIA_POLICY = "default-src 'none'; img-src 'self'; sandbox"


def test_nginx_names_no_version(stack, demo):
    for path in ("/", "/static/css/site.css", "/static/no-such-file.css", "/media/attachments/x.pdf"):
        response = stack.get(path)
        assert response.headers["Server"] == "nginx", path
        assert "nginx/" not in response.text, path


def test_media_are_served_with_nosniff_and_the_sandbox_policy(stack, demo):
    cover = Article.objects.exclude(cover="").first().cover
    response = stack.get(cover.url)
    assert response.status == 200 and response.headers["Content-Type"] == "image/jpeg"
    assert response.body == cover.read()
    assert response.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert response.headers.get_all("Content-Security-Policy") == [MEDIA_POLICY]


def test_downloads_through_x_accel_redirect_keep_nosniff_and_the_inline_pdf_policy(stack, demo):
    attachment = Attachment.objects.filter(file__endswith=".pdf").first()
    download = stack.get(attachment.get_absolute_url())
    assert download.status == 200 and download.body == attachment.file.read()
    assert download.headers.get_all("X-Content-Type-Options") == ["nosniff"]

    inline = stack.get(attachment.get_absolute_url() + "?inline=1")
    assert inline.status == 200 and inline.headers["Content-Type"] == "application/pdf"
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert inline.headers.get_all("X-Content-Type-Options") == ["nosniff"]
    policy = inline.headers.get_all("Content-Security-Policy")
    assert policy is not None and len(policy) == 1 and policy[0].startswith("sandbox;"), policy
