import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from attachments.models import Attachment
from core.models import FriendLink
from news.models import Article, Category


@pytest.mark.django_db
def test_load_demo_fills_the_portal_and_adds_nothing_the_second_time(client):
    call_command("load_demo", stdout=open("/dev/null", "w"))
    counts = (Category.objects.count(), Article.objects.count(), FriendLink.objects.count(), Attachment.objects.count())
    assert Category.objects.count() >= 7
    assert Article.objects.published().count() >= 30
    assert Article.objects.filter(is_pinned=True).exists()
    headlines = Article.objects.filter(is_headline=True)
    assert headlines.count() >= 3 and all(a.cover for a in headlines)
    assert FriendLink.objects.exists()
    assert Attachment.objects.exists()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert counts == (
        Category.objects.count(),
        Article.objects.count(),
        FriendLink.objects.count(),
        Attachment.objects.count(),
    )
    home = client.get("/").content.decode()
    assert home.count('class="slide"') >= 3
    for category in Category.objects.filter(parent=None, show_in_nav=True):
        assert category.name in home


@pytest.mark.django_db
def test_demo_accounts_are_created_once_and_their_passwords_printed_once(capsys):
    call_command("create_demo_accounts")
    first = capsys.readouterr().out
    users = get_user_model().objects.filter(username__in=["admin", "editor", "reviewer"])
    assert users.count() == 3
    assert first.count("密码 ") == 3
    password = first.split("editor")[1].split("密码 ")[1].split()[0]
    assert get_user_model().objects.get(username="editor").check_password(password)
    assert get_user_model().objects.get(username="editor").groups.filter(name="编辑").exists()
    assert get_user_model().objects.get(username="reviewer").groups.filter(name="审核发布").exists()
    call_command("create_demo_accounts")
    second = capsys.readouterr().out
    assert "密码 " not in second and second.count("账号已存在") == 3


@pytest.mark.django_db
def test_the_demo_has_a_returned_article_for_the_demo_editor_whichever_command_runs_first(client):
    from review.records import open_return

    call_command("load_demo", stdout=open("/dev/null", "w"))
    returned = Article.objects.get(external_key="demo:work-returned")
    assert returned.status == Article.Status.DRAFT and returned.created_by is None  # no accounts yet
    call_command("create_demo_accounts", stdout=open("/dev/null", "w"))
    returned.refresh_from_db()
    assert returned.created_by.username == "editor"
    comment = open_return(returned)
    assert comment.user.username == "reviewer" and "会议的具体时间" in comment.comment
    assert Article.objects.get(external_key="demo:work-in-review").status == Article.Status.REVIEW

    client.force_login(returned.created_by)
    workbench = client.get("/admin/").content.decode()
    assert returned.title in workbench and "会议的具体时间" in workbench
