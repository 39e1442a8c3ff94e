"""A resident finds the running 专题 on the home page and reads it, in a real browser."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from demo import samples
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


def test_an_editor_proposes_a_topic_and_a_reviewer_publishes_it(open_page, live_server, tmp_path):
    from tests.browser.test_editors import log_in, log_out
    from tests.factories import ArticleFactory, UserFactory

    UserFactory(username="editor", group="编辑")
    UserFactory(username="reviewer", group="审核发布")
    article = ArticleFactory(title="网格员走进居民楼宣讲政策")
    banner = tmp_path / "横幅.jpg"
    banner.write_bytes(samples.image("jpg", size=(1200, 300)))
    base = live_server.url
    page, watch = open_page(DESKTOP)

    # The editor drafts the topic and its first section, and may not publish it.
    log_in(page, base, "editor")
    page.goto(base + "/admin/topics/topic/add/")
    page.fill("#id_title", "基层治理年")
    page.fill("#id_slug", "jiceng-zhili")
    page.set_input_files("#id_banner", str(banner))
    page.fill("#id_description", "聚焦党建引领基层治理。")
    page.fill("#id_start_date", "2026-01-01")
    page.fill("#id_sections-0-title", "基层动态")
    options = page.locator("#id_status option").evaluate_all("options => options.map(o => o.value)")
    assert options == ["draft", "review"]
    page.click("input[name=_continue]")
    page.wait_for_url("**/admin/topics/topic/*/change/")

    # Then proposes an article for the section, chosen by searching its title, and submits it.
    page.select_option("#id_entries-0-section", label="基层动态")
    page.locator("#entries-0 .select2-selection").click()
    page.locator(".select2-search__field").fill("网格员")
    page.locator(".select2-results__option", has_text=article.title).click()
    page.select_option("#id_status", "review")
    screenshot(page, "editor-topic-form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/topics/topic/")
    topic = Topic.objects.get(slug="jiceng-zhili")
    assert topic.status == Topic.Status.REVIEW and topic.entries.get().article_id == article.pk
    log_out(page, base)

    # The reviewer publishes it; residents see it on the home page.
    log_in(page, base, "reviewer")
    page.goto(base + "/admin/topics/topic/")
    page.locator(f"input[name=_selected_action][value='{topic.pk}']").check()
    page.select_option("select[name=action]", "publish")
    page.locator("button[name=index]").click()
    page.wait_for_load_state("load")
    topic.refresh_from_db()
    assert topic.status == Topic.Status.PUBLISHED
    log_out(page, base)
    page.goto(base + "/")
    page.locator(".topic-strip").get_by_role("link", name="基层治理年").click()
    page.wait_for_url("**/topics/jiceng-zhili/")
    assert page.get_by_role("link", name=article.title).is_visible()
    watch.assert_clean()
