"""
The 附件 admin beside the article (and single-page) admin:

- two editors changing the same attachment: the later save of a form opened before the
  other is refused, says who changed it and when, and keeps what was typed
  (core.admin_conflict, as on the article form);
- the rows are locked in one order everywhere, the article's (or page's) first, then its
  attachments', so that a save here and one on the article form never deadlock.
"""

import re
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import attachments.admin
from attachments.models import Attachment
from tests.review.reviewed import ARTICLE, ATTACHED
from tests.review.test_edit_conflicts import opened_version


def change_url(attachment):
    return reverse("admin:attachments_attachment_change", args=[attachment.pk])


def open_attachment_form(client, attachment):
    response = client.get(change_url(attachment))
    assert response.status_code == 200
    return opened_version(response.content.decode())


@pytest.fixture
def named_reviewer(reviewer):
    reviewer.last_name, reviewer.first_name = "王", "审核"
    reviewer.save()
    return reviewer


# --- The edit-conflict token --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ATTACHED, ids=lambda kind: kind.name)
def test_the_later_save_of_an_older_attachment_form_is_refused(client, editor, named_reviewer, kind):
    attachment = kind.make("draft").attachments.get()
    client.force_login(editor)
    editors_version = open_attachment_form(client, attachment)

    client.force_login(named_reviewer)
    reviewers_version = open_attachment_form(client, attachment)
    data = {"title": "审核改名", "order": "0", "opened_version": reviewers_version}
    assert client.post(change_url(attachment), data).status_code == 302

    client.force_login(editor)
    data = {"title": "编辑改名", "order": "3", "opened_version": editors_version}
    response = client.post(change_url(attachment), data)
    assert response.status_code == 200  # the form again, not 「已保存」
    html = response.content.decode()
    assert "保存前，这个附件已被修改（王审核，" in html
    assert re.search(r"改动的是：[^。]*显示名称", html)
    assert "您这次的修改没有保存，仍在下面的表单中" in html
    assert 'value="编辑改名"' in html  # what the editor typed, still in the form
    assert opened_version(html) == editors_version  # sending it again is refused again
    attachment.refresh_from_db()
    assert (attachment.title, attachment.order, attachment.updated_by) == ("审核改名", 0, named_reviewer)


@pytest.mark.django_db
def test_an_attachment_form_opened_on_the_latest_version_is_saved(editor_client):
    attachment = ARTICLE.make("draft").attachments.get()
    for title in ("第一次改名", "第二次改名"):
        data = {"title": title, "order": "0", "opened_version": open_attachment_form(editor_client, attachment)}
        assert editor_client.post(change_url(attachment), data).status_code == 302
        attachment.refresh_from_db()
        assert attachment.title == title


@pytest.mark.django_db
def test_an_attachment_renamed_on_its_articles_form_meanwhile_is_not_overwritten(client, editor, named_reviewer):
    obj = ARTICLE.make("draft")
    attachment = obj.attachments.get()
    client.force_login(editor)
    editors_version = open_attachment_form(client, attachment)

    client.force_login(named_reviewer)
    html = client.get(ARTICLE.url("change", obj.pk)).content.decode()
    data = ARTICLE.inline_data(obj, "rename") | {"opened_version": opened_version(html)}
    assert client.post(ARTICLE.url("change", obj.pk), data).status_code == 302

    client.force_login(editor)
    response = client.post(
        change_url(attachment), {"title": "编辑改名", "order": "0", "opened_version": editors_version}
    )
    assert response.status_code == 200
    assert "保存前，这个附件已被修改（王审核，" in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.title == "改名的附件"


# --- One lock order: the owner's row, then its attachments' ------------------------------------


def first_locks(queries):
    """The tables in the order the statements first lock (or write) one of their rows."""
    order = []
    for query in queries:
        sql = query["sql"]
        written = re.match(r'\s*(?:UPDATE|DELETE FROM|INSERT INTO) "(\w+)"', sql)
        locked = re.search(r'FOR (?:NO KEY )?UPDATE OF "(\w+)"', sql)
        table = (written or locked).group(1) if (written or locked) else None
        if table is not None and table not in order:
            order.append(table)
    return order


def assert_owner_locked_first(queries, owner_table):
    order = first_locks(queries)
    assert owner_table in order and "attachments_attachment" in order, order
    assert order.index(owner_table) < order.index("attachments_attachment"), order


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("kind", ATTACHED, ids=lambda kind: kind.name)
@pytest.mark.parametrize("view", ["change", "delete", "delete_selected"])
def test_the_attachment_admin_locks_the_owner_first(reviewer_client, kind, view):
    attachment = kind.make("draft").attachments.get()
    if view == "change":
        url = change_url(attachment)
        data = {"title": "改名", "order": "0", "opened_version": open_attachment_form(reviewer_client, attachment)}
    elif view == "delete":
        url, data = reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"}
    else:
        url = reverse("admin:attachments_attachment_changelist")
        data = {"action": "delete_selected", "_selected_action": [attachment.pk], "post": "yes"}
    with CaptureQueriesContext(connection) as queries:
        assert reviewer_client.post(url, data).status_code == 302
    assert_owner_locked_first(queries, kind.model._meta.db_table)


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("kind", ATTACHED, ids=lambda kind: kind.name)
@pytest.mark.parametrize("view", ["delete", "delete_selected"])
def test_deleting_an_article_or_page_locks_it_before_its_attachments(reviewer_client, kind, view):
    obj = kind.make("draft")
    if view == "delete":
        url, data = kind.url("delete", obj.pk), {"post": "yes"}
    else:
        url, data = kind.url("changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    with CaptureQueriesContext(connection) as queries:
        assert reviewer_client.post(url, data).status_code == 302
    assert not kind.model.objects.filter(pk=obj.pk).exists()
    assert_owner_locked_first(queries, kind.model._meta.db_table)


def wait_for_a_blocked_backend(timeout=10):
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_attachment_saved_in_both_admins_at_once_does_not_deadlock(editor, named_reviewer, monkeypatch):
    obj = ARTICLE.make("draft")
    attachment = obj.attachments.get()
    clients = {"attachment": Client(), "article": Client()}
    clients["attachment"].force_login(named_reviewer)
    clients["article"].force_login(editor)
    attachment_form = {
        "title": "审核改名",
        "order": "0",
        "opened_version": open_attachment_form(clients["attachment"], attachment),
    }
    html = clients["article"].get(ARTICLE.url("change", obj.pk)).content.decode()
    article_form = ARTICLE.inline_data(obj, "rename") | {"opened_version": opened_version(html)}

    # The attachment admin's save stops before it records the change on the article.
    paused, go = threading.Event(), threading.Event()
    record_on_owner = attachments.admin._record_on_owner

    def pausing_record_on_owner(request, owner, comment):
        paused.set()
        go.wait(20)
        record_on_owner(request, owner, comment)

    monkeypatch.setattr(attachments.admin, "_record_on_owner", pausing_record_on_owner)
    responses, errors = {}, []

    def save(name, url, data):
        try:
            responses[name] = clients[name].post(url, data)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    saving_attachment = threading.Thread(target=save, args=("attachment", change_url(attachment), attachment_form))
    saving_article = threading.Thread(target=save, args=("article", ARTICLE.url("change", obj.pk), article_form))
    saving_attachment.start()
    assert paused.wait(20), errors
    saving_article.start()
    try:
        assert wait_for_a_blocked_backend(), "the article's save did not wait for the attachment's"
    finally:
        go.set()
        saving_attachment.join(30)
        saving_article.join(30)

    assert not errors, errors
    assert responses["attachment"].status_code == 302
    # The article's form, opened before the attachment was renamed, is refused (core.admin_conflict).
    assert responses["article"].status_code == 200
    assert "保存前，这篇文章已被修改（" in responses["article"].content.decode()
    assert Attachment.objects.get(pk=attachment.pk).title == "审核改名"
