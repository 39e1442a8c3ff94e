"""
The form's 状态 offers the moves the review rule allows the user from the state the object
is stored in: no 已撤回 on a draft or on what is in review (the rule refuses it: 撤回 is of
what was published), nothing an editor may not choose. The rule stays the authority.
"""

import pytest
from django.urls import reverse

from news.models import Article
from tests.factories import ArticleFactory, PageFactory

pytestmark = pytest.mark.django_db

Status = Article.Status


def options(form):
    """The values of the 状态 list's options, as the page shows them."""
    return [option.data["value"] for option in form["status"].subwidgets]


def offered(client, obj, url_name="admin:news_article_change"):
    form = client.get(reverse(url_name, args=[obj.pk])).context["adminform"].form
    return options(form) if "status" in form.fields else None


@pytest.mark.parametrize(
    ("stored", "choices"),
    [
        (Status.DRAFT, ["draft", "review"]),
        (Status.REVIEW, ["draft", "review"]),
        (Status.PUBLISHED, None),  # read only for an editor: no form field at all
        (Status.WITHDRAWN, ["draft", "review"]),
    ],
)
def test_an_editor_is_offered_draft_and_review(editor, editor_client, stored, choices):
    article = ArticleFactory(status=stored, created_by=editor)
    assert offered(editor_client, article) == choices


@pytest.mark.parametrize(
    ("stored", "choices"),
    [
        (Status.DRAFT, ["draft", "review", "published"]),
        (Status.REVIEW, ["draft", "review", "published"]),
        (Status.PUBLISHED, ["draft", "review", "published", "withdrawn"]),
        (Status.WITHDRAWN, ["draft", "review", "published", "withdrawn"]),
    ],
)
def test_a_reviewer_is_offered_withdrawal_only_of_what_was_published(reviewer_client, stored, choices):
    article = ArticleFactory(status=stored)
    assert offered(reviewer_client, article) == choices


def test_a_new_article_offers_a_reviewer_every_state_the_rule_allows(reviewer_client):
    form = reviewer_client.get(reverse("admin:news_article_add")).context["adminform"].form
    assert options(form) == ["draft", "review", "published", "withdrawn"]


def test_single_pages_follow_the_same_rule(reviewer_client):
    assert offered(reviewer_client, PageFactory(status="draft"), "admin:news_page_change") == [
        "draft",
        "review",
        "published",
    ]


def test_the_rule_still_refuses_a_withdrawal_sent_for_a_draft(reviewer_client):
    from tests.factories import article_form_data

    article = ArticleFactory(status=Status.DRAFT)
    response = reviewer_client.post(
        reverse("admin:news_article_change", args=[article.pk]), article_form_data(article, status="withdrawn")
    )
    assert response.status_code == 200
    assert "只有已发布的文章可以撤回" in response.context["adminform"].form.errors["status"][0]
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
