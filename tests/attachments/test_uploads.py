"""What may be uploaded: real files of each allowed type; nothing disguised, nothing too big."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachments.models import Attachment
from attachments.services import attachment_create
from attachments.validation import ALLOWED_TYPES, inspect_upload, shortened_name
from demo import samples
from news.models import Article
from tests.factories import ArticleFactory
from tests.factories import article_form_data as form_data

EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run in DOS mode"
    + b"\x00" * 200
)
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
DISGUISED = [
    ("通知.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
    ("报名表.docx", EXE),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'),
    ("photo.jpg", b"<?php system($_GET['cmd']); ?>"),
    ("说明.txt", b"<html><script>alert(1)</script></html>"),
    ("说明.txt", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("表格.xls", samples.pdf()),
    ("文档.doc", samples.docx()),
    ("archive.zip", samples.rar_archive()),
    ("program.dps", ELF),
    ("image.gif", samples.image("png")),
    ("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
]
REFUSED_BY_NAME = [
    ("页面.html", b"<html></html>"),
    ("图标.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("脚本.js", b"alert(1)"),
    ("setup.exe", EXE),
    ("shell.php", b"<?php ?>"),
    ("无扩展名", samples.pdf()),
    ("run.sh", b"#!/bin/sh"),
    ("文档.pdf.exe", EXE),
]


@pytest.mark.parametrize("extension", sorted(ALLOWED_TYPES))
def test_a_real_file_of_each_allowed_type_is_accepted(extension):
    info = inspect_upload(SimpleUploadedFile(f"乌达区通知.{extension}", samples.build(extension)))
    assert info.extension == extension
    assert info.original_name == f"乌达区通知.{extension}"
    assert len(info.sha256) == 64


@pytest.mark.parametrize(("name", "content"), DISGUISED, ids=[n for n, _ in DISGUISED])
def test_disguised_files_are_refused(name, content):
    with pytest.raises(ValidationError) as refusal:
        inspect_upload(SimpleUploadedFile(name, content))
    assert "内容与扩展名" in str(refusal.value)


@pytest.mark.parametrize(("name", "content"), REFUSED_BY_NAME, ids=[n for n, _ in REFUSED_BY_NAME])
def test_types_not_allowed_are_refused_by_name(name, content):
    with pytest.raises(ValidationError) as refusal:
        inspect_upload(SimpleUploadedFile(name, content))
    assert "不允许上传" in str(refusal.value) or "没有扩展名" in str(refusal.value)


def test_an_oversized_file_is_refused(settings):
    settings.ATTACHMENT_MAX_SIZE = 1024
    with pytest.raises(ValidationError) as refusal:
        inspect_upload(SimpleUploadedFile("大文件.pdf", samples.pdf() + b"\n%" + b"x" * 2048))
    assert "不能超过" in str(refusal.value)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        inspect_upload(SimpleUploadedFile("空.txt", b""))


@pytest.mark.django_db
def test_stored_under_a_generated_name_with_the_original_name_kept(media_root):
    article = ArticleFactory()
    attachment = attachment_create(
        article=article, file=ContentFile(samples.docx(), name="../../etc/关于开展评选的通知.docx")
    )
    assert attachment.original_name == "关于开展评选的通知.docx"
    assert attachment.title == "关于开展评选的通知.docx"
    name = attachment.file.name
    assert name.startswith("attachments/") and name.endswith(".docx")
    assert ".." not in name and "通知" not in name
    assert (media_root / name).is_file()
    second = attachment_create(article=article, file=ContentFile(samples.docx(), name="关于开展评选的通知.docx"))
    assert second.file.name != name  # same name uploaded twice: no overwrite, no collision
    assert attachment.content_type.endswith("wordprocessingml.document")
    assert attachment.size == len(samples.docx())


@pytest.mark.django_db
def test_a_refusal_stores_nothing(media_root):
    with pytest.raises(ValidationError):
        attachment_create(article=ArticleFactory(), file=ContentFile(EXE, name="报名表.docx"))
    assert not Attachment.objects.exists()
    assert not (media_root / "attachments").exists()


# --- Through the admin form ----------------------------------------------------------------


def with_attachment(data, upload, title=""):
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-0-file": upload,
            "attachments-0-title": title,
            "attachments-0-order": "0",
        }
    )
    return data


@pytest.mark.django_db
def test_an_editor_attaches_a_file_in_the_article_form(editor_client, editor):
    upload = SimpleUploadedFile("2024年度党员发展计划表.xlsx", samples.xlsx())
    response = editor_client.post(reverse("admin:news_article_add"), with_attachment(form_data(title="带附件"), upload))
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = Attachment.objects.get()
    assert attachment.article.title == "带附件"
    assert attachment.title == "2024年度党员发展计划表.xlsx"
    assert attachment.uploaded_by == editor
    assert attachment.sha256 and attachment.size == len(samples.xlsx())


@pytest.mark.django_db
def test_the_admin_form_shows_the_refusal_in_chinese_and_stores_nothing(editor_client, media_root):
    upload = SimpleUploadedFile("通知.pdf", b"<html><script>alert(1)</script></html>")
    response = editor_client.post(reverse("admin:news_article_add"), with_attachment(form_data(title="坏附件"), upload))
    assert response.status_code == 200
    assert "内容与扩展名 .pdf 不符" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not (media_root / "attachments").exists()


@pytest.mark.django_db
def test_the_inline_shows_type_size_and_downloads(reviewer_client):
    article = ArticleFactory()
    attachment_create(article=article, file=ContentFile(samples.pdf(), name="通知.pdf"))
    Attachment.objects.update(download_count=12)
    html = reviewer_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert "PDF 文档" in html and "字节" in html and ">12<" in html


# --- Names longer than the columns ---------------------------------------------------------

LONG_STEM = "关于开展二〇二四年度优秀共产党员评选推荐工作的通知" * 10  # 250 characters


@pytest.mark.django_db
def test_a_file_name_longer_than_the_display_name_column_is_shortened_keeping_its_extension(media_root):
    name = LONG_STEM[:220] + ".docx"
    attachment = attachment_create(article=ArticleFactory(), file=ContentFile(samples.docx(), name=name))
    attachment.refresh_from_db()
    assert attachment.original_name == name  # fits its 255 characters
    assert len(attachment.title) == Attachment._meta.get_field("title").max_length
    assert attachment.title.startswith(LONG_STEM[:150]) and attachment.title.endswith("….docx")
    assert attachment.download_name == attachment.title


@pytest.mark.django_db
def test_a_file_name_longer_than_the_original_name_column_is_shortened_too(media_root):
    name = LONG_STEM * 2 + ".pdf"
    attachment = attachment_create(article=ArticleFactory(), file=ContentFile(samples.pdf(), name=name))
    attachment.refresh_from_db()
    assert len(attachment.original_name) == 255 and attachment.original_name.endswith("….pdf")
    assert len(attachment.title) == 200 and attachment.title.endswith("….pdf")
    assert attachment.extension == "pdf"


@pytest.mark.django_db
def test_a_display_name_too_long_is_refused_and_nothing_is_stored(media_root):
    with pytest.raises(ValidationError) as refusal:
        attachment_create(article=ArticleFactory(), file=ContentFile(samples.pdf(), name="通知.pdf"), title="长" * 201)
    assert "显示名称" in str(refusal.value) and "200" in str(refusal.value)
    assert not Attachment.objects.exists()
    assert not (media_root / "attachments").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_row_the_database_refuses_leaves_no_file_behind(media_root):
    from django.db import DataError

    attachment = Attachment(article=ArticleFactory(), file=ContentFile(samples.pdf(), name="通知.pdf"))
    attachment.title = "长" * 201  # past every check: only the database stops it
    with pytest.raises(DataError):
        attachment.save()
    assert not Attachment.objects.exists()
    assert not [p for p in (media_root / "attachments").rglob("*") if p.is_file()]


@pytest.mark.django_db
@pytest.mark.parametrize("length", [201, 255, 300])
def test_the_admin_form_takes_a_long_file_name_with_the_display_name_left_empty(editor_client, media_root, length):
    name = (LONG_STEM * 2)[: length - 4] + ".pdf"
    upload = SimpleUploadedFile(name, samples.pdf())
    response = editor_client.post(
        reverse("admin:news_article_add"), with_attachment(form_data(title="长附件名"), upload)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    attachment = Attachment.objects.get()
    assert len(attachment.title) <= 200 and attachment.title.endswith(".pdf")
    assert len(attachment.original_name) <= 255 and attachment.original_name.endswith(".pdf")
    assert len([p for p in (media_root / "attachments").rglob("*") if p.is_file()]) == 1


@pytest.mark.parametrize(
    ("name", "max_length", "expected"),
    [
        ("通知.pdf", 10, "通知.pdf"),
        ("一二三四五六七八九十.pdf", 10, "一二三四五….pdf"),
        ("没有扩展名的很长的文件名", 6, "没有扩展名…"),
        ("a.verylongextension", 6, "a.very"),
        (".bashrc-but-longer", 6, ".bash…"),
    ],
)
def test_shortened_name(name, max_length, expected):
    assert shortened_name(name, max_length) == expected
    assert len(shortened_name(name, max_length)) <= max_length


@pytest.mark.parametrize("status", [Article.Status.DRAFT, Article.Status.PUBLISHED])  # the form, the view-only form
@pytest.mark.django_db
def test_the_article_form_links_a_stored_file_to_its_download_not_to_media(editor_client, media_root, status):
    # nginx answers 404 for /media/attachments/ (drafts' files stay private, downloads are
    # counted): the editor's link to the file goes through the download view, under its own name.
    article = ArticleFactory(status=status)
    attachment = attachment_create(article=article, file=ContentFile(samples.pdf(), name="培训日程.pdf"))
    html = editor_client.get(reverse("admin:news_article_change", args=[article.pk])).content.decode()
    assert "/media/attachments/" not in html
    assert attachment.file.name not in html  # the generated storage name means nothing to an editor
    assert f'href="{attachment.get_absolute_url()}"' in html
    assert ">培训日程.pdf</a>" in html


@pytest.mark.django_db
def test_the_attachment_page_links_its_file_to_the_download_not_to_media(reviewer_client, media_root):
    attachment = attachment_create(article=ArticleFactory(), file=ContentFile(samples.pdf(), name="培训日程.pdf"))
    html = reviewer_client.get(reverse("admin:attachments_attachment_change", args=[attachment.pk])).content.decode()
    assert "/media/attachments/" not in html
    assert f'href="{attachment.get_absolute_url()}"' in html
