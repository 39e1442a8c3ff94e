"""
Guards against what the review of issues 14 and 15 found: the list's actions run inside VersionAdmin.changelist_view's create_revision(),
so save_with_history's revision per article is merged into ONE revision for the whole
selection. Restoring one article's version from it reverts every article in it.
"""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from news.models import Article
from tests.factories import ArticleFactory, article_form_data

pytestmark = pytest.mark.django_db


def test_a_bulk_action_makes_one_revision_per_article(editor_client):
    a = ArticleFactory(title="甲", status=Article.Status.DRAFT, published_at=None)
    b = ArticleFactory(title="乙", status=Article.Status.DRAFT, published_at=None)
    editor_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "submit_for_review", "_selected_action": [a.pk, b.pk]},
    )
    version_of_a = Version.objects.get_for_object(a).first()
    objects = {(v.content_type.model, v.object_id) for v in version_of_a.revision.version_set.all()}
    assert ("article", str(b.pk)) not in objects, objects


def test_restoring_one_article_does_not_unpublish_another(editor, reviewer):
    editor_client, reviewer_client = Client(), Client()
    editor_client.force_login(editor)
    reviewer_client.force_login(reviewer)
    a = ArticleFactory(title="甲", status=Article.Status.DRAFT, published_at=None)
    b = ArticleFactory(title="乙", status=Article.Status.DRAFT, published_at=None)
    # The editor submits both at once; the reviewer publishes 乙.
    editor_client.post(
        reverse("admin:news_article_changelist"),
        {"action": "submit_for_review", "_selected_action": [a.pk, b.pk]},
    )
    reviewer_client.post(reverse("admin:news_article_changelist"), {"action": "publish", "_selected_action": [b.pk]})
    b.refresh_from_db()
    assert b.status == Article.Status.PUBLISHED
    assert Client().get(b.get_absolute_url()).status_code == 200

    # The editor restores 甲's version (saved by the bulk action): an article they may edit.
    version_of_a = Version.objects.get_for_object(a).first()
    url = reverse("admin:news_article_revision", args=[a.pk, version_of_a.pk])
    response = editor_client.post(url, article_form_data(a, status="review"))
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Article.Status.PUBLISHED, "restoring 甲 took 乙 off the site"
    assert Client().get(b.get_absolute_url()).status_code == 200
