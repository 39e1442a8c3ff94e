"""
The reviewed models (articles, single pages, topics) as the review rule's suite
(test_rule_paths.py) tries them: how to make one in a state, what its admin's form posts,
and what of it must stay as it was when an editor is refused.
"""

from datetime import timedelta

import reversion
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Article, Page
from tests.factories import (
    ArticleFactory,
    PageFactory,
    TopicFactory,
    TopicSectionFactory,
    add_to_section,
    article_form_data,
    page_form_data,
    topic_form_data,
    topic_rows,
)
from topics.models import Topic

STATES = ("draft", "review", "published", "withdrawn")
EDITABLE_BY_EDITOR = {"draft", "review", "withdrawn"}
ACTIONS = ("submit_for_review", "publish", "withdraw", "delete_selected")
RETURN_COMMENT = "恢复到草稿版本，请重新整理。"


class Reviewed:
    """What the suite needs of one reviewed model; each subclass fills it in for its own."""

    model = None
    states = STATES
    actions = ACTIONS
    # Fields only reviewers set, with a value an editor's recovery of a deleted one must not bring back.
    set_by_reviewer = {}
    inline_changes = ()  # what the suite changes in the form's inline rows
    restore_overrides = {}  # what a reviewer restoring an old version posts besides the title

    @property
    def name(self):
        return self.model._meta.model_name

    def url(self, view, *args):
        return reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{view}", args=args)

    def make(self, state, **fields):
        """One in `state`, with what its form edits besides its own fields, saved as a version."""
        raise NotImplementedError

    def snapshot(self, obj):
        """What an editor's refused request must leave as it was; status second."""
        raise NotImplementedError

    def form_data(self, obj, **overrides):
        """What its change form posts for `obj` as stored, inline rows included."""
        raise NotImplementedError

    def deleted_form_data(self, obj, **overrides):
        """What recovering `obj`, deleted, posts."""
        raise NotImplementedError

    def inline_data(self, obj, change):
        """The change form, with `change` (one of inline_changes) made to its inline rows."""
        raise NotImplementedError

    def reviewer_sets(self, obj, state):
        """Put a draft into `state`, as a reviewer does (saved by the caller)."""
        obj.status = state

    def draft_version_then(self, state):
        """One saved as a draft (a version of it), then put into `state` by a reviewer."""
        obj = self.make("draft")
        draft_version = Version.objects.get_for_object(obj).first()
        self.reviewer_sets(obj, state)
        with reversion.create_revision():
            obj.save()
        return obj, draft_version

    def lose_parts(self, obj):
        """Before a reviewer restores an old version: lose what the version brings back besides the object."""

    def check_restored(self, obj):
        """What else a reviewer's restoring of the draft version brought back."""


class Attached(Reviewed):
    """A reviewed model with attachments, edited in its form's inline."""

    inline_changes = ("rename", "delete")
    inline_overrides = {}
    published_overrides = {"status": "published"}

    def make_attached(self, obj):
        attachment_create(
            **{self.name: obj}, file=ContentFile(samples.pdf(), name="原来的附件.pdf"), title="原来的附件"
        )
        with reversion.create_revision():
            obj.save()
        return obj

    def snapshot_attachments(self, obj):
        return list(Attachment.objects.filter(**{self.name: obj}).values_list("pk", "title", "file"))

    def attachment_rows(self, obj, attachment, *, title, delete=False):
        rows = {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            f"attachments-0-{self.name}": str(obj.pk),
            "attachments-0-title": title,
            "attachments-0-order": "0",
        }
        if delete:
            rows["attachments-0-DELETE"] = "on"
        return rows

    def inline_data(self, obj, change):
        attachment = obj.attachments.get()
        title = "改名的附件" if change == "rename" else attachment.title
        rows = self.attachment_rows(obj, attachment, title=title, delete=change == "delete")
        return self.form_data(obj, **self.inline_overrides) | rows


class ArticleKind(Attached):
    model = Article
    states = (*STATES, "scheduled")  # published, with a time to come
    actions = ("submit_for_review", "publish", "withdraw", "pin", "unpin", "delete_selected")
    set_by_reviewer = {"is_pinned": True}
    inline_overrides = {"title": "编辑改的标题", "status": "draft"}
    published_overrides = {"status": "published", "published_at_0": "2020-01-01"}
    restore_overrides = {"status": "draft", "review_comment": RETURN_COMMENT}  # a return (退回) says why

    @staticmethod
    def _state_fields(state):
        if state == "scheduled":
            return {"status": "published", "published_at": timezone.now() + timedelta(days=2)}
        return {"status": state, "published_at": timezone.now() - timedelta(hours=1)}

    def make(self, state, **fields):
        return self.make_attached(ArticleFactory(title="原来的标题", **self._state_fields(state), **fields))

    def snapshot(self, obj):
        article = Article.objects.get(pk=obj.pk)
        return (article.title, article.status, article.is_pinned, self.snapshot_attachments(article))

    def form_data(self, obj, **overrides):
        return article_form_data(obj, **overrides)

    def deleted_form_data(self, obj, **overrides):
        return article_form_data(title="原来的标题", **overrides)

    def reviewer_sets(self, obj, state):
        for name, value in self._state_fields(state).items():
            setattr(obj, name, value)


class PageKind(Attached):
    model = Page
    inline_overrides = {"status": "draft"}
    restore_overrides = {"status": "published"}

    def make(self, state, **fields):
        return self.make_attached(PageFactory(title="原来的标题", slug="yuanlai", status=state, **fields))

    def snapshot(self, obj):
        page = Page.objects.get(pk=obj.pk)
        return (page.title, page.status, page.body, self.snapshot_attachments(page))

    def form_data(self, obj, **overrides):
        return page_form_data(obj, **overrides)

    def deleted_form_data(self, obj, **overrides):
        return page_form_data(title="原来的标题", slug="yuanlai", **overrides)

    def reviewer_sets(self, obj, state):
        obj.status = state
        obj.body = "<p>审核后的正文</p>"

    def check_restored(self, obj):
        assert obj.body == "<p>正文</p>"
        assert Client().get(obj.get_absolute_url()).status_code == 200


class TopicKind(Reviewed):
    model = Topic
    set_by_reviewer = {"show_on_home": False}
    inline_changes = ("propose-article", "delete-section")
    restore_overrides = {"review_comment": RETURN_COMMENT}

    def make(self, state, **fields):
        topic = TopicFactory(title="原来的专题", status=state, **fields)
        section = TopicSectionFactory(topic=topic, title="中央精神")
        add_to_section(section, ArticleFactory(title="原来的文章"))
        with reversion.create_revision():
            topic.save()
        return topic

    def snapshot(self, obj):
        topic = Topic.objects.get(pk=obj.pk)
        return (
            topic.title,
            topic.status,
            topic.show_on_home,
            topic.order,
            list(topic.sections.values_list("pk", "title")),
            list(topic.entries.values_list("pk", "section_id", "article_id")),
        )

    def form_data(self, obj, **overrides):
        sections, entries = topic_rows(obj)
        return topic_form_data(obj, sections=sections, entries=entries, **overrides)

    def deleted_form_data(self, obj, **overrides):
        return topic_form_data(obj, **overrides)

    def inline_data(self, obj, change):
        sections, entries = topic_rows(obj)
        if change == "propose-article":
            entries.append({"topic": obj.pk, "section": sections[0]["id"], "article": ArticleFactory().pk, "order": 1})
        else:
            sections[0]["DELETE"] = "on"
        return topic_form_data(obj, sections=sections, entries=entries, status="review")

    def lose_parts(self, obj):
        obj.sections.all().delete()  # the sections and their articles, gone

    def check_restored(self, obj):
        assert list(obj.sections.values_list("title", flat=True)) == ["中央精神"]
        assert obj.entries.count() == 1


ARTICLE, PAGE, TOPIC = ArticleKind(), PageKind(), TopicKind()
KINDS = (ARTICLE, PAGE, TOPIC)
ATTACHED = (ARTICLE, PAGE)
