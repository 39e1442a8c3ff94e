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


@pytest.mark.django_db
def test_images_the_site_cannot_show_are_removed_and_the_editor_is_told(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, body="<p>第一稿。</p>")
    body = (
        '<p>会前<img src="file:///C:/Users/wang/AppData/Local/Temp/msohtmlclip1/01/clip_image002.jpg">会后</p>'
        '<p><img src="data:image/png;base64,iVBORw0KGgo="></p>'
        '<p><img src="/media/editor/2026/01/a.png" alt="会议现场"></p>'
    )
    url = reverse("admin:news_article_change", args=[article.pk])
    response = editor_client.post(url, form_data(article, body=body), follow=True)
    assert response.status_code == 200
    shown = [str(message) for message in response.context["messages"]]
    assert any(m.startswith("正文中有 2 张图片是从 Word、本机或其他网站直接粘贴的") for m in shown), shown
    stored = Article.objects.get(pk=article.pk).body
    assert "file:" not in stored and "data:" not in stored and 'src="/media/editor/2026/01/a.png"' in stored
    # Saved again as stored, nothing is removed and nothing is said.
    response = editor_client.post(url, form_data(Article.objects.get(pk=article.pk)), follow=True)
    assert not [m for m in map(str, response.context["messages"]) if m.startswith("正文中有")]
