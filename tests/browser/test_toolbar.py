"""
The 无障碍 toolbar in Chromium, by mouse and by keyboard.

Read-aloud: headless Chromium has no speech voices, so these tests replace the browser's
speechSynthesis and SpeechSynthesisUtterance with a recording stub, in the test page only
(Playwright's add_init_script; the portal ships no such stub). The stub records what
toolbar.js asks the engine to say, in which language and at which rate, and lets the test
end an utterance as the real engine would.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from news.models import Article
from tests.browser.conftest import DESKTOP, PHONE, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEECH_STUB = """
(() => {
  const voices = %s;
  window.__spoken = [];
  window.__engine = { cancelled: 0, paused: 0, resumed: 0 };
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ""; this.rate = 1; this.voice = null; this.onend = null; }
  };
  Object.defineProperty(window, "speechSynthesis", { configurable: true, value: {
    current: null,
    getVoices: () => voices,
    speak(u) { window.__spoken.push({ text: u.text, lang: u.lang, rate: u.rate, voice: u.voice && u.voice.name }); this.current = u; },
    cancel() { window.__engine.cancelled += 1; this.current = null; },
    pause() { window.__engine.paused += 1; },
    resume() { window.__engine.resumed += 1; },
    addEventListener() {}, removeEventListener() {},
  }});
  window.__finishUtterance = () => { const u = window.speechSynthesis.current; if (u && u.onend) u.onend(); };
})();
"""
CHINESE_VOICES = '[{"name": "Stub 中文", "lang": "zh-CN", "voiceURI": "stub-zh"}, {"name": "Stub EN", "lang": "en-US"}]'
NO_CHINESE_VOICE = '[{"name": "Stub EN", "lang": "en-US", "voiceURI": "stub-en"}]'


@pytest.fixture
def demo(media_root):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    return Article.objects.published().filter(attachments__isnull=False).first()


@pytest.fixture
def toolbar_page(open_page, live_server):
    """toolbar_page(path, viewport=DESKTOP, voices=CHINESE_VOICES) -> page, with the speech stub."""

    def opener(path, viewport=DESKTOP, voices=CHINESE_VOICES, **options):
        page, watch = open_page(viewport, **options)
        page.add_init_script(SPEECH_STUB % voices)
        page.goto(live_server.url + path)
        page.watch = watch
        return page

    return opener


def classes(page):
    return set(page.evaluate("document.documentElement.className").split())


def spoken(page):
    return page.evaluate("window.__spoken")


def open_toolbar(page, by):
    if by == "mouse":
        page.get_by_role("button", name="无障碍").click()
    else:
        page.keyboard.press("Alt+Shift+KeyA")
    assert page.locator("#a11y-panel").is_visible()


def press_in_toolbar(page, name, by):
    """Use a toolbar button: a click, or Tab to it and Enter (the keyboard alone)."""
    button = page.locator("#a11y-panel").get_by_role("button", name=name, exact=True)
    if by == "mouse":
        button.click()
        return
    for _ in range(40):
        if button.evaluate("b => b === document.activeElement"):
            page.keyboard.press("Enter")
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {name}")


def active_in_panel(page):
    return page.evaluate("document.getElementById('a11y-panel').contains(document.activeElement)")


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_the_toolbar_opens_keeps_focus_inside_and_closes_with_escape(toolbar_page, demo, by):
    page = toolbar_page("/")
    opener = page.get_by_role("button", name="无障碍")
    assert opener.get_attribute("aria-expanded") == "false"
    assert opener.get_attribute("aria-controls") == "a11y-panel"
    open_toolbar(page, by)
    expect(opener).to_have_attribute("aria-expanded", "true")
    dialog = page.get_by_role("dialog", name="无障碍工具")
    assert dialog.is_visible()
    assert active_in_panel(page)
    for _ in range(45):  # more than there are controls: focus wraps around inside
        page.keyboard.press("Tab")
        assert active_in_panel(page)
    page.keyboard.press("Shift+Tab")
    assert active_in_panel(page)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_have_attribute("aria-expanded", "false")  # set by the dialog's close event
    expect(opener).to_be_focused()
    # The help lists every shortcut.
    open_toolbar(page, by)
    page.locator(".a11y-help summary").click()
    help_text = page.locator(".a11y-help").inner_text()
    for shortcut in ("Alt+Shift+A", "Esc", "Alt+Shift+R", "Alt+Shift+S", "Alt+Shift+P", "Alt+Shift+M"):
        assert shortcut in help_text
    for shortcut in ("Alt+Shift+L", "Alt+Shift+C", "Alt+Shift+Y", "Alt+Shift+=", "Alt+Shift+-", "Alt+Shift+0"):
        assert shortcut in help_text
    page.get_by_role("button", name="关闭").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_have_attribute("aria-expanded", "false")
    page.watch.assert_clean()


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_continuous_reading_from_the_title_with_pause_and_stop(toolbar_page, demo, by):
    page = toolbar_page(demo.get_absolute_url())
    title = " ".join(page.locator("h1.article-title").inner_text().split())
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "连读", by)
        press_in_toolbar(page, "播放", by)
    else:
        page.keyboard.press("Alt+Shift+KeyR")
    first = spoken(page)[0]
    assert first == {"text": title, "lang": "zh-CN", "rate": 1, "voice": "Stub 中文"}
    assert " ".join(page.locator("mark.a11y-sentence").all_inner_texts()).split() == title.split()
    assert page.locator("h1.article-title").evaluate("h => h.classList.contains('a11y-reading')")
    # The engine finishes the title: the next sentence is read and marked.
    page.evaluate("window.__finishUtterance()")
    second = spoken(page)[1]["text"]
    assert second.startswith("来源：")
    assert page.locator("mark.a11y-sentence").first.inner_text() in second
    assert page.locator("h1 mark").count() == 0
    # Pause, go on, stop.
    if by == "mouse":
        press_in_toolbar(page, "暂停", by)
        assert page.evaluate("window.__engine.paused") == 1
        press_in_toolbar(page, "继续", by)
        assert page.evaluate("window.__engine.resumed") == 1
        press_in_toolbar(page, "停止", by)
    else:
        page.keyboard.press("Alt+Shift+KeyR")
        assert page.evaluate("window.__engine.paused") == 1
        page.keyboard.press("Alt+Shift+KeyR")
        assert page.evaluate("window.__engine.resumed") == 1
        page.keyboard.press("Alt+Shift+KeyS")
    assert page.evaluate("window.__engine.cancelled") >= 1
    assert page.locator("mark.a11y-sentence").count() == 0
    assert page.locator(".a11y-reading").count() == 0
    page.watch.assert_clean()


def test_reading_speed_slow_and_fast(toolbar_page, demo):
    page = toolbar_page(demo.get_absolute_url())
    open_toolbar(page, "mouse")
    press_in_toolbar(page, "快", "mouse")
    press_in_toolbar(page, "播放", "mouse")
    assert spoken(page)[0]["rate"] == 1.4
    press_in_toolbar(page, "停止", "mouse")
    press_in_toolbar(page, "慢", "keyboard")
    assert page.locator("#a11y-panel").get_by_role("button", name="慢").get_attribute("aria-pressed") == "true"
    press_in_toolbar(page, "播放", "mouse")
    assert spoken(page)[-1]["rate"] == 0.7


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_point_reading_reads_what_is_under_the_pointer_or_focus(toolbar_page, demo, by):
    page = toolbar_page("/")
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "指读", by)
        page.keyboard.press("Escape")
        heading = page.locator(".block-head h2 a").first
        heading.hover()
        assert spoken(page)[-1] == {"text": heading.inner_text(), "lang": "zh-CN", "rate": 1, "voice": "Stub 中文"}
    else:
        page.keyboard.press("Alt+Shift+KeyP")
        page.locator(".main-nav a").nth(1).focus()
        assert spoken(page)[-1]["text"] == page.locator(".main-nav a").nth(1).inner_text()
        page.keyboard.press("Tab")
        assert spoken(page)[-1]["text"] == page.locator(".main-nav a").nth(2).inner_text()
    assert "point" in page.evaluate("document.cookie")


def test_without_a_chinese_voice_the_toolbar_says_so(toolbar_page, demo):
    page = toolbar_page(demo.get_absolute_url(), voices=NO_CHINESE_VOICE)
    open_toolbar(page, "mouse")
    press_in_toolbar(page, "连读", "mouse")
    press_in_toolbar(page, "播放", "mouse")
    assert "没有中文语音" in page.locator("#a11y-panel [role=status]").inner_text()
    assert spoken(page) == []


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_big_cursor(toolbar_page, demo, by):
    page = toolbar_page("/")
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "大鼠标", by)
        assert page.locator("#a11y-panel").get_by_role("button", name="大鼠标").get_attribute("aria-pressed") == "true"
        page.keyboard.press("Escape")
    else:
        page.keyboard.press("Alt+Shift+KeyM")
    assert "big-cursor" in classes(page)
    assert "cursor-arrow.svg" in page.evaluate("getComputedStyle(document.body).cursor")
    assert "cursor-hand.svg" in page.locator(".main-nav a").first.evaluate("a => getComputedStyle(a).cursor")
    assert "cursor-text.svg" in page.locator("#header-q").evaluate("i => getComputedStyle(i).cursor")


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_reading_guide_lines_follow_the_pointer_and_the_focus(toolbar_page, demo, by):
    page = toolbar_page("/")
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "十字线", by)
        page.keyboard.press("Escape")
    else:
        page.keyboard.press("Alt+Shift+KeyL")
    page.mouse.move(300, 400)
    assert page.locator(".a11y-guide-x").evaluate("e => getComputedStyle(e).transform") == "matrix(1, 0, 0, 1, 0, 399)"
    assert page.locator(".a11y-guide-y").evaluate("e => getComputedStyle(e).transform") == "matrix(1, 0, 0, 1, 299, 0)"
    link = page.locator(".main-nav a").nth(2)
    link.focus()
    box = link.bounding_box()
    y = page.locator(".a11y-guide-x").evaluate("e => new DOMMatrix(getComputedStyle(e).transform).f")
    assert abs(y - (box["y"] + box["height"] / 2)) <= 2
    page.keyboard.press("Alt+Shift+KeyL")
    assert page.locator(".a11y-guide").count() == 0


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_caption_bar_shows_the_text_under_the_pointer_or_focus(toolbar_page, demo, by):
    page = toolbar_page("/")
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "大字幕", by)
        page.keyboard.press("Escape")
        target = page.locator(".title-list a").first
        target.hover()
    else:
        page.keyboard.press("Alt+Shift+KeyC")
        target = page.locator(".main-nav a").nth(3)
        target.focus()
    bar = page.locator(".a11y-caption")
    assert bar.is_visible()
    assert bar.inner_text() == " ".join(target.inner_text().split())
    assert float(bar.evaluate("b => parseFloat(getComputedStyle(b).fontSize)")) >= 32
    assert "caption-bar" in classes(page)


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_colour_schemes(toolbar_page, demo, by):
    page = toolbar_page("/")
    expected = {
        "白底黑字": ("scheme-wb", "rgb(255, 255, 255)", "rgb(0, 0, 0)"),
        "黑底黄字": ("scheme-yb", "rgb(0, 0, 0)", "rgb(255, 255, 0)"),
        "蓝底白字": ("scheme-bl", "rgb(0, 51, 153)", "rgb(255, 255, 255)"),
    }
    if by == "mouse":
        open_toolbar(page, by)
    for name, (css_class, background, text) in expected.items():
        if by == "mouse":
            press_in_toolbar(page, name, by)
            assert page.locator("#a11y-panel").get_by_role("button", name=name).get_attribute("aria-pressed") == "true"
        else:
            page.keyboard.press("Alt+Shift+KeyY")
        assert css_class in classes(page)
        header = page.locator(".site-header").evaluate(
            "h => [getComputedStyle(h).backgroundColor, getComputedStyle(h).color]"
        )
        assert header == [background, text], name
    if by == "keyboard":
        page.keyboard.press("Alt+Shift+KeyY")  # back to the site's own colours
    else:
        press_in_toolbar(page, "默认", by)
    assert not {"scheme-wb", "scheme-yb", "scheme-bl"} & classes(page)


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_zoom_to_200_percent_without_sideways_scrolling(toolbar_page, demo, by):
    page = toolbar_page("/", viewport={"width": 1280, "height": 800})
    if by == "mouse":
        open_toolbar(page, by)
    for _ in range(4):
        if by == "mouse":
            press_in_toolbar(page, "放大", by)
        else:
            page.keyboard.press("Alt+Shift+Equal")
    assert "zoom-200" in classes(page)
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "36px"
    if by == "mouse":
        assert page.locator("[data-a11y-zoom-level]").inner_text() == "200%"
        assert page.locator("#a11y-panel").get_by_role("button", name="放大").is_disabled()
        page.keyboard.press("Escape")
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    page.keyboard.press("Alt+Shift+Minus")
    assert "zoom-175" in classes(page)


@pytest.mark.parametrize("care", [False, True], ids=["standard", "care-mode"])
def test_no_page_type_scrolls_sideways_at_200_percent(open_page, live_server, demo, care):
    page, _ = open_page({"width": 1280, "height": 800})
    cookies = [{"name": "a11y", "value": "z200", "url": live_server.url}]
    if care:
        cookies.append({"name": "care_mode", "value": "1", "url": live_server.url})
    page.context.add_cookies(cookies)
    paths = ["/", "/news/dangjian-dongtai/", "/news/shequ-dangjian/", demo.get_absolute_url(), "/search/?q=党建"]
    for path in [
        *paths,
        "/search/?q=没有这样的词语",
        "/sitemap/",
        "/no-such-page/",
        demo.get_absolute_url() + "?print=1",
    ]:
        page.goto(live_server.url + path)
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)


@pytest.mark.parametrize("by", ["mouse", "keyboard"])
def test_reset_restores_the_defaults(toolbar_page, demo, live_server, by):
    page = toolbar_page("/")
    for key in ("KeyY", "KeyY", "Equal", "KeyM", "KeyL", "KeyC", "KeyP"):
        page.keyboard.press(f"Alt+Shift+{key}")
    assert {"scheme-yb", "zoom-125", "big-cursor", "caption-bar"} <= classes(page)
    if by == "mouse":
        open_toolbar(page, by)
        press_in_toolbar(page, "重置", by)
        assert page.locator("#a11y-panel [aria-pressed=true]").all_inner_texts() == ["正常", "默认"]
        assert page.locator("[data-a11y-zoom-level]").inner_text() == "100%"
    else:
        page.keyboard.press("Alt+Shift+Digit0")
    assert classes(page) == {"font-medium"}
    assert page.locator(".a11y-guide, .a11y-caption").count() == 0
    assert "a11y=" not in page.evaluate("document.cookie")
    page.reload()
    assert classes(page) == {"font-medium"}


def test_the_choices_survive_navigation_and_are_painted_from_the_start(toolbar_page, demo, live_server):
    page = toolbar_page("/")
    open_toolbar(page, "mouse")
    for name in ("黑底黄字", "放大", "放大", "大鼠标", "大字幕", "十字线", "指读"):
        press_in_toolbar(page, name, "mouse")
    page.keyboard.press("Escape")
    with page.expect_response(lambda r: r.url.endswith("/news/dangjian-dongtai/")) as answer:
        page.locator(".main-nav").get_by_role("link", name="党建动态").click()
    # The classes are in the HTML as sent: the page is painted in them before any script runs.
    html = answer.value.text()
    assert '<html lang="zh-CN" class="font-medium scheme-yb zoom-150 big-cursor caption-bar">' in html
    page.wait_for_load_state()
    assert {"scheme-yb", "zoom-150", "big-cursor", "caption-bar"} <= classes(page)
    assert page.locator(".a11y-caption").is_visible() and page.locator(".a11y-guide-x").count() == 1
    open_toolbar(page, "mouse")
    pressed = set(page.locator("#a11y-panel [aria-pressed=true]").all_inner_texts())
    assert pressed == {"指读", "正常", "大鼠标", "十字线", "大字幕", "黑底黄字"}
    assert page.locator("[data-a11y-zoom-level]").inner_text() == "150%"
    page.watch.assert_clean()


def test_without_javascript_no_toolbar_and_care_mode_still_works(open_page, live_server, demo):
    page, _ = open_page(DESKTOP, java_script_enabled=False)
    page.context.add_cookies([{"name": "a11y", "value": "s-bl", "url": live_server.url}])
    page.goto(live_server.url + "/news/dangjian-dongtai/?page=1")
    assert page.get_by_role("button", name="无障碍").count() == 0  # hidden: not in the accessibility tree
    assert not page.locator(".a11y-open").is_visible()
    assert not page.locator("#a11y-panel").is_visible()
    # A 配色 chosen earlier still applies: the server sets it.
    assert page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(0, 51, 153)"
    page.get_by_role("link", name="关怀模式").click()
    assert page.url == live_server.url + "/news/dangjian-dongtai/?page=1"
    assert "care-mode" in classes(page)
    page.get_by_role("link", name="退出关怀模式").click()
    assert "care-mode" not in classes(page)


MODES = {
    "toolbar-open": None,
    "scheme-wb": "s-wb",
    "scheme-yb": "s-yb",
    "scheme-bl": "s-bl",
    "zoom-200": "z200",
    "caption-guide": "caption.guide",
}


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_screenshots_of_each_mode(toolbar_page, live_server, demo, viewport):
    """For people to look at (artifacts/screenshots/); each page is also checked to fit."""
    for mode, value in MODES.items():
        page = toolbar_page("/", viewport=viewport)
        if value:
            page.context.add_cookies([{"name": "a11y", "value": value, "url": live_server.url}])
            page.goto(live_server.url + demo.get_absolute_url())
            page.mouse.move(200, 300)
        else:
            open_toolbar(page, "mouse")
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (mode, widths)
        screenshot(page, f"toolbar-{mode}")
        page.context.close()
