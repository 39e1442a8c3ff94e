"""Editors and reviewers, in a real browser, in the admin with CKEditor."""

import re

import pytest
from playwright.sync_api import expect
from reversion.models import Version

from demo import samples
from news.models import Article
from tests.browser.conftest import DESKTOP, screenshot
from tests.factories import CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"


def log_in(page, base, username, password=PASSWORD):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    # The next page loads in full before the test goes on: leaving it half-loaded would
    # abort its stylesheets, which the watch counts as failed loads.
    with page.expect_navigation(wait_until="load"):
        page.click("input[type=submit]")


def log_out(page, base):
    page.locator("#logout-form button").click()


def test_an_article_from_draft_to_the_home_page_and_back_to_an_earlier_version(open_page, site, tmp_path):
    base = site.url
    UserFactory(username="editor", group="编辑")
    UserFactory(username="reviewer", group="审核发布")
    CategoryFactory(name="党建动态", slug="dangjian-dongtai")
    image = tmp_path / "会议现场.png"
    image.write_bytes(samples.image("png", size=(320, 200)))
    notice = tmp_path / "报名表.docx"
    notice.write_bytes(samples.docx("报名表"))
    page, _ = open_page(DESKTOP)

    # The editor writes in CKEditor.
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    page.fill("#id_title", "浏览器里写的文章")
    page.select_option("#id_category", label="党建动态")
    editor_body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
    editor_body.click()
    page.keyboard.type("社区工作要点")
    page.locator(".cke_combo__format .cke_combo_button").click()
    page.frame_locator("iframe.cke_panel_frame").get_by_text("标题 2").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("这是正文的第一段。")

    # An image through the editor's own dialog, uploaded to the server.
    page.locator(".cke_button__image").click()
    dialog = page.locator(".cke_dialog")
    dialog.locator("a.cke_dialog_tab", has_text="上传").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator("input[type=file]").set_input_files(str(image))
    dialog.get_by_role("button", name="上传到服务器").click()
    url_field = dialog.locator(".cke_dialog_ui_text input").first
    expect(url_field).to_have_value(re.compile(r"^/media/editor/\d{4}/\d{2}/[0-9a-f]{32}\.png$"))
    dialog.get_by_label("替换文本").fill("会议现场")
    dialog.locator("a.cke_dialog_ui_button_ok").click()

    # An attachment, and submit for review: publishing is not offered.
    page.set_input_files("#id_attachments-0-file", str(notice))
    options = page.locator("#id_status option").evaluate_all("options => options.map(o => o.value)")
    assert options == ["draft", "review"]
    page.select_option("#id_status", "review")
    screenshot(page, "editor-article-form")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article = Article.objects.get(title="浏览器里写的文章")
    assert article.status == Article.Status.REVIEW
    assert "<h2>社区工作要点</h2>" in article.body
    assert 'alt="会议现场"' in article.body and "/media/editor/" in article.body
    assert article.attachments.get().original_name == "报名表.docx"
    assert page.request.get(base + article.get_absolute_url()).status == 200  # staff preview
    log_out(page, base)

    # The reviewer publishes; the article shows on the home page and in its 栏目.
    log_in(page, base, "reviewer")
    page.goto(base + "/admin/news/article/")
    page.check(f"input[name=_selected_action][value='{article.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_load_state()
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    visitor, watch = open_page(DESKTOP)
    visitor.goto(base + "/")
    assert visitor.get_by_role("link", name="浏览器里写的文章").count() == 1
    visitor.goto(base + "/news/dangjian-dongtai/")
    assert visitor.get_by_role("link", name="浏览器里写的文章").count() == 1
    visitor.get_by_role("link", name="浏览器里写的文章").click()
    assert visitor.locator(".article-body img").get_attribute("alt") == "会议现场"
    assert visitor.locator(".article-body img").evaluate("img => img.naturalWidth") == 320
    watch.assert_clean()

    # An edit, then back to the earlier revision.
    page.goto(base + f"/admin/news/article/{article.pk}/change/")
    page.fill("#id_title", "改坏了的标题")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article.refresh_from_db()
    assert article.title == "改坏了的标题"
    earlier = (
        Version.objects.get_for_object(article)
        .filter(serialized_data__contains="浏览器里写的文章")
        .order_by("pk")
        .last()
    )
    page.goto(base + f"/admin/news/article/{article.pk}/history/")
    page.locator(f"a[href$='/history/{earlier.pk}/']").click()
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article.refresh_from_db()
    assert article.title == "浏览器里写的文章"


def test_five_wrong_passwords_lock_the_login(open_page, live_server):
    UserFactory(username="editor", group="编辑")
    page, _ = open_page(DESKTOP)
    for _ in range(5):
        log_in(page, live_server.url, "editor", "wrong-password")
    assert "登录已被暂时锁定" in page.content()
    log_in(page, live_server.url, "editor")  # the right password does not help now
    assert "登录已被暂时锁定" in page.content()


def test_the_publish_time_of_an_article_reviewed_later(open_page, live_server):
    """
    An editor writes a draft; a reviewer publishes it three days later. Residents see it
    dated the day it was published, not the day the editor opened the form.
    """
    import time_machine
    from django.utils import timezone

    base = live_server.url
    UserFactory(username="editor", group="编辑")
    UserFactory(username="reviewer", group="审核发布")
    CategoryFactory(name="党建动态", slug="dangjian-dongtai")
    page, _ = open_page(DESKTOP)

    # Three days ago (the live server runs in this process: it lives in that time too).
    with time_machine.travel(timezone.now() - timezone.timedelta(days=3), tick=True):
        log_in(page, base, "editor")
        page.goto(base + "/admin/news/article/add/")
        page.fill("#id_title", "三天后才审核的稿件")
        page.select_option("#id_category", label="党建动态")
        editor_body = page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")
        editor_body.click()
        page.keyboard.type("基层党建工作要点。")
        # Without 定时发布 the time inputs are hidden and the form says what time it gets.
        published_at = page.locator(".form-row.field-published_at")
        expect(published_at).to_contain_text("发布时自动使用发布的时刻")
        expect(page.locator("#id_published_at_0")).to_be_hidden()
        page.check("#id_is_scheduled")
        expect(page.locator("#id_published_at_0")).to_be_visible()
        page.uncheck("#id_is_scheduled")
        expect(page.locator("#id_published_at_0")).to_be_hidden()
        page.select_option("#id_status", "review")
        page.click("input[name=_save]")
        page.wait_for_url("**/admin/news/article/")
        log_out(page, base)
    article = Article.objects.get(title="三天后才审核的稿件")
    assert article.status == Article.Status.REVIEW

    # Today the reviewer opens it and publishes it in the form.
    log_in(page, base, "reviewer")
    page.goto(base + f"/admin/news/article/{article.pk}/change/")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    row = page.locator("tr", has=page.get_by_role("link", name="三天后才审核的稿件"))
    today = timezone.localdate().isoformat()
    expect(row).to_contain_text("已发布")
    expect(row).to_contain_text(today)
    screenshot(page, "reviewer-published-later")

    visitor, visitor_watch = open_page(DESKTOP)
    visitor.goto(base + article.get_absolute_url())
    expect(visitor.locator(".article-meta time")).to_have_text(today)
    visitor.goto(base + "/news/dangjian-dongtai/")
    expect(visitor.get_by_role("link", name="三天后才审核的稿件")).to_have_count(1)
    visitor_watch.assert_clean()
