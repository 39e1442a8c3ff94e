"""
Pasting from Word, WPS and web pages, 「一键排版」, 「首行缩进」 and 字数统计, in CKEditor in a
real browser: what is stored, and the indent residents see on the public page.
"""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from news.models import Article
from news.sanitize import sanitize_html
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.test_desk import assert_no_errors, editor_body, editor_data, wait_for_editor
from tests.browser.test_editors import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[1] / "news" / "fixtures"
PASTES = sorted((FIXTURES / "paste").glob("*.html"))
EXPECTED = json.loads((FIXTURES / "paste" / "expected.json").read_text(encoding="utf-8"))
NORMALIZE_CASES = json.loads((FIXTURES / "normalize_cases.json").read_text(encoding="utf-8"))
TYPESET_CASES = json.loads((FIXTURES / "typeset_cases.json").read_text(encoding="utf-8"))

# The clipboard as Chromium hands it to a page: the HTML as the program wrote it, and text.
PASTE = """
(html) => new Promise((resolve) => {
    const editor = CKEDITOR.instances.id_body;
    editor.focus();
    editor.once('afterPaste', () => resolve(editor.getData()));
    const clipboard = new DataTransfer();
    clipboard.setData('text/html', html);
    clipboard.setData('text/plain', html.replace(/<[^>]*>/g, ''));
    editor.editable().$.dispatchEvent(
        new ClipboardEvent('paste', {clipboardData: clipboard, bubbles: true, cancelable: true}));
})
"""
# Each paragraph of the public body: its text and whether the page indents its first line.
PUBLIC_PARAGRAPHS = """
() => Array.from(document.querySelectorAll('.article-body p, .article-body h2, .article-body h3, .article-body li, .article-body td, .article-body th'))
    .filter((element) => element.textContent.trim() !== '')
    .map((element) => {
        const style = getComputedStyle(element);
        const indent = parseFloat(style.textIndent) / parseFloat(style.fontSize);
        return [element.tagName.toLowerCase(), element.textContent.trim().slice(0, 6), indent];
    })
"""


@pytest.fixture
def reviewer(db):
    CategoryFactory(name="党建动态")
    return UserFactory(username="reviewer", group="审核发布")


def open_new_article(page, base):
    log_in(page, base, "reviewer")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)


def publish(page, title):
    page.fill("#id_title", title)
    page.select_option("#id_category", label="党建动态")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    return Article.objects.get(title=title)


def public_paragraphs(open_page, base, article, query=""):
    visitor, watch = open_page(DESKTOP)
    visitor.goto(base + article.get_absolute_url() + query)
    paragraphs = visitor.evaluate(PUBLIC_PARAGRAPHS)
    watch.assert_clean()
    return visitor, paragraphs


@pytest.mark.parametrize("path", PASTES, ids=[path.stem for path in PASTES])
def test_a_paste_is_stored_and_shown_with_one_indent(open_page, live_server, reviewer, path):
    expected = EXPECTED[path.stem]
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    page.evaluate(PASTE, path.read_text(encoding="utf-8"))
    article = publish(page, f"粘贴 {path.stem}")

    assert article.body == expected["stored"]
    assert sanitize_html(article.body) == article.body  # the editor sent what the server keeps
    visitor, paragraphs = public_paragraphs(open_page, live_server.url, article)
    assert paragraphs == expected["public"]
    screenshot(visitor, f"paste-{path.stem}")
    assert_no_errors(watch)


def test_two_full_width_spaces_typed_give_the_one_indent(open_page, live_server, reviewer):
    page, _ = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    editor_body(page).click()
    page.keyboard.type("\u3000\u3000社区党委召开会议。")
    page.keyboard.press("Enter")
    page.keyboard.type("第二段没有空格。")
    article = publish(page, "全角空格")

    assert article.body == "<p>社区党委召开会议。</p>\n\n<p>第二段没有空格。</p>"
    _, paragraphs = public_paragraphs(open_page, live_server.url, article)
    assert paragraphs == [["p", "社区党委召开", 2.0], ["p", "第二段没有空", 2.0]]


def test_the_editor_and_the_server_keep_one_rule(open_page, live_server, reviewer):
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    results = {
        case["name"]: page.evaluate("(html) => CKEDITOR.plugins.portaltypeset.normalizeHtml(html)", case["html"])
        for case in NORMALIZE_CASES
    }
    assert results == {case["name"]: case["normalized"] for case in NORMALIZE_CASES}
    assert results == {case["name"]: sanitize_html(case["html"]) for case in NORMALIZE_CASES}
    assert_no_errors(watch)


def test_typeset_rules(open_page, live_server, reviewer):
    page, _ = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    results = {
        case["name"]: page.evaluate("(html) => CKEDITOR.plugins.portaltypeset.typesetHtml(html)", case["html"])
        for case in TYPESET_CASES
    }
    assert results == {case["name"]: case["typeset"] for case in TYPESET_CASES}
    for typeset in results.values():
        assert sanitize_html(typeset) == typeset  # nothing the server would change again


MESSY = (
    "<p>&nbsp;</p>"
    '<p style="text-indent:2em">\u3000\u3000乌达 区委 组织部召开会议,部署"三会一课"工作.</p>'
    "<p><br></p>"
    "<p>会议指出:要认真学习www.12371.cn上的材料,参学率达到99.5%左右.</p>"
)
TYPESET = (
    "<p>乌达区委组织部召开会议，部署“三会一课”工作。</p>\n\n"
    "<p>会议指出：要认真学习www.12371.cn上的材料，参学率达到99.5%左右。</p>"
)


def test_typeset_tidies_a_messy_body_and_undo_takes_it_back(open_page, live_server, reviewer):
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    page.evaluate("(html) => new Promise((done) => CKEDITOR.instances.id_body.setData(html, {callback: done}))", MESSY)
    before = editor_data(page)
    typeset = page.locator(".cke_button__typeset")
    expect(typeset).to_have_text("一键排版")
    typeset.click()
    assert editor_data(page).strip() == TYPESET
    screenshot(page, "editor-typeset")

    page.locator(".cke_button__undo").click()
    assert editor_data(page) == before
    page.locator(".cke_button__redo").click()
    assert editor_data(page).strip() == TYPESET
    article = publish(page, "一键排版")
    assert article.body == TYPESET
    assert_no_errors(watch)


def test_first_line_indent_off_for_one_paragraph(open_page, live_server, reviewer):
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    page.evaluate(
        "(html) => new Promise((done) => CKEDITOR.instances.id_body.setData(html, {callback: done}))",
        "<p>正文第一段。</p><p>附件：活动安排表</p>",
    )
    toggle = page.locator(".cke_button__firstlineindent")
    expect(toggle).to_have_text("首行缩进")
    editor_body(page).get_by_text("附件：活动安排表").click()
    expect(toggle).to_have_class(re.compile(r"cke_button_on"))
    toggle.click()
    expect(toggle).to_have_class(re.compile(r"cke_button_off"))
    editor_indents = (
        editor_body(page)
        .locator("p")
        .evaluate_all(
            "(ps) => ps.map((p) => parseFloat(getComputedStyle(p).textIndent) / parseFloat(getComputedStyle(p).fontSize))"
        )
    )
    assert editor_indents == [2, 0]  # the editor shows what residents will see
    article = publish(page, "不缩进的段落")

    assert article.body == '<p>正文第一段。</p>\n\n<p class="no-indent">附件：活动安排表</p>'
    _, paragraphs = public_paragraphs(open_page, live_server.url, article)
    assert paragraphs == [["p", "正文第一段。", 2.0], ["p", "附件：活动安", 0]]
    _, printed = public_paragraphs(open_page, live_server.url, article, "?print=1")  # 打印本页 (print.css)
    assert printed == paragraphs
    assert_no_errors(watch)


def test_the_status_bar_counts_characters_as_chinese_editors_do(open_page, live_server, reviewer):
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    count = page.locator(".cke_portal_wordcount")
    expect(count).to_have_text("字数：0")
    page.evaluate(
        "(html) => CKEDITOR.instances.id_body.setData(html)",
        "<p>\u3000\u3000乌达 区</p><p><strong>ABC</strong>&nbsp;12，</p>",
    )
    expect(count).to_have_text("字数：9")  # 乌达区 ABC 12 ， : no spaces of any width, no markup
    editor_body(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type("党建")
    expect(count).to_have_text("字数：11")
    assert_no_errors(watch)


def test_typeset_centres_enhanced_images(open_page, live_server, reviewer):
    """
    Images are CKEditor's enhanced image (image2) widgets, which the typesetting must not
    take apart: they are centred through the widget, captioned or not.
    """
    page, watch = open_page(DESKTOP)
    open_new_article(page, live_server.url)
    page.evaluate(
        "(html) => new Promise((done) => CKEDITOR.instances.id_body.setData(html, {callback: done}))",
        "<p>\u3000\u3000会议现场,气氛热烈.</p>"
        '<p><img alt="会场" class="image-style-align-left" src="/static/img/emblem.svg" width="60"></p>'
        '<figure class="image image-style-align-right"><img alt="合影" src="/static/img/emblem.svg" width="60">'
        "<figcaption>全体党员合影</figcaption></figure>",
    )
    page.locator(".cke_button__typeset").click()
    typeset = (
        "<p>会议现场，气氛热烈。</p>\n\n"
        '<p class="image-style-align-center"><img alt="会场" src="/static/img/emblem.svg" width="60" /></p>\n\n'
        '<div class="image-style-align-center">\n<figure class="image"><img alt="合影" src="/static/img/emblem.svg" width="60" />\n'
        "<figcaption>全体党员合影</figcaption>\n</figure>\n</div>"
    )
    assert editor_data(page).strip() == typeset
    article = publish(page, "图片居中")
    assert article.body == sanitize_html(typeset)
    assert_no_errors(watch)
