from django.urls import path

import core.converters  # noqa: F401  (the "id" converter)
from core.pagecache import public_page

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/<slug:slug>/", views.category_detail, name="category"),
    path("news/<slug:slug>/feed/", public_page()(feeds.CategoryFeed()), name="category-feed"),
    path("articles/<id:pk>/", views.article_detail, name="article"),
    path("articles/<id:pk>/qr.svg", views.article_qr, name="article-qr"),
    path("search/", views.search, name="search"),
    path("feed/", public_page()(feeds.LatestArticlesFeed()), name="feed"),
    path("sitemap/", views.site_map, name="site-map"),
]
