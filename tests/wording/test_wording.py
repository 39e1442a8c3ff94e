"""错敏词 (issue 18 §4): the matching, the starter list, the warnings, and the rule that a 严重 finding
stops publication on every path until a reviewer ticks 「已核对错敏词」."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from news import wordcheck
from news.models import Article
from news.prepublish import prepublish_warnings
from review import records, rules
from tests.factories import ArticleFactory, article_form_data
from wording import matching
from wording.models import Severity, WordingEntry

Status = Article.Status


def entry(wrong, right, severity=Severity.ORDINARY):
    return matching.Entry(wrong, right, severity)


def test_findings_at_their_positions():
    matcher = matching.Matcher([entry("布署", "部署"), entry("再接再励", "再接再厉")])
    text = "认真布署，再接再励，再次布署。"
    found = matcher.find(text)
    assert [(start, e.wrong) for start, e in found] == [(2, "布署"), (5, "再接再励"), (12, "布署")]
    assert all(text[start : start + len(e.wrong)] == e.wrong for start, e in found)


def test_findings_name_their_field_and_position():
    matcher = matching.Matcher([entry("布署", "部署")])
    found = matcher.check([("标题", "工作布署"), ("正文", "第一行\n要布署")])
    assert [(f.field, f.start, f.end) for f in found] == [("标题", 2, 4), ("正文", 5, 7)]
    assert found[1].describe() == "错敏词（一般）：正文第 6 字起“布署”应为“部署”"


def test_no_finding_inside_the_right_form():
    # The right form contains the wrong one: 内蒙古 is inside 内蒙古自治区 ...
    matcher = matching.Matcher(
        [entry("内蒙古", "内蒙古自治区"), entry("习近平思想", "习近平新时代中国特色社会主义思想")]
    )
    assert matcher.find("内蒙古自治区乌海市") == []
    assert [e.wrong for _, e in matcher.find("内蒙古乌海市和内蒙古自治区")] == ["内蒙古"]
    # ... and another entry's right form contains it.
    matcher = matching.Matcher([entry("中央纪委", "中央纪委国家监委"), entry("纪委", "纪律检查委员会")])
    assert [e.wrong for _, e in matcher.find("中央纪委国家监委")] == []


def test_the_texts_a_finding_may_be_in_are_told_apart_in_one_walk():
    """What the content scan matches titles with: no match runs from one text into the next."""
    matcher = matching.Matcher([entry("布署", "部署"), entry("再接再励", "再接再厉")])
    texts = ["工作布署", "", "再接", "再励", "布", "署", "要再接再励", "别的"]
    assert matcher.texts_with_matches(texts) == {0, 6}
    assert matching.Matcher([]).texts_with_matches(texts) == set()


def test_the_text_without_markup_is_checked():
    article = Article(title="标题", body='<p>工作<strong>布署</strong></p><p><a href="/布署/">链接</a></p>')
    fields = dict(wordcheck.article_fields(article))
    assert fields["正文"] == "工作布署\n链接"


@pytest.mark.django_db
def test_the_starter_list_is_loaded_and_each_entry_is_consistent():
    entries = list(WordingEntry.objects.all())
    assert len(entries) >= 150
    by_wrong = {e.wrong: e.right for e in entries}
    for wrong, right in [
        ("布署", "部署"),
        ("再接再励", "再接再厉"),
        ("按步就班", "按部就班"),
        ("一如继往", "一如既往"),
    ]:
        assert by_wrong[wrong] == right
    matcher = matching.Matcher([matching.Entry(e.wrong, e.right, e.severity) for e in entries])
    for e in entries:
        assert e.wrong != e.right
        # Each right form passes the check, each wrong form is found.
        assert matcher.find(e.right) == [], e
        assert any(found.wrong == e.wrong for _, found in matcher.find(e.wrong)), e


@pytest.mark.django_db
def test_the_matcher_is_rebuilt_when_the_list_changes():
    first = matching.current_matcher()
    assert matching.current_matcher() is first
    WordingEntry.objects.create(wrong="乌达去", right="乌达区")
    assert [f.entry.wrong for f in matching.check([("正文", "乌达去党建")])] == ["乌达去"]
    WordingEntry.objects.filter(wrong="乌达去").delete()
    assert matching.check([("正文", "乌达去党建")]) == []


# --- The warnings before publication -------------------------------------------------------


@pytest.mark.django_db
def test_findings_are_among_the_prepublish_warnings():
    article = ArticleFactory(title="全面布署", status=Status.DRAFT, body="<p>我们要再接再励。</p>")
    warnings = prepublish_warnings(article)
    assert "错敏词（一般）：标题第 3 字起“布署”应为“部署”" in warnings
    assert "错敏词（一般）：正文第 4 字起“再接再励”应为“再接再厉”" in warnings
    assert wordcheck.SERIOUS_HINT not in warnings


@pytest.mark.django_db
def test_a_written_summary_is_checked(editor_client):
    article = ArticleFactory(status=Status.DRAFT, summary="认真布署各项工作")
    assert any(w.startswith("错敏词（一般）：摘要第 3 字") for w in prepublish_warnings(article))


SERIOUS_BODY = "<p>深入学习习近平思想，做到知行合一。</p>"


@pytest.mark.django_db
def test_a_serious_finding_says_what_it_needs():
    article = ArticleFactory(status=Status.DRAFT, body=SERIOUS_BODY)
    warnings = prepublish_warnings(article)
    assert "错敏词（严重）：正文第 5 字起“习近平思想”应为“习近平新时代中国特色社会主义思想”（不得简称。）" in warnings
    assert wordcheck.SERIOUS_HINT in warnings


@pytest.mark.django_db
def test_the_editor_sees_findings_after_saving(editor_client):
    response = editor_client.post(
        reverse("admin:news_article_add"), article_form_data(title="全面布署", body="<p>正文</p>"), follow=True
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "发布前检查：错敏词（一般）：标题第 3 字起“布署”应为“部署”" in messages


# --- The blocking rule, on every path ------------------------------------------------------


@pytest.mark.django_db
def test_an_ordinary_finding_does_not_stop_publication(reviewer_client):
    article = ArticleFactory(status=Status.REVIEW, body="<p>认真布署。</p>")
    response = reviewer_client.post(
        reverse("admin:news_article_change", args=[article.pk]), article_form_data(article, status="published")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED


@pytest.mark.django_db
def test_the_form_refuses_to_publish_a_serious_finding_unconfirmed(reviewer_client):
    article = ArticleFactory(status=Status.REVIEW, body=SERIOUS_BODY)
    response = reviewer_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        article_form_data(article, body=SERIOUS_BODY, status="published"),
    )
    assert response.status_code == 200
    assert "文中有严重错敏词 “习近平思想”" in response.context["adminform"].form.errors["confirm_wording"][0]
    article.refresh_from_db()
    assert article.status == Status.REVIEW


@pytest.mark.django_db
def test_a_reviewer_confirms_and_publishes(reviewer_client):
    article = ArticleFactory(status=Status.REVIEW, body=SERIOUS_BODY)
    response = reviewer_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        article_form_data(article, body=SERIOUS_BODY, status="published", confirm_wording="on"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.wording_confirmed == "习近平思想"
    # In the review record (审核记录), before the publication it allowed.
    kept = [(r.action, r.comment, r.user.username) for r in records.records_of(article)]
    assert kept[:2] == [
        (records.Action.PUBLISHED, "", "reviewer"),
        (records.Action.CONFIRMED, "已核对错敏词：“习近平思想”", "reviewer"),
    ]
    assert (
        "错敏词（严重）：正文第 5 字起“习近平思想”应为“习近平新时代中国特色社会主义思想”（不得简称。）（已核对）"
        in (prepublish_warnings(article))
    )


@pytest.mark.django_db
def test_a_new_serious_finding_after_the_confirmation_stops_publication_again(reviewer_client):
    article = ArticleFactory(status=Status.REVIEW, body=SERIOUS_BODY, wording_confirmed="习近平思想")
    body = SERIOUS_BODY + "<p>台湾总统</p>"
    response = reviewer_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        article_form_data(article, body=body, status="published"),
    )
    assert response.status_code == 200
    assert "“台湾总统”" in response.context["adminform"].form.errors["confirm_wording"][0]
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


@pytest.mark.django_db
def test_the_list_action_refuses_an_unconfirmed_article_and_publishes_the_others(reviewer_client):
    serious = ArticleFactory(status=Status.REVIEW, title="有问题的", body=SERIOUS_BODY)
    confirmed = ArticleFactory(status=Status.REVIEW, body=SERIOUS_BODY, wording_confirmed="习近平思想")
    clean = ArticleFactory(status=Status.REVIEW)
    response = reviewer_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "publish", "_selected_action": [serious.pk, confirmed.pk, clean.pk]},
        follow=True,
    )
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("“有问题的”中有严重错敏词 “习近平思想”" in m for m in messages)
    statuses = dict(Article.objects.values_list("pk", "status"))
    assert statuses == {serious.pk: Status.REVIEW, confirmed.pk: Status.PUBLISHED, clean.pk: Status.PUBLISHED}


@pytest.mark.django_db
def test_an_editor_cannot_confirm(editor, reviewer, editor_client):
    article = ArticleFactory(status=Status.DRAFT, body=SERIOUS_BODY, created_by=editor)
    editor_client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        article_form_data(article, body=SERIOUS_BODY, status="review", confirm_wording="on"),
    )
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert article.wording_confirmed == ""
    with pytest.raises(PermissionDenied):
        rules.set_status(article, Status.PUBLISHED, by=reviewer)


@pytest.mark.django_db
def test_the_rule_holds_without_the_admin(reviewer):
    article = ArticleFactory(status=Status.REVIEW, body=SERIOUS_BODY)
    with pytest.raises(PermissionDenied, match="已核对错敏词"):
        rules.set_status(article, Status.PUBLISHED, by=reviewer)
    wordcheck.confirm(article)
    rules.set_status(article, Status.PUBLISHED, by=reviewer)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


@pytest.mark.django_db
def test_the_confirmation_box_is_for_reviewers_only(editor, reviewer):
    article = ArticleFactory(status=Status.DRAFT, created_by=editor)
    url = reverse("admin:news_article_change", args=[article.pk])
    editor_client, reviewer_client = Client(), Client()
    editor_client.force_login(editor)
    reviewer_client.force_login(reviewer)
    assert "已核对错敏词" not in editor_client.get(url).content.decode()
    assert 'name="confirm_wording"' in reviewer_client.get(url).content.decode()


@pytest.mark.django_db
def test_an_editor_adding_a_confirmed_serious_form_again_takes_the_confirmation_back(editor, reviewer, editor_client):
    """The reviewer confirmed the text they read: an editor writing the form in once more needs a new check."""
    article = ArticleFactory(
        status=Status.WITHDRAWN, body=SERIOUS_BODY, wording_confirmed="习近平思想", created_by=editor
    )
    url = reverse("admin:news_article_change", args=[article.pk])
    # Edited without another occurrence: the confirmation holds.
    response = editor_client.post(
        url, article_form_data(article, body=SERIOUS_BODY + "<p>补充一段。</p>", status="draft")
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.wording_confirmed == "习近平思想"
    # Written in once more, in a new place: it stops publication again, on every path.
    body = SERIOUS_BODY + "<p>补充一段。</p><p>习近平思想</p>"
    response = editor_client.post(url, article_form_data(article, body=body, status="review"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.wording_confirmed == ""
    with pytest.raises(PermissionDenied, match="已核对错敏词"):
        rules.set_status(article, Status.PUBLISHED, by=reviewer)
