from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import format_html

from core.frame import get_site_frame

from . import selectors
from .models import Article
from .sanitize import safe_html

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    """RSS 2.0 of the newest articles, full text."""

    feed_type = Rss201rev2Feed
    language = "zh-CN"  # as the pages' lang attribute says (Django's language code is zh-hans)

    def title(self, obj=None):
        return get_site_frame().profile.site_name

    def link(self, obj=None):
        return reverse("news:home")

    def description(self, obj=None):
        return get_site_frame().profile.description

    def items(self, obj=None):
        return Article.objects.published().select_related("category").newest_first()[:FEED_SIZE]

    def item_title(self, item):
        return item.full_title

    def item_link(self, item):
        return item.public_url  # a 外链 article: the other site's page, as the lists link

    def item_description(self, item):
        # HTML for feed readers. Full text, sanitised on output as on the pages; a 外链
        # article has none: its summary (plain text, escaped) or where it is.
        if not item.is_external:
            return safe_html(item.body)
        if item.summary:
            return format_html("<p>{}</p>", item.summary)
        return format_html('<p>转载，原文见 <a href="{}">{}</a></p>', item.external_url, item.external_url)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.author or None

    def item_categories(self, item):
        return [item.category.name]


class CategoryFeed(LatestArticlesFeed):
    """RSS 2.0 of one 栏目 (its sub-栏目 included)."""

    def get_object(self, request, slug):
        category = selectors.category_tree().by_slug.get(slug)
        if category is None:
            raise Http404("没有这个栏目")
        return category

    def title(self, obj=None):
        return f"{obj.name} - {get_site_frame().profile.site_name}"

    def link(self, obj=None):
        return obj.get_absolute_url()

    def description(self, obj=None):
        return obj.description or obj.name

    def items(self, obj=None):
        family = selectors.category_tree().family_ids(obj)
        articles = Article.objects.published().filter(category_id__in=family)
        return articles.select_related("category").newest_first()[:FEED_SIZE]
