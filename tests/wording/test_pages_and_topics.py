"""
错敏词 on single pages (news.Page) and topics (topics.Topic), as on articles: 发布前检查 on the
form and after saving, and a 严重 finding stopping publication on every path — the form,
the list's 发布 action, restoring a version and recovering a deleted one (a form error, not
a 403) — until a reviewer ticks 「已核对错敏词」.
"""

import pytest
import reversion
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news import wordcheck
from news.models import Article, Page
from review import records, rules
from tests.factories import (
    ArticleFactory,
    PageFactory,
    TopicFactory,
    article_form_data,
    page_form_data,
    topic_form_data,
)
from topics.models import Topic

pytestmark = pytest.mark.django_db

Status = Page.Status
SERIOUS = "习近平思想"  # 严重 in the starter list: 应为“习近平新时代中国特色社会主义思想”
SERIOUS_BODY = f"<p>深入学习{SERIOUS}，做到知行合一。</p>"
SERIOUS_DESCRIPTION = f"深入学习{SERIOUS}，做到知行合一。"


def make_page(status, **fields):
    return PageFactory(status=status, body=SERIOUS_BODY, **fields)


def make_topic(status, **fields):
    return TopicFactory(status=status, description=SERIOUS_DESCRIPTION, **fields)


def page_data(page, **overrides):
    return page_form_data(page, body=page.body, **overrides)


def topic_data(topic, **overrides):
    return topic_form_data(topic, **overrides)


def make_article(status, **fields):
    return ArticleFactory(status=status, body=SERIOUS_BODY, **fields)


def article_data(article, **overrides):
    return article_form_data(article, body=article.body, **overrides)


KINDS = {
    "page": (make_page, page_data, "news_page", Page),
    "topic": (make_topic, topic_data, "topics_topic", Topic),
    "article": (make_article, article_data, "news_article", Article),
}


@pytest.fixture(params=["page", "topic"])
def kind(request):
    return KINDS[request.param]


@pytest.fixture(params=["page", "topic", "article"])
def any_kind(request):
    """Articles too: restoring and recovering were form errors for them already (a guard)."""
    return KINDS[request.param]


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


# --- 发布前检查 -----------------------------------------------------------------------------


def test_the_check_finds_a_pages_title_and_body_and_a_topics_title_and_description():
    page = PageFactory(title="全面布署", body=SERIOUS_BODY)
    topic = TopicFactory(title="全面布署", description=SERIOUS_DESCRIPTION)
    assert [(f.field, f.entry.wrong) for f in wordcheck.findings(page)] == [("标题", "布署"), ("正文", SERIOUS)]
    assert [(f.field, f.entry.wrong) for f in wordcheck.findings(topic)] == [("标题", "布署"), ("简介", SERIOUS)]


def test_the_editor_sees_the_findings_after_saving_and_on_the_form(kind, editor_client):
    make, data, admin_name, _ = kind
    obj = make(Status.DRAFT)
    url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    response = editor_client.post(url, data(obj, title="全面布署", status="draft"), follow=True)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "发布前检查：错敏词（一般）：标题第 3 字起“布署”应为“部署”" in messages
    assert f"发布前检查：{wordcheck.SERIOUS_HINT}" in messages
    assert "习近平新时代中国特色社会主义思想" in editor_client.get(url).content.decode()  # 发布前检查 on the form


# --- The blocking rule, on every path -------------------------------------------------------


def test_the_form_refuses_to_publish_an_unconfirmed_serious_finding(kind, reviewer_client):
    make, data, admin_name, model = kind
    obj = make(Status.REVIEW)
    response = reviewer_client.post(reverse(f"admin:{admin_name}_change", args=[obj.pk]), data(obj, status="published"))
    assert response.status_code == 200
    assert f"文中有严重错敏词 “{SERIOUS}”" in response.context["adminform"].form.errors["confirm_wording"][0]
    assert model.objects.get(pk=obj.pk).status == Status.REVIEW


def test_a_reviewer_confirms_and_publishes(kind, reviewer_client):
    make, data, admin_name, model = kind
    obj = make(Status.REVIEW)
    response = reviewer_client.post(
        reverse(f"admin:{admin_name}_change", args=[obj.pk]), data(obj, status="published", confirm_wording="on")
    )
    assert response.status_code == 302
    obj = model.objects.get(pk=obj.pk)
    assert (obj.status, obj.wording_confirmed) == (Status.PUBLISHED, SERIOUS)
    kept = [(r.action, r.comment) for r in records.records_of(obj)]
    assert kept[:2] == [(records.Action.PUBLISHED, ""), (records.Action.CONFIRMED, f"已核对错敏词：“{SERIOUS}”")]


def test_the_confirmation_box_is_for_reviewers_only(kind, editor, reviewer):
    make, _, admin_name, _ = kind
    url = reverse(f"admin:{admin_name}_change", args=[make(Status.DRAFT).pk])
    assert 'name="confirm_wording"' not in as_user(editor).get(url).content.decode()
    assert 'name="confirm_wording"' in as_user(reviewer).get(url).content.decode()


def test_an_editor_cannot_confirm(kind, editor_client):
    make, data, admin_name, model = kind
    obj = make(Status.DRAFT)
    editor_client.post(
        reverse(f"admin:{admin_name}_change", args=[obj.pk]), data(obj, status="review", confirm_wording="on")
    )
    obj = model.objects.get(pk=obj.pk)
    assert (obj.status, obj.wording_confirmed) == (Status.REVIEW, "")


def test_the_list_action_refuses_an_unconfirmed_one_and_publishes_the_others(kind, reviewer_client):
    make, _, admin_name, model = kind
    serious = make(Status.REVIEW, title="有问题的")
    confirmed = make(Status.REVIEW, wording_confirmed=SERIOUS)
    response = reviewer_client.post(
        reverse(f"admin:{admin_name}_changelist"),
        {"action": "publish", "_selected_action": [serious.pk, confirmed.pk]},
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(f"“有问题的”中有严重错敏词 “{SERIOUS}”" in m for m in messages)
    statuses = dict(model.objects.values_list("pk", "status"))
    assert statuses == {serious.pk: Status.REVIEW, confirmed.pk: Status.PUBLISHED}


def test_the_rule_holds_without_the_admin(kind, reviewer):
    make, *_ = kind
    obj = make(Status.REVIEW)
    with pytest.raises(PermissionDenied, match="已核对错敏词"):
        rules.set_status(obj, Status.PUBLISHED, by=reviewer)
    wordcheck.confirm(obj)
    rules.set_status(obj, Status.PUBLISHED, by=reviewer)


def published_version(make):
    """An object published with an unconfirmed serious finding (before the word was on the list), as a version."""
    obj = make(Status.PUBLISHED)
    with reversion.create_revision():
        obj.save()
    return obj, Version.objects.get_for_object(obj).first()


def test_restoring_a_published_version_with_an_unconfirmed_finding_is_a_form_error(any_kind, reviewer_client):
    make, data, admin_name, model = any_kind
    obj, version = published_version(make)
    model.objects.filter(pk=obj.pk).update(status=Status.WITHDRAWN)
    url = reverse(f"admin:{admin_name}_revision", args=[obj.pk, version.pk])
    response = reviewer_client.post(url, data(obj, status="published"))
    assert response.status_code == 200
    assert f"文中有严重错敏词 “{SERIOUS}”" in response.context["adminform"].form.errors["confirm_wording"][0]
    assert model.objects.get(pk=obj.pk).status == Status.WITHDRAWN  # nothing saved


def test_recovering_a_deleted_published_version_with_an_unconfirmed_finding_is_a_form_error(any_kind, reviewer_client):
    make, data, admin_name, model = any_kind
    obj, _ = published_version(make)
    pk = obj.pk
    model.objects.get(pk=pk).delete()
    version = Version.objects.get_deleted(model).get(object_id=str(pk))
    response = reviewer_client.post(
        reverse(f"admin:{admin_name}_recover", args=[version.pk]), data(obj, status="published")
    )
    assert response.status_code == 200
    assert f"文中有严重错敏词 “{SERIOUS}”" in response.context["adminform"].form.errors["confirm_wording"][0]
    assert not model.objects.filter(pk=pk).exists()  # nothing saved
    # Ticked by the reviewer, it is recovered and published, the confirmation recorded.
    response = reviewer_client.post(
        reverse(f"admin:{admin_name}_recover", args=[version.pk]), data(obj, status="published", confirm_wording="on")
    )
    assert response.status_code == 302
    assert model.objects.get(pk=pk).wording_confirmed == SERIOUS


def test_an_editor_writing_a_confirmed_serious_form_in_again_takes_the_confirmation_back(
    editor, editor_client, reviewer
):
    page = make_page(Status.WITHDRAWN, wording_confirmed=SERIOUS, created_by=editor)
    url = reverse("admin:news_page_change", args=[page.pk])
    body = SERIOUS_BODY + f"<p>{SERIOUS}</p>"
    assert editor_client.post(url, page_form_data(page, body=body, status="review")).status_code == 302
    page.refresh_from_db()
    assert page.wording_confirmed == ""
    with pytest.raises(PermissionDenied, match="已核对错敏词"):
        rules.set_status(page, Status.PUBLISHED, by=reviewer)
