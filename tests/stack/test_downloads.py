"""Attachment downloads through the stack: Django decides and counts, nginx sends the file."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from attachments.models import Attachment
from news.models import Article

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_the_file_arrives_with_its_bytes_and_chinese_name(stack, demo):
    attachment = Attachment.objects.filter(original_name__endswith=".docx").first()
    response = stack.get(attachment.get_absolute_url())
    assert response.status == 200
    assert response.body == attachment.file.read()
    assert response.headers["Content-Length"] == str(attachment.size)
    assert response.headers["Content-Type"] == attachment.content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''" + quote(attachment.download_name, safe="") in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "X-Accel-Redirect" not in response.headers  # followed by nginx, never shown


def test_fifty_downloads_add_exactly_fifty(stack, demo):
    attachment = Attachment.objects.first()
    expected = attachment.file.read()
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: stack.get(attachment.get_absolute_url()), range(50)))
    assert [a.status for a in answers] == [200] * 50
    assert all(a.body == expected for a in answers)
    attachment.refresh_from_db()
    assert attachment.download_count == 50


def test_a_draft_s_attachment_is_404_to_the_public(stack, demo):
    attachment = Attachment.objects.first()
    article = attachment.article
    article.status = Article.Status.DRAFT
    article.save()
    response = stack.get(attachment.get_absolute_url())
    assert response.status == 404
    assert attachment.file.read() not in response.body
    assert "页面不存在" in response.text
