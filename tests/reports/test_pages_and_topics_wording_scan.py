"""The compliance scan's 错敏词 in published single pages and topics, as in articles (issue 18 §3-4)."""

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from news.models import Page
from reports import alerts, content_scan
from tests.factories import PageFactory, TopicFactory
from tests.reports.test_compliance import run_site_check
from topics.models import Topic

pytestmark = pytest.mark.django_db

SERIOUS = "习近平思想"


def wording(findings):
    return [(f["kind"], f["object_id"], f["field"], f["position"], f["wrong"], f["serious"]) for f in findings]


def test_published_pages_and_topics_are_scanned_and_the_rest_not():
    page = PageFactory(title="认真布署", body=f"<p>深入学习{SERIOUS}。</p>")
    topic = TopicFactory(title="专题", description=f"深入学习{SERIOUS}，认真布署。")
    PageFactory(status=Page.Status.DRAFT, title="草稿布署")
    TopicFactory(status=Topic.Status.WITHDRAWN, title="撤回的布署")
    findings, _ = content_scan.scan_content()
    assert wording(findings["wording"]) == [
        ("单页", page.pk, "标题", 3, "布署", False),
        ("单页", page.pk, "正文", 5, SERIOUS, True),
        ("专题", topic.pk, "简介", 5, SERIOUS, True),
        ("专题", topic.pk, "简介", 13, "布署", False),
    ]


def test_a_serious_finding_in_a_page_is_single_veto_unless_a_reviewer_confirmed_it():
    page = PageFactory(title="机构职能", body=f"<p>{SERIOUS}</p>")
    code, out = run_site_check()
    assert code == 1
    assert f"单页 #{page.pk}“机构职能”：错敏词（严重）" in out
    assert [a["text"] for a in alerts.build_alerts()] == ["1 项已发布的单页有严重错敏词。"]
    Page.objects.filter(pk=page.pk).update(wording_confirmed=SERIOUS)
    code, out = run_site_check("--json")
    assert code == 0
    assert [(f["kind"], f["confirmed"]) for f in json.loads(out)["wording"]] == [("单页", True)]


def test_the_check_page_links_each_finding_to_its_form(reviewer_client):
    page = PageFactory(title="联系我们", body="<p>认真布署。</p>")
    topic = TopicFactory(title="布署专题")
    run_site_check()
    shown = reviewer_client.get(reverse("reports:compliance")).content.decode()
    assert f'单页：<a href="{reverse("admin:news_page_change", args=[page.pk])}">联系我们</a>' in shown
    assert f'专题：<a href="{reverse("admin:topics_topic_change", args=[topic.pk])}">布署专题</a>' in shown


def test_a_report_kept_before_pages_were_scanned_still_shows(reviewer_client):
    """SiteCheck rows written by the earlier release name articles only (article_id, article_title)."""
    from reports.models import SiteCheck
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="旧的检查结果")
    call_command("site_check", "--json", stdout=io.StringIO())
    kept = SiteCheck.objects.latest("pk")
    kept.findings["wording"] = [
        {"article_id": article.pk, "article_title": article.title, "field": "正文", "position": 1, "wrong": "布署",
         "right": "部署", "serious": True, "confirmed": False, "text": "错敏词（严重）"}
    ]  # fmt: skip
    kept.save()
    shown = reviewer_client.get(reverse("reports:compliance")).content.decode()
    assert f'<a href="{reverse("admin:news_article_change", args=[article.pk])}">旧的检查结果</a>' in shown
    assert [a["text"] for a in alerts.build_alerts() if "错敏词" in a["text"]] == ["1 项已发布的文章有严重错敏词。"]
