import importlib
import random

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone

from demo import samples
from news.models import Article, Category, Page
from topics.models import Topic, TopicArticle, TopicSection


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"lanmu-{n}")
    order = factory.Sequence(lambda n: n)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"乌达区党建工作动态第{n}期")
    category = factory.SubFactory(CategoryFactory)
    body = "<p>乌达区牢固树立基层治理核心是党的领导的理念。</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic

    title = factory.Sequence(lambda n: f"基层治理年专题{n}")
    slug = factory.Sequence(lambda n: f"zhuanti-{n}")
    banner = factory.LazyFunction(lambda: ContentFile(samples.image("jpg", size=(1200, 300)), name="banner.jpg"))
    description = "聚焦党建引领基层治理，集中展示全区的部署和基层的实践。"
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=30))
    status = Topic.Status.PUBLISHED


class TopicSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TopicSection

    topic = factory.SubFactory(TopicFactory)
    title = factory.Sequence(lambda n: f"专题栏目{n}")
    order = factory.Sequence(lambda n: n)


def add_to_section(section, *articles):
    """Put `articles` into `section` (in that order by hand)."""
    for order, article in enumerate(articles):
        TopicArticle.objects.create(topic=section.topic, section=section, article=article, order=order)


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    title = factory.Sequence(lambda n: f"单页{n}")
    slug = factory.Sequence(lambda n: f"danye-{n}")
    body = "<p>乌达区委组织部负责全区党的组织建设。</p>"
    status = Page.Status.PUBLISHED


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")
    is_staff = True

    @factory.post_generation
    def group(self, create, extracted, **kwargs):
        if create and extracted:
            ensure_workflow_groups()
            self.groups.add(Group.objects.get(name=extracted))


def ensure_workflow_groups():
    """The groups the data migrations create: tests that empty the tables lose them."""
    if Group.objects.filter(name__in=["编辑", "审核发布"]).count() == 2:
        return
    from django.apps import apps

    workflow = importlib.import_module("news.migrations.0002_workflow_groups")
    attachment_permissions = importlib.import_module("attachments.migrations.0002_workflow_group_permissions")
    topic_permissions = importlib.import_module("topics.migrations.0001_initial")
    page_permissions = importlib.import_module("news.migrations.0012_single_pages")
    workflow.create_groups(apps, None)
    attachment_permissions.grant(apps, None)
    topic_permissions.grant(apps, None)
    page_permissions.grant(apps, None)


def article_form_data(article=None, **overrides):
    """What the admin's article form posts (with an empty attachments inline)."""
    if "category" not in overrides:
        overrides["category"] = (article.category if article else CategoryFactory()).pk
    data = {
        "title": article.title if article else "新文章",
        "subtitle": "",
        "source": "",
        "author": "",
        "published_at_0": "2026-01-01",
        "published_at_1": "09:00:00",
        "body": "<p>正文</p>",
        "summary": "",
        "status": "draft",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def page_form_data(page=None, **overrides):
    """What the admin's single-page form posts (with an empty attachments inline)."""
    data = {
        "title": page.title if page else "新单页",
        "slug": page.slug if page else "",
        "body": "<p>正文</p>",
        "status": "draft",
        "nav_order": "0",
        "category": "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    return data | overrides


def topic_form_data(topic=None, *, sections=(), entries=(), **overrides):
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


def topic_rows(topic):
    """A stored topic's sections and articles, as its form's rows post them."""
    sections = [
        {"id": s.pk, "topic": topic.pk, "title": s.title, "order": s.order, "ordering": s.ordering}
        for s in topic.sections.all()
    ]
    entries = [
        {"id": e.pk, "topic": topic.pk, "section": e.section_id, "article": e.article_id, "order": e.order}
        for e in topic.entries.all()
    ]
    return sections, entries


def varied_text(length, seed=26):
    """
    `length` characters drawn from all of CJK's unified ideographs, the same for a seed:
    nearly every two-character piece a new one (a bigram vector past 1 MB near 175,000).
    """
    rng = random.Random(seed)
    return "".join(rng.choices([chr(c) for c in range(0x4E00, 0x9FA6)], k=length))
