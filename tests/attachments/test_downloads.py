import threading
from urllib.parse import quote, unquote

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client

from attachments.services import attachment_create
from attachments.views import content_disposition
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory


def attach(article=None, name="关于开展“优秀共产党员”评选的通知.docx", content=None, **fields):
    content = content or samples.docx()
    return attachment_create(article=article or ArticleFactory(), file=ContentFile(content, name=name), **fields)


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_download_delivers_the_file_with_its_chinese_name(client):
    attachment = attach()
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert body_of(response) == samples.docx()
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Length"] == str(len(samples.docx()))
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f'filename="attachment-{attachment.pk}.docx"' in disposition  # ASCII fallback
    encoded = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(encoded) == "关于开展“优秀共产党员”评选的通知.docx"
    assert encoded == quote("关于开展“优秀共产党员”评选的通知.docx", safe="")


@pytest.mark.django_db
def test_the_display_name_gets_the_extension_when_it_lacks_one():
    attachment = attach(title="评选通知")
    assert "filename*=UTF-8''" + quote("评选通知.docx", safe="") in content_disposition(attachment)


@pytest.mark.django_db
def test_names_cannot_break_the_header():
    attachment = attach(title='a"b\r\nX-Injected: 1;c')
    header = content_disposition(attachment)
    assert "\r" not in header and "\n" not in header and header.count('"') == 2


@pytest.mark.django_db
def test_pdfs_open_in_the_browser_under_a_sandbox(client):
    attachment = attach(name="通知.pdf", content=samples.pdf())
    response = client.get(attachment.get_absolute_url(), {"inline": "1"})
    assert response["Content-Disposition"].startswith("inline; ")
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Type"] == "application/pdf"
    docx = attach()
    assert client.get(docx.get_absolute_url(), {"inline": "1"})["Content-Disposition"].startswith("attachment; ")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.REVIEW, Article.Status.WITHDRAWN])
def test_attachments_of_unpublished_articles_are_404_for_the_public_and_200_for_staff(client, editor, status):
    attachment = attach(ArticleFactory(status=status))
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(editor)
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_attachments_of_scheduled_articles_wait_for_their_time(client):
    from django.utils import timezone

    attachment = attach(ArticleFactory(published_at=timezone.now() + timezone.timedelta(hours=1)))
    assert client.get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_unknown_attachment_and_missing_file_are_404(client, media_root):
    assert client.get("/attachments/999999/download/").status_code == 404
    attachment = attach()
    (media_root / attachment.file.name).unlink()
    assert client.get(attachment.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_each_download_counts_once_and_head_does_not(client):
    attachment = attach()
    client.get(attachment.get_absolute_url())
    client.get(attachment.get_absolute_url())
    client.head(attachment.get_absolute_url())
    attachment.refresh_from_db()
    assert attachment.download_count == 2


@pytest.mark.django_db
def test_x_accel_redirect_hands_the_file_to_nginx(client, settings):
    settings.ATTACHMENT_X_ACCEL_PREFIX = "/protected-media/"
    attachment = attach()
    response = client.get(attachment.get_absolute_url())
    assert response["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"
    assert response["X-Accel-Redirect"].isascii()
    assert response.content == b""
    assert "filename*=UTF-8''" in response["Content-Disposition"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_downloads_add_exactly_fifty():
    attachment = attach()
    errors = []

    def download():
        try:
            response = Client().get(attachment.get_absolute_url())
            assert response.status_code == 200
            body_of(response)
            response.close()
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=download) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    attachment.refresh_from_db()
    assert attachment.download_count == 50
