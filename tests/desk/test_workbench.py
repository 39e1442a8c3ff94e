"""
The workbench (工作台), the admin's index for staff (issue 18 §1): what each group sees, in
a fixed number of queries whatever the number of items.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from desk.alerts import Alert
from desk.workbench import MINE_SHOWN, QUEUE_SHOWN, waiting_text
from news.models import Article
from review import records, rules
from review.records import Action
from tests.factories import ArticleFactory, CategoryFactory, PageFactory, TopicFactory, TopicSectionFactory, UserFactory
from topics.models import TopicArticle

pytestmark = pytest.mark.django_db

Status = Article.Status
# The figure. A reviewer's visit takes 10: the session, the user and their rights (4),
# one per reviewed model (its queue and 我的稿件 together: articles, single pages, topics,
# topic articles), 已排期 and 最近发布 (2).
QUERY_BUDGET = 12
COMMENT = "请补充活动的时间和地点。"


def index(client):
    return client.get(reverse("admin:index"))


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def section(response, css_class):
    """The HTML of the workbench section with `css_class`."""
    html = response.content.decode()
    match = re.search(rf'<section class="wb-section {css_class}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def submitted(article, by, *, ago):
    """`article` submitted for review by `by`, `ago` before now."""
    record = records.record(article, Action.SUBMITTED, by)
    record.at = timezone.now() - ago
    record.save(update_fields=["at"])


@pytest.fixture
def desk(editor, reviewer):
    """A day's work: two articles in review, one returned, drafts, one scheduled, one published."""
    category = CategoryFactory(name="党建动态")
    older = ArticleFactory(
        title="较早提交的稿件", category=category, status=Status.REVIEW, published_at=None, created_by=editor,
        body="<p>联系电话13812345678。</p>",
    )  # fmt: skip
    newer = ArticleFactory(title="较晚提交的稿件", category=category, status=Status.REVIEW, published_at=None)
    submitted(older, editor, ago=timedelta(days=3, hours=2))
    submitted(newer, editor, ago=timedelta(hours=5))
    returned = ArticleFactory(
        title="被退回的稿件", category=category, status=Status.REVIEW, published_at=None, created_by=editor
    )
    rules.return_for_revision(returned, by=reviewer, comment=COMMENT)
    ArticleFactory(title="我的草稿", status=Status.DRAFT, published_at=None, created_by=editor)
    ArticleFactory(title="别人的草稿", status=Status.DRAFT, published_at=None)
    ArticleFactory(
        title="排期的文章", status=Status.PUBLISHED, is_scheduled=True, published_at=timezone.now() + timedelta(days=2)
    )
    ArticleFactory(title="刚发布的文章", status=Status.PUBLISHED, published_at=timezone.now() - timedelta(minutes=5))
    return {"older": older, "newer": newer, "returned": returned}


def test_a_reviewer_sees_the_queue_oldest_first_with_its_details(reviewer_client, desk):
    response = index(reviewer_client)
    assert response.status_code == 200
    queue = re.sub(r"\s+", " ", section(response, "wb-queue"))
    assert "待审核（2）" in queue
    assert queue.index("较早提交的稿件") < queue.index("较晚提交的稿件")
    assert "被退回的稿件" not in queue and "我的草稿" not in queue
    assert "党建动态" in queue and "editor" in queue
    assert "3 天 2 小时" in queue and "5 小时" in queue
    assert "1 条提示" in queue  # the mobile number (news.prepublish)
    assert reverse("admin:news_article_change", args=[desk["older"].pk]) in queue


def test_an_editor_sees_what_was_returned_with_the_comment_and_no_queue(editor_client, desk):
    response = index(editor_client)
    assert response.status_code == 200
    assert section(response, "wb-queue") == ""
    mine = text_of(response)
    returned = re.search(r'<ul class="wb-returned">.*?</ul>', mine).group(0)
    assert "被退回的稿件" in returned and COMMENT in returned and "reviewer" in returned
    assert "我的草稿" in section(response, "wb-mine") and "别人的草稿" not in section(response, "wb-mine")
    assert "较早提交的稿件" in section(response, "wb-mine")  # mine, in review


def test_the_comment_goes_once_submitted_again(editor, editor_client, desk):
    rules.set_status(desk["returned"], Status.REVIEW, by=editor)
    assert COMMENT not in text_of(index(editor_client))


def test_scheduled_and_recently_published(editor_client, desk):
    response = index(editor_client)
    assert "排期的文章" in section(response, "wb-scheduled")
    recent = section(response, "wb-recent")
    assert "刚发布的文章" in recent and "排期的文章" not in recent


@pytest.mark.parametrize("group", ["编辑", "审核发布"])
def test_the_workbench_stays_within_its_query_budget(client, group, django_assert_max_num_queries):
    user = UserFactory(username="someone", group=group)
    category = CategoryFactory(name="党建动态")
    for n in range(QUEUE_SHOWN + 5):
        article = ArticleFactory(
            title=f"待审{n}", category=category, status=Status.REVIEW, published_at=None, created_by=user
        )
        submitted(article, user, ago=timedelta(hours=n))
    for n in range(5):
        article = ArticleFactory(
            title=f"退回{n}", category=category, status=Status.REVIEW, published_at=None, created_by=user
        )
        rules.return_for_revision(article, by=UserFactory(username="r", group="审核发布"), comment=COMMENT)
    section = TopicSectionFactory()
    for _ in range(5):  # proposals for a topic's section: each row's title names its topic, section and article
        TopicArticle.objects.create(
            topic=section.topic, section=section, article=ArticleFactory(), status=Status.REVIEW, created_by=user
        )
    for n in range(12):
        ArticleFactory(status=Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=n))
        ArticleFactory(status=Status.PUBLISHED, is_scheduled=True, published_at=timezone.now() + timedelta(hours=n + 1))
    client.force_login(user)
    # The budget is that of every visit but a process's first: the first also builds what a
    # process keeps for later requests (the 错敏词 automaton, the alerts of the last check).
    assert index(client).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = index(client)
    assert response.status_code == 200
    assert ("待审核（30）" in text_of(response)) == (group == "审核发布")
    assert "退回修改（5）" in text_of(response)


def test_alerts_come_from_the_providers_red_first(reviewer_client, settings, desk):
    settings.WORKBENCH_ALERT_PROVIDERS = ["tests.desk.test_workbench.two_alerts"]
    alerts = section(index(reviewer_client), "wb-alerts")
    assert alerts.index("通知公告") < alerts.index("党建动态")
    assert 'class="wb-alert wb-alert-red"' in alerts and 'class="wb-alert wb-alert-amber"' in alerts
    assert "单项否决" in alerts and 'href="/admin/news/category/"' in alerts


def two_alerts(request):
    return [
        {"level": Alert.AMBER, "text": "栏目“党建动态”将在 2 天后超过更新期限"},
        Alert(Alert.RED, "栏目“通知公告”已 200 天未更新（要求 6 个月）", "/admin/news/category/"),
    ]


def test_no_alerts_says_so(reviewer_client, desk, settings):
    settings.WORKBENCH_ALERT_PROVIDERS = []  # the compliance check's would find the test's empty 栏目
    assert "暂无提醒" in section(index(reviewer_client), "wb-alerts")


@pytest.mark.parametrize(
    ("minutes", "said"),
    [(0, "0 分钟"), (59, "59 分钟"), (60, "1 小时"), (24 * 60, "1 天"), (3 * 24 * 60 + 125, "3 天 2 小时")],
)
def test_waiting_times_are_said_as_editors_say_them(minutes, said):
    now = timezone.now()
    assert waiting_text(now - timedelta(minutes=minutes), now) == said


def test_more_of_mine_than_shown_says_so(client):
    user = UserFactory(username="busy", group="编辑")
    ArticleFactory.create_batch(MINE_SHOWN + 1, status=Status.DRAFT, published_at=None, created_by=user)
    client.force_login(user)
    assert f"共 {MINE_SHOWN + 1} 篇" in section(index(client), "wb-mine")
    Article.objects.filter(created_by=user).exclude(pk=Article.objects.filter(created_by=user).first().pk).delete()
    assert "共 1 篇" not in section(index(client), "wb-mine")


def test_staff_without_rights_on_reviewed_content_get_an_empty_workbench(client, desk):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    response = index(client)
    assert response.status_code == 200
    assert section(response, "wb-queue") == "" and section(response, "wb-scheduled") == ""
    assert "被退回的稿件" not in response.content.decode()


def test_pages_and_topics_in_the_queue_count_their_warnings(reviewer_client, django_assert_max_num_queries):
    """发布前检查 (news.prepublish) of single pages and topics as of articles, within the budget."""
    for n in range(QUEUE_SHOWN):
        PageFactory(title=f"单页{n}", status=Status.REVIEW, body="<p>认真布署，详见附件。</p>")  # 错敏词, 附件 missing
        TopicFactory(title=f"专题{n}", status=Status.REVIEW, description="深入学习习近平思想。")  # serious: 2 warnings
    assert index(reviewer_client).status_code == 200
    with django_assert_max_num_queries(QUERY_BUDGET):
        queue = re.sub(r"\s+", " ", section(index(reviewer_client), "wb-queue"))
    rows = re.findall(r"<tr>.*?</tr>", queue)
    counts = {re.search(r"(单页|专题)\d+", row).group(1): re.search(r"(\d+) 条提示", row).group(1) for row in rows[1:]}
    assert counts == {"单页": "2", "专题": "2"}
