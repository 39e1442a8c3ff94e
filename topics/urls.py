from django.urls import path

import core.converters  # noqa: F401  (the "id" converter)
from core.pagecache import public_page

from . import feeds, views

app_name = "topics"

urlpatterns = [
    path("", views.topic_index, name="index"),
    path("feed/", public_page()(feeds.TopicIndexFeed()), name="feed"),
    path("<slug:slug>/", views.topic_detail, name="topic"),
    path("<slug:slug>/feed/", public_page()(feeds.TopicFeed()), name="topic-feed"),
    path("<slug:slug>/sections/<id:pk>/", views.section_detail, name="section"),
]
