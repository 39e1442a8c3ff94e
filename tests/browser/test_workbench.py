"""The workbench in a real browser (issue 18): a reviewer returns an article with a comment, its editor sees why."""

import pytest
from playwright.sync_api import expect

from news.models import Article
from review.records import open_return
from tests.browser.conftest import DESKTOP, screenshot
from tests.browser.test_desk import assert_no_errors
from tests.browser.test_editors import log_in, log_out
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "请补充活动的时间和地点，第二段的数字与附件不一致。"


def test_a_reviewer_returns_an_article_with_a_comment_and_the_editor_sees_it(open_page, live_server):
    base = live_server.url
    editor = UserFactory(username="editor", group="编辑", last_name="王", first_name="晓明")
    UserFactory(username="reviewer", group="审核发布", last_name="李", first_name="审")
    article = ArticleFactory(
        title="社区党建工作要点",
        body="<p>正文。</p>",
        status=Article.Status.REVIEW,
        published_at=None,
        category=CategoryFactory(name="党建动态"),
        created_by=editor,
    )
    page, watch = open_page(DESKTOP)

    # The reviewer finds it on the workbench, opens it, and sends it back without a reason first.
    log_in(page, base, "reviewer")
    queue = page.locator("section.wb-queue")
    expect(queue).to_contain_text("待审核（1）")
    expect(queue).to_contain_text("王晓明")
    screenshot(page, "workbench-reviewer")
    queue.get_by_role("link", name="社区党建工作要点").click()
    page.select_option("#id_status", label="退回修改（草稿）")
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("退回修改时必须填写审核意见")
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW

    page.fill("#id_review_comment", COMMENT)
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    assert open_return(Article.objects.get(pk=article.pk)).comment == COMMENT
    log_out(page, base)

    # The editor sees the comment on the workbench, and on the form.
    log_in(page, base, "editor")
    returned = page.locator(".wb-returned-item", has_text="社区党建工作要点")
    expect(returned).to_contain_text(COMMENT)
    expect(returned).to_contain_text("李审")
    expect(page.locator("section.wb-queue")).to_have_count(0)
    screenshot(page, "workbench-editor-returned")
    returned.get_by_role("link", name="社区党建工作要点").click()
    expect(page.locator(".review-return")).to_contain_text(COMMENT)
    expect(page.locator(".review-log")).to_contain_text("退回修改")
    screenshot(page, "review-form-returned")

    # Submitted again, the notice goes; the record keeps it.
    page.select_option("#id_status", label="待审核")
    page.click("input[name=_save]")
    page.wait_for_url("**/admin/news/article/")
    page.goto(f"{base}/admin/news/article/{article.pk}/change/")
    expect(page.locator(".review-return")).to_have_count(0)
    expect(page.locator(".review-log")).to_contain_text(COMMENT)
    page.goto(base + "/admin/")
    expect(page.locator(".wb-returned-item")).to_have_count(0)
    assert_no_errors(watch)
