"""
The review rule's paths as only single pages show them. The paths every reviewed model
has (articles, single pages, topics) are tried in tests/review/test_rule_paths.py.
"""

import pytest
from django.urls import reverse

from tests.review.reviewed import PAGE

pytestmark = pytest.mark.django_db


def test_restoring_puts_back_the_old_body(reviewer_client):
    page, draft_version = PAGE.draft_version_then("published")
    url = reverse("admin:news_page_revision", args=[page.pk, draft_version.pk])
    form = reviewer_client.get(url).content.decode()
    assert "乌达区委组织部负责全区党的组织建设。" in form  # the draft's body, offered for saving
