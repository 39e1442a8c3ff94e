"""
The review rule's paths that only articles have: deleting attachments of several articles
at once from the attachment list, and what the history keeps of attachments. The paths
every reviewed model has are tried in tests/review/test_rule_paths.py.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from reversion.models import Version

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory
from tests.review.reviewed import ARTICLE, EDITABLE_BY_EDITOR

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.mark.parametrize("state", ARTICLE.states)
def test_attachment_list_bulk_delete(editor_client, state):
    article = ARTICLE.make(state)
    attachment = article.attachments.get()
    draft_attachment = ARTICLE.make("draft").attachments.get()
    before = ARTICLE.snapshot(article)
    url = reverse("admin:attachments_attachment_changelist")
    response = editor_client.post(
        url, {"action": "delete_selected", "_selected_action": [attachment.pk, draft_attachment.pk], "post": "yes"}
    )
    if state in EDITABLE_BY_EDITOR:
        assert response.status_code == 302
        assert not Attachment.objects.filter(pk__in=[attachment.pk, draft_attachment.pk]).exists()
    else:
        assert response.status_code == 403
        assert ARTICLE.snapshot(article) == before
        assert Attachment.objects.filter(pk=draft_attachment.pk).exists()  # the whole batch refused


def test_a_renamed_attachment_is_a_revision_of_its_article(reviewer_client):
    article = ARTICLE.make("published")
    attachment = article.attachments.get()
    url = reverse("admin:attachments_attachment_change", args=[attachment.pk])
    assert reviewer_client.post(url, {"title": "新名字", "order": "0"}).status_code == 302
    latest = Version.objects.get_for_object(article).first()
    assert "修改附件" in latest.revision.comment
    assert (
        '"新名字"' in Version.objects.get_for_object(Attachment.objects.get(pk=attachment.pk)).first().serialized_data
    )


def test_files_no_version_names_are_still_deleted(django_capture_on_commit_callbacks):
    article = ArticleFactory(status=Status.DRAFT)
    attachment = attachment_create(article=article, file=ContentFile(samples.pdf(), name="临时.pdf"))
    name, storage = attachment.file.name, attachment.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        attachment.delete()
    assert not storage.exists(name)
