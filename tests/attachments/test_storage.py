import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import transaction

from attachments.models import Attachment
from attachments.services import attachment_create
from demo import samples
from tests.factories import ArticleFactory


def attach(article=None, name="通知.pdf"):
    return attachment_create(article=article or ArticleFactory(), file=ContentFile(samples.pdf(), name=name))


@pytest.mark.django_db(transaction=True)
def test_deleting_an_attachment_deletes_its_file_after_commit(media_root):
    attachment = attach()
    path = media_root / attachment.file.name
    with transaction.atomic():
        attachment.delete()
        assert path.exists()  # not before the commit
    assert not path.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_deletion_keeps_the_file(media_root):
    attachment = attach()
    pk, path = attachment.pk, media_root / attachment.file.name
    with pytest.raises(RuntimeError), transaction.atomic():
        attachment.delete()
        raise RuntimeError("changed my mind")
    assert path.exists() and Attachment.objects.filter(pk=pk).exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_the_article_deletes_its_files(media_root):
    article = ArticleFactory()
    paths = [media_root / attach(article, name=f"{i}.pdf").file.name for i in range(3)]
    article.delete()
    assert not any(path.exists() for path in paths)


@pytest.mark.django_db
def test_the_check_finds_orphans_and_missing_files_and_fix_removes_orphans(media_root, capsys):
    kept = attach()
    lost = attach(name="丢失.pdf")
    (media_root / lost.file.name).unlink()
    orphan = media_root / "attachments" / "2020" / "01" / "orphan.pdf"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(samples.pdf())

    with pytest.raises(CommandError):
        call_command("attachments_check")
    out = capsys.readouterr().out
    assert "没有记录的文件：attachments/2020/01/orphan.pdf" in out
    assert f"文件缺失的记录：附件 #{lost.pk}" in out
    assert kept.file.name not in out
    assert orphan.exists()

    lost.delete()
    call_command("attachments_check", "--fix")
    out = capsys.readouterr().out
    assert "已删除没有记录的文件：attachments/2020/01/orphan.pdf" in out
    assert not orphan.exists()
    assert (media_root / kept.file.name).exists()
    call_command("attachments_check")
    assert "没有发现问题" in capsys.readouterr().out


@pytest.mark.django_db
def test_uploads_go_through_the_configured_storage(settings, tmp_path):
    """Media goes through STORAGES["default"]: point it elsewhere and the files follow."""
    elsewhere = tmp_path / "object-store"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(elsewhere)}},
    }
    attachment = attach()
    assert (elsewhere / attachment.file.name).is_file()


@pytest.mark.django_db(transaction=True)
def test_files_the_revision_history_names_are_kept_and_are_no_orphans(media_root, capsys):
    import reversion

    article = ArticleFactory()
    attachment = attach(article)
    with reversion.create_revision():
        article.save()  # a version of the article, following its attachments
    path = media_root / attachment.file.name
    with reversion.create_revision():
        attachment.delete()
        reversion.add_to_revision(article)
    assert path.exists()  # a reviewer may restore the version that had it
    call_command("attachments_check", "--fix")
    out = capsys.readouterr().out
    assert "因历史版本仍可恢复而保留" in out and "没有记录的文件" not in out
    assert path.exists()
    article.delete()  # deleted articles can be recovered from the history as well
    assert path.exists()
