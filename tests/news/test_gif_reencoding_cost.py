"""
Review of issue 20 §3: GIF frames wider than IMAGE_MAX_WIDTH are scaled in full colour,
and Pillow hands out every frame after the first in full colour anyway. Saving a GIF,
Pillow brings such frames back to 256 colours by median cut, which takes 0.1 to 0.3 s for
one frame of 40,000 pixels of many colours: a 13 MB GIF of 1000 frames of 1601×24
(38 megapixels, within every limit) took 308 s in one process (bench/image_policy.py
--clean, on a loaded machine; far over gunicorn's 30 s, so the editor got a 502). The
frames are reduced to 256 colours by the fast octree (about a millisecond each) before
they are saved, so no frame reaches the median cut.
"""

import io
import os

import pytest
from django.core.files.base import ContentFile
from PIL import Image, ImageSequence

from news.images import clean_image
from tests.images import animated_gif, rendered_frames


def noisy_gif(frames=4, size=(1601, 24)):
    """Frames of four colours in noise: scaled, they have thousands of colours."""
    drawn = []
    for _ in range(frames):
        frame = Image.frombytes("L", size, bytes(b % 4 for b in os.urandom(size[0] * size[1]))).convert("P")
        frame.putpalette([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255] + [0] * 756)
        drawn.append(frame)
    buffer = io.BytesIO()
    drawn[0].save(buffer, format="GIF", save_all=True, append_images=drawn[1:], duration=50, loop=0)
    return buffer.getvalue()


@pytest.fixture
def no_median_cut(monkeypatch):
    """
    Fail if a frame in full colour is brought to 256 colours by Pillow's own conversion
    (what the GIF encoder does with it: median cut), as a timing test could not tell.
    """
    convert = Image.Image.convert

    def checked(image, mode=None, *args, **kwargs):
        if mode == "P" and image.mode in ("RGB", "RGBA") and kwargs.get("palette") == Image.Palette.ADAPTIVE:
            pytest.fail(f"a {image.mode} frame of {image.size} quantized by median cut")
        return convert(image, mode, *args, **kwargs)

    monkeypatch.setattr(Image.Image, "convert", checked)


def test_scaled_frames_never_reach_the_median_cut(no_median_cut):
    stored = clean_image(ContentFile(noisy_gif(), name="noise.gif"))
    assert (stored.width, stored.height) == (1600, 24)
    with Image.open(io.BytesIO(stored.content)) as image:
        assert image.n_frames == 4
        assert all(frame.size == (1600, 24) for frame in ImageSequence.Iterator(image))


@pytest.mark.parametrize("transparency", [None, 0])
def test_frames_in_full_colour_keep_what_they_show(no_median_cut, transparency):
    # Pillow hands frames 2 and 3 out in RGB (RGBA with transparency): they are quantized
    # here, and still show what the upload showed.
    upload = animated_gif((100, 100, 100), transparency=transparency, disposal=2 if transparency == 0 else 0)
    stored = clean_image(ContentFile(upload, name="a.gif"))
    assert rendered_frames(stored.content) == rendered_frames(upload)
