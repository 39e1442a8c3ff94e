"""
The review rule on every write path an 编辑 has in the admin of each reviewed model
(articles, single pages, topics; security review, issue 14 §1).

An editor may change drafts, what is in review and what was withdrawn; what is public (or
scheduled to be) only a reviewer changes. Each path below is tried against each model in
every state: the change form and its inline rows (attachments; a topic's sections and
articles), the attachment admin (rename, delete), the list's actions, deleting, restoring
a revision from 历史, "recover", and crafted POSTs. Decisions are made on the object as
stored before the request. What only one model has is tested beside it
(tests/news/test_review_rule_paths.py, tests/news/test_page_review_rule_paths.py,
tests/topics/test_admin.py).
"""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from demo import samples
from tests.review.reviewed import ARTICLE, ATTACHED, EDITABLE_BY_EDITOR, KINDS

pytestmark = pytest.mark.django_db


def each_state(kinds=KINDS):
    return [pytest.param(kind, state, id=f"{kind.name}-{state}") for kind in kinds for state in kind.states]


def each_state_and(choices_of, kinds=KINDS):
    """(kind, state, choice) for every state of each kind and every choice `choices_of(kind)` offers."""
    return [
        pytest.param(kind, state, choice, id=f"{kind.name}-{state}-{choice}")
        for kind in kinds
        for state in kind.states
        for choice in choices_of(kind)
    ]


def assert_refused_or_done(response, kind, obj, before, state):
    if state in EDITABLE_BY_EDITOR:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert kind.snapshot(obj) != before
    else:
        assert response.status_code == 403, response.status_code
        assert kind.snapshot(obj) == before


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_change_form(editor_client, kind, state):
    obj = kind.make(state)
    before = kind.snapshot(obj)
    response = editor_client.post(
        kind.url("change", obj.pk), kind.form_data(obj, title="编辑改的标题", status="review")
    )
    assert_refused_or_done(response, kind, obj, before, state)


@pytest.mark.parametrize(("kind", "state", "change"), each_state_and(lambda kind: kind.inline_changes))
def test_inline_rows_on_the_form(editor_client, kind, state, change):
    obj = kind.make(state)
    before = kind.snapshot(obj)
    response = editor_client.post(kind.url("change", obj.pk), kind.inline_data(obj, change))
    assert_refused_or_done(response, kind, obj, before, state)


# What an editor asks of an attachment in the attachment admin: its view and what is posted.
ATTACHMENT_ADMIN_REQUESTS = {
    "rename": ("admin:attachments_attachment_change", {"title": "改名的附件", "order": "0"}),
    "delete": ("admin:attachments_attachment_delete", {"post": "yes"}),
}


@pytest.mark.parametrize(
    ("kind", "state", "request_name"), each_state_and(lambda kind: ATTACHMENT_ADMIN_REQUESTS, ATTACHED)
)
def test_attachment_admin(editor_client, kind, state, request_name):
    obj = kind.make(state)
    before = kind.snapshot(obj)
    view, data = ATTACHMENT_ADMIN_REQUESTS[request_name]
    response = editor_client.post(reverse(view, args=[obj.attachments.get().pk]), data)
    assert_refused_or_done(response, kind, obj, before, state)


@pytest.mark.parametrize(("kind", "state", "action"), each_state_and(lambda kind: kind.actions))
def test_list_actions(editor_client, kind, state, action):
    obj = kind.make(state)
    before = kind.snapshot(obj)
    editor_client.post(kind.url("changelist"), {"action": action, "_selected_action": [obj.pk], "post": "yes"})
    after = kind.snapshot(obj)
    if state == "draft" and action == "submit_for_review":
        assert after[1] == "review"
    else:
        assert after == before


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_an_editor_cannot_delete(editor_client, kind, state):
    obj = kind.make(state)
    response = editor_client.post(kind.url("delete", obj.pk), {"post": "yes"})
    assert response.status_code == 403 and kind.model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_history_restore(editor_client, kind, state):
    obj, draft_version = kind.draft_version_then(state)
    public_before = Client().get(obj.get_absolute_url()).status_code
    before = kind.snapshot(obj)
    url = kind.url("revision", obj.pk, draft_version.pk)
    response = editor_client.post(url, kind.form_data(obj, title="任意标题", status="review"))
    assert_refused_or_done(response, kind, obj, before, state)
    if state not in EDITABLE_BY_EDITOR:
        assert Client().get(obj.get_absolute_url()).status_code == public_before
        shown = editor_client.get(url)  # the old version can be read, not saved
        assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_recover_of_a_live_one(editor_client, kind, state):
    obj, draft_version = kind.draft_version_then(state)
    before = kind.snapshot(obj)
    response = editor_client.post(
        kind.url("recover", draft_version.pk), kind.form_data(obj, title="任意标题", status="review")
    )
    assert_refused_or_done(response, kind, obj, before, state)


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_an_editor_recovers_a_deleted_one_only_out_of_public_view(editor_client, kind, state):
    obj = kind.make(state, **kind.set_by_reviewer)
    pk, public_url = obj.pk, obj.get_absolute_url()
    obj.delete()
    url = kind.url("recover", Version.objects.get_deleted(kind.model).get(object_id=str(pk)).pk)
    crafted = kind.deleted_form_data(obj, status="published")
    assert editor_client.post(url, crafted).status_code in (200, 403)  # refused: not a choice, or by the rule
    assert not kind.model.objects.filter(pk=pk).exists()
    response = editor_client.post(url, kind.deleted_form_data(obj, status="review"))
    assert response.status_code == 302
    recovered = kind.model.objects.get(pk=pk)
    assert recovered.status == "review"
    for field in kind.set_by_reviewer:  # the reviewer's fields (pins, home placement) keep their defaults
        assert getattr(recovered, field) == kind.model._meta.get_field(field).get_default(), field
    assert Client().get(public_url).status_code == 404


# --- What reviewers can do, and what the history keeps ------------------------------------


@pytest.mark.parametrize(("kind", "state"), each_state())
def test_a_reviewer_may_restore_any_version(reviewer_client, kind, state):
    obj, draft_version = kind.draft_version_then(state)
    data = kind.form_data(obj, title="恢复的标题", **kind.restore_overrides)
    kind.lose_parts(obj)
    response = reviewer_client.post(kind.url("revision", obj.pk, draft_version.pk), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    obj.refresh_from_db()
    assert obj.title == "恢复的标题"
    kind.check_restored(obj)


@pytest.mark.parametrize("kind", [pytest.param(kind, id=kind.name) for kind in ATTACHED])
def test_a_deleted_attachment_comes_back_with_its_file_from_the_history(reviewer_client, kind):
    obj = kind.make("published")
    attachment = obj.attachments.get()
    before = Version.objects.get_for_object(obj).first()
    reviewer_client.post(reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"})
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    history = list(Version.objects.get_for_object(obj))
    assert len(history) == 2 and "删除附件" in history[0].revision.comment
    assert attachment.file.storage.exists(attachment.file.name)  # kept while the history names it

    data = kind.form_data(obj, **kind.published_overrides) | kind.attachment_rows(obj, attachment, title="原来的附件")
    assert reviewer_client.post(kind.url("revision", obj.pk, before.pk), data).status_code == 302
    download = Client().get(Attachment.objects.get(pk=attachment.pk).get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == samples.pdf()


@pytest.mark.parametrize("view", ["revision", "recover"])
def test_a_restore_is_decided_on_the_object_as_locked_not_as_read_before(editor_client, reviewer, monkeypatch, view):
    # A reviewer's publication that commits between the rule's first read and the restore
    # view's lock (core.admin_conflict.restore_view): the editor's restore, sent without the
    # form's token (no edit-conflict check), must meet the article as published.
    import core.admin_conflict
    from review import rules

    obj, draft_version = ARTICLE.draft_version_then("draft")
    read = core.admin_conflict.read_stored

    def published_meanwhile(model, pk, *, locked):
        if locked:
            rules.set_status(model.objects.get(pk=pk), "published", by=reviewer)
        return read(model, pk, locked=locked)

    monkeypatch.setattr(core.admin_conflict, "read_stored", published_meanwhile)
    args = (obj.pk, draft_version.pk) if view == "revision" else (draft_version.pk,)
    response = editor_client.post(ARTICLE.url(view, *args), ARTICLE.form_data(obj, title="任意标题", status="review"))
    assert response.status_code == 403  # an editor restoring a published article
    obj.refresh_from_db()
    # Nothing restored. (The publication, made inside the refused request here, is rolled
    # back with it: a real one commits before the lock is granted.)
    assert obj.title == "原来的标题" and obj.status == "draft"
