"""
分享到微信 in a browser: without JavaScript a link to the QR code's image, with it a small
panel showing the code; nothing from another host, and axe finds nothing with it open.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Article.objects.published().filter(attachments__isnull=False).first()


def test_without_javascript_it_is_a_link_to_the_code(open_page, live_server, demo):
    page, watch = open_page(DESKTOP, java_script_enabled=False)
    page.goto(live_server.url + demo.get_absolute_url())
    link = page.get_by_role("link", name="分享到微信")
    expect(link).to_be_visible()
    with page.expect_response(lambda r: r.url.endswith("/qr.svg")) as answer:
        link.click()
    assert answer.value.status == 200 and answer.value.headers["content-type"] == "image/svg+xml"
    assert page.url == f"{live_server.url}{demo.get_absolute_url()}qr.svg"
    watch.assert_clean()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_with_javascript_it_opens_a_panel_with_the_code(open_page, live_server, demo, viewport):
    page, watch = open_page(viewport)
    page.goto(live_server.url + demo.get_absolute_url())
    control = page.get_by_role("button", name="分享到微信")
    expect(control).to_have_attribute("aria-expanded", "false")
    control.click()
    expect(control).to_have_attribute("aria-expanded", "true")
    image = page.get_by_role("img", name="本文网址的二维码")
    expect(image).to_be_visible()
    # Polled from here: wait_for_function evaluates its text inside the page, which the
    # pages' CSP (no 'unsafe-eval') refuses.
    for _ in range(100):
        if image.evaluate("img => img.complete && img.naturalWidth > 0"):
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError("the QR code image did not load")
    assert page.url == live_server.url + demo.get_absolute_url()  # the page stayed
    box = image.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"]  # whole on a phone too
    screenshot(page, "share-panel-open")
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    assert not [(v["id"], v["impact"]) for v in results.response["violations"]]
    page.keyboard.press("Escape")
    expect(image).to_be_hidden()
    expect(control).to_have_attribute("aria-expanded", "false")
    expect(control).to_be_focused()
    control.press("Enter")
    expect(image).to_be_visible()
    page.locator("h1").click()  # a click elsewhere closes it
    expect(image).to_be_hidden()
    watch.assert_clean()


def test_a_reprint_in_a_list_is_marked_and_leads_to_the_other_site(open_page, live_server, demo):
    page, _ = open_page(DESKTOP, java_script_enabled=False)
    page.route("https://www.12371.cn/**", lambda route: route.fulfill(status=200, body="共产党员网"))
    reprint = Article.objects.exclude(external_url="").get()
    page.goto(live_server.url + reprint.category.get_absolute_url())
    link = page.get_by_role("link", name=f"{reprint.title} 外链")
    expect(link).to_have_attribute("href", reprint.external_url)
    link.click()
    page.wait_for_url(reprint.external_url)
    assert len(page.context.pages) == 1  # the same tab
