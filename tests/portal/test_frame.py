from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import date as django_date
from django.urls import reverse
from django.utils import timezone

from core.models import FriendLink, SiteProfile
from wuda_portal.jinja2 import date as jinja2_date

FOOTER_DEFAULTS = [
    "版权所有：中共乌达区委组织部",
    "蒙ICP备16000679号-1",
    "https://beian.miit.gov.cn/",
    "地址：内蒙古乌海市乌达区行政中心",
    "邮编：016040",
    '电话：<a href="tel:04733666882">0473-3666882</a>',  # a phone offers to call it
    "wdqwzzb2007@163.com",
    "技术支持：鄂尔多斯市海瑞科技有限责任公司",
]


@pytest.mark.django_db
def test_a_new_installation_has_the_old_sites_footer(client):
    html = client.get(reverse("news:home")).content.decode()
    for text in FOOTER_DEFAULTS:
        assert text in html


@pytest.mark.django_db
def test_the_footer_follows_the_profile_on_the_next_request(client):
    client.get(reverse("news:home"))  # the frame is now cached
    profile = SiteProfile.load()
    profile.phone = "0473-1234567"
    profile.technical_support = ""
    profile.save()
    html = client.get(reverse("news:home")).content.decode()
    assert '电话：<a href="tel:04731234567">0473-1234567</a>' in html
    assert "技术支持" not in html


@pytest.mark.django_db
def test_there_is_only_one_profile():
    SiteProfile(site_name="另一个").save()
    assert SiteProfile.objects.count() == 1
    assert SiteProfile.load().site_name == "另一个"


@pytest.mark.django_db
def test_friend_links_in_order_and_only_visible_ones(client):
    FriendLink.objects.create(name="乌海市人民政府", url="http://www.wuhai.gov.cn/", order=2)
    FriendLink.objects.create(name="共产党员网", url="https://www.12371.cn/", order=1)
    FriendLink.objects.create(name="旧链接", url="https://old.example.cn/", is_active=False)
    html = client.get(reverse("news:home")).content.decode()
    assert "友情链接" in html
    assert html.index("共产党员网") < html.index("乌海市人民政府")
    assert "旧链接" not in html


@pytest.mark.django_db
def test_no_friend_links_no_heading(client):
    assert "友情链接" not in client.get(reverse("news:home")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "ftp://example.org/", "//evil.example"]
)
def test_friend_links_only_point_at_web_pages(url):
    link = FriendLink(name="坏链接", url=url)
    with pytest.raises(ValidationError) as refusal:
        link.full_clean()
    assert "http://" in str(refusal.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        link.save()


@pytest.mark.parametrize("format_string", ["Y-m-d", "Y-m-d H:i", "c", "Y年n月j日"])
@pytest.mark.parametrize("value", [datetime(2021, 8, 22, 16, 30, tzinfo=UTC), datetime(2025, 12, 31, 23, 59, 59)])
def test_the_jinja2_date_filter_matches_djangos(format_string, value):
    # 16:30 UTC is the next morning in Shanghai: as in Django's templates, the date shown is
    # the local one.
    with timezone.override("Asia/Shanghai"):
        expected = django_date(timezone.template_localtime(value), format_string)
        assert jinja2_date(value, format_string) == expected
