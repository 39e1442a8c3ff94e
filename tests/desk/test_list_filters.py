"""
A list's address may filter on any field of its model; a value Django cannot represent (a
year 0 or 10000) gets the list without its filters and a message, never a 500.
"""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

MESSAGE = "筛选条件中的日期或数值超出范围，已取消筛选，显示全部内容。"


@pytest.mark.parametrize(
    "list_name, query",
    [
        ("news_article", "published_at__year=0"),
        ("news_article", "published_at__year=10000"),
        ("news_article", "pinned_until__year=99999999999"),
        ("news_article", "created_at__year=0"),
        ("topics_topic", "start_date__year=0"),
        ("attachments_attachment", "uploaded_at__year=9999&uploaded_at__month=12&uploaded_at__day=31"),
    ],
)
def test_a_filter_value_out_of_range_gets_the_unfiltered_list_and_a_message(client, superuser, list_name, query):
    ArticleFactory(title="还在列表中")
    client.force_login(superuser)
    url = reverse(f"admin:{list_name}_changelist")
    response = client.get(f"{url}?{query}")
    assert response.status_code == 302 and response["Location"] == f"{url}?e=1"
    page = client.get(response["Location"])
    assert page.status_code == 200 and MESSAGE in page.content.decode()


def test_a_filter_in_range_still_filters(reviewer_client):
    ArticleFactory(title="今年的文章")
    url = reverse("admin:news_article_changelist")
    response = reviewer_client.get(f"{url}?created_at__year=1990")
    assert response.status_code == 200 and "今年的文章" not in response.content.decode()
    assert MESSAGE not in response.content.decode()
