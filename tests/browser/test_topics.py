"""A resident finds the running 专题 on the home page and reads it, in a real browser."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from tests.browser.conftest import DESKTOP, screenshot
from topics.models import Topic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NARROW = {"width": 360, "height": 740}


@pytest.fixture
def running_topic(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Topic.objects.running().get()


def serious_violations(page):
    results = Axe().run(page, options={"resultTypes": ["violations"]}).response["violations"]
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results
        if v["impact"] in ("serious", "critical")
    ]


def crumbs(page):
    return re.sub(r"\s+", "", page.locator(".breadcrumb").inner_text())


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def checked(page, javascript):
    """The checks that run a script in the page (axe, measuring): with the page's JavaScript on only."""
    if javascript:
        assert no_sideways_scroll(page)
        assert not serious_violations(page)


@pytest.mark.parametrize("viewport", [NARROW, DESKTOP], ids=["360px", "desktop"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("care_mode", [False, True], ids=["standard", "care-mode"])
def test_a_resident_goes_from_the_home_page_to_a_topic_and_its_section_list(
    open_page, live_server, running_topic, viewport, javascript, care_mode
):
    page, watch = open_page(viewport, java_script_enabled=javascript)
    if care_mode:
        page.context.add_cookies([{"name": "care_mode", "value": "1", "url": live_server.url}])
    name = f"{viewport['width']}-{'js' if javascript else 'nojs'}-{'care' if care_mode else 'standard'}"

    page.goto(live_server.url + "/")
    strip = page.locator(".topic-strip")
    assert strip.get_by_role("link", name="更多专题").is_visible()
    if javascript:
        assert strip.locator("img").evaluate_all("images => images.every(i => i.complete && i.naturalWidth > 0)")
    checked(page, javascript)
    screenshot(page, f"topics-home-{name}")

    strip.get_by_role("link", name=running_topic.title).click()
    page.wait_for_url(f"**{running_topic.get_absolute_url()}")
    assert page.locator("h1").inner_text() == running_topic.title
    assert crumbs(page) == f"当前位置：首页专题{running_topic.title}"
    checked(page, javascript)
    screenshot(page, f"topics-topic-{name}")

    section = running_topic.sections.get(title="基层动态")
    page.locator(f"#section-{section.pk}").locator("..").get_by_role("link", name="更多").click()
    page.wait_for_url(f"**{section.get_absolute_url()}")
    assert page.locator("h1").inner_text() == "基层动态"
    assert crumbs(page) == f"当前位置：首页专题{running_topic.title}基层动态"
    assert page.locator(".title-list li").count() == section.entries.count()
    checked(page, javascript)
    screenshot(page, f"topics-section-{name}")

    page.get_by_role("link", name="专题", exact=True).click()
    page.wait_for_url("**/topics/")
    assert page.locator(".topic-list li").count() == 2
    checked(page, javascript)
    watch.assert_clean()
