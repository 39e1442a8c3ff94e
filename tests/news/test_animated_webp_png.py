"""
Review of issue 20 §3: the policy takes WebP and PNG as well as GIF, and keeps a GIF's
animation, but an animated WebP (a sticker from a chat app) or PNG (APNG) was stored as
its first frame only, silently. They are redrawn frame by frame like a GIF, in their own
format, within the same pixel and frame limits.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageSequence

from news import image_structure
from news.images import clean_image

RED, BLUE, GREEN = (220, 0, 0), (0, 0, 220), (0, 160, 0)


def animation(image_format, size=(40, 20), colours=(RED, BLUE, GREEN), durations=(100, 250, 400)):
    frames = [Image.new("RGB", size, colour) for colour in colours]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format=image_format, save_all=True, append_images=frames[1:], duration=list(durations), loop=0
    )
    return buffer.getvalue()


def shown(data):
    """Each frame's format, size, duration and colour in the middle, as a viewer shows it."""
    with Image.open(io.BytesIO(data)) as image:
        result = []
        for frame in ImageSequence.Iterator(image):
            rgb = frame.convert("RGB")
            result.append((image.format, rgb.size, frame.info.get("duration"), rgb.getpixel((rgb.width // 2, 5))))
        return result


def close_to(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize(("image_format", "extension"), [("WEBP", "webp"), ("PNG", "png")])
def test_an_animation_keeps_every_frame_and_its_duration(image_format, extension):
    stored = clean_image(ContentFile(animation(image_format), name="sticker"))
    assert (stored.extension, stored.width, stored.height) == (extension, 40, 20)
    frames = shown(stored.content)
    assert [(f[0], f[1], f[2]) for f in frames] == [(image_format, (40, 20), d) for d in (100, 250, 400)]
    assert [close_to(f[3], c) for f, c in zip(frames, (RED, BLUE, GREEN), strict=True)] == [True] * 3
    with Image.open(io.BytesIO(stored.content)) as image:
        assert image.info.get("loop") == 0


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_a_wide_animation_is_scaled_frame_by_frame(image_format):
    stored = clean_image(ContentFile(animation(image_format, size=(3200, 40)), name="wide"))
    assert (stored.width, stored.height) == (1600, 20)
    assert [f[1] for f in shown(stored.content)] == [(1600, 20)] * 3


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_the_frame_limit_holds(image_format, monkeypatch):
    monkeypatch.setattr(image_structure, "ANIMATION_MAX_FRAMES", 2)
    with pytest.raises(ValidationError) as refusal:
        clean_image(ContentFile(animation(image_format), name="long"))
    assert refusal.value.messages == ["动图帧数太多（超过 2 帧），请减少帧数后再上传。"]


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_every_frame_counts_against_the_pixel_limit(image_format, settings):
    settings.IMAGE_MAX_PIXELS = 2000  # two frames of 40 × 20 pixels, not three
    with pytest.raises(ValidationError) as refusal:
        clean_image(ContentFile(animation(image_format), name="big"))
    assert refusal.value.messages == ["图片尺寸太大（3 帧、每帧 40×20 像素），不能超过 0.2 万像素，请缩小后再上传。"]
