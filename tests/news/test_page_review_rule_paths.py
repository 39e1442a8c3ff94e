"""
The review rule on every write path an 编辑 has in the admin of single pages, as for
articles (test_review_rule_paths.py): the change form, its attachments inline, the
attachment admin (rename, delete), the list's actions, deleting, restoring a revision
from 历史, and "recover", each against a page in every state.
"""

import pytest
import reversion
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Page
from tests.factories import PageFactory, page_form_data

pytestmark = pytest.mark.django_db

Status = Page.Status
STATES = [Status.DRAFT, Status.REVIEW, Status.PUBLISHED, Status.WITHDRAWN]
EDITABLE_BY_EDITOR = {Status.DRAFT, Status.REVIEW, Status.WITHDRAWN}


def make_page(state, **fields):
    page = PageFactory(title="原来的标题", slug="yuanlai", status=state, **fields)
    attachment_create(page=page, file=ContentFile(samples.pdf(), name="原来的附件.pdf"), title="原来的附件")
    with reversion.create_revision():
        page.save()
    return page


def snapshot(page):
    page = Page.objects.get(pk=page.pk)
    attachments = list(Attachment.objects.filter(page=page).values_list("pk", "title", "file"))
    return (page.title, page.status, page.body, attachments)


def assert_refused_or_done(response, page, before, *, editor_may):
    if editor_may:
        assert response.status_code == 302, response.status_code
        assert snapshot(page) != before
    else:
        assert response.status_code == 403, response.status_code
        assert snapshot(page) == before


@pytest.mark.parametrize("state", STATES)
def test_change_form(editor_client, state):
    page = make_page(state)
    before = snapshot(page)
    url = reverse("admin:news_page_change", args=[page.pk])
    response = editor_client.post(url, page_form_data(page, title="编辑改的标题", status="review"))
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("row", [{"title": "改名的附件"}, {"delete": True}], ids=["rename", "delete"])
def test_attachments_inline(editor_client, state, row):
    page = make_page(state)
    attachment = page.attachments.get()
    before = snapshot(page)
    data = page_form_data(page, status="draft")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-page": str(page.pk),
            "attachments-0-title": row.get("title", attachment.title),
            "attachments-0-order": "0",
            **({"attachments-0-DELETE": "on"} if row.get("delete") else {}),
        }
    )
    response = editor_client.post(reverse("admin:news_page_change", args=[page.pk]), data)
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_attachment_admin_rename(editor_client, state):
    page = make_page(state)
    before = snapshot(page)
    url = reverse("admin:attachments_attachment_change", args=[page.attachments.get().pk])
    response = editor_client.post(url, {"title": "改名的附件", "order": "0"})
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_attachment_admin_delete(editor_client, state):
    page = make_page(state)
    before = snapshot(page)
    url = reverse("admin:attachments_attachment_delete", args=[page.attachments.get().pk])
    response = editor_client.post(url, {"post": "yes"})
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["submit_for_review", "publish", "withdraw", "delete_selected"])
def test_list_actions(editor_client, state, action):
    page = make_page(state)
    before = snapshot(page)
    url = reverse("admin:news_page_changelist")
    editor_client.post(url, {"action": action, "_selected_action": [page.pk], "post": "yes"})
    after = snapshot(page)
    if state == Status.DRAFT and action == "submit_for_review":
        assert after[1] == Status.REVIEW
    else:
        assert after == before


@pytest.mark.parametrize("state", STATES)
def test_delete(editor_client, state):
    page = make_page(state)
    response = editor_client.post(reverse("admin:news_page_delete", args=[page.pk]), {"post": "yes"})
    assert response.status_code == 403 and Page.objects.filter(pk=page.pk).exists()  # 编辑 delete no page


def _draft_version_then(state):
    """A page saved as a draft (a version of it), then put into `state` by a reviewer."""
    page = make_page(Status.DRAFT)
    draft_version = Version.objects.get_for_object(page).first()
    page.status = state
    page.body = "<p>审核后的正文</p>"
    with reversion.create_revision():
        page.save()
    return page, draft_version


@pytest.mark.parametrize("state", STATES)
def test_history_restore(editor_client, state):
    page, draft_version = _draft_version_then(state)
    public_before = Client().get(page.get_absolute_url()).status_code
    before = snapshot(page)
    url = reverse("admin:news_page_revision", args=[page.pk, draft_version.pk])
    response = editor_client.post(url, page_form_data(page, title="任意标题", status="review"))
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)
    if state not in EDITABLE_BY_EDITOR:
        assert Client().get(page.get_absolute_url()).status_code == public_before
        shown = editor_client.get(url)  # the old version can be read, not saved
        assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_recover_of_a_live_page(editor_client, state):
    page, draft_version = _draft_version_then(state)
    before = snapshot(page)
    url = reverse("admin:news_page_recover", args=[draft_version.pk])
    response = editor_client.post(url, page_form_data(page, title="任意标题", status="review"))
    assert_refused_or_done(response, page, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_an_editor_recovers_a_deleted_page_only_out_of_public_view(editor_client, state):
    page = make_page(state)
    pk = page.pk
    page.delete()
    version = Version.objects.get_deleted(Page).get(object_id=str(pk))
    url = reverse("admin:news_page_recover", args=[version.pk])
    crafted = page_form_data(title="原来的标题", slug="yuanlai", status="published")
    assert editor_client.post(url, crafted).status_code in (200, 403)  # refused: not a choice, or by the rule
    assert not Page.objects.filter(pk=pk).exists()
    response = editor_client.post(url, page_form_data(title="原来的标题", slug="yuanlai", status="review"))
    assert response.status_code == 302
    assert Page.objects.get(pk=pk).status == Status.REVIEW
    assert Client().get("/pages/yuanlai/").status_code == 404


@pytest.mark.parametrize("state", STATES)
def test_a_reviewer_may_restore_any_version(reviewer_client, state):
    page, draft_version = _draft_version_then(state)
    url = reverse("admin:news_page_revision", args=[page.pk, draft_version.pk])
    response = reviewer_client.post(url, page_form_data(page, title="恢复的标题", status="published"))
    assert response.status_code == 302
    restored = Page.objects.get(pk=page.pk)
    assert (restored.title, restored.body) == ("恢复的标题", "<p>正文</p>")
    assert Client().get(page.get_absolute_url()).status_code == 200


def test_a_deleted_attachment_comes_back_from_the_pages_history(reviewer_client):
    page = make_page(Status.PUBLISHED)
    attachment = page.attachments.get()
    before = Version.objects.get_for_object(page).first()
    reviewer_client.post(reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"})
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert "删除附件" in Version.objects.get_for_object(page).first().revision.comment
    data = page_form_data(page, status="published")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-page": str(page.pk),
            "attachments-0-title": "原来的附件",
            "attachments-0-order": "0",
        }
    )
    url = reverse("admin:news_page_revision", args=[page.pk, before.pk])
    assert reviewer_client.post(url, data).status_code == 302
    download = Client().get(Attachment.objects.get(pk=attachment.pk).get_absolute_url())
    assert download.status_code == 200 and b"".join(download.streaming_content) == samples.pdf()


def test_restoring_puts_back_the_old_body(reviewer_client):
    page, draft_version = _draft_version_then(Status.PUBLISHED)
    url = reverse("admin:news_page_revision", args=[page.pk, draft_version.pk])
    form = reviewer_client.get(url).content.decode()
    assert "乌达区委组织部负责全区党的组织建设。" in form  # the draft's body, offered for saving
