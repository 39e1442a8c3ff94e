"""Two app servers share everything: what one saves, the other serves on the next request."""

import os
import signal
import time
from urllib.parse import quote

import pytest

from demo import samples
from news.models import Article
from tests.factories import article_form_data
from tests.stack.conftest import PASSWORD, staff_member
from tests.stack.running import Staff, csrf_token

pytestmark = [pytest.mark.stack, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_an_edit_and_an_upload_through_a_are_served_by_b(stack, demo):
    staff_member("reviewer", group="审核发布")
    article = Article.objects.published().filter(attachments__isnull=True).first()
    path = article.get_absolute_url()
    for _ in range(2):
        before = stack.app_request(1, "GET", path)
        assert before.status == 200 and article.title in before.text
    assert before.headers["X-Page-Cache"] == "hit"

    # Through app server A: a new title and an attachment.
    editor = Staff(stack, app=0).log_in("reviewer", PASSWORD)
    change = f"/admin/news/article/{article.pk}/change/"
    form = editor.get(change)
    fields = article_form_data(
        article,
        title="在第一台应用服务器上改过",
        status="published",
        csrfmiddlewaretoken=csrf_token(form.text),
        **{"attachments-TOTAL_FORMS": "1", "attachments-0-title": "", "attachments-0-order": "0"},
    )
    notice = samples.docx("报名表")
    saved = editor.post(change, fields, files={"attachments-0-file": ("报名表.docx", notice)})
    assert saved.status == 302, saved.text
    attachment = article.attachments.get()

    # App server B, on its next request.
    after = stack.app_request(1, "GET", path)
    assert after.status == 200 and "在第一台应用服务器上改过" in after.text and article.title not in after.text
    handed = stack.app_request(1, "GET", attachment.get_absolute_url())
    assert handed.headers["X-Accel-Redirect"] == f"/protected-media/{attachment.file.name}"

    # With A stopped, nginx has only B: the page and the file, from the shared media folder.
    first = stack.pid("app1")
    os.kill(first, signal.SIGTERM)
    while os.path.exists(f"/proc/{first}"):
        time.sleep(0.1)
    try:
        assert "在第一台应用服务器上改过" in stack.get(path).text
        download = stack.get(attachment.get_absolute_url())
        assert download.status == 200 and download.body == notice
        assert "filename*=UTF-8''" + quote("报名表.docx", safe="") in download.headers["Content-Disposition"]
    finally:
        stack.script("up")
    assert stack.script("status").returncode == 0
