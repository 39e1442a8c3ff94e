import io
import time
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile, ImageSequence

from attachments import samples
from tests.images import animated_gif, huge_png, rendered_frames

UPLOAD = reverse("editor-image-upload")
TOKEN = "a1b2c3d4e5f6g7h8i9j0"


def post_image(client, upload, *, token=TOKEN, cookie=TOKEN, json=True, **headers):
    client.cookies["ckCsrfToken"] = cookie
    url = UPLOAD + ("?responseType=json" if json else "?CKEditorFuncNum=3")
    return client.post(url, {"upload": upload, "ckCsrfToken": token}, **headers)


def jpeg_with_exif():
    image = Image.new("RGB", (40, 30), (200, 0, 0))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_staff_member_uploads_an_image(editor_client):
    response = post_image(editor_client, SimpleUploadedFile("会议现场 照片.png", samples.image("png")))
    data = response.json()
    assert data["uploaded"] == 1
    name = data["url"].removeprefix("/media/")
    assert name.startswith("editor/") and name.endswith(".png")
    assert "会议" not in name  # stored under a generated name
    assert default_storage.exists(name)


@pytest.mark.django_db
def test_exif_data_is_removed(editor_client):
    response = post_image(editor_client, SimpleUploadedFile("photo.jpg", jpeg_with_exif()))
    name = response.json()["url"].removeprefix("/media/")
    with default_storage.open(name) as stored, Image.open(stored) as image:
        assert not image.getexif()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("x.jpg", b"<?php system($_GET['c']); ?>"),
        ("x.gif", samples.pdf()),
    ],
)
def test_anything_but_an_image_is_refused(editor_client, media_root, name, content):
    response = post_image(editor_client, SimpleUploadedFile(name, content))
    data = response.json()
    assert data["uploaded"] == 0
    assert "图片" in data["error"]["message"]
    assert not (media_root / "editor").exists()


@pytest.mark.django_db
def test_the_dialog_upload_calls_back_into_the_editor(editor_client):
    response = post_image(editor_client, SimpleUploadedFile("a.gif", samples.image("gif")), json=False)
    html = response.content.decode()
    assert html.startswith('<script>window.parent.CKEDITOR.tools.callFunction(3, "/media/editor/')


@pytest.mark.django_db
def test_without_the_double_submitted_token_nothing_is_stored(editor_client, media_root):
    response = post_image(editor_client, SimpleUploadedFile("a.png", samples.image("png")), token="forged")
    assert response.status_code == 403
    assert not (media_root / "editor").exists()


@pytest.mark.django_db
def test_a_foreign_origin_is_refused(editor_client):
    response = post_image(
        editor_client, SimpleUploadedFile("a.png", samples.image("png")), HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_the_public_cannot_upload(client, media_root):
    response = post_image(client, SimpleUploadedFile("a.png", samples.image("png")))
    assert response.json() == {"uploaded": 0, "error": {"message": "登录已过期，请重新登录后再上传"}}
    assert not (media_root / "editor").exists()


@pytest.mark.django_db
def test_an_ended_session_is_told_in_an_answer_ckeditor_shows(client, editor):
    # CKEditor reads JSON with a 2xx status (for anything else it says only "HTTP error");
    # a redirect to the login page made it say 「不正确的服务器响应」.
    client.force_login(editor)
    client.logout()
    response = post_image(client, SimpleUploadedFile("a.png", samples.image("png")))
    assert response.status_code == 200
    assert response.json()["error"]["message"] == "登录已过期，请重新登录后再上传"


@pytest.mark.django_db
def test_the_dialog_is_told_of_an_ended_session_too(client):
    response = post_image(client, SimpleUploadedFile("a.png", samples.image("png")), json=False)
    assert response.content.decode() == (
        '<script>window.parent.CKEDITOR.tools.callFunction(3, "", "登录已过期，请重新登录后再上传");</script>'
    )


@pytest.mark.django_db
def test_the_dialogs_xhr_upload_gets_json(editor_client):
    editor_client.cookies["ckCsrfToken"] = TOKEN
    response = editor_client.post(
        UPLOAD, {"upload": SimpleUploadedFile("a.png", samples.image("png")), "ckCsrfToken": TOKEN}
    )
    assert response.json()["uploaded"] == 1


@pytest.mark.django_db
def test_an_image_of_too_many_pixels_is_refused_before_it_is_decoded(editor_client, media_root, settings):
    settings.IMAGE_MAX_PIXELS = 40_000_000
    bomb = huge_png(13_300, 13_300)  # 177 megapixels in about 21 KB
    assert len(bomb) < 100_000
    decoded = []
    with (
        mock.patch.object(ImageFile.ImageFile, "load", side_effect=lambda *a: decoded.append(a)),
        mock.patch.object(Image.Image, "load", side_effect=lambda *a: decoded.append(a)),
    ):
        started = time.monotonic()
        response = post_image(editor_client, SimpleUploadedFile("大图.png", bomb))
        elapsed = time.monotonic() - started
    data = response.json()
    assert data["uploaded"] == 0
    assert data["error"]["message"] == "图片尺寸太大（13300×13300 像素），不能超过 4000 万像素，请缩小后再上传。"
    assert not decoded and elapsed < 2
    assert not (media_root / "editor").exists()


@pytest.mark.django_db
def test_an_image_at_the_pixel_limit_is_stored(editor_client, settings):
    settings.IMAGE_MAX_PIXELS = 40 * 30
    response = post_image(editor_client, SimpleUploadedFile("photo.jpg", jpeg_with_exif()))
    assert response.json()["uploaded"] == 1
    settings.IMAGE_MAX_PIXELS = 40 * 30 - 1
    response = post_image(editor_client, SimpleUploadedFile("photo.jpg", jpeg_with_exif()))
    assert "不能超过" in response.json()["error"]["message"]


APPENDED = b"<script>alert(document.cookie)</script>PK\x03\x04 appended after the trailer"


def stored(response):
    with default_storage.open(response.json()["url"].removeprefix("/media/")) as file:
        return file.read()


@pytest.mark.django_db
def test_a_gif_is_re_encoded_with_its_animation_and_without_what_was_appended(editor_client):
    upload = animated_gif(durations=(100, 250), loop=0) + APPENDED
    data = stored(post_image(editor_client, SimpleUploadedFile("动图.gif", upload)))
    assert b"<script>" not in data and b"appended" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "GIF" and image.n_frames == 2
        assert image.info["loop"] == 0
        durations, colours = [], []
        for frame in ImageSequence.Iterator(image):
            durations.append(frame.info["duration"])
            colours.append(frame.convert("RGB").getpixel((0, 0)))
    assert durations == [100, 250]
    assert colours == [(255, 0, 0), (0, 0, 255)]


@pytest.mark.django_db
@pytest.mark.parametrize("disposal", [0, 1, 2])
@pytest.mark.parametrize("transparency", [None, 0])
def test_a_gif_looks_the_same_after_re_encoding(editor_client, transparency, disposal):
    upload = animated_gif(durations=(80, 90, 100), transparency=transparency, disposal=disposal)
    data = stored(post_image(editor_client, SimpleUploadedFile("a.gif", upload)))
    assert rendered_frames(data) == rendered_frames(upload)


@pytest.mark.django_db
def test_a_gif_keeps_no_comment_and_plays_once_if_it_did(editor_client):
    upload = animated_gif(durations=(50, 60, 70), loop=None, comment=b"<svg onload=alert(1)>")
    data = stored(post_image(editor_client, SimpleUploadedFile("a.gif", upload)))
    assert b"<svg" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.n_frames == 3 and "loop" not in image.info


@pytest.mark.django_db
def test_the_frames_of_a_gif_count_towards_the_pixel_limit(editor_client, media_root, settings):
    settings.IMAGE_MAX_PIXELS = 20 * 10 * 3 - 1
    response = post_image(editor_client, SimpleUploadedFile("a.gif", animated_gif(durations=(50, 60, 70))))
    assert response.json()["error"]["message"].startswith("图片尺寸太大（3 帧、每帧 20×10 像素）")
    assert not (media_root / "editor").exists()
