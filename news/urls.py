from django.urls import path

from . import feeds, views

app_name = "news"

urlpatterns = [
    path("", views.home, name="home"),
    path("news/<slug:slug>/", views.category_detail, name="category"),
    path("news/<slug:slug>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("search/", views.search, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("sitemap/", views.site_map, name="site-map"),
]
