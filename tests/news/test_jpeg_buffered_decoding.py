"""
Review of issue 20 §3: a JPEG's header may claim up to JPEG_HEADER_PIXELS_FACTOR × the
pixel limit because libjpeg scales a wide JPEG down while decoding it. That holds only for
a JPEG decoded in one pass (baseline, every component in its first scan). A progressive
JPEG, or one whose components come in separate scans, is decoded by keeping the whole
image's DCT coefficients in memory (two bytes a sample) whatever the scale: a 1.9 MB
progressive JPEG of 12600×12600 took 7.6 s and 947 MB in one process, measured with
bench/image_policy.py --clean. Such a JPEG is counted by its header, like a PNG.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from news.images import clean_image


def jpeg(size, **options):
    image = Image.new("RGB", size, (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, **options)
    return buffer.getvalue()


def clean(data):
    return clean_image(ContentFile(data, name="photo.jpg"))


def first_scan_with_one_component(data):
    """`data` with its first scan (SOS) claiming one component: how a non-interleaved JPEG starts."""
    start = data.index(b"\xff\xda")
    length = int.from_bytes(data[start + 2 : start + 4], "big")
    selectors = data[start + 5 : start + 7]  # the first component's selector and tables
    rest = data[start + 4 + 1 + 2 * data[start + 4] : start + 2 + length]  # Ss, Se, Ah/Al
    return data[:start] + b"\xff\xda" + (2 + 1 + 2 + len(rest)).to_bytes(2, "big") + b"\x01" + selectors + rest


@pytest.fixture
def one_megapixel(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    settings.IMAGE_MAX_WIDTH = 1600


def test_a_baseline_jpeg_is_counted_by_what_is_decoded(one_megapixel):
    # 3200 × 1200 = 3.84 megapixels in the header, decoded at half size: 0.96.
    assert clean(jpeg((3200, 1200))).width == 1600


def test_a_progressive_jpeg_is_counted_by_its_header(one_megapixel):
    with pytest.raises(ValidationError) as refusal:
        clean(jpeg((3200, 1200), progressive=True))
    assert refusal.value.messages == ["图片尺寸太大（3200×1200 像素），不能超过 100 万像素，请缩小后再上传。"]


def test_a_jpeg_whose_first_scan_lacks_components_is_counted_by_its_header(one_megapixel):
    with pytest.raises(ValidationError) as refusal:
        clean(first_scan_with_one_component(jpeg((3200, 1200))))
    assert refusal.value.messages == ["图片尺寸太大（3200×1200 像素），不能超过 100 万像素，请缩小后再上传。"]


def test_a_progressive_jpeg_within_the_limit_is_still_scaled(one_megapixel):
    stored = clean(jpeg((2000, 400), progressive=True))
    assert (stored.extension, stored.width, stored.height) == ("jpg", 1600, 320)


def test_a_greyscale_baseline_jpeg_has_one_component_in_its_one_scan(one_megapixel):
    grey = io.BytesIO()
    Image.new("L", (3200, 1200), 90).save(grey, format="JPEG")
    assert clean(grey.getvalue()).width == 1600
