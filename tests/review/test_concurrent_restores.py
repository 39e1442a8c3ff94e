"""
Two editors recovering the same deleted article at the same moment (django-reversion's
recover view, core.admin_conflict.restore_view): the second must not meet the first's row
half-way (an IntegrityError, a 500) but be told, in Chinese, that it was recovered
meanwhile, with what they typed still in the form; the first recovery stands.
"""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from reversion.models import Version

import news.admin.articles
from tests.review.reviewed import ARTICLE
from tests.review.test_edit_conflicts import opened_version

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wait_for_a_blocked_backend(timeout=10):
    """Until another connection to the test database waits on a lock (the second recovery)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_two_editors_recovering_the_same_deleted_article_at_once(editor, reviewer, monkeypatch):
    obj = ARTICLE.make("draft")
    pk = obj.pk
    obj.delete()
    url = ARTICLE.url("recover", Version.objects.get_deleted(type(obj)).get(object_id=str(pk)).pk)
    clients = {"first": Client(), "second": Client()}
    clients["first"].force_login(editor)
    clients["second"].force_login(reviewer)
    token = opened_version(clients["second"].get(url).content.decode())
    typed = {
        "first": ARTICLE.deleted_form_data(obj, status="draft", opened_version=token) | {"title": "编辑恢复的"},
        "second": ARTICLE.deleted_form_data(obj, status="draft", opened_version=token) | {"title": "审核恢复的"},
    }

    # The first recovery stops after writing the article, its transaction still open.
    saved, go = threading.Event(), threading.Event()
    save_model = news.admin.articles.ArticleAdmin.save_model

    def pausing_save_model(self, request, obj, form, change):
        save_model(self, request, obj, form, change)
        if threading.current_thread().name == "first":
            saved.set()
            go.wait(20)

    monkeypatch.setattr(news.admin.articles.ArticleAdmin, "save_model", pausing_save_model)
    responses, errors = {}, []

    def recover(name):
        try:
            responses[name] = clients[name].post(url, typed[name])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = {name: threading.Thread(target=recover, args=(name,), name=name) for name in clients}
    threads["first"].start()
    assert saved.wait(20), errors
    threads["second"].start()
    try:
        assert wait_for_a_blocked_backend(), "the second recovery did not wait for the first"
    finally:
        go.set()
        for thread in threads.values():
            thread.join(30)

    assert not errors, errors
    assert responses["first"].status_code == 302
    second = responses["second"]
    assert second.status_code == 409, second.content.decode()[:3000]
    html = second.content.decode()
    assert "这篇文章已被恢复（" in html
    assert "您这次的恢复没有执行" in html
    assert 'value="审核恢复的"' in html  # what the second editor typed, still in the form
    assert type(obj).objects.get(pk=pk).title == "编辑恢复的"  # the first recovery stands
