"""The object cache: the data public pages are built from, fresh for OBJECT_CACHE_SECONDS."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client

from tests.factories import ArticleFactory
from wuda_portal.cache import bump_content_version, object_cached


class Builds:
    """A build function that says how often it ran."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"第{self.count}次"


def test_kept_while_fresh_and_rebuilt_when_the_content_changes(settings):
    settings.OBJECT_CACHE_SECONDS = 30
    build = Builds()
    assert object_cached("thing", build) == "第1次"
    assert object_cached("thing", build) == "第1次"
    bump_content_version()
    assert object_cached("thing", build) == "第2次"


def test_past_its_time_one_caller_rebuilds_while_the_others_get_the_old_copy(settings):
    settings.OBJECT_CACHE_SECONDS = 1
    build = Builds()
    object_cached("thing", build)
    time.sleep(1.2)
    key = "thing"
    assert cache.add(key + ":rebuild", 1, timeout=10)  # another request is rebuilding it
    assert object_cached("thing", build) == "第1次"
    cache.delete(key + ":rebuild")
    assert object_cached("thing", build) == "第2次"  # this caller rebuilds it
    assert object_cached("thing", build) == "第2次" and cache.add(key + ":rebuild", 1)  # and let go of the lock


def test_nothing_there_is_kept_too_and_zero_keeps_nothing(settings):
    settings.OBJECT_CACHE_SECONDS = 30
    calls = []
    assert object_cached("missing", lambda: calls.append(1) or False) is False
    assert object_cached("missing", lambda: calls.append(1) or False) is False
    assert len(calls) == 1
    settings.OBJECT_CACHE_SECONDS = 0
    build = Builds()
    object_cached("thing", build), object_cached("thing", build)
    assert build.count == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_data_cached_while_an_edit_commits_does_not_outlive_the_commit(settings):
    # An edit moves the content version when it is saved, before its transaction commits; a
    # visitor's request in between builds the page from the data before the edit. The
    # version moves again on commit, so the next request shows the edit.
    settings.OBJECT_CACHE_SECONDS = 30
    article = ArticleFactory(title="编辑之前的标题")
    printable = article.get_absolute_url() + "?print=1"  # the same page data, no view to count
    seen = []

    def visit():  # another visitor, with a database connection of its own
        try:
            seen.append(Client().get(printable).content.decode())
        finally:
            connection.close()

    with transaction.atomic():
        article.title = "编辑之后的标题"
        article.save()
        visitor = threading.Thread(target=visit)
        visitor.start()
        visitor.join()
    assert "编辑之前的标题" in seen[0]
    assert "编辑之后的标题" in Client().get(printable).content.decode()
