"""
Topics in the admin: bad input refused with a Chinese message, and the review rule on
every path an 编辑 has (the change form and its sections and articles, the list's
actions, restoring a revision from 历史, recover, delete). 编辑 draft a topic and propose
articles for its sections; only 审核发布 publish it, change it once published, or set
where it shows on the home page.
"""

import datetime

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from demo import samples
from tests.factories import ArticleFactory, TopicFactory, TopicSectionFactory, add_to_section
from topics.models import Topic, TopicArticle, TopicSection

pytestmark = pytest.mark.django_db

Status = Topic.Status
STATES = ["draft", "review", "published", "withdrawn"]
EDITABLE_BY_EDITOR = {"draft", "review", "withdrawn"}


def banner(size=(1200, 300), name="横幅.jpg"):
    return SimpleUploadedFile(name, samples.image("jpg", size=size), content_type="image/jpeg")


def form_data(topic=None, *, sections=(), entries=(), **overrides):
    """What the topic form posts: its fields, its sections and its articles."""
    data = {
        "title": topic.title if topic else "学习贯彻党的二十届四中全会精神",
        "slug": topic.slug if topic else "sizhong-quanhui",
        "description": topic.description if topic else "深入学习宣传贯彻全会精神。",
        "start_date": str(topic.start_date if topic else timezone.localdate()),
        "end_date": str(topic.end_date or "") if topic else "",
        "status": "draft",
        "order": "0",
        "show_on_home": "on",
    }
    for prefix, rows in (("sections", sections), ("entries", entries)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{name}": str(value) for name, value in row.items()})
    return data | overrides


def existing_rows(topic):
    sections = [
        {"id": s.pk, "topic": topic.pk, "title": s.title, "order": s.order, "ordering": s.ordering}
        for s in topic.sections.all()
    ]
    entries = [
        {"id": e.pk, "topic": topic.pk, "section": e.section_id, "article": e.article_id, "order": e.order}
        for e in topic.entries.all()
    ]
    return sections, entries


def make_topic(state, **fields):
    topic = TopicFactory(title="原来的专题", status=state, **fields)
    section = TopicSectionFactory(topic=topic, title="中央精神")
    add_to_section(section, ArticleFactory(title="原来的文章"))
    with reversion.create_revision():
        topic.save()
    return topic


def snapshot(topic):
    topic = Topic.objects.get(pk=topic.pk)
    return (
        topic.title,
        topic.status,
        topic.show_on_home,
        topic.order,
        list(topic.sections.values_list("pk", "title")),
        list(topic.entries.values_list("pk", "section_id", "article_id")),
    )


def assert_refused_or_done(response, topic, before, *, editor_may):
    if editor_may:
        assert response.status_code == 302, response.content.decode()[:3000]
        assert snapshot(topic) != before
    else:
        assert response.status_code == 403, response.status_code
        assert snapshot(topic) == before


# --- Bad input --------------------------------------------------------------------------


def test_a_reviewer_creates_a_topic_with_sections_then_chooses_articles(reviewer_client):
    add = reverse("admin:topics_topic_add")
    data = form_data(sections=[{"title": "中央精神", "order": 0, "ordering": "newest"}], status="published")
    response = reviewer_client.post(add, {**data, "banner": banner()})
    assert response.status_code == 302, response.content.decode()[:3000]
    topic = Topic.objects.get(slug="sizhong-quanhui")
    assert topic.banner.name.startswith("topics/") and topic.created_by is not None
    section = topic.sections.get()
    article = ArticleFactory(title="全会精神宣讲走进社区")
    sections, _ = existing_rows(topic)
    change = reverse("admin:topics_topic_change", args=[topic.pk])
    entries = [{"topic": topic.pk, "section": section.pk, "article": article.pk, "order": 0}]
    response = reviewer_client.post(change, form_data(topic, sections=sections, entries=entries, status="published"))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert "全会精神宣讲走进社区" in Client().get(topic.get_absolute_url()).content.decode()


def test_a_slug_that_exists_already_is_a_chinese_error_on_the_form(reviewer_client):
    TopicFactory(slug="sizhong-quanhui")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**form_data(), "banner": banner()})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == ["已有专题使用这个地址名称，请换一个。"]
    assert Topic.objects.filter(slug="sizhong-quanhui").count() == 1


def test_a_slug_the_topic_addresses_use_themselves_is_a_chinese_error(reviewer_client):
    # /topics/feed/ is the topics' RSS feed: a topic named "feed" would never show its page.
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**form_data(slug="feed"), "banner": banner()})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == ["“feed”是网站保留的地址名称，请换一个。"]
    assert not Topic.objects.exists()


def test_a_reserved_slug_is_refused_with_a_bad_period_too(reviewer_client):
    data = form_data(slug="feed", start_date="2026-03-01", end_date="2026-02-28")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    form = response.context["adminform"].form
    assert form.errors["slug"] == ["“feed”是网站保留的地址名称，请换一个。"]
    assert form.errors["end_date"] == ["结束日期不能早于开始日期。"]


def test_an_empty_slug_is_the_titles_pinyin_as_for_single_pages(editor_client):
    data = form_data(title="基层治理年", slug="", status="review")
    response = editor_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Topic.objects.get().slug == "jicengzhilinian"


def test_a_suggested_slug_that_is_taken_is_the_same_chinese_error_and_says_what_it_was(reviewer_client):
    TopicFactory(slug="jicengzhilinian")
    data = form_data(title="基层治理年", slug="")
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
    data = form_data(title=title, slug="")
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**data, "banner": banner()})
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors["slug"]
    assert not Topic.objects.exists()


def test_an_end_date_before_the_start_date_is_a_chinese_error(reviewer_client):
    data = form_data(start_date="2026-03-01", end_date="2026-02-28")
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
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**form_data(), "banner": upload})
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors["banner"])
    assert not Topic.objects.exists()


def test_a_banner_is_stored_re_encoded_under_a_generated_name(reviewer_client):
    response = reviewer_client.post(reverse("admin:topics_topic_add"), {**form_data(), "banner": banner()})
    assert response.status_code == 302
    stored = Topic.objects.get().banner
    assert "横幅" not in stored.name and stored.name.endswith(".jpg")
    assert stored.read() != samples.image("jpg", size=(1200, 300))  # re-encoded, not as uploaded


def test_an_article_twice_in_one_section_is_a_chinese_error(reviewer_client):
    topic = make_topic("draft")
    sections, entries = existing_rows(topic)
    again = {**entries[0], "id": "", "order": 1}
    response = reviewer_client.post(
        reverse("admin:topics_topic_change", args=[topic.pk]),
        form_data(topic, sections=sections, entries=[*entries, again]),
    )
    assert response.status_code == 200
    assert "这篇文章已在这个专题栏目中" in response.content.decode()
    assert topic.entries.count() == 1


def test_only_the_topics_own_sections_can_be_chosen(reviewer_client):
    topic = make_topic("draft")
    other = TopicSectionFactory(title="别的专题的栏目")
    sections, entries = existing_rows(topic)
    crafted = {"topic": topic.pk, "section": other.pk, "article": ArticleFactory().pk, "order": 0}
    response = reviewer_client.post(
        reverse("admin:topics_topic_change", args=[topic.pk]),
        form_data(topic, sections=sections, entries=[*entries, crafted]),
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


# --- The review rule on every path an editor has ----------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_change_form(editor_client, state):
    topic = make_topic(state)
    before = snapshot(topic)
    sections, entries = existing_rows(topic)
    data = form_data(topic, sections=sections, entries=entries, title="编辑改的标题", status="review")
    response = editor_client.post(reverse("admin:topics_topic_change", args=[topic.pk]), data)
    assert_refused_or_done(response, topic, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("change", ["propose-article", "delete-section"])
def test_sections_and_articles_on_the_form(editor_client, state, change):
    topic = make_topic(state)
    before = snapshot(topic)
    sections, entries = existing_rows(topic)
    if change == "propose-article":
        entries.append({"topic": topic.pk, "section": sections[0]["id"], "article": ArticleFactory().pk, "order": 1})
    else:
        sections[0]["DELETE"] = "on"
    data = form_data(topic, sections=sections, entries=entries, status="review")
    response = editor_client.post(reverse("admin:topics_topic_change", args=[topic.pk]), data)
    assert_refused_or_done(response, topic, before, editor_may=state in EDITABLE_BY_EDITOR)


def test_an_editor_proposes_a_topic_for_review_and_cannot_publish_it(editor_client):
    add = reverse("admin:topics_topic_add")
    crafted = {**form_data(status="published"), "banner": banner()}
    response = editor_client.post(add, crafted)
    assert response.status_code in (200, 403) and not Topic.objects.exists()  # not a choice, or refused
    response = editor_client.post(add, {**form_data(status="review", show_on_home="", order="7"), "banner": banner()})
    assert response.status_code == 302
    topic = Topic.objects.get()
    assert topic.status == Status.REVIEW
    assert topic.show_on_home and topic.order == 0  # the reviewer's fields keep their defaults
    assert Client().get(topic.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ["submit_for_review", "publish", "withdraw", "delete_selected"])
def test_list_actions(editor_client, state, action):
    topic = make_topic(state)
    before = snapshot(topic)
    url = reverse("admin:topics_topic_changelist")
    editor_client.post(url, {"action": action, "_selected_action": [topic.pk], "post": "yes"})
    after = snapshot(topic)
    if state == "draft" and action == "submit_for_review":
        assert after[1] == Status.REVIEW
    else:
        assert after == before


def _draft_version_then(state):
    """A topic saved as a draft (a version of it), then put into `state` by a reviewer."""
    topic = make_topic("draft")
    draft_version = Version.objects.get_for_object(topic).first()
    topic.status = state
    with reversion.create_revision():
        topic.save()
    return topic, draft_version


@pytest.mark.parametrize("state", STATES)
def test_history_restore(editor_client, state):
    topic, draft_version = _draft_version_then(state)
    public_before = Client().get(topic.get_absolute_url()).status_code
    before = snapshot(topic)
    sections, entries = existing_rows(topic)
    url = reverse("admin:topics_topic_revision", args=[topic.pk, draft_version.pk])
    data = form_data(topic, sections=sections, entries=entries, title="任意标题", status="review")
    response = editor_client.post(url, data)
    assert_refused_or_done(response, topic, before, editor_may=state in EDITABLE_BY_EDITOR)
    if state not in EDITABLE_BY_EDITOR:
        assert Client().get(topic.get_absolute_url()).status_code == public_before
        shown = editor_client.get(url)  # the old version can be read, not saved
        assert shown.status_code == 200 and 'name="_save"' not in shown.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_recover_of_a_live_topic(editor_client, state):
    topic, draft_version = _draft_version_then(state)
    before = snapshot(topic)
    sections, entries = existing_rows(topic)
    url = reverse("admin:topics_topic_recover", args=[draft_version.pk])
    response = editor_client.post(
        url, form_data(topic, sections=sections, entries=entries, title="任意", status="review")
    )
    assert_refused_or_done(response, topic, before, editor_may=state in EDITABLE_BY_EDITOR)


@pytest.mark.parametrize("state", STATES)
def test_an_editor_recovers_a_deleted_topic_only_out_of_public_view(editor_client, state):
    topic = make_topic(state, show_on_home=False)
    pk, slug = topic.pk, topic.slug
    topic.delete()
    version = Version.objects.get_deleted(Topic).get(object_id=str(pk))
    url = reverse("admin:topics_topic_recover", args=[version.pk])
    crafted = form_data(topic, status="published")
    assert editor_client.post(url, crafted).status_code in (200, 403)
    assert not Topic.objects.filter(pk=pk).exists()
    response = editor_client.post(url, form_data(topic, status="review"))
    assert response.status_code == 302
    recovered = Topic.objects.get(pk=pk)
    assert recovered.status == Status.REVIEW and recovered.show_on_home  # home placement is the reviewer's
    assert Client().get(f"/topics/{slug}/").status_code == 404


@pytest.mark.parametrize("state", STATES)
def test_an_editor_cannot_delete_topics(editor_client, state):
    topic = make_topic(state)
    response = editor_client.post(reverse("admin:topics_topic_delete", args=[topic.pk]), {"post": "yes"})
    assert response.status_code == 403 and Topic.objects.filter(pk=topic.pk).exists()


def test_a_reviewer_deletes_a_topic_and_its_sections_but_not_the_articles(reviewer_client):
    topic = make_topic("published")
    article_ids = list(topic.entries.values_list("article_id", flat=True))
    response = reviewer_client.post(reverse("admin:topics_topic_delete", args=[topic.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Topic.objects.filter(pk=topic.pk).exists() and not TopicSection.objects.filter(topic=topic.pk).exists()
    assert len(article_ids) == 1 and ArticleFactory._meta.model.objects.filter(pk__in=article_ids).count() == 1


@pytest.mark.parametrize("state", STATES)
def test_a_reviewer_may_restore_any_version_sections_and_articles_included(reviewer_client, state):
    topic, draft_version = _draft_version_then(state)
    sections, entries = existing_rows(topic)
    TopicSection.objects.filter(topic=topic).delete()  # the sections and their articles, gone
    url = reverse("admin:topics_topic_revision", args=[topic.pk, draft_version.pk])
    response = reviewer_client.post(
        url,
        form_data(
            topic, sections=sections, entries=entries, title="恢复的标题", review_comment="恢复到草稿版本，请重新整理。"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    topic.refresh_from_db()
    assert topic.title == "恢复的标题"
    assert list(topic.sections.values_list("title", flat=True)) == ["中央精神"]
    assert topic.entries.count() == 1


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_forms_list_and_history_open(client, editor, reviewer, who):
    client.force_login(editor if who == "editor" else reviewer)
    topic = make_topic("published")
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
