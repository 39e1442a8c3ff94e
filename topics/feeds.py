from django.http import Http404
from django.urls import reverse

from core.frame import get_site_frame
from news.feeds import FEED_SIZE, LatestArticlesFeed
from news.models import Article

from .models import Topic, accepted_entries


class TopicFeed(LatestArticlesFeed):
    """RSS 2.0 of a topic's newest articles, all its sections together."""

    def get_object(self, request, slug):
        topic = Topic.objects.published().filter(slug=slug).first()
        if topic is None:
            raise Http404("没有这个专题")
        return topic

    def title(self, obj=None):
        return f"{obj.title} - {get_site_frame().profile.site_name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return obj.description

    def items(self, obj=None):
        articles = Article.objects.published().filter(pk__in=obj.entries.accepted().values("article_id"))
        return articles.select_related("category").newest_first()[:FEED_SIZE]


class TopicIndexFeed(LatestArticlesFeed):
    """RSS 2.0 of the newest articles of the running topics."""

    def title(self, obj=None):
        return f"专题 - {get_site_frame().profile.site_name}"

    def link(self, obj=None):
        return reverse("topics:index")

    def description(self, obj=None):
        return "正在开展的专题中的最新文章。"

    def items(self, obj=None):
        running = Topic.objects.running().values("pk")
        articles = Article.objects.published().filter(
            accepted_entries("topic_entries__"), topic_entries__topic__in=running
        )
        articles = articles.distinct()
        return articles.select_related("category").newest_first()[:FEED_SIZE]
