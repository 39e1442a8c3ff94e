"""
Topics in the admin: bad input refused with a Chinese message, and what only topics show
of the review rule. 编辑 draft a topic and propose articles for its sections; only 审核发布
publish it, change it once published, or set where it shows on the home page. The paths
every reviewed model has (the change form and its sections and articles, the list's
actions, restoring a revision from 历史, recover, delete) are tried in
tests/review/test_rule_paths.py.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from demo import samples
from tests.factories import ArticleFactory, TopicFactory, TopicSectionFactory, topic_form_data, topic_rows
from tests.review.reviewed import TOPIC
from topics.models import Topic, TopicArticle, TopicSection

pytestmark = pytest.mark.django_db

Status = Topic.Status


def banner(size=(1200, 300), name="横幅.jpg"):
    return SimpleUploadedFile(name, samples.image("jpg", size=size), content_type="image/jpeg")


# --- Bad input --------------------------------------------------------------------------


def test_a_reviewer_creates_a_topic_with_sections_then_chooses_articles(reviewer_client):
    add = reverse("admin:topics_topic_add")
    data = topic_form_data(sections=[{"title": "中央精神", "order": 0, "ordering": "newest"}], status="published")
    response = reviewer_client.post(add, {**data, "banner": banner()})
    assert response.status_code == 302, response.content.decode()[:3000]
    topic = Topic.objects.get(slug="sizhong-quanhui")
    assert topic.banner.name.startswith("topics/") and topic.created_by is not None
    section = topic.sections.get()
    article = ArticleFactory(title="全会精神宣讲走进社区")
    sections, _ = topic_rows(topic)
    change = reverse("admin:topics_topic_change", args=[topic.pk])
    entries = [{"topic": topic.pk, "section": section.pk, "article": article.pk, "order": 0}]
    response = reviewer_client.post(
        change, topic_form_data(topic, sections=sections, entries=entries, status="published")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "全会精神宣讲走进社区" in Client().get(topic.get_absolute_url()).content.decode()


def test_a_slug_that_exists_already_is_a_chinese_error_on_the_form(reviewer_client):
    TopicFactory(slug="sizhong-quanhui")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**topic_form_data(), "banner": banner()})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == ["已有专题使用这个地址名称，请换一个。"]
    assert Topic.objects.filter(slug="sizhong-quanhui").count() == 1


def test_a_slug_the_topic_addresses_use_themselves_is_a_chinese_error(reviewer_client):
    # /topics/feed/ is the topics' RSS feed: a topic named "feed" would never show its page.
    response = reviewer_client.post(
        reverse("admin:topics_topic_add"), {**topic_form_data(slug="feed"), "banner": banner()}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == ["“feed”是网站保留的地址名称，请换一个。"]
    assert not Topic.objects.exists()


def test_a_reserved_slug_is_refused_with_a_bad_period_too(reviewer_client):
    data = topic_form_data(slug="feed", start_date="2026-03-01", end_date="2026-02-28")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    form = response.context["adminform"].form
    assert form.errors["slug"] == ["“feed”是网站保留的地址名称，请换一个。"]
    assert form.errors["end_date"] == ["结束日期不能早于开始日期。"]


def test_an_empty_slug_is_the_titles_pinyin_as_for_single_pages(editor_client):
    data = topic_form_data(title="基层治理年", slug="", status="review")
    response = editor_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Topic.objects.get().slug == "jicengzhilinian"


def test_a_suggested_slug_that_is_taken_is_the_same_chinese_error_and_says_what_it_was(reviewer_client):
    TopicFactory(slug="jicengzhilinian")
    data = topic_form_data(title="基层治理年", slug="")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == [
        "已有专题使用这个地址名称，请换一个。",
        "按标题生成的网址名是 jicengzhilinian。",
    ]
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "message"),
    [("Feed", "“feed”是网站保留的地址名称，请换一个。"), ("……", "无法从标题生成网址名，请填写网址名。")],
    ids=["reserved", "no-pinyin"],
)
def test_a_title_giving_no_usable_slug_is_a_chinese_error(reviewer_client, title, message):
    data = topic_form_data(title=title, slug="")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["slug"]
    assert not Topic.objects.exists()


def test_an_end_date_before_the_start_date_is_a_chinese_error(reviewer_client):
    data = topic_form_data(start_date="2026-03-01", end_date="2026-02-28")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["end_date"] == ["结束日期不能早于开始日期。"]
    assert "__all__" not in form.errors  # said once, on the field
    assert not Topic.objects.exists()


def test_the_database_refuses_a_bad_period_too():
    from django.db import IntegrityError

    topic = TopicFactory()
    with pytest.raises(IntegrityError):
        Topic.objects.filter(pk=topic.pk).update(end_date=topic.start_date - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (banner(size=(600, 400)), "横幅图片应为宽幅"),
        (SimpleUploadedFile("横幅.jpg", b"not an image", content_type="image/jpeg"), "有效的图片"),
    ],
    ids=["not-wide", "not-an-image"],
)
def test_a_banner_the_image_policy_refuses_is_a_chinese_error(reviewer_client, upload, message):
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**topic_form_data(), "banner": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["banner"])
    assert not Topic.objects.exists()


def test_a_banner_is_stored_re_encoded_under_a_generated_name(reviewer_client):
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**topic_form_data(), "banner": banner()})
    assert response.status_code == 302
    stored = Topic.objects.get().banner
    assert "横幅" not in stored.name and stored.name.endswith(".jpg")
    assert stored.read() != samples.image("jpg", size=(1200, 300))  # re-encoded, not as uploaded


def test_an_article_twice_in_one_section_is_a_chinese_error(reviewer_client):
    topic = TOPIC.make("draft")
    sections, entries = topic_rows(topic)
    again = {**entries[0], "id": "", "order": 1}
    response = reviewer_client.post(
        reverse("admin:topics_topic_change", args=[topic.pk]),
        topic_form_data(topic, sections=sections, entries=[*entries, again]),
    )
    assert response.status_code == 200
    assert "这篇文章已在这个专题栏目中" in response.content.decode()
    assert topic.entries.count() == 1


def test_only_the_topics_own_sections_can_be_chosen(reviewer_client):
    topic = TOPIC.make("draft")
    other = TopicSectionFactory(title="别的专题的栏目")
    sections, entries = topic_rows(topic)
    crafted = {"topic": topic.pk, "section": other.pk, "article": ArticleFactory().pk, "order": 0}
    response = reviewer_client.post(
        reverse("admin:topics_topic_change", args=[topic.pk]),
        topic_form_data(topic, sections=sections, entries=[*entries, crafted]),
    )
    assert response.status_code == 200
    assert not TopicArticle.objects.filter(section=other).exists()


def test_the_article_field_searches_titles_through_autocomplete(reviewer_client):
    ArticleFactory(title="基层治理网格化经验交流")
    ArticleFactory(title="无关的文章")
    url = reverse("admin:autocomplete")
    params = {"term": "网格化", "app_label": "topics", "model_name": "topicarticle", "field_name": "article"}
    found = reviewer_client.get(url, params).json()["results"]
    assert [r["text"] for r in found] == ["基层治理网格化经验交流"]


# --- The review rule ---------------------------------------------------------------------


def test_an_editor_proposes_a_topic_for_review_and_cannot_publish_it(editor_client):
    add = reverse("admin:topics_topic_add")
    crafted = {**topic_form_data(status="published"), "banner": banner()}
    response = editor_client.post(add, crafted)
    assert response.status_code in (200, 403) and not Topic.objects.exists()  # not a choice, or refused
    response = editor_client.post(
        add, {**topic_form_data(status="review", show_on_home="", order="7"), "banner": banner()}
    )
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.status == Status.REVIEW
    assert topic.show_on_home and topic.order == 0  # the reviewer's fields keep their defaults
    assert Client().get(topic.get_absolute_url()).status_code == 404


def test_a_reviewer_deletes_a_topic_and_its_sections_but_not_the_articles(reviewer_client):
    topic = TOPIC.make("published")
    article_ids = list(topic.entries.values_list("article_id", flat=True))
    response = reviewer_client.post(reverse("admin:topics_topic_delete", args=[topic.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists() and not TopicSection.objects.filter(topic=topic.pk).exists()
    assert len(article_ids) == 1 and ArticleFactory._meta.model.objects.filter(pk__in=article_ids).count() == 1


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_forms_list_and_history_open(client, editor, reviewer, who):
    client.force_login(editor if who == "editor" else reviewer)
    topic = TOPIC.make("published")
    pages = [
        reverse("admin:topics_topic_changelist"),
        reverse("admin:topics_topic_add"),
        reverse("admin:topics_topic_change", args=[topic.pk]),
        reverse("admin:topics_topic_history", args=[topic.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    change = client.get(pages[2]).content.decode()
    # A published topic is read-only for an editor, editable for a reviewer.
    assert ('name="_save"' in change) == (who == "reviewer")


def test_restoring_a_version_naming_an_article_deleted_since_is_a_chinese_message_not_an_error(reviewer_client):
    # The version holds a row of the topic whose article is gone: writing it back would
    # point at nothing (a 500 before, on the row's name or the deferred foreign key).
    import reversion
    from reversion.models import Version

    topic = TopicFactory(title="基层治理年", status=Status.PUBLISHED)
    section = TopicSectionFactory(topic=topic, title="基层动态")
    gone, kept = ArticleFactory(title="后来删除的文章"), ArticleFactory(title="仍在的文章")
    with reversion.create_revision():
        for article in (gone, kept):
            TopicArticle.objects.create(topic=topic, section=section, article=article)
        topic.save()
    version = Version.objects.get_for_object(topic).get()
    gone.delete()
    url = reverse("admin:topics_topic_revision", args=[topic.pk, version.pk])
    sections, entries = topic_rows(topic)
    data = topic_form_data(topic, sections=sections, entries=entries, status="published")
    for send in (lambda: reviewer_client.get(url), lambda: reviewer_client.post(url, data)):
        response = send()
        assert response.status_code == 302
        message = reviewer_client.get(response["Location"]).content.decode()
        assert "不能恢复这个历史版本" in message and "已被删除" in message
    assert list(topic.entries.values_list("article__title", flat=True)) == ["仍在的文章"]


def test_a_version_naming_something_deleted_says_nothing_to_one_who_may_not_see_topics(client):
    import reversion
    from reversion.models import Version

    from tests.factories import UserFactory

    topic = TopicFactory(title="基层治理年")
    section = TopicSectionFactory(topic=topic)
    gone = ArticleFactory(title="后来删除的文章")
    with reversion.create_revision():
        TopicArticle.objects.create(topic=topic, section=section, article=gone)
        topic.save()
    version = Version.objects.get_for_object(topic).get()
    gone.delete()
    client.force_login(UserFactory(username="staff-without-rights"))
    response = client.get(reverse("admin:topics_topic_revision", args=[topic.pk, version.pk]))
    assert response.status_code == 403  # Django's refusal, not the message naming the version's rows
