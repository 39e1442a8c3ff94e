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

from news import image_structure
from news.images import clean_image
from tests.images import many_frame_gif, rendered_frames


def clean(data):
    return clean_image(ContentFile(data, name="anim.gif"))


def test_a_gif_at_the_frame_limit_keeps_every_frame():
    upload = many_frame_gif(image_structure.ANIMATION_MAX_FRAMES)
    with Image.open(ContentFile(upload)) as image:
        assert image.n_frames == image_structure.ANIMATION_MAX_FRAMES
    stored = clean(upload)
    assert stored.extension == "gif"
    assert len(rendered_frames(stored.content)) == image_structure.ANIMATION_MAX_FRAMES


@pytest.mark.parametrize("frames", [image_structure.ANIMATION_MAX_FRAMES + 1, 100_000])
def test_a_gif_over_the_frame_limit_is_refused_in_chinese(frames, monkeypatch):
    # Refused from the blocks: Pillow never counts (nor decodes) the frames.
    monkeypatch.setattr(
        "PIL.GifImagePlugin.GifImageFile.n_frames", property(lambda image: pytest.fail("frames counted by Pillow"))
    )
    with pytest.raises(ValidationError) as refusal:
        clean(many_frame_gif(frames))
    assert refusal.value.messages == [
        f"动图帧数太多（超过 {image_structure.ANIMATION_MAX_FRAMES} 帧），请减少帧数后再上传。"
    ]
    assert refusal.value.error_list[0].code == "too_many_frames"


def test_bytes_between_blocks_do_not_stop_the_count(monkeypatch):
    # Pillow skips a byte that starts no block and reads on; so does the count, or a stray
    # byte after the first frame would leave the rest to Pillow's n_frames.
    upload = many_frame_gif(image_structure.ANIMATION_MAX_FRAMES + 1)
    second_frame = upload.index(b"\x21\xf9", upload.index(b"\x2c"))
    upload = upload[:second_frame] + b"\x07" + upload[second_frame:]
    with Image.open(ContentFile(upload)) as image:
        assert image.n_frames == image_structure.ANIMATION_MAX_FRAMES + 1
    monkeypatch.setattr(
        "PIL.GifImagePlugin.GifImageFile.n_frames", property(lambda image: pytest.fail("frames counted by Pillow"))
    )
    with pytest.raises(ValidationError) as refusal:
        clean(upload)
    assert refusal.value.error_list[0].code == "too_many_frames"


def test_a_gif_padded_between_its_blocks_is_refused():
    # Pillow reads such bytes one at a time in Python: 29 MB of them took 30 s.
    upload = many_frame_gif(2)
    second_frame = upload.index(b"\x21\xf9", upload.index(b"\x2c"))
    for stray, refused in ((image_structure._GIF_STRAY_BYTES, False), (image_structure._GIF_STRAY_BYTES + 1, True)):
        padded = upload[:second_frame] + b"\x07" * stray + upload[second_frame:]
        if not refused:
            assert clean(padded).extension == "gif"
            continue
        with pytest.raises(ValidationError) as refusal:
            clean(padded)
        assert refusal.value.error_list[0].code == "invalid_image"


def with_comment(upload, sub_blocks, length=1):
    """`upload` with a comment before its first frame, cut in `sub_blocks` sub-blocks of `length` bytes."""
    first_frame = upload.index(b"\x21\xf9")
    comment = b"\x21\xfe" + (bytes([length]) + b"x" * length) * sub_blocks + b"\x00"
    return upload[:first_frame] + comment + upload[first_frame:]


def test_a_comment_in_a_million_sub_blocks_is_refused_before_pillow_reads_it(monkeypatch):
    # Pillow reads each sub-block in Python and keeps them all: a 29 MB comment of
    # one-byte sub-blocks took 33 s and 1.3 GB. (2 MB here: 1 million sub-blocks.)
    upload = with_comment(many_frame_gif(2), 1_000_000)
    monkeypatch.setattr("PIL.Image.open", lambda *args, **kwargs: pytest.fail("Pillow opened it"))
    with pytest.raises(ValidationError) as refusal:
        clean(upload)
    assert refusal.value.error_list[0].code == "invalid_image"


def test_a_comment_as_encoders_write_it_is_no_problem():
    # 1 MB of comment in sub-blocks of 255 bytes, as encoders write them.
    stored = clean(with_comment(many_frame_gif(2), 4000, 255))
    assert stored.extension == "gif" and b"xxxx" not in stored.content
