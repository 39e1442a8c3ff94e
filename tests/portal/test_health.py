from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_says_ok_when_the_database_answers(client, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        response = client.get(reverse("portal:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert captured.captured_queries[0]["sql"].strip().upper() == "SELECT 1"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_says_503_when_the_database_does_not(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get(reverse("portal:healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.django_db
def test_healthz_only_answers_reads(client):
    assert client.post(reverse("portal:healthz")).status_code == 405
