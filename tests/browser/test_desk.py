"""The editor's desk in a real browser: autosave, an ended session, errors that explain themselves."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import expect
from reversion.models import Version

from demo import samples
from news.models import Article
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.test_editors import PASSWORD, log_in
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESTORE_BUTTON = re.compile(r"^恢复 \d{2}:\d{2} 自动保存的内容$")


def editor_body(page):
    return page.frame_locator("iframe.cke_wysiwyg_frame").locator("body")


def wait_for_editor(page):
    """CKEditor is ready and the desk has taken the form as it opened."""
    page.wait_for_selector("#desk[data-ready='1']", state="attached")


def editor_data(page):
    return page.evaluate("() => CKEDITOR.instances.id_body.getData()")


def type_into_body(page, text):
    editor_body(page).click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def assert_no_errors(watch):
    """No script error and no CSP violation; CKEditor's own configuration warnings aside."""
    watch.console_errors = [e for e in watch.console_errors if not e.startswith("[CKEDITOR]")]
    watch.assert_clean()


def stored_copies(page):
    return page.evaluate("() => Object.keys(localStorage).filter((name) => name.startsWith('wuda.desk.v1:'))")


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", group="编辑", last_name="王", first_name="晓明")


@pytest.fixture
def draft(db):
    return ArticleFactory(
        title="社区党建工作要点",
        body="<p>原来的正文。</p>",
        status=Article.Status.DRAFT,
        category=CategoryFactory(name="党建动态"),
    )


def test_an_autosaved_article_comes_back_after_a_reload_and_goes_once_saved(open_page, live_server, editor):
    CategoryFactory(name="党建动态")
    base = live_server.url
    page, watch = open_page(DESKTOP)
    log_in(page, base, "editor")
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    page.fill("#id_title", "自动保存的标题")
    page.select_option("#id_category", label="党建动态")
    type_into_body(page, "笃信笃行，这段正文不能丢。")

    page.reload()  # leaving the page keeps the form aside
    wait_for_editor(page)
    notice = page.locator(".desk-notice", has_text="自动保存的内容")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("标题：自动保存的标题")
    expect(notice).to_contain_text("正文：笃信笃行，这段正文不能丢。")
    expect(notice).to_contain_text("栏目：党建动态")
    assert page.input_value("#id_title") == ""  # nothing is put back without asking
    screenshot(page, "desk-restore-offer")
    notice.get_by_role("button", name=RESTORE_BUTTON).click()
    expect(page.locator("#id_title")).to_have_value("自动保存的标题")
    assert "笃信笃行，这段正文不能丢。" in editor_data(page)
    expect(page.locator(".desk-notice", has_text="已恢复")).to_be_visible()

    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    article = Article.objects.get(title="自动保存的标题")
    assert "笃信笃行，这段正文不能丢。" in article.body
    # Saved: the copy is gone, and the form opens empty again without an offer.
    assert stored_copies(page) == []
    page.goto(base + "/admin/news/article/add/")
    wait_for_editor(page)
    expect(page.locator(".desk-notice")).to_have_count(0)
    assert_no_errors(watch)


def test_discarding_a_copy_is_one_click(open_page, live_server, editor, draft):
    base = live_server.url
    page, _ = open_page(DESKTOP)
    log_in(page, base, "editor")
    change = f"{base}/admin/news/article/{draft.pk}/change/"
    page.goto(change)
    wait_for_editor(page)
    page.fill("#id_title", "改了一半的标题")
    page.goto(base + "/admin/news/article/")  # leaving without saving

    page.goto(change)
    wait_for_editor(page)
    notice = page.locator(".desk-notice", has_text="自动保存的内容")
    expect(notice).to_contain_text("标题：改了一半的标题")
    notice.get_by_role("button", name="放弃").click()
    expect(notice).to_have_count(0)
    assert page.input_value("#id_title") == "社区党建工作要点"
    page.reload()
    wait_for_editor(page)
    expect(page.locator(".desk-notice")).to_have_count(0)
    assert stored_copies(page) == []


def test_a_form_kept_every_thirty_seconds_while_the_editor_types(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    page.clock.install()
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    type_into_body(page, "新写的一段。")
    assert stored_copies(page) == []
    page.clock.run_for(31_000)
    expect(page.locator(".desk-status")).to_contain_text("已自动保存到本机")
    copy = page.evaluate("(name) => JSON.parse(localStorage.getItem(name))", stored_copies(page)[0])
    assert "新写的一段。" in copy["values"]["body"]
    assert list(copy["values"]) == ["body"]  # what the editor changed; the rest stays as saved
    assert stored_copies(page) == [f"wuda.desk.v1:{editor.pk}:news.article:{draft.pk}"]
    # The copy stays in the browser: the article and its history are as they were.
    draft.refresh_from_db()
    assert draft.body == "<p>原来的正文。</p>"
    assert not Version.objects.get_for_object(draft).exists()


def test_a_save_without_network_keeps_the_form_and_says_so(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    page.fill("#id_title", "断网时写的标题")
    page.context.set_offline(True)
    page.click("input[name=_save]")
    expect(page.locator(".desk-notice", has_text="网络连接异常，内容还没有提交")).to_be_visible()
    assert page.input_value("#id_title") == "断网时写的标题"
    assert len(stored_copies(page)) == 1
    page.context.set_offline(False)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    draft.refresh_from_db()
    assert draft.title == "断网时写的标题"


def test_the_session_removed_mid_edit_then_the_content_recovered_after_logging_in(
    open_page, live_server, editor, draft, tmp_path
):
    base = live_server.url
    notice_file = tmp_path / "报名表.docx"
    notice_file.write_bytes(samples.docx("报名表"))
    page, watch = open_page(DESKTOP)
    log_in(page, base, "editor")
    change = f"{base}/admin/news/article/{draft.pk}/change/"
    page.goto(change)
    wait_for_editor(page)
    page.fill("#id_title", "登录过期前改的标题")
    type_into_body(page, "过期之前写下的一段话。")
    page.set_input_files("#id_attachments-0-file", str(notice_file))

    Session.objects.all().delete()  # the session ends while the editor writes
    page.click("input[name=_save]")

    page.wait_for_url(re.compile(r"/admin/login/\?next="))
    expect(page.locator("#desk-login-note")).to_contain_text("重新登录后会自动填回表单")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(change)
    wait_for_editor(page)
    expect(page.locator("#id_title")).to_have_value("登录过期前改的标题")
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('过期之前写下的一段话。')")
    restored = page.locator(".desk-notice", has_text="已填回登录过期前")
    expect(restored).to_contain_text("请重新选择")
    expect(restored).to_contain_text("报名表.docx")
    screenshot(page, "desk-after-login")

    page.set_input_files("#id_attachments-0-file", str(notice_file))
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    draft.refresh_from_db()
    assert draft.title == "登录过期前改的标题"
    assert "过期之前写下的一段话。" in draft.body
    assert draft.attachments.get().original_name == "报名表.docx"
    assert stored_copies(page) == []
    assert_no_errors(watch)


def test_a_warning_before_the_session_ends_and_continuing_extends_it(open_page, live_server, editor, draft, settings):
    settings.SESSION_COOKIE_AGE = 305  # the warning comes five minutes before: after 5 s
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    warning = page.locator(".desk-notice", has_text="登录将在")
    expect(warning).to_be_visible(timeout=20000)
    expect(warning).to_contain_text(re.compile(r"登录将在 [45] 分 \d\d 秒后过期"))
    before = Session.objects.get().expire_date
    screenshot(page, "desk-session-warning")
    warning.get_by_role("button", name="继续编辑").click()
    expect(warning).to_have_count(0)
    assert Session.objects.get().expire_date > before


def test_an_ended_session_is_shown_and_logging_in_again_keeps_the_form(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    page.clock.install()
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    page.fill("#id_subtitle", "过期时的副标题")
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=60))
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # asks the server again
    expect(page.locator(".desk-notice", has_text="登录将在")).to_be_visible()
    Session.objects.all().delete()
    page.clock.run_for(62_000)
    ended = page.locator(".desk-notice", has_text="登录已过期")
    expect(ended).to_contain_text("您填写的内容已暂存在本机")
    ended.get_by_role("button", name="重新登录").click()
    page.wait_for_url(re.compile(r"/admin/login/"))
    expect(page.locator("#desk-login-note")).to_be_visible()


def test_an_image_uploaded_after_the_session_ended_says_so(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    Session.objects.all().delete()
    # An image pasted into the editor: CKEditor uploads it at once (uploadimage).
    page.evaluate(
        """(bytes) => {
            const file = new File([new Uint8Array(bytes)], '照片.png', {type: 'image/png'});
            const data = new DataTransfer();
            data.items.add(file);
            const editable = CKEDITOR.instances.id_body.editable().$;
            editable.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        list(samples.image("png", size=(40, 30))),
    )
    message = page.locator(".cke_notification_message", has_text="登录已过期，请重新登录后再上传")
    expect(message).to_be_visible()
    screenshot(page, "desk-upload-expired")


def test_a_long_pasted_title_is_not_cut_and_the_errors_link_to_their_fields(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    long_title = "乌达区" * 70  # 210 characters
    page.fill("#id_title", "")
    page.focus("#id_title")
    page.keyboard.insert_text(long_title)  # as a paste arrives: maxlength would cut it
    assert page.input_value("#id_title") == long_title
    expect(page.locator("#id_title_counter")).to_have_text("210 / 200 字，超出 10 字")
    page.check("#id_is_scheduled")  # the time's inputs show with 定时发布 only
    page.fill("#id_published_at_0", "2026-13-45")
    page.click("input[name=_save]")
    page.wait_for_load_state()

    errors = page.locator("#desk-errors")
    expect(errors).to_contain_text("标题：最多 200 个字，现在有 210 个字")
    expect(errors).to_contain_text("发布时间：")
    assert page.input_value("#id_title") == long_title
    screenshot(page, "desk-error-summary")
    errors.get_by_role("link", name="标题").click()
    assert page.evaluate("() => document.activeElement.id") == "id_title"
    draft.refresh_from_db()
    assert draft.title == "社区党建工作要点"


def test_the_title_box_holds_forty_characters_and_counts_them(open_page, live_server, editor, draft):
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    title = "乌达区委组织部召开二〇二六年度基层党建工作述职评议会议暨全面从严治党工作部署大会"
    assert len(title) == 40
    page.fill("#id_title", title)
    assert page.evaluate(
        "() => { const t = document.getElementById('id_title'); return t.scrollWidth <= t.clientWidth; }"
    )
    expect(page.locator("#id_title_counter")).to_have_text("40 / 200 字")
    expect(page.locator("#id_summary_counter")).to_contain_text("/ 300 字")
    expect(page.locator("#user-tools")).to_contain_text("欢迎，王晓明")


def test_the_calendar_reads_in_chinese(open_page, live_server, editor, draft):
    page, watch = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    page.check("#id_is_scheduled")  # the time's inputs show with 定时发布 only
    page.fill("#id_published_at_0", "2026/11/05")
    page.locator("#calendarlink0").click()
    calendar = page.locator("#calendarbox0")
    expect(calendar.locator("caption")).to_have_text("2026年11月")
    headings = calendar.locator("th").all_inner_texts()
    assert headings == ["一", "二", "三", "四", "五", "六", "日"]
    assert_no_errors(watch)


def set_body(page, html):
    page.evaluate(
        "(html) => new Promise((done) => CKEDITOR.instances.id_body.setData(html, {callback: done}))",
        html,
    )


def test_a_form_too_large_is_stopped_in_the_browser_with_the_page_open(open_page, live_server, editor, draft, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024  # 10 MB in production
    page, watch = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    change = f"{live_server.url}/admin/news/article/{draft.pk}/change/"
    page.goto(change)
    wait_for_editor(page)
    pasted = "乌达区党建工作要点。" * 1000  # 30 KB in UTF-8
    set_body(page, f"<p>{pasted}</p>")
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.click("input[name=_save]")

    notice = page.locator(".desk-notice", has_text="超过了网站能接收的 16 KB，还没有提交")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("内容约 30")
    expect(notice).to_contain_text("「上传图片」")
    screenshot(page, "desk-form-too-large-in-the-browser")
    assert page.url == change
    assert pasted in editor_data(page)
    assert not [url for url in posts if "/change/" in url]  # nothing was sent
    draft.refresh_from_db()
    assert draft.body == "<p>原来的正文。</p>"

    # Made smaller, it is sent and saved, and the notice has gone.
    set_body(page, "<p>改短以后的正文。</p>")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    draft.refresh_from_db()
    assert draft.body == "<p>改短以后的正文。</p>"
    assert_no_errors(watch)


def test_a_form_too_large_is_refused_saying_where_the_text_is_and_it_comes_back(
    open_page, live_server, editor, draft, settings
):
    page, watch = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    change = f"{live_server.url}/admin/news/article/{draft.pk}/change/"
    page.goto(change)
    wait_for_editor(page)
    # The server's answer when the browser's check did not stop the form (a page opened
    # before the limit was lowered, or without JavaScript): the page checks 10 MB.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024
    pasted = "乌达区党建工作要点。" * 1000  # 30 KB
    page.evaluate(
        "(html) => new Promise((done) => CKEDITOR.instances.id_body.setData(html, {callback: done}))",
        f"<p>{pasted}</p>",
    )
    page.click("input[name=_save]")

    kept = page.locator("#desk-kept")
    expect(kept).to_contain_text("点击“保存”时提交的内容")
    expect(kept).to_contain_text(re.compile(r"返回编辑页面后，点击「恢复 \d{2}:\d{2} 自动保存的内容」即可填回。"))
    expect(page.locator(".messagelist .error")).to_contain_text("这次提交的内容超过 16 KB，网站无法接收，没有保存。")
    screenshot(page, "desk-form-too-large")
    draft.refresh_from_db()
    assert draft.body == "<p>原来的正文。</p>"

    page.get_by_role("link", name="返回编辑页面").click()
    wait_for_editor(page)
    notice = page.locator(".desk-notice", has_text="自动保存的内容")
    notice.get_by_role("button", name=RESTORE_BUTTON).click()
    expect(page.locator(".desk-notice", has_text="已恢复")).to_be_visible()
    assert pasted in editor_data(page)
    # The browser logs the refused form's answer itself; nothing else may have gone wrong.
    watch.console_errors = [e for e in watch.console_errors if "status of 413" not in e]
    assert_no_errors(watch)


def test_the_too_large_page_says_so_when_this_browser_holds_no_copy(open_page, live_server, editor, draft, settings):
    page, _ = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024  # after the page (checking 10 MB) was opened
    page.evaluate("() => CKEDITOR.instances.id_body.setData('<p>' + '党'.repeat(10000) + '</p>')")
    # A browser that kept nothing (storage refused or full): the copy is not there.
    page.evaluate(
        "() => { Storage.prototype.setItem = () => { throw new DOMException('full', 'QuotaExceededError'); }; }"
    )
    page.click("input[name=_save]")
    expect(page.locator("#desk-kept")).to_contain_text("这个浏览器中没有找到这份内容的自动保存")


def test_a_copy_too_large_to_keep_does_not_cost_the_copies_of_other_articles(open_page, live_server, editor, draft):
    page, watch = open_page(DESKTOP)
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/news/article/{draft.pk}/change/")
    wait_for_editor(page)
    other = f"wuda.desk.v1:{editor.pk}:news.article:999999"
    page.evaluate(
        """(name) => {
            localStorage.setItem(name, JSON.stringify({key: 'news.article:999999', savedAt: Date.now(), values: {}}));
            // A browser whose storage holds nothing of 20,000 characters or more.
            const setItem = Storage.prototype.setItem;
            Storage.prototype.setItem = function (key, value) {
                if (String(value).length >= 20000) {
                    throw new DOMException('full', 'QuotaExceededError');
                }
                return setItem.call(this, key, value);
            };
        }""",
        other,
    )
    page.evaluate("() => CKEDITOR.instances.id_body.setData('<p>' + '党'.repeat(30000) + '</p>')")
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")  # hidden or not: saves
    page.evaluate("() => window.dispatchEvent(new Event('pagehide'))")
    expect(page.locator(".desk-status")).to_have_text("浏览器的存储空间已满，无法自动保存，请及时点击“保存”。")
    assert other in stored_copies(page)
    assert_no_errors(watch)
