"""
A form whose fields are larger than DATA_UPLOAD_MAX_MEMORY_SIZE (core.oversized): refused
with 413, never a 400 or a 500, nothing saved; in the admin a page that says where the text
still is and how to make it smaller, elsewhere the site's page.
"""

import http.client
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.test import Client, RequestFactory
from django.urls import reverse

from core import views
from core.oversized import size_in_words
from news.models import Article, Category
from tests.factories import ArticleFactory, article_form_data
from tests.portal.test_error_pages import assert_site_look
from tests.servers import gunicorn, production_env

LIMIT = 64 * 1024
ADD = reverse("admin:news_article_add")


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT


# A secret of CSRF_SECRET_LENGTH, in the cookie and (unmasked, as Django accepts) in the form.
CSRF = "a" * 32


def csrf_client(user):
    """
    As a browser posts, with the CSRF check on: the form is first read where production reads
    it, in CsrfViewMiddleware (the test client's default skips the check, and the form was
    then first read inside the admin's view).
    """
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return csrf_client(editor)


def form_data(*args, **kwargs):
    return article_form_data(*args, **kwargs) | {"csrfmiddlewaretoken": CSRF}


def fields_size(data):
    """What Django counts of a multipart form: each field's name and value, and 2 more."""
    return sum(len(name.encode()) + 2 + len(str(value).encode()) for name, value in data.items())


def with_body_of_size(data, size):
    """`data` with a body (pasted text with its markup) that makes the form's fields `size` bytes."""
    data = data | {"body": ""}
    room = size - fields_size(data) - len("<p></p>")
    unit = "<span>乌达区党建</span>"
    text = unit * (room // len(unit.encode()))
    return data | {"body": f"<p>{text}{'a' * (room - len(text.encode()))}</p>"}


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


@pytest.fixture
def draft(db):
    return ArticleFactory(title="社区党建工作要点", body="<p>原来的正文。</p>", status=Article.Status.DRAFT)


# --- In the admin ----------------------------------------------------------------------


@pytest.mark.django_db
def test_an_article_just_over_the_limit_is_refused_with_413_and_left_as_it_was(editor_client, draft):
    saved = Article.objects.get(pk=draft.pk)
    data = with_body_of_size(form_data(draft, title="改过的标题"), LIMIT + 1)
    assert fields_size(data) == LIMIT + 1
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 413
    html = response.content.decode()
    assert "这次提交的内容超过 64 KB，网站无法接收，没有保存。" in html
    after = Article.objects.get(pk=draft.pk)
    assert (after.title, after.body, after.updated_at) == (saved.title, saved.body, saved.updated_at)


@pytest.mark.django_db
def test_the_admin_page_says_the_text_waits_in_this_browser_and_how_to_restore_it(editor_client, editor, draft):
    response = editor_client.post(change_url(draft), with_body_of_size(form_data(draft), LIMIT + 1))
    html = response.content.decode()
    assert "怎样找回您填写的内容" in html
    assert "自动保存在这台电脑的浏览器中（每 30 秒一次，点击“保存”时也会保存）" in html
    assert "「恢复 … 自动保存的内容」按钮" in html
    assert f'<a class="button" href="{change_url(draft)}">返回编辑页面</a>' in html
    # desk.js looks for the copy the form kept (core.admin_desk: the user and the form's key).
    assert f'id="desk-kept" class="warning" data-user="{editor.pk}" data-key="news.article:{draft.pk}"' in html
    assert "admin/portal/desk.js" in html
    assert 'id="user-tools"' in html  # the admin's look


@pytest.mark.django_db
def test_the_admin_page_says_how_to_make_the_form_smaller(editor_client, draft):
    html = editor_client.post(change_url(draft), with_body_of_size(form_data(draft), LIMIT + 1)).content.decode()
    assert "「上传图片」按钮上传" in html
    assert "「清除格式」" in html and "「一键排版」" in html
    assert "在表单的“附件”中上传" in html


@pytest.mark.django_db
def test_an_article_at_the_limit_is_saved(editor_client, draft):
    data = with_body_of_size(form_data(draft), LIMIT)
    assert fields_size(data) == LIMIT
    response = editor_client.post(change_url(draft), data)
    assert response.status_code == 302
    assert len(Article.objects.get(pk=draft.pk).body) > LIMIT // 2


@pytest.mark.django_db
def test_a_new_article_over_the_limit_is_not_created_and_its_copy_is_the_add_forms(editor_client):
    response = editor_client.post(ADD, with_body_of_size(form_data(title="新文章"), LIMIT + 1))
    assert response.status_code == 413
    assert not Article.objects.exists()
    html = response.content.decode()
    assert 'data-key="news.article:add"' in html
    assert f'<a class="button" href="{ADD}">返回编辑页面</a>' in html


@pytest.mark.django_db
def test_a_form_without_the_browser_copy_does_not_promise_one(superuser):
    client = csrf_client(superuser)
    data = {"csrfmiddlewaretoken": CSRF, "name": "分类", "slug": "x" * LIMIT}
    response = client.post(reverse("admin:news_category_add"), data)
    assert response.status_code == 413
    html = response.content.decode()
    assert "这次提交的内容超过 64 KB" in html
    assert "desk-kept" not in html and "怎样找回您填写的内容" not in html
    assert "请按浏览器的“后退”返回表单" in html
    # Nor advice about an editor and attachments that this form does not have.
    assert "「上传图片」" not in html and "「一键排版」" not in html
    assert not Category.objects.filter(name="分类").exists()


@pytest.mark.django_db
def test_a_form_sent_urlencoded_is_refused_alike(editor_client, draft):
    from urllib.parse import urlencode

    data = urlencode(with_body_of_size(form_data(draft), LIMIT + 1))
    response = editor_client.post(change_url(draft), data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "怎样找回您填写的内容" in response.content.decode()


@pytest.mark.django_db
def test_no_copy_is_offered_for_an_article_the_editor_may_no_longer_change(editor_client):
    # Published since the form was opened: the change form is read-only for an editor, and
    # keeps no copy (core.admin_desk.keeps_copy).
    published = ArticleFactory(title="已发布的文章", status=Article.Status.PUBLISHED)
    response = editor_client.post(change_url(published), with_body_of_size(form_data(published), LIMIT + 1))
    assert response.status_code == 413
    html = response.content.decode()
    assert "desk-kept" not in html and "怎样找回您填写的内容" not in html
    assert "已发布的文章" not in html


@pytest.mark.django_db
def test_no_copy_is_offered_to_staff_without_permission_on_articles(django_user_model, draft):
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client = csrf_client(clerk)
    for url in (ADD, change_url(draft)):
        response = client.post(url, with_body_of_size(form_data(draft), LIMIT + 1))
        assert response.status_code == 413
        html = response.content.decode()
        assert "desk-kept" not in html and "文章的编辑页面" not in html
        assert "社区党建工作要点" not in html


# The rest of a refused body is read before the answer: gunicorn closing the connection with
# 20 MB unread reset it, and a client sending straight to it got a broken pipe, not the page.
@pytest.mark.postgres
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_through_gunicorn_a_form_far_over_the_limit_gets_the_page(collected_static, media_root, encoding):
    if encoding == "urlencoded":
        body, content_type = b"username=" + b"x" * 20_000_000, "application/x-www-form-urlencoded"
    else:
        part = b'--XyZ\r\nContent-Disposition: form-data; name="username"\r\n\r\n'
        body, content_type = part + b"x" * 20_000_000 + b"\r\n--XyZ--\r\n", "multipart/form-data; boundary=XyZ"
    env = production_env(
        static_root=collected_static,
        media_root=media_root,
        DATA_UPLOAD_MAX_MEMORY_SIZE=LIMIT,
        PUBLIC_DATA_UPLOAD_MAX_SIZE=LIMIT,  # an anonymous form: held to this one first
    )
    with gunicorn(env, workers=1) as base:
        address = urlsplit(base)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            connection.request("GET", "/admin/login/")  # the CSRF cookie: without it the form is not read
            answer = connection.getresponse()
            answer.read()
            headers = {
                "Cookie": answer.headers["Set-Cookie"].split(";", 1)[0],
                "Content-Type": content_type,
                "Referer": base + "/admin/login/",
            }
            connection.request("POST", "/admin/login/", body=body, headers=headers)
            answer = connection.getresponse()
            status, html = answer.status, answer.read().decode()
        finally:
            connection.close()
    assert status == 413
    assert "提交的内容超过 64 KB，网站无法接收，没有保存。" in html


# --- Anywhere else, and the login form --------------------------------------------------


@pytest.mark.django_db
def test_the_login_form_over_the_limit_gets_413_in_the_sites_look():
    response = Client().post(reverse("admin:login"), {"username": "x" * (LIMIT + 1), "password": "y"})
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容太大" in html and "提交的内容超过 64 KB，网站无法接收，没有保存。" in html
    assert_site_look(html)
    assert "Traceback" not in html


@pytest.mark.django_db
def test_a_public_address_gets_the_sites_413_even_for_staff(superuser):
    request = RequestFactory().post("/search/")
    request.user = superuser
    response = views.bad_request(request, RequestDataTooBig())
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容太大" in html
    assert_site_look(html)


@pytest.mark.django_db
def test_too_many_fields_stay_a_400_that_says_so(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = Client().post(reverse("admin:login"), {f"f{n}": "1" for n in range(10)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请求有误" in html and "网址或表单中的参数太多（超过 5 个）" in html
    assert_site_look(html)


@pytest.mark.parametrize(
    ("size", "words"),
    [(10 * 1024 * 1024, "10 MB"), (2621440, "2.5 MB"), (64 * 1024, "64 KB"), (1024, "1 KB"), (500, "500 字节")],
)
def test_the_limit_is_said_in_megabytes_or_kilobytes(size, words):
    assert size_in_words(size) == words


@pytest.mark.django_db
def test_too_many_files_get_a_400_that_says_so(rf):
    response = views.bad_request(rf.post("/admin/news/article/add/"), TooManyFilesSent())
    assert response.status_code == 400
    assert "一次上传的文件太多" in response.content.decode()


# --- Everyone but staff: Django's 2.5 MB (core.oversized.PublicFormSizeMiddleware) ---------


@pytest.mark.django_db
def test_anyone_but_staff_is_held_to_the_public_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * LIMIT  # the admin's forms
    settings.PUBLIC_DATA_UPLOAD_MAX_SIZE = LIMIT
    login = reverse("admin:login")
    response = Client().post(login, {"username": "x" * (2 * LIMIT), "password": "y"})
    assert response.status_code == 413
    html = response.content.decode()
    assert "提交的内容超过 64 KB，网站无法接收" in html
    assert_site_look(html)
    # Under it, the login form answers as it always does.
    response = Client().post(login, {"username": "x" * (LIMIT - 1024), "password": "y"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_staff_may_send_forms_up_to_the_admins_limit(editor, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * LIMIT
    settings.PUBLIC_DATA_UPLOAD_MAX_SIZE = LIMIT
    response = csrf_client(editor).post(change_url(draft), with_body_of_size(form_data(draft), 2 * LIMIT))
    assert response.status_code == 302
    assert len(Article.objects.get(pk=draft.pk).body.encode()) > LIMIT


@pytest.mark.django_db
def test_staff_whose_session_ended_are_sent_to_the_login_page_not_the_limit(draft, settings):
    settings.PUBLIC_DATA_UPLOAD_MAX_SIZE = LIMIT
    url = change_url(draft)
    response = Client().post(url, with_body_of_size(form_data(draft), 2 * LIMIT))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.django_db
def test_an_image_upload_after_the_session_ended_hears_so_in_the_editors_words(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.PUBLIC_DATA_UPLOAD_MAX_SIZE = LIMIT
    image = SimpleUploadedFile("photo.jpg", b"\xff\xd8" + b"x" * (2 * LIMIT), content_type="image/jpeg")
    response = Client().post(reverse("editor-image-upload") + "?CKEditorFuncNum=1", {"upload": image})
    assert response.status_code == 200
    assert "登录已过期，请重新登录后再上传" in response.content.decode()
