"""The object cache: the data public pages are built from, fresh for OBJECT_CACHE_SECONDS."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client

from core import caching
from tests.factories import ArticleFactory


class Builds:
    """A build function that says how often it ran."""

    def __init__(self):
        self.count = 0

    def __call__(self):
        self.count += 1
        return f"第{self.count}次"


def thing(build):
    return caching.Cached("thing", build, caching.object_seconds)


def test_kept_while_fresh_and_rebuilt_when_the_content_changes(settings):
    settings.OBJECT_CACHE_SECONDS = 30
    build = Builds()
    assert caching.get_one(thing(build)) == "第1次"
    assert caching.get_one(thing(build)) == "第1次"
    caching.content_changed()
    assert caching.get_one(thing(build)) == "第2次"


def test_past_its_time_one_caller_rebuilds_while_the_others_get_the_old_copy(settings):
    settings.OBJECT_CACHE_SECONDS = 1
    build = Builds()
    caching.get_one(thing(build))
    time.sleep(1.2)
    rebuilding, release = threading.Event(), threading.Event()

    def slow_build():  # another request, rebuilding it
        rebuilding.set()
        release.wait(5)
        return build()

    other = threading.Thread(target=lambda: caching.get_one(thing(slow_build)))
    other.start()
    assert rebuilding.wait(5)
    assert caching.get_one(thing(build)) == "第1次"  # the old copy, while the other rebuilds
    release.set()
    other.join()
    assert caching.get_one(thing(build)) == "第2次"  # what the other built
    time.sleep(1.2)
    assert caching.get_one(thing(build)) == "第3次"  # and it let go of the rebuild lock


def test_nothing_there_is_kept_too_and_zero_keeps_nothing(settings):
    settings.OBJECT_CACHE_SECONDS = 30
    calls = []
    missing = caching.Cached("missing", lambda: calls.append(1), caching.object_seconds)
    assert caching.get_one(missing) is None
    assert caching.get_one(missing) is None
    assert len(calls) == 1
    settings.OBJECT_CACHE_SECONDS = 0
    build = Builds()
    caching.get_one(thing(build)), caching.get_one(thing(build))
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
