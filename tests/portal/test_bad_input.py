"""Whatever a client sends to a public address, the answer is never a server error."""

import sys
import unicodedata
from urllib.parse import quote

import pytest
from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.paginator import InvalidPage
from django.db import transaction
from django.http.multipartparser import MAX_TOTAL_HEADER_SIZE
from django.test import Client, RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from attachments.models import Attachment
from attachments.services import attachment_create
from core.models import FriendLink, SiteProfile
from demo import samples
from news.models import Article, Category
from news.sanitize import html_to_text
from news.selectors import parse_page_number
from review.models import ReviewRecord
from tests.factories import ArticleFactory, CategoryFactory, article_form_data

ALLOWED = {200, 301, 302, 400, 404}
ROUTES = [
    "/",
    "/news/{}/",
    "/news/{}/feed/",
    "/articles/{}/",
    "/attachments/{}/download/",
    "/search/",
    "/feed/",
    "/sitemap/",
    "/sitemap.xml",
    "/sitemap-{}.xml",
    "/robots.txt",
    "/prefs/",
    "/healthz",
    "/{}",
    "/static/{}",
]
NASTY = [
    "abc",
    "-1",
    "0",
    str(10**20),
    "1e308",
    "%00",
    "%ff%fe",
    "%c0%af",
    "%e4%b8",  # a cut UTF-8 sequence
    "..%2f..%2fetc%2fpasswd",
    "' OR '1'='1",
    "1; DROP TABLE news_article; --",
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "党建",
    "\u202e\u200b",
    "x" * 300,
]
KEYS = ["page", "q", "category", "print", "font", "care", "next", "inline", "responseType", "CKEditorFuncNum"]

segment = st.one_of(
    st.sampled_from(NASTY + ["dangjian-dongtai", "1", "articles", "categories"]),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(max_size=40).map(lambda s: quote(s, safe="")),
)
value = st.one_of(
    st.sampled_from(NASTY), st.text(max_size=60), st.integers(min_value=-(10**25), max_value=10**25).map(str)
)
query_string = st.lists(st.tuples(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), value), max_size=4).map(
    lambda pairs: "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)
)
raw_suffix = st.sampled_from(["", "&q=%ff", "&page=%00", "&q=%e4%b8", "&%zz=1", "&q=" + quote("长" * 10000)])


@pytest.fixture
def site(db):
    category = CategoryFactory(name="党建动态", slug="dangjian-dongtai")
    ArticleFactory(category=category, title="党建引领基层治理")


@pytest.mark.django_db
@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), part=segment, query=query_string, suffix=raw_suffix)
@example(route="/search/", part="", query="q=" + quote("长" * 10000), suffix="")
@example(route="/news/{}/", part="dangjian-dongtai", query="page=abc", suffix="")
@example(route="/news/{}/", part="dangjian-dongtai", query="page=-1", suffix="")
@example(route="/news/{}/", part="dangjian-dongtai", query=f"page={10**20}", suffix="")
@example(route="/articles/{}/", part=str(10**20), query="", suffix="")
@example(route="/attachments/{}/download/", part=str(2**63), query="inline=1", suffix="")
@example(route="/search/", part="", query="q=%00%00", suffix="&q=%ff")
def test_public_routes_never_fail(site, route, part, query, suffix):
    path = route.format(part) if "{}" in route else route
    response = Client().get(path, QUERY_STRING=(query + suffix).lstrip("&"))
    assert response.status_code in ALLOWED, (path, query + suffix, response.status_code)


# Every character Python calls a digit or numeric, or Unicode a decimal digit (category Nd):
# superscripts, Arabic-Indic, full-width, Devanagari, circled, Roman and CJK numerals ...
UNICODE_DIGITS = "".join(
    c for c in map(chr, range(sys.maxunicode + 1)) if c.isdigit() or c.isnumeric() or unicodedata.category(c) == "Nd"
)
OTHER_DIGITS = "".join(c for c in UNICODE_DIGITS if c not in "0123456789")
# The portal's paginated pages, and where they take the page number.
PAGINATED = [("/news/dangjian-dongtai/", {}), ("/search/", {"q": "党建"})]
# Paginated by Django itself (the sitemaps' and the admin lists' `p`): never a server error.
DJANGO_PAGINATED = ["/sitemap-articles.xml", "/sitemap-categories.xml", "admin:news_article_changelist"]
numbers_in_other_digits = st.builds(
    lambda before, digit, after: before + digit + after,
    st.text("0123456789", max_size=3),
    st.sampled_from(OTHER_DIGITS),
    st.text(UNICODE_DIGITS, max_size=3),
)


def test_the_digit_list_holds_every_kind_of_digit():
    assert len(OTHER_DIGITS) > 1800
    for sample in "²³¹٣۳३৩３𝟑①Ⅲ三〇":
        assert sample in OTHER_DIGITS


def test_a_page_number_is_written_in_ascii_digits_only():
    accepted = []
    for digit in OTHER_DIGITS:
        for value in (digit, f"1{digit}", f"{digit}0"):
            try:
                accepted.append((value, parse_page_number(value)))
            except InvalidPage:
                pass
    assert not accepted


@pytest.mark.django_db
@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(PAGINATED), number=numbers_in_other_digits)
@example(page=PAGINATED[0], number="²")
@example(page=PAGINATED[0], number="³")
@example(page=PAGINATED[0], number="٣")
@example(page=PAGINATED[0], number="３")
@example(page=PAGINATED[0], number="१")
@example(page=PAGINATED[1], number="²")
@example(page=PAGINATED[1], number="١")
@example(page=PAGINATED[1], number="１")
def test_a_page_number_in_other_digits_is_not_found(site, page, number):
    path, params = page
    response = Client().get(path, {**params, "page": number})
    assert response.status_code in {400, 404}, (path, number, response.status_code)


@pytest.mark.django_db
@hypothesis_settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(DJANGO_PAGINATED), number=numbers_in_other_digits)
@example(page=DJANGO_PAGINATED[0], number="²")
@example(page=DJANGO_PAGINATED[2], number="²")
def test_django_paginated_pages_take_any_digit_without_failing(site, superuser, page, number):
    client = Client()
    if page.startswith("admin:"):
        client.force_login(superuser)
        page = reverse(page)
    response = client.get(page, {"p": number})
    assert response.status_code in ALLOWED, (page, number, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "xn--zz", "a" * 300, "[::1"])
def test_bad_host_headers_get_400(host):
    assert Client().get("/", HTTP_HOST=host).status_code == 400


@pytest.mark.django_db
def test_an_oversized_body_is_refused_before_it_is_read(settings):
    response = Client().generic(
        "POST",
        "/search/",
        b"x" * 16,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(settings.ATTACHMENT_MAX_SIZE * 4),
    )
    assert response.status_code == 413
    assert "请求内容过大" in response.content.decode()


@pytest.mark.django_db
def test_an_oversized_form_gets_413_saying_so(settings):
    # tests/portal/test_oversized_forms.py has the admin's forms.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client().post("/admin/login/", {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 413
    assert "提交的内容超过 1 KB，网站无法接收，没有保存。" in response.content.decode()


# --- Admin forms: every text field at its maximum length and one past it --------------------
#
# Through the real admin views: at its maximum a value is saved whole; past it, it is refused
# with a Chinese form error and nothing is saved. A TextField has no maximum: a long value is
# saved whole.

LONG_TEXT = 20_000
# What a value may be made of: anything but whitespace (the form strips it at the ends),
# control characters (NUL is refused, as it should be), surrogates and unassigned or private
# code points.
value_characters = st.characters(exclude_categories=("Cc", "Cs", "Cn", "Co", "Zs", "Zl", "Zp")).filter(
    lambda c: not c.isspace()
)
ascii_alnum = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789")


def _of_length(characters, length):
    if length <= 300:
        return st.text(characters, min_size=length, max_size=length)
    # Longer than hypothesis draws at once: a random piece, repeated.
    return st.text(characters, min_size=1, max_size=64).map(lambda piece: (piece * (length // len(piece) + 1))[:length])


def plain_text(length):
    return _of_length(value_characters, length)


def slug_text(length):
    return _of_length(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_"), length)


def body_text(length):
    # The body is HTML: "&", "<" and ">" would be read as markup, not kept as text.
    return _of_length(value_characters.filter(lambda c: c not in "&<>"), length)


def file_name_text(length):
    # Not the characters a multipart header quotes or a path separates with.
    return _of_length(value_characters.filter(lambda c: c not in '"\\/;'), length)


def url_text(length):
    head = "https://www.12371.cn/"
    return _of_length(st.one_of(ascii_alnum, st.sampled_from("党建乌达-_./")), length - len(head)).map(
        lambda path: head + path
    )


def email_text(length):
    """An address of exactly `length` characters with parts a mail server accepts (labels ≤ 63)."""

    def build(c):
        local = c * 64
        domain_length = length - len(local) - 1
        labels, left = [], domain_length - len(".cn")
        while left > 0:
            size = min(63, left - 2) if left > 63 else left  # never a label of 0 characters
            labels.append(c * size)
            left -= size + 1
        return f"{local}@{'.'.join(labels)}.cn"

    return ascii_alnum.map(build)


def _stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


def _snapshot(media_root):
    """What an admin form could have added: rows of every model, and stored files."""
    return {model: model.objects.count() for model in ADMIN_FORM_MODELS.values()}, _stored_files(media_root)


# Each takes (client, field, value, media_root) and returns the answer, the values the
# column holds afterwards, and the snapshot taken just before the request.


def _article_add(client, field, value, media_root, **fields):
    data = article_form_data(category=CategoryFactory().pk, **{**fields, field: value})
    before = _snapshot(media_root)
    response = client.post(reverse("admin:news_article_add"), data)
    if field == "body":
        return response, {html_to_text(b) for b in Article.objects.values_list("body", flat=True)}, before
    return response, set(Article.objects.values_list(field, flat=True)), before


def _article_submitted_with_comment(client, field, value, media_root):
    # 审核意见 is kept in the review record of the submission, not on the article.
    data = article_form_data(category=CategoryFactory().pk, status="review", **{field: value})
    before = _snapshot(media_root)
    response = client.post(reverse("admin:news_article_add"), data)
    return response, set(ReviewRecord.objects.values_list("comment", flat=True)), before


def _external_article_add(client, field, value, media_root):
    # A 外链 article has no body (Article.clean).
    return _article_add(client, field, value, media_root, body="")


def _article_add_with_attachment(client, field, value, media_root, file_name="通知.pdf"):
    data = article_form_data(
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": SimpleUploadedFile(file_name, samples.pdf()),
            "attachments-0-order": "0",
            f"attachments-0-{field}": value,
        }
    )
    before = _snapshot(media_root)
    response = client.post(reverse("admin:news_article_add"), data)
    return response, set(Attachment.objects.values_list(field, flat=True)), before


def _category_add(client, field, value, media_root):
    data = {
        "name": "党建动态",
        "slug": "dangjian-dongtai",
        "parent": "",
        "order": "0",
        "show_in_nav": "on",
        "update_rule": "2w",
    }
    before = _snapshot(media_root)
    response = client.post(reverse("admin:news_category_add"), data | {"description": ""} | {field: value})
    return response, set(Category.objects.values_list(field, flat=True)), before


def _attachment_change(client, field, value, media_root):
    attachment = attachment_create(article=ArticleFactory(), file=ContentFile(samples.pdf(), name="通知.pdf"))
    before = _snapshot(media_root)
    url = reverse("admin:attachments_attachment_change", args=[attachment.pk])
    response = client.post(url, {"title": "通知", "order": "0"} | {field: value})
    return response, set(Attachment.objects.values_list(field, flat=True)), before


def _friend_link_add(client, field, value, media_root):
    data = {"name": "共产党员网", "url": "https://www.12371.cn/", "order": "0", "is_active": "on"}
    before = _snapshot(media_root)
    response = client.post(reverse("admin:wuda_portal_friendlink_add"), data | {field: value})
    return response, set(FriendLink.objects.values_list(field, flat=True)), before


def _site_profile_change(client, field, value, media_root):
    profile = SiteProfile.load()
    profile.save()
    data = {f.name: getattr(profile, f.name) for f in SiteProfile._meta.fields if f.name != "id"}
    before = _snapshot(media_root)
    response = client.post(reverse("admin:wuda_portal_siteprofile_change", args=[profile.pk]), data | {field: value})
    return response, set(SiteProfile.objects.values_list(field, flat=True)), before


SITE_PROFILE_TEXT = (
    "site_name", "description", "owner", "icp_number", "address", "postcode", "phone", "email", "technical_support",
)  # fmt: skip
# (form, field): how it is posted, and what values it takes.
ADMIN_TEXT_FIELDS = {
    ("article", "title"): (_article_add, plain_text),
    ("article", "subtitle"): (_article_add, plain_text),
    ("article", "source"): (_article_add, plain_text),
    ("article", "author"): (_article_add, plain_text),
    ("article", "body"): (_article_add, body_text),
    ("article", "summary"): (_article_add, plain_text),
    ("article", "responsible_editor"): (_article_add, plain_text),
    ("article", "external_url"): (_external_article_add, url_text),
    ("article", "review_comment"): (_article_submitted_with_comment, plain_text),
    ("article attachment inline", "title"): (_article_add_with_attachment, plain_text),
    ("category", "name"): (_category_add, plain_text),
    ("category", "slug"): (_category_add, slug_text),
    ("category", "description"): (_category_add, plain_text),
    ("attachment", "title"): (_attachment_change, plain_text),
    ("friend link", "name"): (_friend_link_add, plain_text),
    ("friend link", "url"): (_friend_link_add, url_text),
    **{
        ("site profile", name): (_site_profile_change, email_text if name == "email" else plain_text)
        for name in SITE_PROFILE_TEXT
    },
}
ADMIN_FORM_MODELS = {
    "article": Article,
    "category": Category,
    "attachment": Attachment,
    "friend link": FriendLink,
    "site profile": SiteProfile,
}


def _max_length(form, field):
    model = Attachment if "attachment" in form else ADMIN_FORM_MODELS[form]
    if field == "review_comment":  # a form field kept in the review record's TextField
        return None
    return model._meta.get_field(field).max_length


def _form_errors(response):
    """Every error message the admin page shows (its form and its inline formsets)."""
    context = response.context
    if context is None or "adminform" not in context:
        return []
    messages = [m for errors in context["adminform"].form.errors.values() for m in errors]
    for inline in context.get("inline_admin_formsets", []):
        for form_errors in inline.formset.errors:
            messages += [m for errors in form_errors.values() for m in errors]
    return messages


@pytest.mark.django_db
def test_every_text_field_of_the_admin_forms_is_covered(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    found = set()
    for label, model in ADMIN_FORM_MODELS.items():
        model_admin = admin.site.get_model_admin(model)
        for name, field in model_admin.get_form(request).base_fields.items():
            if isinstance(field, forms.CharField):
                found.add((label, name))
        for inline in model_admin.get_inline_instances(request):
            for name, field in inline.get_formset(request).form.base_fields.items():
                if isinstance(field, forms.CharField):
                    found.add(
                        (f"{label} {inline.model._meta.verbose_name_raw} inline".replace("附件", "attachment"), name)
                    )
    assert found == set(ADMIN_TEXT_FIELDS)


@pytest.mark.django_db
@pytest.mark.parametrize(("form", "field"), sorted(ADMIN_TEXT_FIELDS))
@hypothesis_settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_admin_text_field_saves_its_maximum_length(admin_client, media_root, form, field, data):
    post, values = ADMIN_TEXT_FIELDS[form, field]
    length = _max_length(form, field) or LONG_TEXT
    value = data.draw(values(length))
    assert len(value) == length
    with transaction.atomic():  # each example rolled back: examples do not meet
        response, stored, _ = post(admin_client, field, value, media_root)
        assert response.status_code == 302, (form, field, _form_errors(response))
        assert value in stored
        transaction.set_rollback(True)


@pytest.mark.django_db
@pytest.mark.parametrize(("form", "field"), sorted(k for k in ADMIN_TEXT_FIELDS if _max_length(*k)))
@hypothesis_settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), extra=st.sampled_from([1, 2, 100]))
def test_an_admin_text_field_refuses_more_than_its_maximum_in_chinese(
    admin_client, media_root, form, field, data, extra
):
    post, values = ADMIN_TEXT_FIELDS[form, field]
    max_length = _max_length(form, field)
    value = data.draw(values(max_length + extra))
    with transaction.atomic():
        response, stored, before = post(admin_client, field, value, media_root)
        assert response.status_code == 200, (form, field, response.status_code)
        errors = _form_errors(response)
        # Django's "确保该值不超过 N 个字符" or the admin's own "最多 N 个字，现在有 …".
        limit = (f"不超过 {max_length} ", f"最多 {max_length} 个字，现在有 {len(value)} 个字")
        assert any(part in message for message in errors for part in limit), errors
        assert value not in stored
        assert _snapshot(media_root) == before  # nothing saved, no file stored
        transaction.set_rollback(True)


@pytest.mark.django_db
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(stem=st.integers(min_value=1, max_value=400).flatmap(file_name_text))
@example(stem="通" * 197)  # 201 characters with ".pdf": one past 显示名称's column
@example(stem="通" * 251)  # 255: the original name's column, exactly
@example(stem="通" * 396)
@example(stem=".")  # "..pdf": Hypothesis found it; os.path.splitext saw no extension in it
@example(stem="." * 400)
def test_an_uploaded_file_name_of_any_length_is_fitted_to_the_columns(admin_client, media_root, stem):
    name = stem + ".pdf"
    with transaction.atomic():
        response, _, _ = _article_add_with_attachment(admin_client, "title", "", media_root, file_name=name)
        if response.status_code == 400 and len(name.encode()) > MAX_TOTAL_HEADER_SIZE // 2:
            # Django refuses a part whose headers pass 1 KB (the name is in them) with a 400,
            # before anything reads it: a clear refusal, nothing stored.
            assert not Attachment.objects.exists()
            return
        if set(stem) == {"."} and len(name) > 255:
            # Django cuts a name past 255 characters keeping os.path.splitext's extension,
            # which a name of dots has not: "....pdf" arrives as dots alone. Refused as
            # having no extension, in Chinese, nothing stored.
            assert response.status_code == 200
            assert any("没有扩展名" in message for message in _form_errors(response))
            assert not Attachment.objects.exists()
            return
        assert response.status_code == 302, _form_errors(response)
        attachment = Attachment.objects.get()
        assert len(attachment.title) <= 200 and attachment.title.endswith(".pdf")
        assert len(attachment.original_name) <= 255 and attachment.original_name.endswith(".pdf")
        transaction.set_rollback(True)
