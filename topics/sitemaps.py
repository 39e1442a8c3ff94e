from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import Article

from .models import Topic, TopicSection, accepted_entries


class TopicSitemap(Sitemap):
    """/topics/ and every public topic's page."""

    changefreq = "weekly"
    priority = 0.7

    def items(self):
        return ["index", *Topic.objects.published().only("id", "slug", "updated_at")]

    def location(self, item):
        return reverse("topics:index") if item == "index" else item.get_absolute_url()

    def lastmod(self, item):
        return None if item == "index" else item.updated_at


class TopicSectionSitemap(Sitemap):
    """The section lists of the public topics (a section's first page)."""

    changefreq = "weekly"
    priority = 0.5

    def items(self):
        # Only sections with a public article: an empty one has no page.
        shown = TopicSection.objects.filter(
            accepted_entries("entries__"),
            topic__in=Topic.objects.published(),
            entries__article__in=Article.objects.published(),
        )
        return shown.select_related("topic").distinct()


SITEMAPS = {"topics": TopicSitemap, "topic-sections": TopicSectionSitemap}
