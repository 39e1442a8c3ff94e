"""Whatever a client sends to a public address, the answer is never a server error."""

import sys
import unicodedata
from urllib.parse import quote

import pytest
from django.core.paginator import InvalidPage
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from news.selectors import parse_page_number
from tests.factories import ArticleFactory, CategoryFactory

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
def test_an_oversized_form_gets_400(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = Client().post("/admin/login/", {"username": "x" * 4096, "password": "y"})
    assert response.status_code == 400
