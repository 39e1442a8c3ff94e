"""
Guards against what the review of issues 14 and 15 found: the revision view accepts a version of ANOTHER model whose object_id equals the
article's pk (reversion's revision_view filters Version by pk and object_id only), then
reverts that version's whole revision, which holds a different, published article.
"""

import pytest
import reversion
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory, article_form_data

pytestmark = pytest.mark.django_db


def test_editor_cannot_revert_a_published_article_through_an_attachment_version(editor_client):
    # B: saved once as a draft (a revision holding B and its attachment), then published.
    published = ArticleFactory(pk=900000, title="已发布的文章", status=Article.Status.DRAFT)
    attachment = attachment_create(article=published, file=ContentFile(samples.pdf(), name="a.pdf"), title="附件")
    with reversion.create_revision():
        published.save()
    attachment_version = Version.objects.get_for_model(Attachment).get(object_id=str(attachment.pk))
    published.status = Article.Status.PUBLISHED
    with reversion.create_revision():
        published.save()
    assert Client().get(published.get_absolute_url()).status_code == 200

    # A: a draft the editor may edit, whose pk equals the attachment's pk.
    draft = ArticleFactory(pk=attachment.pk, title="编辑的草稿", status=Article.Status.DRAFT)

    url = reverse("admin:news_article_revision", args=[draft.pk, attachment_version.pk])
    editor_client.post(url, article_form_data(draft, status="draft"))
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED, "an editor took a published article off the site"
    assert Client().get(published.get_absolute_url()).status_code == 200
