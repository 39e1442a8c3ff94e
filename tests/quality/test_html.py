"""
Every page type, in its variants, is valid HTML with no warning on the Nu HTML Checker;
the stylesheets are valid CSS and the SVG files valid SVG.
"""

import datetime
import io

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import RequestDataTooBig
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import RequestFactory

from attachments.services import attachment_create
from core import views as portal_views
from demo import samples
from legacy.importer import import_page
from legacy.parser import LegacyPage
from news.models import Article, Category
from tests.factories import ArticleFactory
from tests.quality import vnu
from topics.models import Topic

pytestmark = [pytest.mark.vnu, pytest.mark.django_db]

VARIANTS = {
    "": {},
    "-care": {"care_mode": "1"},
    "-large": {"font_size": "large"},
    "-care-large": {"care_mode": "1", "font_size": "large"},
    "-toolbar": {"a11y": "s-yb.z150.cursor.caption"},
}


@pytest.fixture
def site(media_root):
    """The demo content, a 栏目 long enough for a second page, and an imported article."""
    call_command("load_demo", stdout=open("/dev/null", "w"))
    long_one = Category.objects.get(slug="dangjian-dongtai")
    ArticleFactory.create_batch(25, category=long_one)
    imported = import_page(
        LegacyPage(
            category="党建动态",
            title="乌达区召开2021年组织工作会议",
            subtitle="",
            source="乌达区委组织部",
            author="组工宣",
            date=datetime.date(2021, 3, 5),
            paragraphs=["会议指出，2020年全区组织工作取得新成效。", "会议要求，要坚持“三个聚焦”。"],
        ),
        status=Article.Status.PUBLISHED,
    )
    with_both = Article.objects.filter(attachments__isnull=False).first()
    with_both.cover.save("cover.jpg", ContentFile(samples.image("jpg", size=(960, 400))))
    attachment_create(article=with_both, file=ContentFile(samples.pdf(), name="通知.pdf"), title="关于开展评选的通知")
    return {"article": with_both, "imported": Article.objects.get(pk=imported.article_id), "category": long_one}


def page_types(site):
    article, imported = site["article"].get_absolute_url(), site["imported"].get_absolute_url()
    plain = Article.objects.filter(cover="", attachments__isnull=True).published().first().get_absolute_url()
    child = Category.objects.exclude(parent=None).first()
    running = Topic.objects.running().get()
    ended = Topic.objects.published().exclude(pk=running.pk).get()
    return {
        "home": "/",
        "list": site["category"].get_absolute_url(),
        "list-page-2": site["category"].get_absolute_url() + "?page=2",
        "list-sub-category": child.get_absolute_url(),
        "article-attachments-cover": article,
        "article-plain": plain,
        "article-imported": imported,
        "print": article + "?print=1",
        "search-results": "/search/?q=党建",
        "search-results-in-category": f"/search/?q=党建&category={site['category'].slug}",
        "search-nothing": "/search/?q=没有这样的词语",
        "search-empty": "/search/",
        "site-map": "/sitemap/",
        "not-found": "/no-such-page/",
        "topics": "/topics/",
        "topic-running": running.get_absolute_url(),
        "topic-ended": ended.get_absolute_url(),
        "topic-section": running.sections.first().get_absolute_url(),
        "single-page": "/pages/lianxiwomen/",
        "single-page-in-category": "/pages/lingdaofengong/",
        "single-page-print": "/pages/banshizhinan/?print=1",
        "category-showing-a-page": Category.objects.get(slug="jigou-zhineng").get_absolute_url(),
        "search-with-single-pages": "/search/?q=指南",
    }


def error_pages():
    request = RequestFactory().get("/")
    return {
        "bad-request": portal_views.bad_request(request, None),
        "form-too-large": portal_views.bad_request(RequestFactory().post("/"), RequestDataTooBig()),
        "csrf-failure": portal_views.csrf_failure(request),
        "server-error": portal_views.server_error(request),
        "unavailable": portal_views.database_unavailable(request),
    }


def test_every_page_type_and_variant_is_valid_html_and_css(client, site, tmp_path):
    files = []
    for suffix, cookies in VARIANTS.items():
        client.cookies.clear()
        for name, value in cookies.items():
            client.cookies[name] = value
        for name, path in page_types(site).items():
            response = client.get(path)
            assert response.status_code == (404 if name == "not-found" else 200), (name, path)
            files.append(tmp_path / f"{name}{suffix}.html")
            files[-1].write_bytes(response.content)
    for name, response in error_pages().items():
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    # The pages nginx answers its own errors with (deploy/nginx.conf's error_page).
    call_command("render_error_pages", str(tmp_path / "nginx"), stdout=io.StringIO())
    files += sorted((tmp_path / "nginx").glob("*.html"))
    stylesheets = [finders.find(f"css/{name}") for name in ("site.css", "print.css")]
    images = [finders.find(f"img/{name}") for name in ("emblem.svg", "favicon.svg")]
    images += [finders.find(f"img/cursor-{name}.svg") for name in ("arrow", "hand", "text")]
    images.append(tmp_path / "qr.svg")  # 分享到微信: made by segno for each article
    images[-1].write_bytes(client.get(site["article"].get_absolute_url() + "qr.svg").content)
    found = vnu.check(files + stylesheets + images)
    problems = {str(path): messages for path, messages in found.items() if messages}
    assert not problems, "\n".join(f"{path}:\n  " + "\n  ".join(messages) for path, messages in problems.items())
    assert len(found) == len(files) + len(stylesheets) + len(images) == 137  # every file was checked
