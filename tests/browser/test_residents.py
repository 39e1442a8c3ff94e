"""Residents, in a real browser, on a phone and on a desktop."""

import re

import pytest
from django.core.management import call_command

from attachments.models import Attachment
from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Attachment.objects.select_related("article__category").order_by("pk").first()


def assert_every_image_loads(page):
    """Lazy ones too: each image of the page is fetched and decoded."""
    widths = page.evaluate(
        "Promise.all([...document.images].map(img => { img.loading = 'eager'; return img.decode().then(() => img.naturalWidth); }))"
    )
    assert widths and all(widths), widths


def html_classes(page):
    return page.evaluate("document.documentElement.className").split()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_reads_downloads_searches_and_prints(open_page, site, demo, viewport):
    page, watch = open_page(viewport)
    name = f"{viewport['width']}"

    # Home, then a 栏目, then an article.
    page.goto(site.url + "/")
    assert page.title().startswith("乌达党建")
    assert page.locator(".slideshow .slide").count() >= 3
    assert_every_image_loads(page)
    screenshot(page, f"home-{name}")
    attached = demo.article
    page.locator(".main-nav").get_by_role(
        "link", name=attached.category.parent.name if attached.category.parent else attached.category.name
    ).click()
    page.wait_for_url("**/news/**")
    crumbs = re.sub(r"\s+", "", page.locator(".breadcrumb").inner_text())
    assert crumbs.startswith("当前位置：首页") and crumbs.count("首页") == 1
    screenshot(page, f"list-{name}")
    if attached.category.parent:
        page.locator(".subcategories").get_by_role("link", name=attached.category.name).click()
    page.get_by_role("link", name=attached.title).first.click()
    page.wait_for_url(f"**{attached.get_absolute_url()}")
    assert page.locator("h1.article-title").inner_text().startswith(attached.title)
    screenshot(page, f"article-{name}")

    # The attachment arrives with its Chinese name.
    with page.expect_download() as download:
        page.locator(".attachments li a").first.click()
    assert download.value.suggested_filename == demo.download_name
    assert download.value.failure() is None

    # Search a two-character term and open a result.
    page.goto(site.url + "/")
    page.fill("#header-q", "党建")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/search/**")
    assert "找到" in page.locator(".result-count").inner_text()
    assert page.locator(".search-results mark").first.inner_text() == "党建"
    screenshot(page, f"search-{name}")
    # The first result is an article's: a single page whose text alone mentions the term (联系我们,
    # “乌达党建网站”) is listed after the articles, not above them.
    first = page.locator(".search-results h2 a").first
    assert first.get_attribute("href").startswith("/articles/")
    title = first.inner_text()
    first.click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1.article-title").inner_text().replace("\n", " ").startswith(title.split()[0])

    # Font size and 关怀模式, kept on the next page.
    page.locator(".article-tools").get_by_role("link", name="大").click()
    page.wait_for_load_state()
    assert "font-large" in html_classes(page)
    page.get_by_role("link", name="关怀模式").click()
    page.wait_for_load_state()
    assert {"font-large", "care-mode"} <= set(html_classes(page))
    page.goto(site.url + "/sitemap/")
    assert {"font-large", "care-mode"} <= set(html_classes(page))
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "28px"
    screenshot(page, f"care-mode-{name}")

    # The print view: title, meta, body and address; no navigation.
    page.goto(site.url + attached.get_absolute_url())
    page.emulate_media(media="print")
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".prev-next").evaluate("e => getComputedStyle(e).display") == "none"
    assert page.locator(".print-url").is_visible()
    page.emulate_media(media="screen")
    page.goto(site.url + attached.get_absolute_url() + "?print=1")
    assert "本文网址" in page.content() and page.locator(".main-nav").count() == 0
    screenshot(page, f"print-{name}")

    watch.assert_clean()


@pytest.mark.parametrize(
    "path",
    ["/", "/news/dangjian-dongtai/", "/search/?q=党建", "/sitemap/", "/no-such-page/", "ARTICLE", "ARTICLE?print=1"],
)
def test_no_horizontal_scroll_at_360_pixels(open_page, live_server, demo, path):
    page, watch = open_page({"width": 360, "height": 740})
    path = path.replace("ARTICLE", Article.objects.published().first().get_absolute_url())
    page.goto(live_server.url + path)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], (path, widths)
    if path == "/no-such-page/":  # the page itself answers 404, which the console reports
        watch.console_errors.remove("Failed to load resource: the server responded with a status of 404 (Not Found)")
    watch.assert_clean()


def test_the_site_works_without_javascript(open_page, live_server, demo):
    page, _ = open_page(DESKTOP, java_script_enabled=False)
    page.goto(live_server.url + "/")
    page.locator(".slide-dots a").nth(1).click()  # anchors scroll the slideshow without script
    page.get_by_role("link", name="大").first.click()
    assert "font-large" in html_classes(page)
    page.fill("#header-q", "党建")
    page.press("#header-q", "Enter")
    assert "找到" in page.locator(".result-count").inner_text()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_print_view_offers_only_what_works(open_page, live_server, demo, javascript):
    # Without JavaScript the print view's 「打印」 was a link to the print view itself: tapping it
    # only reloaded the page. It shows with script (the print dialog); without, a hint instead.
    page, _ = open_page(PHONE, java_script_enabled=javascript)
    article = Article.objects.published().first()
    page.goto(live_server.url + article.get_absolute_url() + "?print=1")
    for care in (False, True):  # 关怀模式 lays the links out as boxes of their own
        if care:
            page.context.add_cookies([{"name": "care_mode", "value": "1", "url": live_server.url}])
            page.reload()
        assert page.locator(".print-actions [data-print]").is_visible() is javascript
        hint = page.locator(".print-actions").evaluate("p => p.innerText.includes('浏览器菜单')")
        assert hint is not javascript
    assert page.get_by_role("link", name="返回文章").is_visible()
