"""
Review of issue 20 §3: photos are turned upright by their EXIF orientation. Pillow's
ImageOps.exif_transpose also writes the EXIF data back (to drop the orientation from it),
and that fails with TypeError on EXIF Pillow can read but not write, such as a GPS block
whose GPSVersionID is text (found by mutating a camera JPEG): the editor's upload answered
500 and the cover form too. The EXIF is never stored, so nothing of it is written now: the
orientation is read and the pixels are turned.
"""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.images import clean_image
from tests.news.test_editor_uploads import post_image

RED, BLUE = (220, 0, 0), (0, 0, 220)


def sideways_photo_with_odd_gps(image_format="JPEG"):
    """A 60×40 photo, left half red, with orientation 6 and a GPS tag 0 of type text."""
    image = Image.new("RGB", (60, 40), BLUE)
    image.paste(RED, (0, 0, 30, 40))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (39.0, 30.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, exif=exif)
    data = buffer.getvalue()
    # GPSLatitudeRef (tag 1, ASCII "N") renumbered to GPSVersionID (tag 0, a BYTE tag).
    # (Pillow writes EXIF big-endian: tag, type 2, count 2, "N\0".)
    entry = b"\x00\x01\x00\x02\x00\x00\x00\x02N\x00"
    assert data.count(entry) == 1
    return data.replace(entry, b"\x00\x00" + entry[2:])


def test_pillow_cannot_write_this_exif_back():
    with Image.open(io.BytesIO(sideways_photo_with_odd_gps())) as image:
        exif = image.getexif()
        assert exif[0x0112] == 6 and exif.get_ifd(0x8825)[0] == "N"
        with pytest.raises(TypeError):
            exif.tobytes()


# (Not PNG: its eXIf chunk has a CRC that the renumbering would break.)
@pytest.mark.parametrize(("image_format", "extension"), [("JPEG", "jpg"), ("WEBP", "webp")])
def test_a_photo_with_odd_exif_is_stored_upright_without_it(image_format, extension):
    stored = clean_image(ContentFile(sideways_photo_with_odd_gps(image_format), name="photo"))
    assert (stored.extension, stored.width, stored.height) == (extension, 40, 60)
    with Image.open(io.BytesIO(stored.content)) as image:
        assert not image.getexif()
        rgb = image.convert("RGB")
        top, bottom = rgb.getpixel((20, 5)), rgb.getpixel((20, 55))
    assert top[0] > 150 and top[2] < 80, top  # red on top: turned a quarter clockwise
    assert bottom[2] > 150 and bottom[0] < 80, bottom


@pytest.mark.django_db
def test_the_editors_upload_takes_it(editor_client, media_root):
    response = post_image(editor_client, SimpleUploadedFile("IMG_0001.JPG", sideways_photo_with_odd_gps()))
    assert response.status_code == 200
    data = response.json()
    assert data["uploaded"] == 1, data
    assert (data["width"], data["height"]) == (40, 60)
