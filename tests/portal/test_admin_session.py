"""The admin session endpoint: how long the editor's session has left, and 「继续编辑」."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

URL = reverse("admin-session")


def the_session():
    return Session.objects.get()


@pytest.mark.django_db
def test_it_says_how_long_the_session_has_left_without_extending_it(editor_client):
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=1000))
    before = the_session().expire_date
    data = editor_client.get(URL).json()
    assert data["authenticated"] is True
    assert 995 <= data["seconds_left"] <= 1000
    assert data["warn_before"] == 300
    assert the_session().expire_date == before  # asking keeps no session alive


@pytest.mark.django_db
def test_a_fresh_login_has_the_whole_session_age(editor_client):
    assert (
        settings.SESSION_COOKIE_AGE - 5 <= editor_client.get(URL).json()["seconds_left"] <= settings.SESSION_COOKIE_AGE
    )


@pytest.mark.django_db
def test_continuing_to_edit_gives_the_session_its_whole_age_again(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=200))
    client.get(reverse("admin:index"))  # the admin page sets the CSRF cookie
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    data = client.post(URL, HTTP_X_CSRFTOKEN=token).json()
    assert data == {"authenticated": True, "seconds_left": settings.SESSION_COOKIE_AGE, "warn_before": 300}
    left = the_session().expire_date - timezone.now()
    assert left > timedelta(seconds=settings.SESSION_COOKIE_AGE - 10)


@pytest.mark.django_db
def test_extending_needs_the_csrf_token(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=200))
    assert client.post(URL).status_code == 403
    assert the_session().expire_date < timezone.now() + timedelta(seconds=201)


@pytest.mark.django_db
def test_an_ended_session_says_so_and_where_to_log_in(editor_client):
    Session.objects.all().delete()
    response = editor_client.get(URL)
    assert response.status_code == 200
    assert response.json() == {"authenticated": False, "login_url": reverse("admin:login")}
    assert not Session.objects.exists()  # asking writes no session for anyone


@pytest.mark.django_db
def test_an_expired_session_row_counts_as_ended(editor_client):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert editor_client.get(URL).json()["authenticated"] is False


@pytest.mark.django_db
def test_a_logged_in_non_staff_user_is_not_an_editor(client):
    client.force_login(UserFactory(username="resident", is_staff=False))
    assert client.get(URL).json()["authenticated"] is False


@pytest.mark.django_db
def test_the_answer_is_never_cached(editor_client):
    assert "no-store" in editor_client.get(URL)["Cache-Control"]
