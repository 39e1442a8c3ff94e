"""责任编辑: set to who submitted the article for review, changed by reviewers only, shown when set."""

import pytest
import reversion
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news.models import Article
from review import rules
from tests.factories import ArticleFactory, UserFactory
from tests.factories import article_form_data as form_data

pytestmark = pytest.mark.django_db
ADD = reverse("admin:news_article_add")
CHANGELIST = reverse("admin:news_article_changelist")


@pytest.fixture
def named_editor():
    return UserFactory(username="named-editor", group="编辑", last_name="王", first_name="晓明")


@pytest.fixture
def named_editor_client(named_editor):
    client = Client()
    client.force_login(named_editor)
    return client


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def test_submitting_in_the_form_names_the_submitter(named_editor_client):
    response = named_editor_client.post(ADD, form_data(title="待审稿件", status="review"))
    assert response.status_code == 302
    assert Article.objects.get(title="待审稿件").responsible_editor == "王晓明"


def test_saving_a_draft_names_nobody(named_editor_client):
    named_editor_client.post(ADD, form_data(title="草稿", status="draft"))
    assert Article.objects.get(title="草稿").responsible_editor == ""


def test_the_list_action_names_the_submitter(named_editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    named_editor_client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and article.responsible_editor == "王晓明"
    # In the same revision as the submission: restoring it brings the name back too.
    assert Version.objects.get_for_object(article).first().field_dict["responsible_editor"] == "王晓明"


def test_the_last_submission_counts(named_editor, reviewer):
    other = UserFactory(username="other-editor", group="编辑", last_name="李", first_name="红")
    article = ArticleFactory(status=Article.Status.DRAFT)
    rules.set_status(article, Article.Status.REVIEW, by=named_editor)
    rules.set_status(article, Article.Status.DRAFT, by=reviewer)  # 退回草稿
    rules.set_status(article, Article.Status.REVIEW, by=other)
    article.refresh_from_db()
    assert article.responsible_editor == "李红"


def test_a_latin_name_is_written_as_django_writes_it(editor):
    user = UserFactory(username="latin", group="编辑", first_name="Anna", last_name="Li")
    article = ArticleFactory(status=Article.Status.DRAFT)
    rules.set_status(article, Article.Status.REVIEW, by=user)
    assert Article.objects.get(pk=article.pk).responsible_editor == "Anna Li"


def test_a_user_without_a_name_leaves_it_as_it_was(editor):
    article = ArticleFactory(status=Article.Status.DRAFT, responsible_editor="张三")
    rules.set_status(article, Article.Status.REVIEW, by=editor)  # the fixture's editor has no name
    assert Article.objects.get(pk=article.pk).responsible_editor == "张三"


def test_a_reviewer_edits_it(reviewer_client):
    article = ArticleFactory(status=Article.Status.REVIEW, responsible_editor="王晓明")
    data = form_data(article, status="published", responsible_editor="赵敏")
    assert reviewer_client.post(change_url(article), data).status_code == 302
    assert Article.objects.get(pk=article.pk).responsible_editor == "赵敏"


def test_a_reviewer_who_submits_and_types_a_name_keeps_the_name(reviewer_client):
    reviewer_client.post(ADD, form_data(title="审核人提交", status="review", responsible_editor="赵敏"))
    assert Article.objects.get(title="审核人提交").responsible_editor == "赵敏"


def test_an_editor_sees_it_but_cannot_set_it(named_editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT, responsible_editor="赵敏")
    page = named_editor_client.get(change_url(article)).content.decode()
    assert "赵敏" in page and 'name="responsible_editor"' not in page
    named_editor_client.post(change_url(article), form_data(article, status="draft", responsible_editor="我自己"))
    assert Article.objects.get(pk=article.pk).responsible_editor == "赵敏"


def test_the_review_rule_refuses_an_editors_change_on_a_published_article(named_editor):
    article = ArticleFactory(status=Article.Status.PUBLISHED, responsible_editor="赵敏")
    stored = Article.objects.get(pk=article.pk)
    article.responsible_editor = "我自己"
    with pytest.raises(PermissionDenied, match="已发布"):
        rules.check_change(named_editor, article, previous=stored)


def test_the_review_rule_refuses_an_editors_change_on_a_draft(named_editor):
    article = ArticleFactory(status=Article.Status.DRAFT, responsible_editor="赵敏")
    stored = Article.objects.get(pk=article.pk)
    article.responsible_editor = "我自己"
    with pytest.raises(PermissionDenied, match="责任编辑"):
        rules.check_change(named_editor, article, previous=stored)


def test_an_editors_post_on_a_published_article_changes_nothing(named_editor_client):
    article = ArticleFactory(status=Article.Status.PUBLISHED, responsible_editor="赵敏")
    response = named_editor_client.post(change_url(article), form_data(article, responsible_editor="我自己"))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).responsible_editor == "赵敏"


def test_an_editor_restoring_an_old_version_keeps_the_reviewers_name(named_editor_client, named_editor):
    with reversion.create_revision():
        article = ArticleFactory(status=Article.Status.DRAFT, responsible_editor="旧名字")
    old = Version.objects.get_for_object(article).first()
    article.responsible_editor = "赵敏"
    article.status = Article.Status.WITHDRAWN
    with reversion.create_revision():
        article.save()
    url = reverse("admin:news_article_revision", args=[article.pk, old.pk])
    response = named_editor_client.post(url, form_data(article, status="draft"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).responsible_editor == "赵敏"


def test_the_article_page_shows_it_at_the_end(client):
    article = ArticleFactory(responsible_editor="王晓明", body="<p>正文的最后一段。</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "责任编辑：王晓明" in html
    assert html.index("正文的最后一段") < html.index("责任编辑：王晓明") < html.index("本文网址")
    assert "责任编辑：王晓明" in client.get(article.get_absolute_url() + "?print=1").content.decode()


def test_the_article_page_leaves_it_out_when_empty(client):
    article = ArticleFactory(responsible_editor="")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "责任编辑" not in html
