"""
退回 with a comment, and the review record (审核记录) on every path (issue 18 §2): the change
form, the list's actions, restoring a revision. The record is apart from the versions: a
restored version never takes it back.
"""

import pytest
import reversion
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news.models import Article
from review import records, rules
from review.models import ReviewRecord
from tests.factories import ArticleFactory, UserFactory, article_form_data

pytestmark = pytest.mark.django_db

Status = Article.Status
Action = ReviewRecord.Action
COMMENT = "第二段的数据请与统计局核对，标题去掉“圆满”二字。"


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def log(article):
    """The article's record, oldest first, as (action, user name, comment)."""
    return [(r.action, r.user.username, r.comment) for r in reversed(list(records.records_of(article)))]


@pytest.fixture
def in_review(editor):
    article = ArticleFactory(title="社区党建工作要点", status=Status.REVIEW, published_at=None, created_by=editor)
    with reversion.create_revision():
        article.save()
    return article


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


# --- The record API ------------------------------------------------------------------------


def test_a_record_keeps_who_when_what_and_why(reviewer, in_review):
    kept = records.record(in_review, Action.CONFIRMED, reviewer, comment="  已核对错敏词 ")
    assert records.records_of(in_review).get() == kept
    assert (kept.action, kept.user, kept.comment, kept.user_name) == (
        Action.CONFIRMED,
        reviewer,
        "已核对错敏词",
        "reviewer",
    )


def test_a_return_without_a_comment_is_refused_by_the_api_and_the_database(reviewer, in_review):
    with pytest.raises(ValidationError):
        records.record(in_review, Action.RETURNED, reviewer, comment="  ")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewRecord.objects.create(
            content_type=ContentType.objects.get_for_model(Article),
            object_id=in_review.pk,
            action=Action.RETURNED,
        )


def test_a_return_is_open_until_the_next_submission(editor, reviewer, in_review):
    rules.return_for_revision(in_review, by=reviewer, comment=COMMENT)
    assert records.open_return(in_review).comment == COMMENT
    records.record(in_review, Action.CONFIRMED, reviewer, comment="已核对错敏词")  # not a state: still open
    assert records.open_return(in_review) is not None
    rules.set_status(in_review, Status.REVIEW, by=editor)
    assert records.open_return(in_review) is None


# --- The change form -----------------------------------------------------------------------


def test_the_form_calls_draft_a_return_for_a_reviewer_of_what_is_in_review(editor, reviewer, in_review):
    assert "退回修改（草稿）" in as_user(reviewer).get(change_url(in_review)).content.decode()
    assert "退回修改（草稿）" not in as_user(editor).get(change_url(in_review)).content.decode()


def test_returning_on_the_form_needs_a_comment(reviewer_client, in_review):
    response = reviewer_client.post(change_url(in_review), article_form_data(in_review, status="draft"))
    assert response.status_code == 200
    assert "退回修改时必须填写审核意见" in response.content.decode()
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    assert log(in_review) == []


def test_returning_on_the_form_keeps_the_comment_and_the_editor_sees_it(reviewer_client, editor, in_review):
    data = article_form_data(in_review, status="draft", review_comment=COMMENT)
    assert reviewer_client.post(change_url(in_review), data).status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == Status.DRAFT
    assert log(in_review) == [(Action.RETURNED, "reviewer", COMMENT)]

    editor_client = as_user(editor)
    form = editor_client.get(change_url(in_review)).content.decode()
    assert "review-return" in form and COMMENT in form

    # The editor submits again: the notice goes, the record stays.
    editor_client.post(change_url(in_review), article_form_data(in_review, status="review", review_comment="已修改"))
    form = editor_client.get(change_url(in_review)).content.decode()
    assert "review-return" not in form
    assert COMMENT in form  # in 审核记录
    assert log(in_review) == [(Action.RETURNED, "reviewer", COMMENT), (Action.SUBMITTED, "editor", "已修改")]


def test_every_change_of_state_on_the_form_is_recorded(editor, reviewer):
    editor_client, reviewer_client = as_user(editor), as_user(reviewer)
    response = editor_client.post(reverse("admin:news_article_add"), article_form_data(title="新稿", status="review"))
    assert response.status_code == 302
    article = Article.objects.get(title="新稿")
    reviewer_client.post(change_url(article), article_form_data(article, status="published", review_comment="同意"))
    reviewer_client.post(change_url(article), article_form_data(article, status="withdrawn", review_comment="数据有误"))
    reviewer_client.post(change_url(article), article_form_data(article, status="withdrawn", title="只改标题"))
    assert log(article) == [
        (Action.SUBMITTED, "editor", ""),
        (Action.PUBLISHED, "reviewer", "同意"),
        (Action.WITHDRAWN, "reviewer", "数据有误"),
    ]


def test_an_editor_taking_back_a_submission_is_not_a_return(editor_client, in_review):
    response = editor_client.post(change_url(in_review), article_form_data(in_review, status="draft"))
    assert response.status_code == 302
    assert log(in_review) == []


# --- The list's actions --------------------------------------------------------------------


def test_the_return_action_asks_for_the_comment_first(reviewer_client, in_review):
    url = reverse("admin:news_article_changelist")
    asked = reviewer_client.post(url, {"action": "return_for_revision", "_selected_action": [in_review.pk]})
    assert asked.status_code == 200 and "审核意见" in asked.content.decode()
    empty = reviewer_client.post(
        url,
        {"action": "return_for_revision", "_selected_action": [in_review.pk], "apply_return": "1", "comment": " "},
    )
    assert empty.status_code == 200 and "必须填写审核意见" in empty.content.decode()
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW

    done = reviewer_client.post(
        url,
        {"action": "return_for_revision", "_selected_action": [in_review.pk], "apply_return": "1", "comment": COMMENT},
    )
    assert done.status_code == 302
    assert Article.objects.get(pk=in_review.pk).status == Status.DRAFT
    assert log(in_review) == [(Action.RETURNED, "reviewer", COMMENT)]


def test_the_return_action_leaves_what_is_not_in_review(reviewer_client, reviewer):
    published = ArticleFactory(status=Status.PUBLISHED)
    reviewer_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "return_for_revision", "_selected_action": [published.pk], "apply_return": "1", "comment": COMMENT},
    )
    assert Article.objects.get(pk=published.pk).status == Status.PUBLISHED
    assert log(published) == []


def test_an_editor_cannot_return(editor_client, in_review):
    editor_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "return_for_revision", "_selected_action": [in_review.pk], "apply_return": "1", "comment": COMMENT},
    )
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    assert log(in_review) == []
    editor = in_review.created_by
    with pytest.raises(Exception, match="只有审核发布人员可以退回"):
        rules.return_for_revision(in_review, by=editor, comment=COMMENT)


def test_the_list_actions_are_recorded(editor_client, reviewer):
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    url = reverse("admin:news_article_changelist")
    editor_client.post(url, {"action": "submit_for_review", "_selected_action": [article.pk]})
    reviewer_client = as_user(reviewer)
    reviewer_client.post(url, {"action": "publish", "_selected_action": [article.pk]})
    reviewer_client.post(url, {"action": "withdraw", "_selected_action": [article.pk]})
    assert log(article) == [
        (Action.SUBMITTED, "editor", ""),
        (Action.PUBLISHED, "reviewer", ""),
        (Action.WITHDRAWN, "reviewer", ""),
    ]


# --- Restoring a version ------------------------------------------------------------------


def test_restoring_a_version_keeps_the_record_and_records_its_change_of_state(editor, reviewer, in_review):
    review_version = Version.objects.get_for_object(in_review).first()
    rules.set_status(in_review, Status.PUBLISHED, by=reviewer)
    rules.set_status(in_review, Status.WITHDRAWN, by=reviewer)
    before = log(in_review)

    # The reviewer restores the version from when it was in review: a submission again.
    url = reverse("admin:news_article_revision", args=[in_review.pk, review_version.pk])
    shown = as_user(reviewer).get(url).content.decode()
    assert "审核记录" in shown and "撤回" in shown  # the record as it is, not as it was
    response = as_user(reviewer).post(url, article_form_data(in_review, status="review"))
    assert response.status_code == 302
    assert log(in_review) == [*before, (Action.SUBMITTED, "reviewer", "")]


def test_restoring_to_draft_from_review_is_a_return_and_needs_a_comment(reviewer, in_review):
    draft_version = Version.objects.get_for_object(in_review).first()
    url = reverse("admin:news_article_revision", args=[in_review.pk, draft_version.pk])
    client = as_user(reviewer)
    assert client.post(url, article_form_data(in_review, status="draft")).status_code == 200
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    response = client.post(url, article_form_data(in_review, status="draft", review_comment=COMMENT))
    assert response.status_code == 302
    assert log(in_review) == [(Action.RETURNED, "reviewer", COMMENT)]


def test_a_record_survives_its_user(in_review):
    someone = UserFactory(username="temp", group="审核发布", last_name="李", first_name="审")
    rules.return_for_revision(in_review, by=someone, comment=COMMENT)
    someone.delete()
    kept = records.records_of(in_review).get()
    assert kept.user is None and kept.user_name == "李审"


def test_an_admin_without_fieldsets_shows_the_review_fields_once(rf, reviewer, in_review):
    from django.contrib import admin as django_admin
    from django.contrib.admin.utils import flatten_fieldsets

    from review.admin import ReviewedAdmin

    rules.return_for_revision(in_review, by=reviewer, comment=COMMENT)
    request = rf.get("/")
    request.user = reviewer
    plain = ReviewedAdmin(Article, django_admin.site)
    fields = flatten_fieldsets(plain.get_fieldsets(request, Article.objects.get(pk=in_review.pk)))
    for name in ("review_return_notice", "review_comment", "review_log"):
        assert fields.count(name) == 1, fields


def test_a_deleted_and_recovered_article_keeps_its_record(reviewer, in_review):
    rules.return_for_revision(in_review, by=reviewer, comment=COMMENT)
    with reversion.create_revision():
        in_review.save()
    pk = in_review.pk
    Article.objects.get(pk=pk).delete()
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    url = reverse("admin:news_article_recover", args=[version.pk])
    response = as_user(reviewer).post(url, article_form_data(in_review, status="review"))
    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert log(recovered) == [(Action.RETURNED, "reviewer", COMMENT), (Action.SUBMITTED, "reviewer", "")]


# --- 撤回 is for what was published: not a return without a comment --------------------------


def test_withdrawing_what_is_in_review_is_refused_by_the_rule(reviewer, in_review):
    """撤回 of something never published sent it away from the editor's 我的稿件 with no comment."""
    with pytest.raises(PermissionDenied, match="只有已发布的文章可以撤回"):
        rules.set_status(in_review, Status.WITHDRAWN, by=reviewer)
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    assert log(in_review) == []


def test_the_withdraw_action_leaves_what_is_in_review(reviewer_client, in_review):
    url = reverse("admin:news_article_changelist")
    response = reviewer_client.post(url, {"action": "withdraw", "_selected_action": [in_review.pk]}, follow=True)
    assert "只有已发布的文章可以撤回" in response.content.decode()
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    assert log(in_review) == []


def test_withdrawing_what_is_in_review_on_the_form_is_a_form_error(reviewer_client, in_review):
    response = reviewer_client.post(change_url(in_review), article_form_data(in_review, status="withdrawn"))
    assert response.status_code == 200
    assert "只有已发布的文章可以撤回" in response.context["adminform"].form.errors["status"][0]
    assert Article.objects.get(pk=in_review.pk).status == Status.REVIEW
    assert log(in_review) == []


def test_what_was_published_is_still_withdrawn(reviewer, in_review):
    rules.set_status(in_review, Status.PUBLISHED, by=reviewer)
    rules.set_status(in_review, Status.WITHDRAWN, by=reviewer)
    assert Article.objects.get(pk=in_review.pk).status == Status.WITHDRAWN


def test_a_long_name_is_kept_to_the_record_column(in_review):
    """姓 and 名 may hold 150 characters each; the record's name column 150 in all: no database error."""
    someone = UserFactory(username="long", group="审核发布", last_name="欧" * 100, first_name="阳" * 100)
    rules.return_for_revision(in_review, by=someone, comment=COMMENT)
    kept = records.records_of(in_review).get()
    assert kept.user_name == ("欧" * 100 + "阳" * 50)
