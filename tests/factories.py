import importlib

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
