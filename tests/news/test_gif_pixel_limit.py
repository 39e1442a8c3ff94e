"""
Guards against what the review of issues 14 and 15 found: news.images._check_header counts a GIF's pixels as logical screen × frames, but a
frame may be larger than the logical screen (Pillow grows the canvas when it reaches it).
A 1×1 GIF whose second frame is 7000×7000 passes the 40-megapixel limit and is decoded in
full (12000×12000: 107 KB upload, 25 s and 2.8 GB in one process, measured).
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.images import clean_image


def _first_image_block(data):
    flags = data[10]
    i = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[i] == 0x21:  # extensions
        i += 2
        while data[i]:
            i += data[i] + 1
        i += 1
    return i


def small_screen_large_frame(side):
    """A GIF with a 1×1 logical screen: frame 1 is 1×1, frame 2 is side×side."""
    small, large = io.BytesIO(), io.BytesIO()
    Image.new("P", (1, 1), 0).save(small, format="GIF")
    Image.new("P", (side, side), 0).save(large, format="GIF")
    large = large.getvalue()
    return small.getvalue()[:-1] + large[_first_image_block(large) :]


def test_a_gif_frame_larger_than_its_screen_counts_its_own_pixels(settings):
    data = small_screen_large_frame(7000)  # 49 megapixels, over IMAGE_MAX_PIXELS (40)
    assert len(data) < 100_000
    with Image.open(io.BytesIO(data)) as probe:
        assert probe.size == (1, 1) and probe.n_frames == 2  # what the header check sees
    with pytest.raises(ValidationError):
        clean_image(SimpleUploadedFile("x.gif", data, content_type="image/gif"))
