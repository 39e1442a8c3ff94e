"""Covers follow the image policy of editor images (news.images), whichever way they are set."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from news.models import Article
from tests.factories import ArticleFactory, CategoryFactory, article_form_data
from tests.images import animated_gif, huge_png, jpeg_with_gps, rendered_frames

ADD = reverse("admin:news_article_add")


def stored_covers(media_root):
    return (
        sorted(p for p in (media_root / "covers").rglob("*") if p.is_file()) if (media_root / "covers").exists() else []
    )


@pytest.mark.django_db
def test_a_cover_uploaded_in_the_admin_is_stored_without_exif_or_gps(editor_client, media_root):
    upload = jpeg_with_gps()
    with Image.open(io.BytesIO(upload)) as original:
        assert original.getexif().get_ifd(0x8825)  # the upload has a GPS position
    data = article_form_data(title="有封面", cover=SimpleUploadedFile("现场照片.jpg", upload))
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.cover.name.startswith("covers/") and article.cover.name.endswith(".jpg")
    with article.cover.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "JPEG" and image.size == (40, 30)
        assert not image.getexif() and "exif" not in image.info
    assert b"Camera maker" not in (media_root / article.cover.name).read_bytes()


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # Django's ImageField opens it first
def test_a_cover_over_the_pixel_limit_is_refused_in_the_form_and_nothing_is_stored(editor_client, media_root):
    data = article_form_data(title="大封面", cover=SimpleUploadedFile("大图.png", huge_png()))
    response = editor_client.post(ADD, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["cover"]
    assert errors == ["图片尺寸太大（13300×13300 像素），不能超过 4000 万像素，请缩小后再上传。"]
    assert not Article.objects.exists()
    assert not stored_covers(media_root)


@pytest.mark.django_db
def test_a_gif_cover_is_re_encoded_with_its_animation(editor_client, media_root):
    upload = animated_gif() + b"<script>alert(1)</script>"
    response = editor_client.post(ADD, article_form_data(cover=SimpleUploadedFile("动图.gif", upload)))
    assert response.status_code == 302
    data = (media_root / Article.objects.get().cover.name).read_bytes()
    assert b"<script>" not in data
    assert rendered_frames(data) == rendered_frames(upload)


@pytest.mark.django_db
def test_a_cover_gets_the_extension_of_what_it_is(editor_client, media_root):
    png = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 200)).save(png, format="PNG")
    response = editor_client.post(ADD, article_form_data(cover=SimpleUploadedFile("其实是.jpg", png.getvalue())))
    assert response.status_code == 302
    assert Article.objects.get().cover.name.endswith(".png")


@pytest.mark.django_db
def test_a_cover_set_outside_a_form_follows_the_policy_on_save(media_root):
    article = ArticleFactory.build(category=CategoryFactory(), cover=SimpleUploadedFile("c.jpg", jpeg_with_gps()))
    article.save()
    with Image.open(media_root / article.cover.name) as image:
        assert not image.getexif()


@pytest.mark.django_db
def test_a_refused_cover_set_outside_a_form_stores_nothing(media_root, settings):
    settings.IMAGE_MAX_PIXELS = 100
    article = ArticleFactory.build(category=CategoryFactory(), cover=SimpleUploadedFile("c.jpg", jpeg_with_gps()))
    with pytest.raises(ValidationError) as refusal:
        article.save()
    assert "不能超过" in str(refusal.value)
    assert not Article.objects.exists()
    assert not stored_covers(media_root)


@pytest.mark.django_db
def test_a_stored_cover_is_not_processed_again(media_root):
    article = ArticleFactory(cover=SimpleUploadedFile("c.jpg", jpeg_with_gps()))
    name, data = article.cover.name, (media_root / article.cover.name).read_bytes()
    article.title = "改了标题"
    article.full_clean()
    article.save()
    article.refresh_from_db()
    assert article.cover.name == name and (media_root / name).read_bytes() == data
