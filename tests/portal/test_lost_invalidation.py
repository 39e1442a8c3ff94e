"""
Guards against what the review of issues 14 and 15 found: an edit made while this process's Redis breaker is open (core.store: a failure in
the last 5 s) never moves the content version, and nothing retries it. The other app
servers, whose Redis works, keep what they cached: the 栏目 tree and the site frame
(kept "until the content changes", up to 24 h).
"""

import pytest
from django.test import Client

from core import store
from news.selectors.categories import category_tree
from tests.factories import ArticleFactory, CategoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def test_an_edit_during_a_blip_is_not_lost():
    category = CategoryFactory(name="旧名字", slug="dongtai")
    ArticleFactory(category=category)
    assert "旧名字" in Client().get("/").content.decode()  # the tree is cached now

    store.redis_failed(OSError("a blip"), "test")  # this process saw a timeout just now
    category.name = "新名字"
    category.save()  # the reviewer's edit, in this process
    store.forget_failures()  # 5 s later; or: another app server, whose Redis works

    assert category_tree().by_slug["dongtai"].name == "新名字"
