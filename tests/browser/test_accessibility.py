"""
axe-core on the residents' pages: no violation of any impact (minor and moderate included),
on every page type, on a phone and a desktop, in the standard look, in 关怀模式 and in each
配色, and with the 无障碍 toolbar open. In 关怀模式 and the schemes axe's enhanced contrast
rule (7:1, WCAG AAA, off by default) runs as well.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGES = {
    "home": "/",
    "list": "/news/dangjian-dongtai/",
    "list-sub-category": "/news/shequ-dangjian/",
    "article": "ARTICLE",
    "print": "ARTICLE?print=1",
    "search": "/search/?q=党建",
    "search-nothing": "/search/?q=没有这样的词语",
    "site-map": "/sitemap/",
    "not-found": "/no-such-page/",
    "topics": "/topics/",
    "topic": "/topics/jiceng-zhili-nian/",
    "topic-section": "SECTION",
    "single-page": "/pages/lianxiwomen/",
    "single-page-in-category": "/pages/lingdaofengong/",
    "category-showing-a-page": "/news/jigou-zhineng/",
}
VARIANTS = {
    "standard": {},
    "care-mode": {"care_mode": "1"},
    "scheme-wb": {"a11y": "s-wb"},
    "scheme-yb": {"a11y": "s-yb"},
    "scheme-bl": {"a11y": "s-bl"},
}
ENHANCED_CONTRAST = {"rules": {"color-contrast-enhanced": {"enabled": True}}, "resultTypes": ["violations"]}


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Article.objects.filter(attachments__isnull=False).first()


def topic_section_url():
    from topics.models import TopicSection

    return TopicSection.objects.get(topic__slug="jiceng-zhili-nian", title="基层动态").get_absolute_url()


def violations(page, options):
    results = Axe().run(page, options=options)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_violations_of_any_impact(open_page, live_server, demo, variant, viewport):
    page, _ = open_page(viewport)
    cookies = VARIANTS[variant]
    page.context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
    options = ENHANCED_CONTRAST if cookies else {"resultTypes": ["violations"]}
    found = {}
    for name, path in PAGES.items():
        path = path.replace("ARTICLE", demo.get_absolute_url()).replace("SECTION", topic_section_url())
        page.goto(live_server.url + path)
        problems = violations(page, options)
        if problems:
            found[name] = problems
        if name in ("home", "article"):
            screenshot(page, f"axe-{name}-{variant}")
    assert not found, found


@pytest.mark.parametrize("variant", ["standard", "care-mode", "scheme-yb"])
def test_no_violations_with_the_toolbar_open(open_page, live_server, demo, variant):
    page, _ = open_page(DESKTOP)
    cookies = VARIANTS[variant]
    page.context.add_cookies([{"name": k, "value": v, "url": live_server.url} for k, v in cookies.items()])
    page.goto(live_server.url + demo.get_absolute_url())
    page.get_by_role("button", name="无障碍").click()
    page.locator(".a11y-help summary").click()
    assert not violations(page, ENHANCED_CONTRAST if cookies else {"resultTypes": ["violations"]})
    screenshot(page, f"axe-toolbar-open-{variant}")
