"""The page frame as residents see it, measured in Chromium: desktop, phone and 关怀模式."""

import pytest
from django.core.management import call_command

from news.models import Category
from tests.browser.conftest import DESKTOP, screenshot
from tests.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONES = [{"width": width, "height": 780} for width in (360, 375, 390)]


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def care_mode(page, live_server):
    page.context.add_cookies([{"name": "care_mode", "value": "1", "url": live_server.url}])


@pytest.mark.parametrize("width", [1280, 390, 360])
@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_the_search_button_keeps_its_two_characters_on_one_line(open_page, live_server, demo, width, care):
    page, _ = open_page({"width": width, "height": 800})
    if care:
        care_mode(page, live_server)
    page.goto(live_server.url + "/")
    button = page.locator(".header-search button")
    line_height = float(button.evaluate("b => parseFloat(getComputedStyle(b).lineHeight)"))
    assert button.evaluate("b => b.getClientRects().length") == 1
    text_height = button.evaluate(
        "b => { const r = document.createRange(); r.selectNodeContents(b); return r.getBoundingClientRect().height; }"
    )
    assert text_height < 1.5 * line_height, (width, text_height, line_height)


def test_a_category_without_sub_categories_uses_the_whole_width(open_page, live_server, demo):
    page, _ = open_page({"width": 1280, "height": 800})
    lonely = Category.objects.filter(parent=None, children=None).order_by("pk").first()
    page.goto(live_server.url + lonely.get_absolute_url())
    assert page.locator(".sidebar").count() == 0
    main, frame = box(page, ".list-main"), box(page, "main")
    assert main["width"] >= frame["width"] - 2 * 24, (main, frame)
    # With sub-栏目 of the same parent beside it, the list keeps its sidebar.
    child = Category.objects.exclude(parent=None).order_by("pk").first()
    page.goto(live_server.url + child.get_absolute_url())
    assert page.locator(".sidebar").is_visible()
    assert box(page, ".sidebar")["x"] > box(page, ".list-main")["x"] + box(page, ".list-main")["width"]


@pytest.mark.parametrize("font", ["small", "medium", "large"])
def test_the_skip_link_stays_out_of_sight_until_focused_in_care_mode(open_page, live_server, demo, font):
    page, _ = open_page(DESKTOP)
    care_mode(page, live_server)
    page.context.add_cookies([{"name": "font_size", "value": font, "url": live_server.url}])
    page.goto(live_server.url + "/")
    skip = box(page, ".skip-link")
    assert skip["y"] + skip["height"] <= 0, skip
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    skip = box(page, ".skip-link")
    assert skip["y"] >= 0 and skip["height"] > 20


@pytest.mark.parametrize("viewport", [DESKTOP, PHONES[2]], ids=["desktop", "phone"])
@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_the_search_page_keyword_box_and_category_select_line_up(open_page, live_server, demo, viewport, care):
    page, _ = open_page(viewport)
    if care:
        care_mode(page, live_server)
    page.goto(live_server.url + "/search/?q=党建")
    field, select = box(page, "#search-q"), box(page, "#search-category")
    assert abs(field["height"] - select["height"]) <= 1, (field, select)
    if viewport is DESKTOP:  # side by side on a desktop
        assert abs(field["y"] - select["y"]) <= 1, (field, select)
        button = box(page, ".search-form button")
        assert abs(button["y"] + button["height"] - (field["y"] + field["height"])) <= 1


@pytest.mark.parametrize("viewport", PHONES, ids=lambda v: str(v["width"]))
@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_the_phone_header_leaves_room_for_the_content(open_page, live_server, demo, viewport, care):
    page, _ = open_page(viewport)
    if care:
        care_mode(page, live_server)
    page.goto(live_server.url + "/")
    header = box(page, ".site-header")
    assert header["y"] + header["height"] <= (220 if care else 160), header
    # The navigation is one row that scrolls sideways, every 栏目 still reachable.
    nav = page.locator(".main-nav ul")
    tops = nav.evaluate("ul => [...ul.querySelectorAll('a')].map(a => Math.round(a.getBoundingClientRect().top))")
    assert len(set(tops)) == 1, tops
    assert nav.evaluate("ul => ul.scrollWidth > ul.clientWidth && getComputedStyle(ul).overflowX === 'auto'")
    last = page.locator(".main-nav a").last
    last.focus()
    assert last.evaluate("a => a.getBoundingClientRect().right <= window.innerWidth")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    screenshot(page, f"phone-header{'-care' if care else ''}")


@pytest.mark.parametrize("viewport", [DESKTOP, *PHONES], ids=lambda v: str(v["width"]))
@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_the_slideshow_caption_leaves_most_of_the_image_visible(open_page, live_server, demo, viewport, care):
    page, _ = open_page(viewport)
    if care:
        care_mode(page, live_server)
    page.goto(live_server.url + "/")
    image = box(page, ".slide img")
    caption = box(page, ".slide figcaption")
    overlap = max(
        0, min(image["y"] + image["height"], caption["y"] + caption["height"]) - max(image["y"], caption["y"])
    )
    assert overlap <= image["height"] / 3, (image, caption)


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_the_search_page_fits_a_phone_with_large_text(open_page, live_server, demo, care):
    # The keyword box's own width (20 characters of its font) stretched the form past a 390 px
    # screen in 关怀模式 or with 字号 大: the page scrolled sideways, the box cut off at the right.
    page, _ = open_page(PHONES[2])
    if care:
        care_mode(page, live_server)
    page.context.add_cookies([{"name": "font_size", "value": "large", "url": live_server.url}])
    page.goto(live_server.url + "/search/?q=党建")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    form, field = box(page, ".search-form"), box(page, "#search-q")
    assert field["x"] + field["width"] <= form["x"] + form["width"], (field, form)


@pytest.mark.parametrize("suffix", ["", "?print=1"], ids=["article", "print"])
def test_a_table_pasted_with_a_fixed_width_keeps_within_the_article_on_a_phone(open_page, live_server, demo, suffix):
    # Tables pasted from Word keep their width (style="width:600px", allowed by the sanitiser):
    # on a 390 px phone the whole page scrolled sideways; the table now keeps within the text
    # (and scrolls on its own when its cells cannot fit).
    body = '<table style="width:600px"><tr><td>序号</td><td>单位</td></tr><tr><td>1</td><td>新达街道</td></tr></table>'
    article = ArticleFactory(body=body)
    page, _ = open_page(PHONES[2])
    page.goto(live_server.url + article.get_absolute_url() + suffix)
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths
    table, text = box(page, ".article-body table"), box(page, ".article-body")
    assert table["x"] + table["width"] <= text["x"] + text["width"] + 1, (table, text)
