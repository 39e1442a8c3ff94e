"""
Photos as editors take them (issue 20 §3): up to 30 MB straight from a phone or camera,
stored upright, at most IMAGE_MAX_WIDTH (1,600 px) wide, without EXIF, in the body and as
covers; the pixel limit still refuses image bombs.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageSequence

from news import images
from news.images import clean_image
from news.models import Article
from tests.factories import article_form_data
from tests.images import jpeg_with_gps
from tests.news.test_editor_uploads import post_image

RED, BLUE = (220, 0, 0), (0, 0, 220)


def halves(size, mode="RGB", left=RED, right=BLUE):
    """An image whose left half is `left` and right half `right`."""
    width, height = size
    image = Image.new(mode, size, right)
    image.paste(left, (0, 0, width // 2, height))
    return image


def encoded(image, image_format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def camera_jpeg(size=(4000, 3000), orientation=None):
    """A JPEG as a camera writes it: EXIF with the maker, a GPS position, maybe an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x8825] = {1: "N", 2: (39.0, 30.0, 0.0), 3: "E", 4: (106.0, 43.0, 0.0)}
    if orientation:
        exif[0x0112] = orientation
    return encoded(halves(size), exif=exif, quality=95)


def opened(clean):
    return Image.open(io.BytesIO(clean.content))


def clean(data, name="photo.jpg"):
    return clean_image(ContentFile(data, name=name))


def close_to(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))


def test_a_4000_by_3000_photo_is_stored_1600_wide_as_jpeg_without_exif():
    stored = clean(camera_jpeg())
    assert (stored.extension, stored.width, stored.height) == ("jpg", 1600, 1200)
    with opened(stored) as image:
        assert image.format == "JPEG" and image.size == (1600, 1200)
        assert not image.getexif() and "exif" not in image.info
        assert close_to(image.getpixel((10, 600)), RED) and close_to(image.getpixel((1590, 600)), BLUE)
    assert b"Camera maker" not in stored.content


def test_the_jpeg_quality_is_the_policys(monkeypatch):
    # The same photo at a lower quality setting is smaller: the setting reaches the encoder.
    photo = Image.effect_noise((2000, 1500), 60).convert("RGB")
    at_85 = clean(encoded(photo, quality=100))
    monkeypatch.setattr(images, "JPEG_QUALITY", 50)
    at_50 = clean(encoded(photo, quality=100))
    assert images.JPEG_QUALITY == 50 and len(at_50.content) < len(at_85.content) * 0.7


@pytest.mark.parametrize(
    ("orientation", "top", "bottom"),
    [
        (6, RED, BLUE),  # the phone was held upright: turn a quarter clockwise
        (8, BLUE, RED),  # the other way
    ],
)
def test_a_photo_is_stored_upright_by_its_exif_orientation(orientation, top, bottom):
    stored = clean(camera_jpeg((4000, 3000), orientation=orientation))
    # Upright the photo is 3000 × 4000: 1600 wide, and the decoder was asked for at least
    # that width of the upright image (not of the stored, sideways one).
    assert (stored.width, stored.height) == (1600, 2133)
    with opened(stored) as image:
        assert image.size == (1600, 2133)
        assert 0x0112 not in image.getexif()  # turned once, by the pixels only
        assert close_to(image.getpixel((800, 10)), top) and close_to(image.getpixel((800, 2120)), bottom)


def test_a_narrow_image_keeps_its_size():
    stored = clean(camera_jpeg((1600, 900)))
    assert (stored.width, stored.height) == (1600, 900)
    stored = clean(camera_jpeg((40, 30)))
    assert (stored.width, stored.height) == (40, 30)


def test_a_png_with_transparency_stays_a_png_with_it():
    image = halves((3200, 100), "RGBA", left=(0, 128, 0, 255), right=(0, 0, 0, 0))
    stored = clean(encoded(image, "PNG"), "logo.png")
    assert (stored.extension, stored.width, stored.height) == ("png", 1600, 50)
    with opened(stored) as result:
        assert result.format == "PNG" and result.mode == "RGBA"
        assert result.getpixel((10, 25)) == (0, 128, 0, 255)
        assert result.getpixel((1590, 25))[3] == 0  # still transparent


def test_a_palette_png_is_scaled_in_full_colour():
    image = halves((2400, 60), "RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    stored = clean(encoded(image, "PNG"), "chart.png")
    with opened(stored) as result:
        assert result.size == (1600, 40)
        assert close_to(result.convert("RGB").getpixel((10, 20)), RED, 5)


def test_a_wide_gif_is_scaled_and_keeps_its_animation():
    frames = [halves((2000, 100), left=RED, right=BLUE), halves((2000, 100), left=BLUE, right=RED)]
    frames = [frame.convert("P", palette=Image.Palette.ADAPTIVE, colors=4) for frame in frames]
    upload = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=[120, 340], loop=0)
    stored = clean(upload, "wide.gif")
    assert (stored.extension, stored.width, stored.height) == ("gif", 1600, 80)
    with opened(stored) as image:
        assert image.format == "GIF" and image.n_frames == 2 and image.info["loop"] == 0
        seen = []
        for frame in ImageSequence.Iterator(image):
            assert frame.size == (1600, 80)
            seen.append((frame.info["duration"], frame.convert("RGB").getpixel((10, 40))))
    assert [duration for duration, _ in seen] == [120, 340]
    assert close_to(seen[0][1], RED) and close_to(seen[1][1], BLUE)


def test_a_48_megapixel_phone_photo_is_accepted_although_over_the_pixel_limit(settings):
    # 8064 × 6048 (48.8 megapixels) is over IMAGE_MAX_PIXELS (40): the JPEG decoder scales
    # it by 1/4 while decoding, so 3 megapixels are decoded.
    assert 8064 * 6048 > settings.IMAGE_MAX_PIXELS
    photo = encoded(Image.new("L", (8064, 6048), 90).convert("RGB"), quality=90)
    stored = clean(photo)
    assert (stored.width, stored.height) == (1600, 1200)


def test_what_a_jpeg_decodes_counts_against_the_pixel_limit(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # 3200 × 1200 claims 3.84 megapixels but is decoded at half size: 0.96.
    assert clean(camera_jpeg((3200, 1200))).width == 1600
    # A PNG of the same size is decoded in full: refused.
    with pytest.raises(ValidationError) as refusal:
        clean(encoded(halves((3200, 1200)), "PNG"), "x.png")
    assert refusal.value.messages == ["图片尺寸太大（3200×1200 像素），不能超过 100 万像素，请缩小后再上传。"]
    # A JPEG that cannot be decoded smaller (not wider than 1600) is counted in full.
    with pytest.raises(ValidationError) as refusal:
        clean(camera_jpeg((1600, 700)))
    assert refusal.value.messages == ["图片尺寸太大（1600×700 像素），不能超过 100 万像素，请缩小后再上传。"]


def test_a_jpeg_header_over_four_times_the_limit_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    # 6400 × 640 = 4.1 megapixels: 1/4 of it would fit, but the header claims over 4 × 1.
    with pytest.raises(ValidationError) as refusal:
        clean(camera_jpeg((6400, 640)))
    assert refusal.value.messages == ["图片尺寸太大（6400×640 像素），不能超过 400 万像素，请缩小后再上传。"]


UPLOAD_LIMIT = 30 * 1024 * 1024


def padded_to(data, size):
    """A valid image file of exactly `size` bytes (what follows the image is not stored)."""
    return data + b"\0" * (size - len(data))


@pytest.mark.django_db
def test_a_30_mb_photo_is_accepted_in_the_editor(editor_client, settings):
    assert settings.EDITOR_IMAGE_MAX_SIZE == UPLOAD_LIMIT
    upload = padded_to(camera_jpeg(), UPLOAD_LIMIT)
    data = post_image(editor_client, SimpleUploadedFile("手机照片.jpg", upload)).json()
    assert data["uploaded"] == 1, data
    assert data["url"].endswith(".jpg")
    # uploadimage writes these into the <img>: the stored size, not the photo's 4000 × 3000.
    assert (data["width"], data["height"]) == (1600, 1200)


@pytest.mark.django_db
def test_over_30_mb_is_refused_in_chinese(editor_client, media_root):
    upload = padded_to(camera_jpeg((40, 30)), UPLOAD_LIMIT + 200 * 1024)
    data = post_image(editor_client, SimpleUploadedFile("太大.jpg", upload)).json()
    assert data == {"uploaded": 0, "error": {"message": "图片太大（30.2 MB），不能超过 30 MB。"}}
    assert not (media_root / "editor").exists()


ADD = reverse("admin:news_article_add")


@pytest.mark.django_db
def test_a_large_cover_follows_the_same_policy(editor_client, media_root):
    upload = padded_to(camera_jpeg(orientation=6), UPLOAD_LIMIT)
    data = article_form_data(title="大封面", cover=SimpleUploadedFile("封面.jpg", upload))
    response = editor_client.post(ADD, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    cover = media_root / Article.objects.get().cover.name
    assert cover.stat().st_size < 1024 * 1024
    with Image.open(cover) as image:
        assert image.format == "JPEG" and image.size == (1600, 2133)
        assert not image.getexif()


@pytest.mark.django_db
def test_a_cover_over_30_mb_is_refused_in_the_form(editor_client, media_root):
    upload = padded_to(jpeg_with_gps(), UPLOAD_LIMIT + 1024 * 1024)
    response = editor_client.post(ADD, article_form_data(title="太大", cover=SimpleUploadedFile("c.jpg", upload)))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["cover"] == ["图片太大（31.0 MB），不能超过 30 MB。"]
    assert not Article.objects.exists()
