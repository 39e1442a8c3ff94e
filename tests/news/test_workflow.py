"""An editor cannot publish by any route; a reviewer can; every admin page works for both."""

import pytest
import reversion
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from reversion.models import Version

from news.models import Article
from tests.factories import ArticleFactory
from tests.factories import article_form_data as form_data

CHANGELIST = reverse("admin:news_article_changelist")
ADD = reverse("admin:news_article_add")


# --- Editors ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_editor_creates_a_draft_and_is_recorded_as_its_author(editor_client, editor):
    response = editor_client.post(ADD, form_data(title="社区党建新进展"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get(title="社区党建新进展")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == editor == article.updated_by


@pytest.mark.django_db
def test_an_editor_submits_for_review_in_the_form(editor_client):
    editor_client.post(ADD, form_data(title="待审稿件", status="review"))
    assert Article.objects.get(title="待审稿件").status == Article.Status.REVIEW


@pytest.mark.django_db
def test_the_form_offers_an_editor_only_draft_and_review(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'value="draft"' in html and 'value="review"' in html
    assert 'value="published"' not in html and 'value="withdrawn"' not in html


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["published", "withdrawn"])
def test_a_crafted_post_cannot_publish(editor_client, status):
    response = editor_client.post(ADD, form_data(title="偷偷发布", status=status))
    assert response.status_code == 200  # the form again, with the error
    assert "选择一个有效的选项" in response.content.decode()
    assert not Article.objects.filter(title="偷偷发布").exists()


@pytest.mark.django_db
def test_a_crafted_post_cannot_pin_or_make_a_headline(editor_client):
    editor_client.post(ADD, form_data(title="想上头条", is_pinned="on", is_headline="on", pinned_until_0="2030-01-01"))
    article = Article.objects.get(title="想上头条")
    assert not article.is_pinned and not article.is_headline and article.pinned_until is None


@pytest.mark.django_db
def test_an_editor_cannot_change_a_published_article(editor_client):
    article = ArticleFactory(title="已发布")
    response = editor_client.post(
        reverse("admin:news_article_change", args=[article.pk]), form_data(article, title="改了")
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == "已发布" and article.status == Article.Status.PUBLISHED


@pytest.mark.django_db
def test_an_editor_cannot_publish_with_an_action(editor_client):
    draft = ArticleFactory(status=Article.Status.REVIEW)
    page = editor_client.get(CHANGELIST).content.decode()
    assert 'value="publish"' not in page and 'value="pin"' not in page
    response = editor_client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW
    assert response.status_code in (200, 302)


@pytest.mark.django_db
def test_an_editor_cannot_publish_through_the_workflow_functions(editor):
    from django.core.exceptions import PermissionDenied

    from news import workflow
    from review import rules

    article = ArticleFactory(status=Article.Status.REVIEW)
    with pytest.raises(PermissionDenied):
        rules.set_status(article, Article.Status.PUBLISHED, by=editor)
    with pytest.raises(PermissionDenied):
        workflow.set_pinned(article, True, by=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW and not article.is_pinned


@pytest.mark.django_db
def test_an_editor_submits_drafts_with_an_action(editor_client):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    editor_client.post(CHANGELIST, {"action": "submit_for_review", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Article.Status.REVIEW


# --- Reviewers ----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "field", "expected"),
    [("publish", "status", "published"), ("withdraw", "status", "withdrawn"), ("pin", "is_pinned", True)],
)
def test_a_reviewer_uses_the_actions(reviewer_client, reviewer, action, field, expected):
    # 撤回 takes back what was published (what is in review is returned, with a comment).
    article = ArticleFactory(status=Article.Status.PUBLISHED if action == "withdraw" else Article.Status.REVIEW)
    response = reviewer_client.post(CHANGELIST, {"action": action, "_selected_action": [article.pk]})
    assert response.status_code == 302
    article.refresh_from_db()
    assert getattr(article, field) == expected
    entry = LogEntry.objects.get(object_id=str(article.pk))
    assert entry.user == reviewer
    assert Version.objects.get_for_object(article).count() == 1


@pytest.mark.django_db
def test_publishing_a_selection_leaves_the_articles_already_published_alone(reviewer_client):
    # As 撤回 and every other model's 发布 (review.admin.set_status_of): no new revision, no
    # new 修改时间 (which would refuse a form of it opened before), not counted as published.
    published = ArticleFactory(title="早已发布", status=Article.Status.PUBLISHED)
    in_review = ArticleFactory(title="待发布", status=Article.Status.REVIEW, published_at=None)
    updated_at = published.updated_at
    response = reviewer_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [published.pk, in_review.pk]}, follow=True
    )
    html = response.content.decode()
    assert "已发布 1 篇文章。" in html
    assert "1 篇文章原已是“已发布”，未作改动。" in html
    assert Article.objects.get(pk=published.pk).updated_at == updated_at
    assert not Version.objects.get_for_object(published).exists()
    assert Article.objects.get(pk=in_review.pk).status == Article.Status.PUBLISHED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "pinned", "said"), [("pin", True, "置顶 1 篇文章。"), ("unpin", False, "取消置顶 1 篇文章。")]
)
def test_pinning_a_selection_leaves_the_articles_already_so_alone(reviewer_client, action, pinned, said):
    already = ArticleFactory(title="原来如此", is_pinned=pinned)
    other = ArticleFactory(title="要改的", is_pinned=not pinned)
    updated_at = already.updated_at
    response = reviewer_client.post(
        CHANGELIST, {"action": action, "_selected_action": [already.pk, other.pk]}, follow=True
    )
    html = response.content.decode()
    assert f"已{said}" in html
    assert f"1 篇文章{'原已置顶' if pinned else '原未置顶'}，未作改动。" in html
    assert Article.objects.get(pk=already.pk).updated_at == updated_at
    assert not Version.objects.get_for_object(already).exists()
    assert Article.objects.get(pk=other.pk).is_pinned == pinned


@pytest.mark.django_db
def test_a_reviewer_publishes_in_the_form(reviewer_client):
    response = reviewer_client.post(ADD, form_data(title="直接发布", status="published", is_headline="on"))
    assert response.status_code == 302
    article = Article.objects.get(title="直接发布")
    assert article.status == Article.Status.PUBLISHED and article.is_headline


@pytest.mark.django_db
def test_unpinning_clears_the_end_time(reviewer_client):
    from django.utils import timezone

    article = ArticleFactory(is_pinned=True, pinned_until=timezone.now() + timezone.timedelta(days=3))
    reviewer_client.post(CHANGELIST, {"action": "unpin", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert not article.is_pinned and article.pinned_until is None


# --- Admin pages and history --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("user_fixture", ["editor_client", "reviewer_client"])
def test_every_admin_page_renders_for_both_groups(request, user_fixture):
    client = request.getfixturevalue(user_fixture)
    draft = ArticleFactory(status=Article.Status.DRAFT)
    with reversion.create_revision():
        draft.save()
    for url in [
        reverse("admin:index"),
        CHANGELIST,
        CHANGELIST + "?status__exact=draft&q=乌达",
        ADD,
        reverse("admin:news_article_change", args=[draft.pk]),
        reverse("admin:news_article_history", args=[draft.pk]),
        reverse("admin:news_category_changelist"),
        reverse("admin:attachments_attachment_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "内容管理" in response.content.decode(), url


@pytest.mark.django_db
def test_the_admin_speaks_chinese(reviewer_client):
    ArticleFactory()
    html = reviewer_client.get(CHANGELIST).content.decode()
    for text in ("选择要修改的文章", "栏目", "状态", "发布时间", "置顶", "头条", "浏览次数", "发布所选文章"):
        assert text in html, text


@pytest.mark.django_db
def test_a_revision_restores(reviewer_client):
    article = ArticleFactory(title="第一版标题", status=Article.Status.DRAFT)
    change = reverse("admin:news_article_change", args=[article.pk])
    reviewer_client.post(change, form_data(article, title="第一版标题", body="<p>第一版正文</p>"))
    reviewer_client.post(change, form_data(article, title="第二版标题", body="<p>第二版正文</p>"))
    article.refresh_from_db()
    assert article.title == "第二版标题"
    first = Version.objects.get_for_object(article).order_by("pk").first()
    revision_url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    assert reviewer_client.get(revision_url).status_code == 200
    response = reviewer_client.post(revision_url, form_data(article, title="第一版标题", body="<p>第一版正文</p>"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "第一版标题" and "第一版正文" in article.body


@pytest.mark.django_db
def test_a_deleted_article_can_be_recovered(reviewer_client):
    article = ArticleFactory(title="误删的文章")
    with reversion.create_revision():
        article.save()
    pk = article.pk
    reviewer_client.post(reverse("admin:news_article_delete", args=[pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=pk).exists()
    assert reviewer_client.get(reverse("admin:news_article_recoverlist")).status_code == 200
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = reverse("admin:news_article_recover", args=[version.pk])
    reviewer_client.post(recover_url, form_data(article, title="误删的文章", status="published"))
    assert Article.objects.filter(pk=pk, title="误删的文章").exists()


@pytest.mark.django_db
def test_the_attachments_inline_is_on_the_article_form():
    from attachments.admin import AttachmentInline

    request = RequestFactory().get("/")
    assert AttachmentInline in site.get_model_admin(Article).get_inlines(request, None)
