"""Single pages (单页) in a real browser: a resident finds them, an editor writes one and a reviewer publishes it."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import expect

from news.models import Page
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_desk import assert_no_errors
from tests.browser.test_editors import log_in, log_out
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SERIOUS = ("serious", "critical")


def serious_violations(page):
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]
            if v["impact"] in SERIOUS]  # fmt: skip


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_reaches_the_single_pages_from_the_navigation(open_page, live_server, media_root, viewport):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page, watch = open_page(viewport)
    page.goto(live_server.url + "/")
    navigation = page.get_by_role("navigation", name="栏目导航")

    navigation.get_by_role("link", name="机构职能").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("机构职能")
    expect(page.get_by_role("navigation", name="当前位置").get_by_role("listitem")).to_have_text(["首页", "机构职能"])
    assert not serious_violations(page)
    screenshot(page, "single-page-shown-by-its-category")
    # Nothing wider than the screen (the table of 内设机构 included).
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    page.get_by_role("link", name="领导分工").click()
    expect(page).to_have_url(live_server.url + "/pages/lingdaofengong/")
    expect(page.get_by_role("heading", level=1)).to_have_text("领导分工")
    assert not serious_violations(page)

    page.get_by_role("navigation", name="栏目导航").get_by_role("link", name="联系我们").click()
    contacts = page.get_by_role("region", name="联系方式")
    expect(contacts).to_contain_text("016040")
    expect(contacts).to_contain_text("0473-3666882")
    assert not serious_violations(page)
    screenshot(page, "single-page-contacts")

    page.get_by_role("link", name="大").first.click()  # the page's own font sizes
    expect(page.locator("html")).to_have_class("font-large")
    page.get_by_role("link", name="关怀模式").click()
    expect(page.locator("html")).to_have_class("font-large care-mode")
    assert not serious_violations(page)
    screenshot(page, "single-page-care-mode")
    watch.assert_clean()


def test_an_editor_writes_a_page_that_a_reviewer_publishes(open_page, live_server):
    UserFactory(username="editor", group="编辑")
    UserFactory(username="reviewer", group="审核发布")
    page, watch = open_page(DESKTOP)

    log_in(page, live_server.url, "editor")
    page.goto(live_server.url + "/admin/news/page/add/")
    assert not serious_violations(page)
    page.fill("#id_title", "党员服务中心")
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").click()
    page.keyboard.type("为党员提供组织关系转接、党费交纳等服务。")
    page.select_option("#id_status", "review")
    page.check("#id_show_in_footer")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("党员服务中心")
    saved = Page.objects.get(title="党员服务中心")
    assert (saved.slug, saved.status) == ("dangyuanfuwuzhongxin", Page.Status.REVIEW)

    # The editor previews it at its address; residents do not see it yet.
    page.goto(live_server.url + "/pages/dangyuanfuwuzhongxin/")
    expect(page.get_by_role("status")).to_contain_text("预览")
    expect(page.locator(".article-body")).to_contain_text("组织关系转接")
    assert not serious_violations(page)
    assert Client().get("/pages/dangyuanfuwuzhongxin/").status_code == 404
    page.goto(live_server.url + "/admin/")
    log_out(page, live_server.url)

    log_in(page, live_server.url, "reviewer")
    page.goto(live_server.url + f"/admin/news/page/{saved.pk}/change/")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("党员服务中心")
    log_out(page, live_server.url)

    page.goto(live_server.url + "/")
    page.locator(".footer-links").get_by_role("link", name="党员服务中心").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("党员服务中心")
    assert not serious_violations(page)
    screenshot(page, "single-page-published")
    assert_no_errors(watch)  # CKEditor's own configuration warnings aside
