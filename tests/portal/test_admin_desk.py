"""
The editor's desk on the server side (core.admin_desk and the admin's templates):
what the page tells desk.js, honest length limits, the error list, files to choose again.
"""

import re

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from reversion.models import Version

from core.admin_desk import SAVED_COOKIE
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.factories import article_form_data as form_data

ADD = reverse("admin:news_article_add")
CHANGELIST = reverse("admin:news_article_changelist")


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def desk_of(html):
    match = re.search(r'<div id="desk"(.*?)></div>', html, re.S)
    assert match, "no #desk on the page"
    return dict(re.findall(r'data-([a-z-]+)="([^"]*)"', match.group(1)))


def input_tag(html, name):
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


# --- What desk.js is told ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_add_form_keeps_its_copy_under_the_user_and_add(editor_client, editor):
    desk = desk_of(editor_client.get(ADD).content.decode())
    assert desk["key"] == "news.article:add"
    assert desk["user"] == str(editor.pk)
    assert desk["session-url"] == reverse("admin-session")
    assert desk["login-url"] == reverse("admin:login")
    assert desk["warn-before"] == "300"
    assert desk["bound"] == ""


@pytest.mark.django_db
def test_the_change_form_keeps_its_copy_under_the_article_and_its_saved_version(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    desk = desk_of(editor_client.get(change_url(article)).content.decode())
    assert desk["key"] == f"news.article:{article.pk}"
    assert desk["version"] == article.updated_at.isoformat()


@pytest.mark.django_db
def test_a_form_that_came_back_with_errors_is_marked_unsaved(editor_client):
    html = editor_client.post(ADD, form_data(title="")).content.decode()
    assert desk_of(html)["bound"] == "1"


@pytest.mark.django_db
def test_restoring_an_old_version_keeps_no_copy(reviewer_client):
    with reversion.create_revision():
        article = ArticleFactory(title="第一版")
    version = Version.objects.get_for_object(article).get()
    url = reverse("admin:news_article_revision", args=[article.pk, version.pk])
    html = reviewer_client.get(url).content.decode()
    assert "第一版" in html
    assert 'data-key="news.article' not in html


@pytest.mark.django_db
def test_the_desk_script_loads_on_the_form_and_on_the_list(editor_client):
    # The list is where 保存 leads: the copy of the saved form is removed there.
    for url in (ADD, CHANGELIST):
        assert "admin/portal/desk.js" in editor_client.get(url).content.decode()


@pytest.mark.django_db
def test_forms_without_the_desk_have_none(client, superuser):
    client.force_login(superuser)
    html = client.get(reverse("admin:news_category_add")).content.decode()
    assert 'id="desk"' not in html and "admin/portal/desk.js" not in html


# --- A save tells the browser which copy to drop ------------------------------------------


@pytest.mark.django_db
def test_a_saved_new_article_names_the_page_it_came_from(editor_client):
    response = editor_client.post(ADD, form_data(title="新文章", _desk_page="a1b2c3d4e5f6"))
    assert response.status_code == 302
    cookie = response.cookies[SAVED_COOKIE]
    assert cookie.value == "news.article:add|a1b2c3d4e5f6"
    assert cookie["path"] == "/admin/"
    assert cookie["max-age"] == 600


@pytest.mark.django_db
def test_a_saved_change_names_the_article(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = editor_client.post(change_url(article), form_data(article, _desk_page="ffee01"))
    assert response.cookies[SAVED_COOKIE].value == f"news.article:{article.pk}|ffee01"


@pytest.mark.django_db
def test_a_form_with_errors_keeps_the_copy(editor_client):
    response = editor_client.post(ADD, form_data(title="", _desk_page="a1b2c3"))
    assert response.status_code == 200
    assert SAVED_COOKIE not in response.cookies


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["", "a|b", "<script>", "x" * 33])
def test_a_page_id_that_is_not_one_is_ignored(editor_client, page):
    response = editor_client.post(ADD, form_data(title=f"文章{len(page)}", _desk_page=page))
    assert response.status_code == 302
    assert SAVED_COOKIE not in response.cookies


# --- Lengths: counted, never cut silently, refused with the limit and the length ---------


@pytest.mark.django_db
def test_no_text_box_cuts_what_is_pasted(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert "maxlength" not in html


@pytest.mark.django_db
def test_title_subtitle_and_summary_are_counted_and_the_titles_are_wide(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'data-desk-count="200"' in input_tag(html, "title")
    assert 'data-desk-count="200"' in input_tag(html, "subtitle")
    assert 'data-desk-count="300"' in input_tag(html, "summary")
    assert "desk-wide" in input_tag(html, "title") and "desk-wide" in input_tag(html, "subtitle")
    assert "data-desk-count" not in input_tag(html, "source")


@pytest.mark.django_db
def test_a_title_too_long_is_refused_naming_the_limit_and_the_length(editor_client):
    response = editor_client.post(ADD, form_data(title="长" * 2000))
    assert response.status_code == 200
    assert "最多 200 个字，现在有 2000 个字，请删减后再保存。" in response.content.decode()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_title_of_exactly_the_limit_is_taken_whole(editor_client):
    editor_client.post(ADD, form_data(title="长" * 200))
    assert Article.objects.get().title == "长" * 200


@pytest.mark.django_db
def test_a_line_break_in_the_summary_counts_as_one_character(editor_client):
    # Browsers send a line break as CR LF; the counter in the page counts one.
    summary = "甲" * 149 + "\r\n" + "乙" * 150  # 300 characters as the editor sees them
    editor_client.post(ADD, form_data(title="带摘要的文章", summary=summary))
    assert Article.objects.get().summary.replace("\r\n", "\n") == summary.replace("\r\n", "\n")
    response = editor_client.post(ADD, form_data(title="摘要太长", summary=summary + "丙"))
    assert "最多 300 个字，现在有 301 个字" in response.content.decode()


# --- Errors at the top, each a link to its field ---------------------------------------


def error_list(html):
    match = re.search(r'<ul class="desk-error-list">(.*?)</ul>', html, re.S)
    assert match, "no error list"
    return [
        (anchor, re.sub(r"<[^>]+>", "", text).strip())
        for anchor, text in re.findall(r'<li><a href="#([^"]+)"[^>]*>(.*?)</li>', match.group(1), re.S)
    ]


@pytest.mark.django_db
def test_every_error_is_listed_at_the_top_with_a_link_to_its_field(editor_client):
    html = editor_client.post(
        ADD, form_data(title="", subtitle="副" * 201, published_at_0="2026-13-45", category="")
    ).content.decode()
    assert error_list(html) == [
        ("id_title", "标题：这个字段是必填项。"),
        ("id_subtitle", "副标题：最多 200 个字，现在有 201 个字，请删减后再保存。"),
        ("id_category", "栏目：这个字段是必填项。"),
        ("id_published_at_0", "发布时间：输入一个有效的日期。"),
    ]
    for anchor, _ in error_list(html):
        assert f'id="{anchor}"' in html


@pytest.mark.django_db
def test_an_attachment_rows_error_is_listed_with_its_row(editor_client):
    data = form_data(
        title="有附件的文章",
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile("病毒.exe", b"MZ\x90\x00" + b"\x00" * 100),
            "attachments-0-title": "",
            "attachments-0-order": "0",
        },
    )
    html = editor_client.post(ADD, data).content.decode()
    [(anchor, text)] = error_list(html)
    assert anchor == "id_attachments-0-file"
    assert text.startswith("附件 第 1 行 · 文件：")


@pytest.mark.django_db
def test_files_chosen_before_the_errors_are_named_to_choose_again(editor_client):
    data = form_data(
        title="",
        cover=SimpleUploadedFile("会议照片.png", samples.image("png"), content_type="image/png"),
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile("报名表.docx", samples.docx("报名表")),
            "attachments-0-title": "",
            "attachments-0-order": "0",
        },
    )
    html = editor_client.post(ADD, data).content.decode()
    assert "刚才选择的文件没有上传" in html
    assert "<li>封面图片：会议照片.png</li>" in html
    assert "<li>附件 第 1 行 · 文件：报名表.docx</li>" in html


@pytest.mark.django_db
def test_a_form_without_files_says_nothing_about_files(editor_client):
    assert "刚才选择的文件" not in editor_client.post(ADD, form_data(title="")).content.decode()


@pytest.mark.django_db
def test_every_admin_form_lists_its_errors(client, superuser):
    client.force_login(superuser)
    html = client.post(
        reverse("admin:news_category_add"), {"name": "", "slug": "不是网址名", "order": "0", "update_rule": "2w"}
    )
    assert [anchor for anchor, _ in error_list(html.content.decode())] == ["id_name", "id_slug"]


@pytest.mark.django_db
def test_file_names_are_escaped(editor_client):
    data = form_data(title="", cover=SimpleUploadedFile("<img src=x onerror=alert(1)>.png", samples.image("png")))
    html = editor_client.post(ADD, data).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.png" in html


# --- The admin's frame ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [("晓明", "王", "王晓明"), ("王晓明", "", "王晓明"), ("Ming", "Wang", "Ming Wang"), ("", "", "editor")],
)
def test_the_admin_greets_the_editor_by_full_name(client, first, last, shown):
    client.force_login(UserFactory(username="editor", first_name=first, last_name=last))
    html = client.get(reverse("admin:index")).content.decode()
    assert re.search(rf"欢迎，\s*<strong>{shown}</strong>\s*<", html)


def test_a_name_is_shown_escaped():
    user = UserFactory.build(username="x", first_name="<b>明</b>", last_name="王")
    html = Template("{% load portal_admin %}{{ user|display_name }}").render(Context({"user": user}))
    assert html == "王&lt;b&gt;明&lt;/b&gt;"


@pytest.mark.django_db
def test_the_login_page_says_the_content_waits_in_the_browser(client):
    html = client.get(reverse("admin:login") + "?next=/admin/news/article/1/change/&desk=expired").content.decode()
    assert "重新登录后会自动填回表单" in html
    assert "重新登录后会自动填回表单" not in client.get(reverse("admin:login")).content.decode()
