"""
Proposals (专题文章): an 编辑 proposes an article for a section of a running topic; it is in
review, not shown, until a 审核发布 publishes (accepts) it. The 编辑 changes nothing that is
public in the topic and publishes nothing, on every path (the form, the list's actions,
delete, restoring a version); the proposal waits in the reviewers' queue on the workbench.
"""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
import reversion
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from news.models import Article
from tests.factories import ArticleFactory, TopicFactory, TopicSectionFactory, add_to_section, topic_form_data
from topics.models import Topic, TopicArticle

pytestmark = pytest.mark.django_db

Status = TopicArticle.Status
ADD = reverse("admin:topics_topicarticle_add")
CHANGELIST = reverse("admin:topics_topicarticle_changelist")


@pytest.fixture
def running():
    """A published, running topic whose section shows one article."""
    topic = TopicFactory(title="基层治理年", status=Topic.Status.PUBLISHED)
    section = TopicSectionFactory(topic=topic, title="基层动态")
    add_to_section(section, ArticleFactory(title="已在专题中的文章"))
    return section


def proposal_data(section, article, **overrides):
    return {"section": section.pk, "article": article.pk, "order": "0", "status": "review", **overrides}


def public_pages(section, article):
    """What residents see of the topic: its page, the section's list, the article's page, the feed."""
    client = Client()
    feed = ET.fromstring(client.get(reverse("topics:topic-feed", args=[section.topic.slug])).content)
    return {
        "topic": article.title in client.get(section.topic.get_absolute_url()).content.decode(),
        "section": article.title in client.get(section.get_absolute_url()).content.decode(),
        "article": "本文所属专题" in client.get(article.get_absolute_url()).content.decode(),
        "feed": article.title in [item.findtext("title") for item in feed.iter("item")],
    }


def test_an_editor_proposes_an_article_for_a_running_topic_shown_once_a_reviewer_accepts_it(
    editor_client, editor, reviewer, running
):
    article = ArticleFactory(title="网格员走进居民楼宣讲政策")
    response = editor_client.post(ADD, proposal_data(running, article))
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = TopicArticle.objects.get(article=article)
    assert (proposal.topic, proposal.status, proposal.created_by) == (running.topic, Status.REVIEW, editor)
    assert public_pages(running, article) == {"topic": False, "section": False, "article": False, "feed": False}

    reviewer_client = Client()
    reviewer_client.force_login(reviewer)
    response = reviewer_client.post(CHANGELIST, {"action": "publish", "_selected_action": [proposal.pk]})
    assert response.status_code == 302
    assert TopicArticle.objects.get(pk=proposal.pk).status == Status.PUBLISHED
    assert public_pages(running, article) == {"topic": True, "section": True, "article": True, "feed": True}


def test_a_section_whose_only_article_is_proposed_stays_hidden(client, running):
    section = TopicSectionFactory(topic=running.topic, title="只有推荐")
    TopicArticle.objects.create(topic=running.topic, section=section, article=ArticleFactory(), status=Status.REVIEW)
    assert "只有推荐" not in client.get(running.topic.get_absolute_url()).content.decode()
    assert client.get(section.get_absolute_url()).status_code == 404
    assert section.get_absolute_url() not in client.get("/sitemap-topic-sections.xml").content.decode()


def test_an_editor_cannot_publish_a_proposal(editor_client, running):
    article = ArticleFactory()
    response = editor_client.post(ADD, proposal_data(running, article, status="published"))
    assert response.status_code in (200, 403)
    assert not TopicArticle.objects.filter(article=article).exists()
    proposal = TopicArticle.objects.create(topic=running.topic, section=running, article=article, status=Status.REVIEW)
    for action in ("publish", "withdraw"):
        editor_client.post(CHANGELIST, {"action": action, "_selected_action": [proposal.pk], "post": "yes"})
    change = reverse("admin:topics_topicarticle_change", args=[proposal.pk])
    editor_client.post(change, proposal_data(running, article, status="published"))
    assert TopicArticle.objects.get(pk=proposal.pk).status == Status.REVIEW


def test_an_editor_changes_nothing_public_in_the_topic(editor_client, running):
    shown = running.entries.get()
    before = (shown.section_id, shown.article_id, shown.order, shown.status)
    change = reverse("admin:topics_topicarticle_change", args=[shown.pk])
    other = ArticleFactory()
    response = editor_client.post(change, proposal_data(running, other, status="review"))
    assert response.status_code == 403
    response = editor_client.post(reverse("admin:topics_topicarticle_delete", args=[shown.pk]), {"post": "yes"})
    assert response.status_code == 403
    editor_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [shown.pk], "post": "yes"})
    shown = TopicArticle.objects.get(pk=shown.pk)
    assert (shown.section_id, shown.article_id, shown.order, shown.status) == before
    # The topic itself stays read-only for an editor, its sections and articles with it.
    html = editor_client.get(reverse("admin:topics_topic_change", args=[running.topic.pk])).content.decode()
    assert 'name="_save"' not in html and reverse("admin:topics_topicarticle_add") in html


def test_an_editor_cannot_restore_an_accepted_proposal_to_an_earlier_version(editor_client, reviewer, running):
    article = ArticleFactory()
    with reversion.create_revision():
        proposal = TopicArticle.objects.create(
            topic=running.topic, section=running, article=article, status=Status.REVIEW
        )
    with reversion.create_revision():
        proposal.status = Status.PUBLISHED
        proposal.save()
    draft_version = Version.objects.get_for_object(proposal).last()
    url = reverse("admin:topics_topicarticle_revision", args=[proposal.pk, draft_version.pk])
    response = editor_client.post(url, proposal_data(running, ArticleFactory(), status="review"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert (proposal.status, proposal.article_id) == (Status.PUBLISHED, article.pk)


def test_an_article_proposed_twice_for_a_section_is_a_chinese_error(editor_client, running):
    response = editor_client.post(ADD, proposal_data(running, running.entries.get().article))
    assert response.status_code == 200
    assert "这篇文章已在这个专题栏目中。" in response.content.decode()


def test_the_form_started_from_a_topic_offers_its_sections_and_proposes_by_default(editor_client, running):
    other = TopicSectionFactory(title="别的专题的栏目")
    html = editor_client.get(f"{ADD}?topic={running.topic.pk}").content.decode()
    assert "基层治理年 › 基层动态" in html and other.title not in html
    assert re.search(r'<option value="review" selected>', html)
    assert 'value="published"' not in html  # not a choice an editor has


def test_the_proposal_waits_in_the_reviewers_queue_and_in_the_editors_own_list(
    client, editor, reviewer, editor_client, running
):
    editor_client.post(ADD, proposal_data(running, ArticleFactory(title="网格员走进居民楼宣讲政策")))
    client.force_login(reviewer)
    html = re.sub(r"\s+", " ", client.get(reverse("admin:index")).content.decode())
    queue = html[html.index('class="wb-section wb-queue') :]
    queue = queue[: queue.index("</section>")]
    assert "基层治理年 › 基层动态：网格员走进居民楼宣讲政策" in queue and "专题文章" in queue
    client.force_login(editor)
    html = re.sub(r"\s+", " ", client.get(reverse("admin:index")).content.decode())
    mine = html[html.index('class="wb-section wb-mine') :]
    assert "网格员走进居民楼宣讲政策" in mine[: mine.index("</section>")]


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_list_forms_and_history_open(client, editor, reviewer, running, who):
    client.force_login(editor if who == "editor" else reviewer)
    shown = running.entries.get()
    pages = [
        CHANGELIST,
        f"{CHANGELIST}?status__exact=review",
        f"{ADD}?topic=99999999999999999999",  # not a topic: every section offered, no error
        reverse("admin:topics_topicarticle_change", args=[shown.pk]),
        reverse("admin:topics_topicarticle_history", args=[shown.pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 200, url
    change = client.get(pages[3]).content.decode()
    # An accepted row is read-only for an editor, editable for a reviewer.
    assert ('name="_save"' in change) == (who == "reviewer")


def test_restoring_an_own_draft_topic_does_not_pull_an_accepted_article_out_of_a_running_topic(editor_client, running):
    # An editor's draft topic whose stored version held a proposal that has since moved to a
    # running topic and been accepted there: restoring the draft's version would write the
    # row back into the draft (in review again), taking it off the public topic unreviewed.
    draft = TopicFactory(title="草稿专题", status=Topic.Status.DRAFT)
    own_section = TopicSectionFactory(topic=draft, title="草稿栏目")
    article = ArticleFactory(title="被移走的文章")
    with reversion.create_revision():
        moved = TopicArticle.objects.create(topic=draft, section=own_section, article=article, status=Status.REVIEW)
        draft.save()
    old_version = Version.objects.get_for_object(draft).get()
    moved.topic, moved.section, moved.status = running.topic, running, Status.PUBLISHED
    moved.save()
    assert public_pages(running, article)["section"]

    url = reverse("admin:topics_topic_revision", args=[draft.pk, old_version.pk])
    sections = [{"id": own_section.pk, "topic": draft.pk, "title": own_section.title, "order": 0, "ordering": "newest"}]
    response = editor_client.post(url, topic_form_data(draft, sections=sections, status="draft"))
    assert response.status_code == 403
    moved.refresh_from_db()
    assert (moved.topic_id, moved.section_id, moved.status) == (running.topic_id, running.pk, Status.PUBLISHED)
    assert public_pages(running, article)["section"]


@pytest.mark.parametrize("accepted_by", ["form", "action"])
def test_a_reviewer_sees_the_state_of_a_proposed_draft_and_is_told_it_shows_once_published(
    reviewer_client, running, accepted_by
):
    # Accepting a proposal of draft 44 said 「已保存」 and 已发布, and nothing showed on the topic.
    draft = ArticleFactory(title="网格员走进居民楼", status=Article.Status.DRAFT, published_at=None)
    proposal = TopicArticle.objects.create(topic=running.topic, section=running, article=draft, status=Status.REVIEW)
    change = reverse("admin:topics_topicarticle_change", args=[proposal.pk])
    form = reviewer_client.get(change).content.decode()
    assert (
        f'<strong>草稿</strong>　<a href="{draft.get_absolute_url()}" target="_blank" rel="noopener">预览文章</a>'
        in form
    )
    assert "专题中只显示已公开的文章，要等这篇文章发布后才会显示在专题中。" in form
    assert "草稿　<a" in reviewer_client.get(CHANGELIST).content.decode()

    if accepted_by == "form":
        response = reviewer_client.post(change, proposal_data(running, draft, status="published"), follow=True)
    else:
        response = reviewer_client.post(
            CHANGELIST, {"action": "publish", "_selected_action": [proposal.pk]}, follow=True
        )
    assert TopicArticle.objects.get(pk=proposal.pk).status == Status.PUBLISHED
    assert "“网格员走进居民楼”已采用到“基层动态”，但这篇文章目前是“草稿”，公众还看不到" in response.content.decode()
    assert "草稿（发布后才在专题中显示）" in reviewer_client.get(CHANGELIST).content.decode()
    assert public_pages(running, draft)["section"] is False

    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    listing = reviewer_client.get(CHANGELIST).content.decode()
    assert "发布后才在专题中显示" not in listing and f'<a href="{draft.get_absolute_url()}" target="_blank"' in listing
    assert "公众还看不到" not in reviewer_client.get(change).content.decode()
    assert public_pages(running, draft)["section"] is True


def test_the_list_shows_the_newest_changes_first_with_times_written_as_elsewhere(reviewer_client, running):
    # The rows were in the sections' order across topics (no visible order), the times 「2026年12月1日 08:24」.
    earlier = running.entries.get()
    TopicArticle.objects.filter(pk=earlier.pk).update(updated_at=timezone.now() - timedelta(days=2))
    later = TopicArticle.objects.create(
        topic=running.topic, section=running, article=ArticleFactory(title="刚推荐的文章"), status=Status.REVIEW
    )
    html = reviewer_client.get(CHANGELIST).content.decode()
    assert html.index("刚推荐的文章") < html.index("已在专题中的文章")
    assert f'<td class="field-updated_column">{timezone.localtime(later.updated_at):%Y-%m-%d %H:%M}</td>' in html
    assert f"{timezone.localtime(later.updated_at).year}年" not in html


def test_publishing_a_selection_acts_on_counts_and_warns_of_only_the_entries_it_changes(reviewer_client, running):
    # Entries already published were published again (a revision each, 修改时间 moved), counted
    # and warned of as if they had just been accepted.
    draft = ArticleFactory(title="还是草稿的文章", status=Article.Status.DRAFT, published_at=None)
    accepted = TopicArticle.objects.create(topic=running.topic, section=running, article=draft, status=Status.PUBLISHED)
    other = TopicSectionFactory(topic=running.topic, title="工作动态")
    proposal = TopicArticle.objects.create(
        topic=running.topic,
        section=other,
        article=ArticleFactory(title="新推荐的草稿", status=Article.Status.DRAFT),
        status=Status.REVIEW,
    )
    accepted_at = accepted.updated_at
    response = reviewer_client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [accepted.pk, proposal.pk]}, follow=True
    )
    html = response.content.decode()
    assert "已发布 1 篇专题文章。" in html
    assert "1 篇专题文章原已是“已发布”，未作改动。" in html
    assert "“新推荐的草稿”已采用到“工作动态”" in html
    assert "“还是草稿的文章”已采用到" not in html  # accepted before: not warned of again
    assert TopicArticle.objects.get(pk=accepted.pk).updated_at == accepted_at
    assert TopicArticle.objects.get(pk=proposal.pk).status == Status.PUBLISHED
