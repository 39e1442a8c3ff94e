"""The compliance self-check (issue 18 §3): 栏目 update rules with frozen time, links to what is gone,
missing attachment files, 错敏词 in published articles, the check page and `site_check`."""

import io
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from attachments.services import attachment_create
from demo import samples
from news.models import Article, UpdateRule
from reports import alerts, compliance, content_scan
from reports.models import SiteCheck
from tests.factories import ArticleFactory, CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def published(category, days_ago, **fields):
    return ArticleFactory(category=category, published_at=NOW - timedelta(days=days_ago), **fields)


def states():
    return {c.name: c for c in compliance.category_states()}


def test_update_rule_states(frozen):
    soon = CategoryFactory(name="党建动态", update_rule=UpdateRule.TWO_WEEKS)
    published(soon, 30)
    published(soon, 12)  # due in 2 days
    overdue = CategoryFactory(name="人才工作", update_rule=UpdateRule.TWO_WEEKS)
    published(overdue, 15)
    CategoryFactory(name="空的栏目", update_rule=UpdateRule.ONE_YEAR)
    notices = CategoryFactory(name="通知公告", update_rule=UpdateRule.SIX_MONTHS)
    published(notices, 150)
    archive = CategoryFactory(name="历史资料", update_rule=UpdateRule.NONE)
    published(archive, 2000)
    parent = CategoryFactory(name="基层党建", update_rule=UpdateRule.TWO_WEEKS)
    child = CategoryFactory(name="社区党建", parent=parent, update_rule=UpdateRule.ONE_YEAR)
    published(child, 1)
    # Neither a draft nor an article scheduled for later counts as an update.
    ArticleFactory(category=overdue, status=Article.Status.DRAFT, published_at=None)
    ArticleFactory(category=overdue, published_at=NOW + timedelta(days=1))

    found = states()
    assert found["党建动态"].state == compliance.SOON_DUE
    assert found["党建动态"].due == NOW - timedelta(days=12) + timedelta(days=14)
    assert found["人才工作"].state == compliance.OVERDUE and found["人才工作"].is_veto
    assert found["空的栏目"].state == compliance.EMPTY and found["空的栏目"].is_veto
    assert found["通知公告"].state == compliance.OK
    assert found["历史资料"].state == compliance.UNCHECKED
    assert found["基层党建"].state == compliance.OK  # its sub-栏目's article counts
    assert found["基层党建 › 社区党建"].state == compliance.OK
    assert found["人才工作"].sentence() == (
        "栏目“人才工作”已超过两周未更新：最近一次发布在 2026-05-31（15 天前），应于 2026-06-14 前更新。"
    )


def test_the_boundary_of_due_soon(frozen):
    category = CategoryFactory(name="甲", update_rule=UpdateRule.TWO_WEEKS)
    published(category, 11, title="早")  # due in 3 days exactly
    assert states()["甲"].state == compliance.SOON_DUE
    Article.objects.update(published_at=NOW - timedelta(days=10, hours=23))
    assert states()["甲"].state == compliance.OK


@pytest.fixture
def linked_site(frozen):
    category = CategoryFactory(name="党建动态", update_rule=UpdateRule.TWO_WEEKS)
    withdrawn = published(category, 5, title="撤回的文章", status=Article.Status.WITHDRAWN)
    draft = ArticleFactory(category=category, status=Article.Status.DRAFT, published_at=None, title="草稿")
    alive = published(category, 3, title="正常的文章")
    holder = published(category, 4, title="附件所在文章")
    gone = attachment_create(article=holder, file=ContentFile(samples.pdf(), name="名单.pdf"), title="名单")
    kept = attachment_create(article=holder, file=ContentFile(samples.pdf(), name="表格.pdf"), title="表格")
    default_storage.delete(gone.file.name)
    body = (
        f'<p><a href="/articles/{withdrawn.pk}/">撤回的</a> <a href="/articles/{draft.pk}/">草稿</a> '
        f'<a href="/articles/{alive.pk}/">正常</a> <a href="/articles/999999/">不存在</a> '
        f'<a href="/attachments/{gone.pk}/download/">名单</a> <a href="/attachments/{kept.pk}/download/">表格</a> '
        f'<a href="https://www.gov.cn/">外部</a> <a href="http://localhost/articles/{withdrawn.pk}/">本站绝对地址</a></p>'
        '<p><img src="/media/editor/2026/06/nothing.png" alt="图"></p>'
    )
    source = published(category, 1, title="引用文章", body=body)
    return {"withdrawn": withdrawn, "draft": draft, "gone": gone, "kept": kept, "source": source}


def test_links_to_what_is_gone_and_missing_files(linked_site):
    findings, count = content_scan.scan_content()
    assert count == 3  # the public ones
    broken = {(f["article_id"], f["url"]): f["problem"] for f in findings["broken_links"]}
    source, withdrawn, draft = linked_site["source"].pk, linked_site["withdrawn"].pk, linked_site["draft"].pk
    assert broken == {
        (source, f"/articles/{withdrawn}/"): "链接的文章已撤回",
        (source, f"/articles/{draft}/"): "链接的文章未发布",
        (source, "/articles/999999/"): "链接的文章不存在",
        (source, f"/attachments/{linked_site['gone'].pk}/download/"): "链接的附件文件缺失",
        (source, f"http://localhost/articles/{withdrawn}/"): "链接的文章已撤回",
        (source, "/media/editor/2026/06/nothing.png"): "链接的图片或文件不存在",
    }
    assert [f["attachment_id"] for f in findings["missing_files"]] == [linked_site["gone"].pk]


def test_wording_in_published_articles(frozen):
    category = CategoryFactory(name="党建动态")
    article = published(category, 1, title="认真布署", body="<p>深入学习习近平思想。</p>")
    ArticleFactory(category=category, status=Article.Status.DRAFT, published_at=None, title="草稿布署")
    findings, _ = content_scan.scan_content()
    assert [(f["article_id"], f["field"], f["position"], f["wrong"], f["serious"]) for f in findings["wording"]] == [
        (article.pk, "标题", 3, "布署", False),
        (article.pk, "正文", 5, "习近平思想", True),
    ]


def test_a_written_summary_is_scanned_and_an_automatic_one_is_not(frozen):
    category = CategoryFactory(name="党建动态")
    written = published(category, 1, title="甲", summary="认真布署工作")
    automatic = published(category, 1, title="乙", body="<p>认真布署工作。</p>")
    assert automatic.summary == "认真布署工作。"
    findings, _ = content_scan.scan_content()
    assert sorted((f["article_id"], f["field"], f["position"]) for f in findings["wording"]) == [
        (written.pk, "摘要", 3),
        (automatic.pk, "正文", 3),
    ]


def run_site_check(*args):
    out = io.StringIO()
    try:
        call_command("site_check", *args, stdout=out)
    except SystemExit as exit_:
        return exit_.code, out.getvalue()
    return 0, out.getvalue()


def test_site_check_exits_with_1_on_a_single_veto_finding(linked_site):
    overdue = CategoryFactory(name="人才工作", update_rule=UpdateRule.TWO_WEEKS)
    published(overdue, 20)
    code, out = run_site_check()
    assert code == 1
    assert "[超期未更新（单项否决）] 栏目“人才工作”已超过两周未更新" in out
    assert "链接的文章已撤回" in out and "链接的附件文件缺失" in out
    assert "有 1 项单项否决问题" in out
    assert SiteCheck.objects.count() == 1


def test_site_check_exits_with_0_without_one_and_prints_json(linked_site):
    code, out = run_site_check("--json")
    assert code == 0
    data = json.loads(out)
    assert data["single_veto"] is False
    assert data["articles"] == 3
    assert {c["name"]: c["state"] for c in data["categories"]} == {"党建动态": "ok"}
    assert len(data["broken_links"]) == 6 and len(data["missing_files"]) == 1 and data["wording"] == []


def test_a_serious_wording_finding_is_single_veto(frozen):
    published(CategoryFactory(name="党建动态", update_rule=UpdateRule.TWO_WEEKS), 1, body="<p>台湾总统</p>")
    code, out = run_site_check("--json")
    assert code == 1
    assert json.loads(out)["wording"][0]["wrong"] == "台湾总统"


def test_a_serious_wording_finding_a_reviewer_confirmed_is_listed_but_no_veto(frozen):
    """「已核对错敏词」 allowed the publication: site_check does not keep exiting 1 over it."""
    category = CategoryFactory(name="党建动态", update_rule=UpdateRule.TWO_WEEKS)
    published(category, 1, body="<p>台湾总统</p>", wording_confirmed="台湾总统")
    code, out = run_site_check("--json")
    data = json.loads(out)
    assert code == 0 and data["single_veto"] is False
    assert [(f["wrong"], f["serious"], f["confirmed"]) for f in data["wording"]] == [("台湾总统", True, True)]
    assert not alerts.build_alerts()
    # Another serious form in the same article, not confirmed, is single-veto again.
    published(category, 1, body="<p>台湾总统，台湾总统</p>", wording_confirmed="别的词")
    code, out = run_site_check("--json")
    assert code == 1
    assert sorted(f["confirmed"] for f in json.loads(out)["wording"]) == [False, False, True]


def test_the_check_page(linked_site, reviewer_client, django_assert_max_num_queries):
    CategoryFactory(name="空的栏目")
    url = reverse("reports:compliance")
    response = reviewer_client.get(url)
    assert "还没有运行过全站检查" in response.content.decode()
    run_site_check()
    with django_assert_max_num_queries(8):
        response = reviewer_client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert "空栏目（单项否决）" in page
    assert "链接的文章已撤回" in page and "名单" in page
    assert "有 1 项单项否决问题" in page


def test_the_check_page_is_for_staff(client):
    response = client.get(reverse("reports:compliance"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_workbench_alerts(frozen, reviewer_client):
    CategoryFactory(name="空的栏目")
    soon = CategoryFactory(name="党建动态", update_rule=UpdateRule.TWO_WEEKS)
    published(soon, 12)
    found = alerts.build_alerts()
    assert [(a["level"], a["text"][:9]) for a in found] == [("red", "栏目“空的栏目”没"), ("amber", "栏目“党建动态”将")]
    page = reviewer_client.get(reverse("admin:index")).content.decode()
    assert "栏目“空的栏目”没有已发布的文章（空栏目）。" in page


def test_workbench_alerts_only_for_those_who_may_read_the_check(frozen, client):
    """A staff account without 查看文章 cannot open the check page: the workbench does not show its findings."""
    CategoryFactory(name="空的栏目")
    client.force_login(UserFactory(username="other-staff"))  # staff, no permission
    page = client.get(reverse("admin:index")).content.decode()
    assert "空的栏目" not in page
    assert client.get(reverse("reports:compliance")).status_code == 403


def test_the_demo_has_one_overdue_category_and_one_wording_finding():
    call_command("load_demo", stdout=io.StringIO())
    found = compliance.category_states()
    findings_only = (compliance.OVERDUE, compliance.EMPTY, compliance.SOON_DUE)
    assert [(c.name, c.state) for c in found if c.state in findings_only] == [("人才工作", compliance.OVERDUE)]
    # 机构职能 shows a single page, not a list of articles: nothing to keep updated, never empty.
    assert [(c.name, c.state) for c in found if c.state == compliance.UNCHECKED] == [("机构职能", compliance.UNCHECKED)]
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:  # 人才工作 is overdue: a single-veto finding
        call_command("site_check", stdout=out)
    assert exited.value.code == 1
    assert "栏目“机构职能”：不检查更新" in out.getvalue()
    findings, _ = content_scan.scan_content()
    assert [(f["article_title"], f["wrong"], f["serious"]) for f in findings["wording"]] == [
        ("乌达区开展“主题党日”示范观摩活动", "布署", False)
    ]
    assert findings["broken_links"] == [] and findings["missing_files"] == []


def test_the_check_page_lists_at_most_its_limit(linked_site, reviewer_client, monkeypatch):
    from reports import views

    monkeypatch.setattr(views, "PAGE_LIMIT", 2)
    run_site_check()
    page = reviewer_client.get(reverse("reports:compliance")).content.decode()
    assert "失效链接（6）" in page
    assert page.count("<code>/articles/") + page.count("<code>http://localhost/") == 2
    assert "每类最多列出 2 处" in page
