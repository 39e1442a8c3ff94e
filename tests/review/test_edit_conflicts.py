"""
Two people editing the same object (core.admin_conflict, on every reviewed model's change
form): the later save of a form opened before the other save is refused, says who changed
the object and when, and gives back everything the editor typed; nothing is overwritten.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from review.models import Status
from tests.factories import ArticleFactory
from tests.review.reviewed import ARTICLE, ATTACHED, KINDS, TOPIC
from topics.models import TopicArticle

pytestmark = pytest.mark.django_db


def opened_version(html):
    """The hidden field the change form carries: the object as it was when the form was opened."""
    match = re.search(r'<input type="hidden" name="opened_version" value="([^"]+)"', html)
    assert match, "no opened_version on the form"
    return match.group(1)


def open_form(client, kind, obj):
    response = client.get(kind.url("change", obj.pk))
    assert response.status_code == 200
    return opened_version(response.content.decode())


@pytest.fixture
def named_reviewer(reviewer):
    reviewer.last_name, reviewer.first_name = "王", "审核"
    reviewer.save()
    return reviewer


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_the_later_save_of_an_older_form_is_refused_and_keeps_what_was_typed(client, editor, named_reviewer, kind):
    obj = kind.make("draft")
    client.force_login(editor)
    editors_version = open_form(client, kind, obj)

    client.force_login(named_reviewer)
    reviewers_version = open_form(client, kind, obj)
    response = client.post(
        kind.url("change", obj.pk), kind.form_data(obj, title="审核改的标题", opened_version=reviewers_version)
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    client.force_login(editor)
    response = client.post(
        kind.url("change", obj.pk), kind.form_data(obj, title="编辑改的标题", opened_version=editors_version)
    )
    assert response.status_code == 200  # the form again, not 「已保存」
    html = response.content.decode()
    assert f"保存前，这篇{kind.model._meta.verbose_name}已被修改（王审核，" in html
    assert re.search(r"改动的是：[^。]*标题", html)  # what the other save changed
    assert "您这次的修改没有保存，仍在下面的表单中" in html
    assert 'target="_blank" rel="noopener">在新窗口打开最新版本</a>' in html  # a link, not escaped text
    assert 'value="编辑改的标题"' in html  # what the editor typed, still in the form
    assert kind.model.objects.get(pk=obj.pk).title == "审核改的标题"  # the reviewer's change stands
    assert opened_version(html) == editors_version  # sending it again is refused again


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_a_form_opened_on_the_latest_version_is_saved(editor_client, kind):
    obj = kind.make("draft")
    first = open_form(editor_client, kind, obj)
    url = kind.url("change", obj.pk)
    response = editor_client.post(url, kind.form_data(obj, title="第一次修改", opened_version=first))
    assert response.status_code == 302, response.content.decode()[:3000]
    second = open_form(editor_client, kind, obj)
    assert second != first
    response = editor_client.post(url, kind.form_data(obj, title="第二次修改", opened_version=second))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert kind.model.objects.get(pk=obj.pk).title == "第二次修改"


def test_the_same_editor_in_two_windows_is_told_it_was_themselves(editor_client):
    article = ARTICLE.make("draft")
    url = ARTICLE.url("change", article.pk)
    window_one = open_form(editor_client, ARTICLE, article)
    window_two = open_form(editor_client, ARTICLE, article)
    first = editor_client.post(url, ARTICLE.form_data(article, title="窗口一", opened_version=window_one))
    assert first.status_code == 302
    second = editor_client.post(url, ARTICLE.form_data(article, title="窗口二", opened_version=window_two))
    html = second.content.decode()
    assert "已被修改（您自己在另一个窗口或标签页中，" in html


def test_the_attachments_of_a_refused_save_are_not_changed(client, editor, reviewer):
    # The inline rows are part of the article form's save: refused with it.
    article = ARTICLE.make("draft")
    url = ARTICLE.url("change", article.pk)
    client.force_login(editor)
    editors_version = open_form(client, ARTICLE, article)
    client.force_login(reviewer)
    reviewers_version = open_form(client, ARTICLE, article)
    data = ARTICLE.form_data(article, title="审核改的标题", opened_version=reviewers_version)
    assert client.post(url, data).status_code == 302
    client.force_login(editor)
    data = ARTICLE.inline_data(article, "rename") | {"opened_version": editors_version}
    response = client.post(url, data)
    assert response.status_code == 200
    assert Attachment.objects.get(article=article).title == "原来的附件"
    assert 'value="改名的附件"' in response.content.decode()  # the renamed row, as typed


def test_a_form_sent_without_the_version_is_saved_as_before(editor_client):
    # A form opened before the check existed (or a client that does not send it).
    article = ARTICLE.make("draft")
    response = editor_client.post(ARTICLE.url("change", article.pk), ARTICLE.form_data(article, title="照常保存"))
    assert response.status_code == 302
    assert type(article).objects.get(pk=article.pk).title == "照常保存"


def test_the_add_form_carries_no_version(editor_client):
    html = editor_client.get(reverse("admin:news_article_add")).content.decode()
    assert 'name="opened_version"' not in html


# --- Restoring a version from 历史 (django-reversion's revision and recover views) -----------


@pytest.mark.parametrize("view", ["revision", "recover"])
@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_restoring_a_version_after_someone_else_saved_is_refused(client, editor, named_reviewer, kind, view):
    obj, draft_version = kind.draft_version_then("draft")
    url = kind.url(view, obj.pk, draft_version.pk) if view == "revision" else kind.url(view, draft_version.pk)
    client.force_login(named_reviewer)
    restore_version = opened_version(client.get(url).content.decode())

    client.force_login(editor)
    editors_version = open_form(client, kind, obj)
    data = kind.form_data(obj, title="编辑改的标题", opened_version=editors_version)
    assert client.post(kind.url("change", obj.pk), data).status_code == 302

    client.force_login(named_reviewer)
    data = kind.form_data(obj, title="恢复的标题", opened_version=restore_version, **kind.restore_overrides)
    response = client.post(url, data)
    assert response.status_code == 200  # the restore form again, not 「已保存」
    html = response.content.decode()
    assert f"打开这个历史版本后，这篇{kind.model._meta.verbose_name}已被修改（" in html
    assert "历史版本没有恢复" in html
    assert f'href="{kind.url("change", obj.pk)}" target="_blank" rel="noopener">在新窗口打开最新版本</a>' in html
    assert 'value="恢复的标题"' in html  # what the reviewer typed, still in the form
    assert opened_version(html) == restore_version  # sending it again is refused again
    assert kind.model.objects.get(pk=obj.pk).title == "编辑改的标题"  # the editor's save stands


def test_a_restore_form_opened_on_the_latest_version_restores(reviewer_client):
    obj, draft_version = ARTICLE.draft_version_then("draft")
    url = ARTICLE.url("revision", obj.pk, draft_version.pk)
    token = opened_version(reviewer_client.get(url).content.decode())
    data = ARTICLE.form_data(obj, title="恢复的标题", opened_version=token, **ARTICLE.restore_overrides)
    response = reviewer_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert type(obj).objects.get(pk=obj.pk).title == "恢复的标题"


def test_recovering_a_deleted_one_someone_else_recovered_meanwhile_is_refused(reviewer_client, editor_client):
    obj = ARTICLE.make("draft")
    pk = obj.pk
    obj.delete()
    url = ARTICLE.url("recover", Version.objects.get_deleted(type(obj)).get(object_id=str(pk)).pk)
    token = opened_version(reviewer_client.get(url).content.decode())
    first = editor_client.post(url, ARTICLE.deleted_form_data(obj, status="draft") | {"title": "编辑恢复的"})
    assert first.status_code == 302
    data = ARTICLE.deleted_form_data(obj, status="draft", opened_version=token) | {"title": "审核恢复的"}
    response = reviewer_client.post(url, data)
    assert response.status_code == 409  # the recover form again, nothing recovered
    html = response.content.decode()
    assert "打开这个恢复页面后，这篇文章已被恢复（" in html
    assert "您这次的恢复没有执行" in html
    assert 'value="审核恢复的"' in html  # what the reviewer typed, still in the form
    assert type(obj).objects.get(pk=pk).title == "编辑恢复的"


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_recover_view_reads_its_version_once(reviewer_client, method):
    obj = ARTICLE.make("draft")
    pk = obj.pk
    obj.delete()
    version = Version.objects.get_deleted(type(obj)).get(object_id=str(pk))
    url = ARTICLE.url("recover", version.pk)
    data = ARTICLE.deleted_form_data(obj, status="draft") if method == "post" else None
    with CaptureQueriesContext(connection) as queries:
        response = getattr(reviewer_client, method)(url, data)
    assert response.status_code == (302 if method == "post" else 200)
    by_id = [q["sql"] for q in queries if f'"reversion_version"."id" = {version.pk}' in q["sql"]]
    assert len(by_id) == 1, by_id


# --- A topic's articles, edited on their own form (专题文章) and in the topic's inline -----


def row_versions(html, prefix):
    """The inline rows' own opened_version fields, as the form posts them (none: not checked)."""
    found = re.findall(rf'<input type="hidden" name="({prefix}-\d+-opened_version)" value="([^"]*)"', html)
    return dict(found)


def topic_form_as_opened(client, topic, **typed):
    """What the topic's form, opened now, sends back with `typed`: its rows as they are now."""
    html = client.get(TOPIC.url("change", topic.pk)).content.decode()
    data = TOPIC.form_data(topic, title="编辑改的专题", opened_version=opened_version(html), **typed)
    return data | row_versions(html, "entries")


def delete_on_its_own_form(client, entry):
    assert client.post(reverse("admin:topics_topicarticle_delete", args=[entry.pk]), {"post": "yes"}).status_code == 302


def test_the_topics_inline_refuses_to_overwrite_an_article_row_changed_on_its_own_form(client, editor, named_reviewer):
    topic = TOPIC.make("draft")
    entry = topic.entries.get()
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic)  # the row's order as opened (0): what a browser sends back

    client.force_login(named_reviewer)
    entry_url = reverse("admin:topics_topicarticle_change", args=[entry.pk])
    entry_token = opened_version(client.get(entry_url).content.decode())
    row = {"section": entry.section_id, "article": entry.article_id, "order": "7", "status": "published"}
    assert client.post(entry_url, row | {"opened_version": entry_token}).status_code == 302

    client.force_login(editor)
    response = client.post(TOPIC.url("change", topic.pk), typed)
    assert response.status_code == 200  # the form again, nothing saved
    html = response.content.decode()
    assert "保存前，这篇专题文章已被修改（王审核，" in html
    assert "改动的是：顺序。" in html
    assert 'value="编辑改的专题"' in html
    topic.refresh_from_db()
    assert topic.title == "原来的专题"  # nothing half-saved: not the topic either
    assert topic.entries.get().order == 7  # the reviewer's change stands


def test_the_topics_inline_refuses_to_delete_an_article_row_changed_on_its_own_form(client, editor, named_reviewer):
    # Django leaves unsaid the errors of a row ticked for deletion: the row's own check too.
    topic = TOPIC.make("draft")
    entry = topic.entries.get()
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic) | {"entries-0-DELETE": "on"}

    client.force_login(named_reviewer)
    entry_url = reverse("admin:topics_topicarticle_change", args=[entry.pk])
    entry_token = opened_version(client.get(entry_url).content.decode())
    row = {"section": entry.section_id, "article": entry.article_id, "order": "7", "status": "published"}
    assert client.post(entry_url, row | {"opened_version": entry_token}).status_code == 302

    client.force_login(editor)
    response = client.post(TOPIC.url("change", topic.pk), typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert "要删除的 1 行专题文章在别处已被修改，没有删除：原因见该行。" in html
    assert re.search(r'<tr class="row-form-errors">.*?保存前，这篇专题文章已被修改（王审核，', html, re.S)
    topic.refresh_from_db()
    assert topic.title == "原来的专题"
    assert topic.entries.get().order == 7  # the reviewer's change stands, the row too


def test_the_topics_inline_says_so_when_an_article_row_was_deleted_on_its_own_form(client, editor, reviewer):
    # Django's own refusal names only the row's hidden id (「Id：选择一个有效的选项」) and
    # shows the form again without the row: sent again, the row's empty fields are refused,
    # unseen, every time. The editor must be told to copy what they typed and start again.
    topic = TOPIC.make("draft")
    entry = topic.entries.get()
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic)
    client.force_login(reviewer)
    delete_on_its_own_form(client, entry)

    client.force_login(editor)
    response = client.post(TOPIC.url("change", topic.pk), typed)
    assert response.status_code == 200
    html = response.content.decode()
    # Above the topic's articles (the row itself is no longer shown), and in the list at the top.
    said = "保存前，专题文章中有 1 行已在别处被删除或移走，这里已不再显示。您这次的修改没有保存，仍在下面的表单中。"
    assert re.search(rf'<ul class="errorlist nonform"[^>]*><li>{said}', html)
    assert html.count(said) == 2
    assert f'<a href="{TOPIC.url("change", topic.pk)}" target="_blank" rel="noopener">在新窗口打开最新版本</a>' in html
    assert 'value="编辑改的专题"' in html
    topic.refresh_from_db()
    assert topic.title == "原来的专题"


def test_the_topics_inline_saves_when_a_row_it_deletes_was_deleted_on_its_own_form_too(client, editor, reviewer):
    topic = TOPIC.make("draft")
    entry = topic.entries.get()
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic) | {"entries-0-DELETE": "on"}
    client.force_login(reviewer)
    delete_on_its_own_form(client, entry)

    client.force_login(editor)
    response = client.post(TOPIC.url("change", topic.pk), typed)
    assert response.status_code == 302, response.content.decode()[:3000]  # both wanted it gone
    topic.refresh_from_db()
    assert topic.title == "编辑改的专题"


def test_the_topics_inline_says_both_when_one_row_is_gone_and_one_to_delete_was_changed(client, editor, reviewer):
    topic = TOPIC.make("draft")
    TopicArticle.objects.create(topic=topic, section=topic.sections.get(), article=ArticleFactory(), order=1)
    changed, gone = topic.entries.order_by("order")
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic) | {"entries-0-DELETE": "on"}
    changed.order = 7
    changed.save()
    gone.delete()
    html = client.post(TOPIC.url("change", topic.pk), typed).content.decode()
    assert "要删除的 1 行专题文章在别处已被修改，没有删除：原因见该行。" in html
    assert "保存前，专题文章中有 1 行已在别处被删除或移走" in html


def test_the_topics_inline_saves_over_a_row_accepted_on_its_own_form_meanwhile(client, editor, reviewer):
    # Accepting (发布) a proposal changes only the row's state, which the topic's form does
    # not post: its save writes nothing of the row, and overwrites nothing.
    topic = TOPIC.make("draft")
    entry = topic.entries.get()
    entry.status = Status.REVIEW
    entry.save()
    client.force_login(editor)
    typed = topic_form_as_opened(client, topic)

    client.force_login(reviewer)
    changelist = reverse("admin:topics_topicarticle_changelist")
    client.post(changelist, {"action": "publish", "_selected_action": [entry.pk]})
    assert topic.entries.get().status == Status.PUBLISHED

    client.force_login(editor)
    response = client.post(TOPIC.url("change", topic.pk), typed)
    assert response.status_code == 302, response.content.decode()[:3000]
    topic.refresh_from_db()
    assert topic.title == "编辑改的专题"
    assert topic.entries.get().status == Status.PUBLISHED  # the reviewer's acceptance stands


def test_the_topics_inline_saves_rows_unchanged_since_the_form_was_opened(editor_client):
    topic = TOPIC.make("draft")
    html = editor_client.get(TOPIC.url("change", topic.pk)).content.decode()
    opened = {"opened_version": opened_version(html), **row_versions(html, "entries")}
    assert opened.keys() > {"opened_version"}  # the rows carry their own
    response = editor_client.post(TOPIC.url("change", topic.pk), TOPIC.form_data(topic, title="编辑改的专题") | opened)
    assert response.status_code == 302, response.content.decode()[:3000]
    topic.refresh_from_db()
    assert topic.title == "编辑改的专题"


# --- Attachments changed in their own admin (附件) are changes of their article or page ---------


@pytest.mark.parametrize("change", ["rename", "delete"])
@pytest.mark.parametrize("kind", ATTACHED, ids=lambda kind: kind.name)
def test_an_attachment_changed_in_its_own_admin_is_a_change_of_its_owner(client, editor, named_reviewer, kind, change):
    obj = kind.make("draft")
    attachment = obj.attachments.get()
    client.force_login(editor)
    typed = kind.inline_data(obj, "rename") | {"opened_version": open_form(client, kind, obj)}

    client.force_login(named_reviewer)
    if change == "rename":
        url, data = (
            reverse("admin:attachments_attachment_change", args=[attachment.pk]),
            {"title": "审核改名", "order": 0},
        )
    else:
        url, data = reverse("admin:attachments_attachment_delete", args=[attachment.pk]), {"post": "yes"}
    assert client.post(url, data).status_code == 302

    client.force_login(editor)
    response = client.post(kind.url("change", obj.pk), typed)
    assert response.status_code == 200  # refused: the attachment would be renamed back, or made anew
    assert f"保存前，这篇{kind.model._meta.verbose_name}已被修改（王审核，" in response.content.decode()
    after = list(Attachment.objects.filter(**{kind.name: obj}).values_list("title", flat=True))
    assert after == (["审核改名"] if change == "rename" else [])
