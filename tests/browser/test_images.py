"""
Images as editors expect (issue 20 §3), in a real browser: a photo pasted into the editor
and one chosen with 「上传图片」 are uploaded at once, scaled on the server; one gets a
caption (图注) and is centred; the public page shows the <figure> with its <figcaption>
within the column, on a desktop and on a phone.
"""

import base64
import io
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from news.models import Article
from news.sanitize import sanitize_html
from tests.browser.conftest import DESKTOP, PHONE, screenshot
from tests.browser.test_desk import editor_body, editor_data, wait_for_editor
from tests.browser.test_editors import log_in
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CAPTION = "社区党员志愿者为老人义诊"


def photo(size=(4000, 3000), image_format="JPEG"):
    """A camera-sized photo: left half red, right half blue."""
    image = Image.new("RGB", size, (0, 60, 200))
    image.paste((200, 20, 20), (0, 0, size[0] // 2, size[1]))
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, quality=95)
    return buffer.getvalue()


def paste_file(page, data, name, mime):
    """Paste a file into the editing area as a browser does for a photo copied from a folder."""
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body").evaluate(
        """(body, [encoded, name, mime]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
        }""",
        [base64.b64encode(data).decode(), name, mime],
    )


def wait_for_uploads(page, count):
    """Until `count` images in the editing area come from the server (uploads done)."""
    page.wait_for_function(
        """(count) => Array.from(CKEDITOR.instances.id_body.editable().$.querySelectorAll('img'))
            .filter((img) => (img.getAttribute('src') || '').startsWith('/media/editor/')).length === count""",
        arg=count,
    )


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", group="编辑")


def test_a_pasted_photo_is_captioned_centred_and_shown_in_the_column(open_page, live_server, editor, media_root):
    CategoryFactory(name="党建动态")
    base = live_server.url
    page, watch = open_page(DESKTOP)
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    page.fill("#id_title", "社区义诊活动")
    page.select_option("#id_category", label="党建动态")
    editor_body(page).click()
    page.keyboard.type("活动现场如下。")
    page.keyboard.press("Enter")

    # A 4000 × 3000 photo pasted: uploaded at once, stored 1600 wide, shown within the column.
    paste_file(page, photo(), "IMG_0001.JPG", "image/jpeg")
    wait_for_uploads(page, 1)
    image = editor_body(page).locator("img[src^='/media/editor/']")
    expect(image).to_have_attribute("width", "1600")
    expect(image).to_have_attribute("height", "1200")
    column = editor_body(page).evaluate("(body) => body.clientWidth")
    assert image.evaluate("(img) => img.getBoundingClientRect().width") <= column
    (stored,) = (media_root / "editor").rglob("*.jpg")
    with Image.open(stored) as saved:
        assert saved.size == (1600, 1200)

    # The image's dialog: in Chinese, no 「URL」; 添加图注 and 居中.
    image.dblclick()
    dialog = page.locator(".cke_dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("label", has_text="图片地址")).to_be_visible()
    assert "URL" not in dialog.inner_text()
    assert "Lorem" not in dialog.inner_text()
    dialog.get_by_label("添加图注").check()
    dialog.get_by_label("居中").check()
    screenshot(page, "image-dialog")
    dialog.locator(".cke_dialog_ui_button_ok").click()
    expect(dialog).to_be_hidden()
    caption = editor_body(page).locator("figure.image figcaption")
    caption.click()
    page.keyboard.type(CAPTION)
    screenshot(page, "image-captioned-in-editor")

    written = editor_data(page)
    compact = written.replace("\n", "")
    assert '<div class="image-style-align-center"><figure class="image"><img alt=""' in compact
    assert f'width="1600" /><figcaption>{CAPTION}</figcaption></figure></div>' in compact
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article = Article.objects.get(title="社区义诊活动")
    # What image2 wrote is stored as it was: the sanitiser removed nothing of it (CKEditor
    # closes <img /> in XHTML fashion, the sanitiser in HTML's).
    assert article.body == sanitize_html(written) == written.replace(" />", ">").strip()
    watch.assert_clean()

    article.status, article.published_at = Article.Status.PUBLISHED, timezone.now() - timezone.timedelta(minutes=1)
    article.save()
    for viewport in (DESKTOP, PHONE):
        reader, reader_watch = open_page(viewport)
        reader.goto(base + article.get_absolute_url())
        body = reader.locator(".article-body")
        figure = body.locator("figure.image")
        expect(figure.locator("figcaption")).to_have_text(CAPTION)
        shown = figure.locator("img")
        expect(shown).to_have_js_property("complete", True)
        assert shown.evaluate("(img) => img.naturalWidth") == 1600
        column = body.bounding_box()
        box = shown.bounding_box()
        assert box["width"] <= column["width"] + 0.5
        assert box["x"] >= column["x"] - 0.5 and box["x"] + box["width"] <= column["x"] + column["width"] + 0.5
        # Centred, caption centred and not indented.
        figure_box = figure.bounding_box()
        left = box["x"] - figure_box["x"]
        right = figure_box["x"] + figure_box["width"] - box["x"] - box["width"]
        assert abs(left - right) <= 1
        styles = figure.locator("figcaption").evaluate(
            "(c) => { const s = getComputedStyle(c); return [s.textIndent, s.textAlign]; }"
        )
        assert styles == ["0px", "center"]
        screenshot(reader, "image-captioned-public")
        reader_watch.assert_clean()


def test_the_toolbar_button_uploads_the_chosen_photos_at_once(open_page, live_server, editor, media_root):
    base = live_server.url
    page, watch = open_page(DESKTOP)
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    button = page.locator(".cke_button__portalimageupload")
    expect(button).to_have_text("上传图片")
    editor_body(page).click()
    with page.expect_file_chooser() as chooser:
        button.click()
    assert chooser.value.is_multiple()
    chooser.value.set_files(
        [
            {"name": "会场.png", "mimeType": "image/png", "buffer": photo((2400, 600), "PNG")},
            {"name": "合影.jpg", "mimeType": "image/jpeg", "buffer": photo((1200, 800))},
        ]
    )
    wait_for_uploads(page, 2)
    data = editor_data(page)
    # No English 「URL」 in the link dialog either.
    page.locator(".cke_button__link").click()
    link_dialog = page.locator(".cke_dialog")
    expect(link_dialog.locator("label", has_text="网址").first).to_be_visible()
    assert "URL" not in link_dialog.inner_text()
    link_dialog.locator(".cke_dialog_ui_button_cancel").click()
    sizes = re.findall(r'<img alt="" height="(\d+)" src="/media/editor/[^"]+\.(png|jpg)" width="(\d+)" />', data)
    # The wide PNG scaled on the server; the JPEG, narrower than the limit, as it was.
    assert sizes == [("400", "png", "1600"), ("800", "jpg", "1200")]
    assert sorted(p.suffix for p in (media_root / "editor").rglob("*.*")) == [".jpg", ".png"]
    watch.assert_clean()


def test_a_refused_upload_says_why_in_chinese(open_page, live_server, editor, media_root, settings):
    settings.EDITOR_IMAGE_MAX_SIZE = 1024 * 1024
    base = live_server.url
    page, _ = open_page(DESKTOP)
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    editor_body(page).click()
    upload = photo((1200, 900))
    paste_file(page, upload + b"\0" * (1024 * 1024 + 100 * 1024 - len(upload)), "big.jpg", "image/jpeg")
    expect(page.locator(".cke_notification_warning .cke_notification_message")).to_have_text(
        "图片太大（1.1 MB），不能超过 1 MB。"
    )
    assert "<img" not in editor_data(page)
    assert not (media_root / "editor").exists()


def drop_file(page, data, name, mime):
    """Drop a file on the first paragraph of the editing area, as from a folder on the desktop."""
    page.frame_locator("iframe.cke_wysiwyg_frame").locator("body p").first.evaluate(
        """(paragraph, [encoded, name, mime]) => {
            const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const box = paragraph.getBoundingClientRect();
            const at = { clientX: box.right - 2, clientY: box.top + box.height / 2, bubbles: true, cancelable: true };
            for (const type of ['dragenter', 'dragover', 'drop']) {
                paragraph.dispatchEvent(new DragEvent(type, { ...at, dataTransfer: transfer }));
            }
        }""",
        [base64.b64encode(data).decode(), name, mime],
    )


def test_a_dropped_photo_is_uploaded_and_centred_with_the_toolbars_button(open_page, live_server, editor, media_root):
    base = live_server.url
    page, watch = open_page(DESKTOP)
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    editor_body(page).click()
    page.keyboard.type("正文第一段。")
    drop_file(page, photo((3200, 2400)), "DSC_0042.JPG", "image/jpeg")
    wait_for_uploads(page, 1)
    assert re.search(r'<img alt="" height="1200" src="/media/editor/[^"]+\.jpg" width="1600" />', editor_data(page))

    # 居中 works with the image selected (it was greyed out with the old image dialog).
    editor_body(page).locator("img[src^='/media/editor/']").click()
    centre = page.locator(".cke_button__justifycenter")
    expect(centre).not_to_have_class(re.compile("cke_button_disabled"))
    centre.click()
    assert re.search(
        r'<p class="image-style-align-center"><img alt="" [^>]+ /></p>', editor_data(page).replace("\n", "")
    )

    # A caption added but never written: its placeholder is not saved as the caption.
    editor_body(page).locator("img[src^='/media/editor/']").dblclick()
    dialog = page.locator(".cke_dialog")
    dialog.get_by_label("添加图注").check()
    dialog.locator(".cke_dialog_ui_button_ok").click()
    expect(editor_body(page).locator("figcaption")).to_have_text("在此输入图注")
    data = editor_data(page).replace("\n", "")
    assert "在此输入图注" not in data
    assert re.search(
        r'<div class="image-style-align-center"><figure class="image"><img [^>]+ /><figcaption></figcaption>', data
    )
    watch.assert_clean()
