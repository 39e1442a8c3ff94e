"""
Review of issue 20 §3 ("a captioned photo straight from a phone"): many phones and
cameras write JPEGs with a Multi-Picture (MPF) segment and a second image after the first:
Ultra HDR photos carry their gain map that way, 3D and depth cameras their other views.
Pillow opens them as format "MPO", which the policy did not know: such a photo was refused
as 「只能上传 JPG、PNG、GIF 或 WebP 格式的图片」. Browsers show them as the JPEG they are
(the first image); so does the policy now, and stores only that image.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.images import clean_image
from tests.news.test_editor_uploads import post_image

RED, BLUE = (220, 0, 0), (0, 0, 220)


def multi_picture(size=(400, 300), orientation=None):
    """A JPEG as an Ultra HDR phone writes it: the photo, then a second (smaller) image."""
    options = {}
    if orientation:
        options["exif"] = Image.Exif()
        options["exif"][0x0112] = orientation
    photo = Image.new("RGB", size, RED)
    photo.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    photo.save(buffer, format="MPO", save_all=True, append_images=[Image.new("L", (100, 75), 128)], **options)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.n_frames) == ("MPO", 2)
    return data


def test_the_first_image_is_stored_as_a_jpeg():
    stored = clean_image(ContentFile(multi_picture(), name="PXL_20261130.jpg"))
    assert (stored.extension, stored.width, stored.height) == ("jpg", 400, 300)
    with Image.open(io.BytesIO(stored.content)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        assert image.convert("RGB").getpixel((10, 150))[0] > 150
    assert b"MPF" not in stored.content


def test_a_wide_one_is_scaled_and_turned_upright():
    stored = clean_image(ContentFile(multi_picture((4000, 3000), orientation=6), name="PXL.jpg"))
    assert (stored.extension, stored.width, stored.height) == ("jpg", 1600, 2133)


@pytest.mark.django_db
def test_the_editors_upload_takes_it(editor_client, media_root):
    data = post_image(editor_client, SimpleUploadedFile("PXL_20261130.jpg", multi_picture())).json()
    assert data["uploaded"] == 1, data
    assert data["url"].endswith(".jpg") and (data["width"], data["height"]) == (400, 300)
