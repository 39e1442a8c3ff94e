from urllib.parse import unquote

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_font_size_link_sets_a_cookie_and_returns(client):
    response = client.get(reverse("portal:preferences"), {"font": "large", "next": "/search/?q=党建"})
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/search/?q=党建"
    assert response.cookies["font_size"].value == "large"
    html = client.get(reverse("news:home")).content.decode()
    assert 'class="font-large"' in html


@pytest.mark.django_db
def test_care_mode_on_and_off(client):
    client.get(reverse("portal:preferences"), {"care": "1"})
    assert "care-mode" in client.get(reverse("news:home")).content.decode()
    client.get(reverse("portal:preferences"), {"care": "0"})
    assert "care-mode" not in client.get(reverse("news:home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_never_redirects_elsewhere(client, target):
    response = client.get(reverse("portal:preferences"), {"font": "small", "next": target})
    assert response["Location"] == reverse("news:home")


@pytest.mark.django_db
def test_unknown_values_are_ignored(client):
    response = client.get(reverse("portal:preferences"), {"font": "huge", "care": "maybe"})
    assert response.status_code == 302
    assert "font_size" not in response.cookies and "care_mode" not in response.cookies
    client.cookies["font_size"] = "<script>"
    assert 'class="font-medium"' in client.get(reverse("news:home")).content.decode()
