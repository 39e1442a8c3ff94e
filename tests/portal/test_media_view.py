"""
Guards against what the review of issues 14 and 15 found: core.views.media refuses names starting with "attachments/", but the S3 storage
normalises the name afterwards ("editor\\..\\attachments\\..." becomes
"attachments/..."), so an attachment's file is served without the download view's rules.
"""

import boto3
import pytest
from django.core.files.storage import storages
from django.http import Http404
from django.test import RequestFactory
from moto import mock_aws

from core import views

NAME = "attachments/2026/01/0123456789abcdef0123456789abcdef.pdf"


@pytest.fixture
def s3(settings):
    with mock_aws():
        settings.AWS_STORAGE_BUCKET_NAME = "wuda-media"
        settings.AWS_S3_REGION_NAME = "us-east-1"
        settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "wuda_portal.storage.SiteMediaS3Storage"}}
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="wuda-media")
        client.put_object(Bucket="wuda-media", Key=NAME, Body=b"%PDF-1.4 draft attachment")
        yield storages["default"]


@pytest.mark.parametrize(
    "name",
    [NAME, "editor\\..\\" + NAME.replace("/", "\\"), "./" + NAME, "editor/../" + NAME],
    ids=["plain", "backslashes", "dot", "dotdot"],
)
def test_the_media_view_never_serves_an_attachment(s3, name, monkeypatch):
    monkeypatch.setattr(views, "default_storage", s3)
    request = RequestFactory().get("/media/x")
    with pytest.raises(Http404):
        views.media(request, name)
