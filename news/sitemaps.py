from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6
    limit = 10000

    def items(self):
        # A 外链 article has no page of its own: its address only redirects to the other site.
        return Article.objects.published().filter(external_url="").only("id", "updated_at").order_by("-id")

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return Category.objects.all()


class PageSitemap(Sitemap):
    """The pages that are neither an article nor a 栏目: the home page and the 网站地图."""

    changefreq = "daily"

    def items(self):
        return ["news:home", "news:site-map"]

    def location(self, item):
        return reverse(item)

    def priority(self, item):
        return 1.0 if item == "news:home" else 0.3


SITEMAPS = {"pages": PageSitemap, "articles": ArticleSitemap, "categories": CategorySitemap}
