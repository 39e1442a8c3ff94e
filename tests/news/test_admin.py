"""The article form in the admin, as an editor fills it in."""

import pytest
from django.urls import reverse

from news.models import Article
from tests.factories import ArticleFactory
from tests.factories import article_form_data as form_data


def change(client, article, **fields):
    response = client.post(reverse("admin:news_article_change", args=[article.pk]), form_data(article, **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Article.objects.get(pk=article.pk)


@pytest.mark.django_db
def test_the_summary_follows_the_body_until_an_editor_writes_one(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, body="<p>第一稿。</p>", summary="")
    # The form shows the automatic summary; sent back unchanged it still follows the body.
    article = change(editor_client, article, body="<p>第二稿。</p>", summary="第一稿。")
    assert article.summary == "第二稿。"
    article = change(editor_client, article, body="<p>第三稿。</p>", summary="编辑写的摘要")
    assert article.summary == "编辑写的摘要"
    article = change(editor_client, article, body="<p>第四稿。</p>", summary="编辑写的摘要")
    assert article.summary == "编辑写的摘要"
    article = change(editor_client, article, body="<p>第五稿。</p>", summary="")
    assert article.summary == "第五稿。"


@pytest.mark.django_db
def test_the_form_says_how_the_summary_works(editor_client):
    html = editor_client.get(reverse("admin:news_article_add")).content.decode()
    assert "不填写时自动取正文开头，并随正文更新；改写后以您写的为准，清空即恢复自动。" in html
