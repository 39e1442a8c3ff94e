"""
The review rule on every write path an 编辑 has in the admin (security review, issue 14 §1).

An editor may change drafts, articles in review and withdrawn ones; what is public (or
scheduled to be) only a reviewer changes. Each path below is tried against an article in
every state: the change form, its attachments inline, the attachment admin (rename,
delete, bulk delete), the list's actions, restoring a revision from 历史, "recover", and
crafted POSTs. Decisions are made on the article as stored before the request.
"""

from datetime import timedelta

import pytest
import reversion
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory, article_form_data

pytestmark = pytest.mark.django_db

Status = Article.Status
STATES = {
    "draft": {"status": Status.DRAFT},
    "review": {"status": Status.REVIEW},
    "published": {"status": Status.PUBLISHED},
    "withdrawn": {"status": Status.WITHDRAWN},
    "scheduled": {"status": Status.PUBLISHED, "published_at_delta": timedelta(days=2)},
}
EDITABLE_BY_EDITOR = {"draft", "review", "withdrawn"}


def make_article(state, **fields):
    spec = dict(STATES[state])
    delta = spec.pop("published_at_delta", -timedelta(hours=1))
    article = ArticleFactory(title="原来的标题", published_at=timezone.now() + delta, **spec, **fields)
    attachment = attachment_create(
        article=article, file=ContentFile(samples.pdf(), name="原来的附件.pdf"), title="原来的附件"
    )
    with reversion.create_revision():
        article.save()
    return article, attachment


def snapshot(article):
    article = Article.objects.get(pk=article.pk)
    attachments = list(Attachment.objects.filter(article=article).values_list("pk", "title", "file"))
    return (article.title, article.status, article.is_pinned, attachments)


def inline_data(article, attachment, **row):
    """The article form with its one attachment row."""
    data = article_form_data(article, title="编辑改的标题", status="draft")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-article": str(article.pk),
            "attachments-0-title": row.get("title", attachment.title),
            "attachments-0-order": "0",
        }
    )
    if row.get("delete"):
        data["attachments-0-DELETE"] = "on"
    return data


def assert_refused_or_done(response, article, before, state, *, editor_may):
    if editor_may:
        assert response.status_code == 302, response.status_code
        assert snapshot(article) != before
    else:
        assert response.status_code == 403, response.status_code
        assert snapshot(article) == before


@pytest.mark.parametrize("state", STATES)
def test_change_form(editor_client, state):
    article, _ = make_article(state)
    before = snapshot(article)
    url = reverse("admin:news_article_change", args=[article.pk])
    response = editor_client.post(url, article_form_data(article, title="编辑改的标题", status="review"))
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("row", [{"title": "改名的附件"}, {"delete": True}], ids=["rename", "delete"])
def test_attachments_inline(editor_client, state, row):
    article, attachment = make_article(state)
    before = snapshot(article)
    url = reverse("admin:news_article_change", args=[article.pk])
    response = editor_client.post(url, inline_data(article, attachment, **row))
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_attachment_admin_rename(editor_client, state):
    article, attachment = make_article(state)
    before = snapshot(article)
    url = reverse("admin:attachments_attachment_change", args=[attachment.pk])
    response = editor_client.post(url, {"title": "改名的附件", "order": "0"})
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_attachment_admin_delete(editor_client, state):
    article, attachment = make_article(state)
    before = snapshot(article)
    url = reverse("admin:attachments_attachment_delete", args=[attachment.pk])
    response = editor_client.post(url, {"post": "yes"})
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_attachment_list_bulk_delete(editor_client, state):
    article, attachment = make_article(state)
    draft, draft_attachment = make_article("draft")
    before = snapshot(article)
    url = reverse("admin:attachments_attachment_changelist")
    response = editor_client.post(
        url, {"action": "delete_selected", "_selected_action": [attachment.pk, draft_attachment.pk], "post": "yes"}
    )
    if state in EDITABLE_BY_EDITOR:
        assert response.status_code == 302
        assert not Attachment.objects.filter(pk__in=[attachment.pk, draft_attachment.pk]).exists()
    else:
        assert response.status_code == 403
        assert snapshot(article) == before
        assert Attachment.objects.filter(pk=draft_attachment.pk).exists()  # the whole batch refused


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["submit_for_review", "publish", "withdraw", "pin", "unpin", "delete_selected"])
def test_list_actions(editor_client, state, action):
    article, _ = make_article(state)
    before = snapshot(article)
    url = reverse("admin:news_article_changelist")
    editor_client.post(url, {"action": action, "_selected_action": [article.pk], "post": "yes"})
    after = snapshot(article)
    if state == "draft" and action == "submit_for_review":
        assert after[1] == Status.REVIEW
    else:
        assert after == before


def _draft_version_then(state):
    """An article saved as a draft (a version of it), then put into `state` by a reviewer."""
    article, attachment = make_article("draft")
    draft_version = Version.objects.get_for_object(article).first()
    spec = dict(STATES[state])
    delta = spec.pop("published_at_delta", -timedelta(hours=1))
    for name, value in spec.items():
        setattr(article, name, value)
    article.published_at = timezone.now() + delta
    with reversion.create_revision():
        article.save()
    return article, draft_version


@pytest.mark.parametrize("state", STATES)
def test_history_restore(editor_client, state):
    article, draft_version = _draft_version_then(state)
    public_before = Client().get(article.get_absolute_url()).status_code
    before = snapshot(article)
    url = reverse("admin:news_article_revision", args=[article.pk, draft_version.pk])
    response = editor_client.post(url, article_form_data(article, title="任意标题", status="review"))
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)
    if state not in EDITABLE_BY_EDITOR:
        assert Client().get(article.get_absolute_url()).status_code == public_before
        shown = editor_client.get(url)  # the old version can be read, not saved
        assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_recover_of_a_live_article(editor_client, state):
    article, draft_version = _draft_version_then(state)
    before = snapshot(article)
    url = reverse("admin:news_article_recover", args=[draft_version.pk])
    response = editor_client.post(url, article_form_data(article, title="任意标题", status="review"))
    assert_refused_or_done(response, article, before, state, editor_may=state in EDITABLE_BY_EDITOR)


def _deleted(state):
    article, _ = make_article(state, is_pinned=True)
    pk = article.pk
    article.delete()
    return pk, Version.objects.get_deleted(Article).get(object_id=str(pk))


@pytest.mark.parametrize("state", STATES)
def test_an_editor_recovers_a_deleted_article_only_out_of_public_view(editor_client, state):
    pk, version = _deleted(state)
    url = reverse("admin:news_article_recover", args=[version.pk])
    crafted = article_form_data(title="原来的标题", status="published")
    assert editor_client.post(url, crafted).status_code in (200, 403)  # refused: not a choice, or by the rule
    assert not Article.objects.filter(pk=pk).exists()
    response = editor_client.post(url, article_form_data(title="原来的标题", status="review"))
    assert response.status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.status == Status.REVIEW and not recovered.is_pinned  # pins are the reviewer's
    assert Client().get(f"/articles/{pk}/").status_code == 404


def test_an_editor_cannot_delete_articles(editor_client):
    article, _ = make_article("draft")
    response = editor_client.post(reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"})
    assert response.status_code == 403 and Article.objects.filter(pk=article.pk).exists()


# --- What reviewers can do, and what the history keeps ------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_a_reviewer_may_restore_any_version(reviewer_client, state):
    article, draft_version = _draft_version_then(state)
    url = reverse("admin:news_article_revision", args=[article.pk, draft_version.pk])
    # Back to draft from 待审核 is a return (退回): it says why, on this path as on the others.
    data = article_form_data(article, title="恢复的标题", status="draft", review_comment="恢复到草稿版本，请重新整理。")
    response = reviewer_client.post(url, data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "恢复的标题"


def test_a_deleted_attachment_comes_back_with_its_file_from_the_history(reviewer_client):
    article, attachment = make_article("published")
    before = Version.objects.get_for_object(article).first()
    reviewer_client.post(reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"})
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    history = list(Version.objects.get_for_object(article))
    assert len(history) == 2 and "删除附件" in history[0].revision.comment
    assert attachment.file.storage.exists(attachment.file.name)  # kept while the history names it

    url = reverse("admin:news_article_revision", args=[article.pk, before.pk])
    data = article_form_data(article, status="published", published_at_0="2020-01-01")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-article": str(article.pk),
            "attachments-0-title": "原来的附件",
            "attachments-0-order": "0",
        }
    )
    assert reviewer_client.post(url, data).status_code == 302
    restored = Attachment.objects.get(pk=attachment.pk)
    download = Client().get(restored.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.pdf()


def test_a_renamed_attachment_is_a_revision_of_its_article(reviewer_client):
    article, attachment = make_article("published")
    url = reverse("admin:attachments_attachment_change", args=[attachment.pk])
    assert reviewer_client.post(url, {"title": "新名字", "order": "0"}).status_code == 302
    latest = Version.objects.get_for_object(article).first()
    assert "修改附件" in latest.revision.comment
    assert (
        '"新名字"' in Version.objects.get_for_object(Attachment.objects.get(pk=attachment.pk)).first().serialized_data
    )


def test_files_no_version_names_are_still_deleted(django_capture_on_commit_callbacks):
    article = ArticleFactory(status=Status.DRAFT)
    attachment = attachment_create(article=article, file=ContentFile(samples.pdf(), name="临时.pdf"))
    name, storage = attachment.file.name, attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not storage.exists(name)
