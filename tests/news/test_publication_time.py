"""
The publication time is the moment of publishing, unless 定时发布 set one on purpose; an
article published again keeps the time it first went public.
"""

import importlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleSearchEntry
from review import rules
from tests.factories import ArticleFactory, CategoryFactory
from tests.factories import article_form_data as form_data

pytestmark = pytest.mark.django_db

ADD = reverse("admin:news_article_add")
CHANGELIST = reverse("admin:news_article_changelist")
WRITTEN = timezone.make_aware(timezone.datetime(2026, 11, 25, 9, 0))
REVIEWED = WRITTEN + timedelta(days=3, hours=5, minutes=17)
Status = Article.Status


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def posted_fields(article):
    """The form as the reviewer posts it back, unchanged but for what the test says."""
    local = timezone.localtime(article.published_at) if article.published_at else None
    data = form_data(article, status=article.status, body=article.body)
    data["published_at_0"] = f"{local:%Y-%m-%d}" if local else ""
    data["published_at_1"] = f"{local:%H:%M:%S}" if local else ""
    if article.is_scheduled:
        data["is_scheduled"] = "on"
    return data


def drafted_by_an_editor(client, **fields):
    """An editor writes a draft in the form on WRITTEN (the form carries the time it was opened)."""
    with time_machine.travel(WRITTEN, tick=False):
        response = client.post(ADD, form_data(title="三天后审核的稿件", status="review", **fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Article.objects.get(title="三天后审核的稿件")


# --- Publishing dates an article ---------------------------------------------------------


def test_a_draft_has_no_publication_time_until_it_is_published(editor_client):
    article = drafted_by_an_editor(editor_client)
    assert article.published_at is None
    assert not article.is_scheduled
    assert ArticleSearchEntry.objects.get(article=article).published_at is None


def test_reviewed_days_later_in_the_form_it_is_dated_the_moment_it_is_published(client, editor, reviewer):
    client.force_login(editor)
    article = drafted_by_an_editor(client)
    client.force_login(reviewer)
    with time_machine.travel(REVIEWED, tick=False):
        response = client.post(change_url(article), posted_fields(article) | {"status": "published"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.published_at == REVIEWED
    assert ArticleSearchEntry.objects.get(article=article).published_at == REVIEWED


def test_reviewed_days_later_with_the_publish_action_it_is_dated_the_moment_it_is_published(client, editor, reviewer):
    client.force_login(editor)
    article = drafted_by_an_editor(client)
    client.force_login(reviewer)
    with time_machine.travel(REVIEWED, tick=False):
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == REVIEWED


def test_a_time_in_the_form_without_scheduling_is_not_the_publication_time(reviewer_client):
    # The form still shows the time inputs; without 定时发布 what they hold does not count.
    with time_machine.travel(REVIEWED, tick=False):
        reviewer_client.post(
            ADD, form_data(title="直接发布", status="published", published_at_0="2026-01-01", published_at_1="08:00")
        )
    assert Article.objects.get(title="直接发布").published_at == REVIEWED


def test_the_model_dates_an_article_published_by_any_path():
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    with time_machine.travel(REVIEWED, tick=False):
        article.status = Status.PUBLISHED
        article.save(update_fields=["status"])  # the time is written although not named
    article.refresh_from_db()
    assert article.published_at == REVIEWED


def test_the_database_refuses_a_published_article_without_a_time():
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)


# --- 定时发布 ----------------------------------------------------------------------------------


def test_a_scheduled_article_keeps_its_time_when_the_reviewer_publishes(client, editor, reviewer):
    client.force_login(editor)
    article = drafted_by_an_editor(client, is_scheduled="on", published_at_0="2026-12-01", published_at_1="08:00:00")
    assert article.is_scheduled
    client.force_login(reviewer)
    with time_machine.travel(REVIEWED, tick=False):
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [article.pk]})
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED
        assert timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M") == "2026-12-01 08:00"
        assert not article.is_public and article.is_waiting_for_its_time


def test_scheduling_without_a_time_is_refused_with_a_message(editor_client):
    response = editor_client.post(
        ADD, form_data(title="忘了填时间", is_scheduled="on", published_at_0="", published_at_1="")
    )
    assert response.status_code == 200
    assert "勾选了“定时发布”，请填写发布时间。" in response.content.decode()
    assert not Article.objects.filter(title="忘了填时间").exists()


@pytest.mark.parametrize("day", ["0001-01-01", "0202-05-01", "1025-03-01", "2205-03-01"])
def test_a_year_that_is_a_slip_of_the_keyboard_is_refused_with_a_message(editor_client, day):
    # Year 1 would be stored as 1 BC, and every page listing the article would fail to read it.
    response = editor_client.post(
        ADD, form_data(title="年份有误", is_scheduled="on", published_at_0=day, published_at_1="08:00:00")
    )
    assert response.status_code == 200
    assert f"年份 {int(day[:4])} 有误，请填写 1949 年至 2099 年之间的时间。" in response.content.decode()
    assert not Article.objects.filter(title="年份有误").exists()


def test_an_old_article_may_be_dated_years_back(editor_client):
    editor_client.post(
        ADD, form_data(title="补录旧文", is_scheduled="on", published_at_0="1998-05-12", published_at_1="09:00:00")
    )
    article = Article.objects.get(title="补录旧文")
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M") == "1998-05-12 09:00"


def test_a_pinning_end_in_year_one_is_refused(reviewer_client):
    article = ArticleFactory(status=Status.PUBLISHED)
    data = posted_fields(article) | {"is_pinned": "on", "pinned_until_0": "0001-01-01", "pinned_until_1": "00:00:00"}
    response = reviewer_client.post(change_url(article), data)
    assert response.status_code == 200 and "年份 1 有误" in response.content.decode()
    article.refresh_from_db()
    assert article.pinned_until is None


def test_unscheduling_a_waiting_article_publishes_it_now(reviewer_client):
    article = ArticleFactory(is_scheduled=True, published_at=REVIEWED + timedelta(days=5))
    with time_machine.travel(REVIEWED, tick=False):
        data = posted_fields(article)
        del data["is_scheduled"]
        reviewer_client.post(change_url(article), data)
    article.refresh_from_db()
    assert not article.is_scheduled and article.published_at == REVIEWED


def test_publishing_with_a_scheduled_time_in_the_past_warns(reviewer_client):
    article = ArticleFactory(status=Status.REVIEW, is_scheduled=True, published_at=WRITTEN)
    with time_machine.travel(REVIEWED, tick=False):
        response = reviewer_client.post(
            CHANGELIST, {"action": "publish", "_selected_action": [article.pk]}, follow=True
        )
    assert "按设定的发布时间 2026-11-25 09:00 公开，这个时间早于现在" in response.content.decode()
    article.refresh_from_db()
    assert article.published_at == WRITTEN


# --- Withdrawn and published again ------------------------------------------------------


def test_withdrawn_and_published_again_it_keeps_its_first_publication_time(reviewer):
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    with time_machine.travel(WRITTEN, tick=False):
        rules.set_status(article, Status.PUBLISHED, by=reviewer)
    with time_machine.travel(REVIEWED, tick=False):
        rules.set_status(article, Status.WITHDRAWN, by=reviewer)
        rules.set_status(article, Status.PUBLISHED, by=reviewer)
    article.refresh_from_db()
    assert article.published_at == WRITTEN


def test_withdrawn_and_published_again_in_the_form_it_keeps_its_first_publication_time(reviewer_client):
    article = ArticleFactory(status=Status.WITHDRAWN, published_at=WRITTEN)
    with time_machine.travel(REVIEWED, tick=False):
        data = posted_fields(article) | {"status": "published", "published_at_0": "2026-11-28"}  # ignored
        reviewer_client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at == WRITTEN


def test_a_new_date_for_an_article_published_again_takes_scheduling(reviewer_client):
    article = ArticleFactory(status=Status.WITHDRAWN, published_at=WRITTEN)
    with time_machine.travel(REVIEWED, tick=False):
        data = posted_fields(article) | {"status": "published", "is_scheduled": "on"}
        data |= {"published_at_0": "2026-11-28", "published_at_1": "14:00:00"}
        reviewer_client.post(change_url(article), data)
    article.refresh_from_db()
    assert timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M") == "2026-11-28 14:00"


def test_restoring_an_old_version_does_not_bring_back_an_old_time(reviewer_client):
    import reversion
    from reversion.models import Version

    # A version from before publication times were settled: it holds the time the form was opened.
    article = ArticleFactory(status=Status.REVIEW, published_at=WRITTEN)
    with reversion.create_revision():
        article.save()
    Article.objects.filter(pk=article.pk).update(published_at=None)
    old = Version.objects.get_for_object(article).first()
    url = reverse("admin:news_article_revision", args=[article.pk, old.pk])
    with time_machine.travel(REVIEWED, tick=False):
        data = posted_fields(article) | {"status": "published"}  # the form shows the old time
        assert reviewer_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.published_at == REVIEWED


def test_a_recovered_article_keeps_its_publication_time(reviewer_client):
    import reversion
    from reversion.models import Version

    article = ArticleFactory(title="误删的文章", published_at=WRITTEN)
    with reversion.create_revision():
        article.save()
    reviewer_client.post(reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Article).get(object_id=str(article.pk))
    with time_machine.travel(REVIEWED, tick=False):
        url = reverse("admin:news_article_recover", args=[version.pk])
        assert reviewer_client.post(url, posted_fields(article)).status_code == 302
    assert Article.objects.get(pk=article.pk).published_at == WRITTEN


# --- What the form says -----------------------------------------------------------------


def test_the_form_says_what_time_an_unscheduled_article_gets(editor_client):
    html = editor_client.get(ADD).content.decode()
    assert 'name="is_scheduled"' in html
    assert 'data-unscheduled-note="发布时自动使用发布的时刻"' in html
    assert "js/publication-time.js" in html
    assert "尚未发布。" in html


def test_the_form_of_a_withdrawn_article_says_it_keeps_its_first_time(reviewer_client):
    article = ArticleFactory(status=Status.WITHDRAWN, published_at=WRITTEN)
    html = reviewer_client.get(change_url(article)).content.decode()
    assert 'data-unscheduled-note="保留首次发布的时间 2026-11-25 09:00"' in html
    assert "已撤回：保留首次发布的时间 2026-11-25 09:00。" in html


def test_the_form_of_a_waiting_article_says_when_it_goes_public(reviewer_client):
    article = ArticleFactory(is_scheduled=True, published_at=timezone.now() + timedelta(days=2))
    html = reviewer_client.get(change_url(article)).content.decode()
    local = timezone.localtime(article.published_at)
    assert f"定时发布：将于 {local:%Y-%m-%d %H:%M} 自动公开。" in html


# --- Staff preview, imports, the migration ------------------------------------------------


def test_staff_preview_a_draft_that_has_no_time_yet(client, editor):
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="还没有发布时间")
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "还没有发布时间" in response.content.decode()


def test_staff_preview_of_a_scheduled_article_does_not_call_it_published(client, editor):
    article = ArticleFactory(is_scheduled=True, published_at=timezone.now() + timedelta(days=2))
    client.force_login(editor)
    page = client.get(article.get_absolute_url()).content.decode()
    local = timezone.localtime(article.published_at)
    assert "当前状态为“定时发布" in page and f"将于 {local:%Y-%m-%d %H:%M} 公开" in page
    assert "“已发布”" not in page


@pytest.mark.parametrize("status", [Status.DRAFT, Status.REVIEW])
def test_the_preview_of_an_unpublished_article_shows_no_made_up_publication_time(client, editor, status):
    # It showed 「发布时间：」 and today's date: the time a preview is laid out with.
    planned = timezone.now() + timedelta(days=3)  # a time set for later, not a publication
    client.force_login(editor)
    for article in (
        ArticleFactory(status=status, published_at=None),
        ArticleFactory(status=status, published_at=planned),
    ):
        for url in (article.get_absolute_url(), article.get_absolute_url() + "?print=1"):
            html = client.get(url).content.decode()
            assert "发布时间：未发布" in html, url
            assert "article:published_time" not in html and 'name="PubDate"' not in html, url
    scheduled = ArticleFactory(published_at=planned)  # published, public at its time: that time shows
    html = client.get(scheduled.get_absolute_url()).content.decode()
    assert "发布时间：<time datetime=" in html and timezone.localtime(planned).strftime("%Y-%m-%d") in html


def test_the_migration_keeps_published_dates_and_drops_the_form_opening_time():
    migration = importlib.import_module("news.migrations.0008_publication_time")
    category = CategoryFactory()
    old = timezone.now() - timedelta(days=30)
    future = timezone.now() + timedelta(days=3)
    published = ArticleFactory(category=category, published_at=old)
    withdrawn = ArticleFactory(category=category, status=Status.WITHDRAWN, published_at=old)
    draft = ArticleFactory(category=category, status=Status.DRAFT, published_at=old)
    waiting = ArticleFactory(category=category, status=Status.REVIEW, published_at=future)
    imported = ArticleFactory(category=category, status=Status.DRAFT, published_at=old, external_key="legacy:abc")
    migration.settle_publication_times(apps, None)
    for article in (published, withdrawn, draft, waiting, imported):
        article.refresh_from_db()
    assert (published.published_at, published.is_scheduled) == (old, False)
    assert (withdrawn.published_at, withdrawn.is_scheduled) == (old, False)
    assert (draft.published_at, draft.is_scheduled) == (None, False)
    assert ArticleSearchEntry.objects.get(article=draft).published_at is None
    assert (waiting.published_at, waiting.is_scheduled) == (future, True)
    assert (imported.published_at, imported.is_scheduled) == (old, True)
