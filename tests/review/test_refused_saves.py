"""
What an editor sees when the review rule refuses them inside the admin (review.refusals,
core.views.permission_denied): a save of something published since they opened it shows
why and what they typed, inside the admin; any other refusal there is an admin page with
its reason and a way back. The public site's 403 page stays the public one.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from core import views
from news.models import Article
from tests.factories import ArticleFactory, article_form_data
from tests.review.reviewed import ARTICLE, KINDS

pytestmark = pytest.mark.django_db

ADMIN_LOOK = "乌达党建 内容管理"  # the admin's header (desk.sites.PortalAdminSite)
PUBLIC_403 = "您没有访问这个页面的权限。"


def opened_version(html):
    match = re.search(r'<input type="hidden" name="opened_version" value="([^"]+)"', html)
    assert match, "no opened_version on the form"
    return match.group(1)


def unsaved_section(html):
    match = re.search(r'<section class="unsaved-input".*?</section>', html, re.S)
    assert match, "no list of what was typed"
    return match.group(0)


def labels_in(section):
    return re.findall(r"<dt>(.*?)</dt>", section)


def as_shown(article, **overrides):
    """What the article form posts for `article` as it shows it to an editor (nothing changed)."""
    local = timezone.localtime(article.published_at)
    shown = {
        "subtitle": article.subtitle,
        "source": article.source,
        "author": article.author,
        "external_url": article.external_url,
        "body": article.body,
        "summary": article.summary,
        "published_at_0": f"{local:%Y-%m-%d}",
        "published_at_1": f"{local:%H:%M:%S}",
    }
    return article_form_data(article, **(shown | overrides))


@pytest.fixture
def named_reviewer(reviewer):
    reviewer.last_name, reviewer.first_name = "王", "审核"
    reviewer.save()
    return reviewer


def publish_as(client, reviewer, kind, obj):
    client.force_login(reviewer)
    response = client.post(kind.url("changelist"), {"action": "publish", "_selected_action": [obj.pk]})
    assert response.status_code == 302
    assert kind.model.objects.get(pk=obj.pk).status == "published"


def opened_then_published(client, editor, reviewer, kind, obj):
    """(change URL, the form's opened_version) of `obj` opened by the editor, then published by the reviewer."""
    url = kind.url("change", obj.pk)
    client.force_login(editor)
    token = opened_version(client.get(url).content.decode())
    publish_as(client, reviewer, kind, obj)
    client.force_login(editor)
    return url, token


def test_an_editors_save_after_the_article_was_published_shows_why_and_what_they_typed(client, editor, named_reviewer):
    article = ARTICLE.make("draft")
    url, token = opened_then_published(client, editor, named_reviewer, ARTICLE, article)
    typed = as_shown(article, subtitle="编辑写的副标题", body="<p>编辑改的正文</p>", opened_version=token)
    response = client.post(url, typed)
    assert response.status_code == 403
    html = response.content.decode()
    assert ADMIN_LOOK in html and PUBLIC_403 not in html  # inside the admin, not the public page
    assert "这篇文章已由王审核于 " in html
    assert "发布。已发布的文章只能由审核发布人员修改。您刚才输入的内容没有保存，显示在下面" in html
    section = unsaved_section(html)
    # What the editor changed in the form they had opened, not what the reviewer changed since.
    assert labels_in(section) == ["副标题", "正文"]
    assert "编辑写的副标题</textarea>" in section
    assert 'sandbox srcdoc="&lt;p&gt;编辑改的正文&lt;/p&gt;"' in section  # shown as it looks, no script runs
    article = Article.objects.get(pk=article.pk)
    assert (article.subtitle, article.status) == ("", "published")
    # The page under it is the article as it is now, read-only: no 保存 button.
    assert 'name="_save"' not in html


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_every_reviewed_form_shows_what_a_refused_save_typed(client, editor, reviewer, kind):
    obj = kind.make("draft")
    url, token = opened_then_published(client, editor, reviewer, kind, obj)
    before = kind.snapshot(obj)
    response = client.post(url, kind.form_data(obj, title="编辑改的标题", opened_version=token))
    assert response.status_code == 403
    html = response.content.decode()
    assert ADMIN_LOOK in html
    assert "您刚才输入的内容没有保存" in html
    assert "编辑改的标题" in unsaved_section(html)
    assert kind.snapshot(obj) == before


def test_the_read_only_page_keeps_no_autosaved_copy(editor_client):
    # desk.js would find the copy the editor's form kept unlike anything the read-only page
    # shows, and drop it: the page keeps none and offers none.
    article = ARTICLE.make("published")
    html = editor_client.get(ARTICLE.url("change", article.pk)).content.decode()
    assert 'data-key=""' in html


def test_deleting_as_an_editor_is_refused_with_the_reason_inside_the_admin(editor_client):
    article = ARTICLE.make("published")
    response = editor_client.get(reverse("admin:news_article_delete", args=[article.pk]))
    assert response.status_code == 403
    html = response.content.decode()
    assert ADMIN_LOOK in html and PUBLIC_403 not in html
    assert "您的账号不能删除文章。需要删除时，请联系审核发布人员。" in html
    assert f'href="{reverse("admin:news_article_change", args=[article.pk])}"' in html
    assert f'href="{reverse("admin:news_article_changelist")}"' in html
    assert Article.objects.filter(pk=article.pk).exists()


def test_a_refusal_in_the_admin_shows_the_reason_it_gave(editor):
    request = RequestFactory().get("/admin/reports/compliance/")
    request.user = editor
    html = views.permission_denied(request, PermissionDenied("这个历史版本还包含其他内容，不能在这里恢复。")).content
    html = html.decode()
    assert ADMIN_LOOK in html
    assert "这个历史版本还包含其他内容，不能在这里恢复。" in html
    assert f'href="{reverse("admin:index")}"' in html


@pytest.mark.parametrize("staff", [False, True])
def test_the_public_site_keeps_its_own_403_page(editor, staff):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/articles/1/")
    request.user = editor if staff else AnonymousUser()
    response = views.permission_denied(request, PermissionDenied("内部原因"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "无权访问" in html and PUBLIC_403 in html
    assert ADMIN_LOOK not in html and "内部原因" not in html


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.name)
def test_saving_what_someone_else_deleted_meanwhile_says_so_and_keeps_what_was_typed(
    client, editor, named_reviewer, kind
):
    obj = kind.make("draft")
    url = kind.url("change", obj.pk)
    client.force_login(editor)
    token = opened_version(client.get(url).content.decode())
    client.force_login(named_reviewer)
    assert client.post(kind.url("delete", obj.pk), {"post": "yes"}).status_code == 302

    client.force_login(editor)
    response = client.post(url, kind.form_data(obj, title="编辑改的标题", opened_version=token))
    assert response.status_code == 404  # not Django's redirect to the index, the text gone
    html = response.content.decode()
    assert ADMIN_LOOK in html
    noun = kind.model._meta.verbose_name
    assert f"保存前，这篇{noun}已被王审核于 " in html and " 删除。您这次的修改没有保存，显示在下面" in html
    recover = kind.url("recover", Version.objects.get_deleted(kind.model).get(object_id=str(obj.pk)).pk)
    assert f'<a href="{recover}">' in html  # where to find it again
    assert "编辑改的标题" in unsaved_section(html)
    assert not kind.model.objects.filter(pk=obj.pk).exists()  # nothing saved, nothing made anew


def test_saving_a_deleted_article_that_had_no_versions_still_keeps_what_was_typed(client, editor, named_reviewer):
    # Imported and demo articles have no versions until first saved in the admin: not recoverable.
    article = ArticleFactory(title="导入的文章", status="draft")
    url = ARTICLE.url("change", article.pk)
    client.force_login(editor)
    token = opened_version(client.get(url).content.decode())
    client.force_login(named_reviewer)
    assert client.post(ARTICLE.url("delete", article.pk), {"post": "yes"}).status_code == 302
    client.force_login(editor)
    response = client.post(url, ARTICLE.form_data(article, title="编辑改的标题", opened_version=token))
    assert response.status_code == 404
    html = response.content.decode()
    assert "保存前，这篇文章已被王审核于 " in html and "这篇文章没有保存过历史版本，不能恢复。" in html
    assert "编辑改的标题" in unsaved_section(html)


def test_saving_the_form_of_one_that_never_existed_is_djangos_answer(editor_client):
    response = editor_client.post(ARTICLE.url("change", 999999), {"title": "随便"})
    assert response.status_code == 302


@pytest.mark.parametrize("object_id", ["abc", "%00", "1%00", "-1", "99999999999999999999"])
def test_saving_the_form_of_an_address_no_article_can_have_is_djangos_answer(editor_client, object_id):
    response = editor_client.post(f"/admin/news/article/{object_id}/change/", {"title": "随便"})
    assert response.status_code == 302  # "no such article", never a 500


@pytest.mark.parametrize("view", ["history/", "history/1/"])
@pytest.mark.parametrize("object_id", ["abc", "%00", "1%00"])
def test_the_history_of_an_address_no_article_can_have_is_a_404(editor_client, object_id, view):
    # django-reversion's views looked the NUL up in PostgreSQL: a 500.
    response = editor_client.get(f"/admin/news/article/{object_id}/{view}")
    assert response.status_code == 404
