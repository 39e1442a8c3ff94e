"""
Review of issue 20 §3: the pixel limit counts a GIF's frames × their size, but each frame
also costs its own work whatever its size (seeking, copying, re-encoding). A 2.3 MB GIF
of 100,000 frames of 1×1 pixels (0.1 megapixels) took 87 s and 327 MB in one process
(bench/image_policy.py --clean); 30 MB holds over a million such frames. A GIF may have at
most ANIMATION_MAX_FRAMES frames, counted from the file's blocks before any frame is read.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from news import images
from news.images import clean_image
from tests.images import many_frame_gif, rendered_frames


def clean(data):
    return clean_image(ContentFile(data, name="anim.gif"))


def test_a_gif_at_the_frame_limit_keeps_every_frame():
    upload = many_frame_gif(images.ANIMATION_MAX_FRAMES)
    with Image.open(ContentFile(upload)) as image:
        assert image.n_frames == images.ANIMATION_MAX_FRAMES
    stored = clean(upload)
    assert stored.extension == "gif"
    assert len(rendered_frames(stored.content)) == images.ANIMATION_MAX_FRAMES


@pytest.mark.parametrize("frames", [images.ANIMATION_MAX_FRAMES + 1, 100_000])
def test_a_gif_over_the_frame_limit_is_refused_in_chinese(frames, monkeypatch):
    # Refused from the blocks: Pillow never counts (nor decodes) the frames.
    monkeypatch.setattr(
        "PIL.GifImagePlugin.GifImageFile.n_frames", property(lambda image: pytest.fail("frames counted by Pillow"))
    )
    with pytest.raises(ValidationError) as refusal:
        clean(many_frame_gif(frames))
    assert refusal.value.messages == [f"动图帧数太多（超过 {images.ANIMATION_MAX_FRAMES} 帧），请减少帧数后再上传。"]
    assert refusal.value.error_list[0].code == "too_many_frames"
