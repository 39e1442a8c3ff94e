"""
Media in an S3-compatible object store: moto's server mode stands in for a real one
(Aliyun OSS, MinIO, S3). Both app servers store and read the same objects; nothing lands
on the stack's disk.
"""

import socket
import subprocess
import time
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

import boto3
import pytest
from django.utils import timezone

from demo import samples
from news.models import Article, Category
from tests.factories import CategoryFactory, article_form_data, ensure_workflow_groups
from tests.servers import PROJECT, free_port
from tests.stack.conftest import PASSWORD, staff_member
from tests.stack.running import Stack, Staff, csrf_token, stack_environment

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

BUCKET = "wuda-media"


@dataclass
class ObjectStore:
    url: str
    client: object

    def keys(self):
        listing = self.client.list_objects_v2(Bucket=BUCKET)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key):
        return self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()


@pytest.fixture(scope="module")
def object_store():
    port = free_port()
    server = subprocess.Popen(
        [str(PROJECT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline, "moto_server did not start"
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3", endpoint_url=url, aws_access_key_id="wuda", aws_secret_access_key="wuda", region_name="us-east-1"
        )
        client.create_bucket(Bucket=BUCKET)
        yield ObjectStore(url, client)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def s3_stack(object_store, stack, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        ensure_workflow_groups()  # what migrate made, before a test emptied the tables
    env = stack_environment(
        STATIC_ROOT=stack.static_root,  # the session stack's: same code, collected once
        MEDIA_STORAGE="wuda_portal.storage.SiteMediaS3Storage",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=object_store.url,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="wuda",
        AWS_SECRET_ACCESS_KEY="wuda",
    )
    running = Stack(tmp_path_factory.mktemp("s3-stack"), env)
    try:
        yield running.up()
    finally:
        running.down()


def attachments_check(stack):
    return subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "python"), "manage.py", "attachments_check"],
        cwd=PROJECT,
        env={
            **stack.env,
            "DJANGO_SETTINGS_MODULE": "wuda_portal.settings",
            "DEBUG": "0",
            "BEHIND_PROXY": "1",
            "SECRET_KEY": "attachments-check-0123456789-abcdefghijklmnopqrstuvwxyz",
            "ALLOWED_HOSTS": "127.0.0.1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_upload_covers_download_and_deletion_through_the_object_store(s3_stack, object_store):
    stack = s3_stack
    staff_member("reviewer", group="审核发布")
    category = Category.objects.filter(slug="dangjian-dongtai").first() or CategoryFactory()
    cover = samples.image("png", size=(960, 400))
    notice = samples.pdf()

    # Uploaded through app server A.
    first = Staff(stack, app=0).log_in("reviewer", PASSWORD)
    form = first.get("/admin/news/article/add/")
    now = timezone.localtime() - timedelta(minutes=1)  # the newest headline: first in the slideshow
    fields = article_form_data(
        category=category.pk,
        title="对象存储里的文章",
        status="published",
        is_headline="on",
        published_at_0=f"{now:%Y-%m-%d}",
        published_at_1=f"{now:%H:%M:%S}",
        csrfmiddlewaretoken=csrf_token(form.text),
        **{"attachments-TOTAL_FORMS": "1", "attachments-0-title": "", "attachments-0-order": "0"},
    )
    saved = first.post(
        "/admin/news/article/add/",
        fields,
        files={"cover": ("会议现场.png", cover), "attachments-0-file": ("报名通知.pdf", notice)},
    )
    assert saved.status == 302, saved.text
    article = Article.objects.get(title="对象存储里的文章")
    attachment = article.attachments.get()
    assert {article.cover.name, attachment.file.name} <= object_store.keys()
    assert object_store.read(attachment.file.name) == notice
    assert not any(stack.media_root.rglob("*.p*"))  # nothing on the stack's disk

    # The public page, through nginx and through app server B: the cover at the site's address.
    home = stack.get("/").text
    cover_url = f"/media/{article.cover.name}"
    assert f'<img src="{cover_url}"' in home
    for image in (stack.get(cover_url), stack.app_request(1, "GET", cover_url)):
        assert image.status == 200 and image.headers["Content-Type"] == "image/png"
        assert image.body == object_store.read(article.cover.name)
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        assert image.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self'; sandbox"
    page = stack.app_request(1, "GET", article.get_absolute_url()).text
    assert f'<meta property="og:image" content="{stack.url}{cover_url}">' in page
    assert stack.get(f"/media/{attachment.file.name}").status == 404
    assert stack.app_request(1, "GET", f"/media/{attachment.file.name}").status == 404

    # Downloads, streamed by app server B and through nginx, each counted.
    for download in (
        stack.app_request(1, "GET", attachment.get_absolute_url()),
        stack.get(attachment.get_absolute_url()),
    ):
        assert download.status == 200 and download.body == notice
        assert "filename*=UTF-8''" + quote("报名通知.pdf", safe="") in download.headers["Content-Disposition"]
        assert download.headers["X-Content-Type-Options"] == "nosniff"
    attachment.refresh_from_db()
    assert attachment.download_count == 2

    check = attachments_check(stack)
    assert check.returncode == 0 and "没有发现问题" in check.stdout, check.stdout + check.stderr

    # Deleted with the article (through nginx). The object stays while the article's
    # revision history names it (recovering the article brings the attachment back), and
    # attachments_check, reading the object store, counts it as kept.
    admin = Staff(stack).log_in("reviewer", PASSWORD)
    confirm = admin.get(f"/admin/news/article/{article.pk}/delete/")
    deleted = admin.post(
        f"/admin/news/article/{article.pk}/delete/", {"csrfmiddlewaretoken": csrf_token(confirm.text), "post": "yes"}
    )
    assert deleted.status == 302 and not Article.objects.filter(pk=article.pk).exists()
    assert stack.get(attachment.get_absolute_url()).status == 404
    assert attachment.file.name in object_store.keys()
    check = attachments_check(stack)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "已删除附件的文件 1 个，因历史版本仍可恢复而保留" in check.stdout and "没有发现问题" in check.stdout
