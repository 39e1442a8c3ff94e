"""
The file-structure limits of the image policy (news.images): checks that read an upload's
bytes before Pillow does, so that a file cut in more pieces than encoders write (JPEG
segments, PNG chunks, GIF blocks and sub-blocks, frames) is refused before Pillow reads
those pieces one at a time in Python, and the JPEG frame test that tells whether libjpeg
decodes a JPEG in one pass (and so scaled while decoding).

`check_structure` and `decoded_in_one_pass` are what news.images calls; ANIMATION_MAX_FRAMES
is the frame limit of every animation, read from here by news.images too.
"""

import io

from django.core.exceptions import ValidationError

NOT_AN_IMAGE = "这不是有效的图片文件，请上传 JPG、PNG、GIF 或 WebP 格式的图片。"

# JPEG frame types (SOFn markers) that libjpeg decodes in one pass, scaled while decoding:
# baseline, extended and arithmetic-coded sequential. Progressive, lossless and
# hierarchical frames are all others.
_ONE_PASS_FRAMES = {0xC0, 0xC1, 0xC9}
_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_START_OF_SCAN = 0xDA
# Frames an animation may have: each costs work whatever its size (a 2.3 MB GIF of 100,000 frames
# of one pixel took 87 s), so the pixel limit alone does not bound an animation.
ANIMATION_MAX_FRAMES = 1000
# Bytes between a GIF's blocks that start none: Pillow skips them one by one in Python (a
# GIF of one frame and 29 MB of such bytes took 30 s), so more than these refuse the file.
_GIF_STRAY_BYTES = 256
# Pillow reads a JPEG's segments before its image, and a PNG's chunks, one at a time in
# Python: a 25 MB JPEG of 5 million comment segments took 37 s and 690 MB, a 30 MB PNG of
# 2 million text chunks 22 s. Cameras write a few dozen segments; PNG encoders chunks of
# kilobytes.
_JPEG_MAX_SEGMENTS = 1000
_JPEG_STRAY_BYTES = 1024
_PNG_BYTES_PER_CHUNK = 256


def decoded_in_one_pass(file):
    """
    Whether libjpeg decodes the JPEG `file` in one pass, holding only what the (scaled)
    output needs: a sequential frame whose first scan holds every component. Any other
    JPEG (progressive, or its components in separate scans) is decoded by keeping the DCT
    coefficients of the whole image, unscaled, in memory: it costs what its header says
    whatever size it is decoded at. Reads the markers up to the first scan only; anything
    unexpected counts as not one pass.
    """
    position = file.tell()
    try:
        file.seek(0)
        if file.read(2) != b"\xff\xd8":
            return False
        components = None
        while True:
            marker = file.read(2)
            while marker == b"\xff\xff":  # fill bytes before a marker
                marker = b"\xff" + file.read(1)
            if len(marker) < 2 or marker[0] != 0xFF:
                return False
            kind = marker[1]
            if kind == 0x01 or 0xD0 <= kind <= 0xD7:  # TEM, RSTn: no segment follows
                continue
            length = int.from_bytes(file.read(2), "big")
            segment = file.read(length - 2) if length >= 2 else b""
            if length < 2 or len(segment) != length - 2:
                return False
            if kind in _FRAMES:
                if kind not in _ONE_PASS_FRAMES or components is not None or len(segment) < 6:
                    return False
                components = segment[5]  # P, Y, X, then Nf
            elif kind == _START_OF_SCAN:
                return components is not None and segment[:1] == bytes([components])
    finally:
        file.seek(position)


def refuse_frames():
    raise ValidationError(
        f"动图帧数太多（超过 {ANIMATION_MAX_FRAMES} 帧），请减少帧数后再上传。", code="too_many_frames"
    )


def check_structure(file):
    """
    Refuse, before Pillow reads it, a file cut in more pieces than encoders write, which
    Pillow would read one piece at a time in Python (_check_gif_blocks and below).
    """
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    signature = file.read(8)
    if signature.startswith(b"GIF8"):
        _check_gif_blocks(file)
    elif signature.startswith(b"\xff\xd8"):
        _check_jpeg_segments(file)
    elif signature == b"\x89PNG\r\n\x1a\n":
        _check_png_chunks(file, budget=size // _PNG_BYTES_PER_CHUNK + 1000)
    file.seek(0)


def _check_jpeg_segments(file):
    """The segments before a JPEG's first scan (the scan is read by libjpeg, in C)."""
    file.seek(2)
    segments = stray = 0
    while True:
        byte = file.read(1)
        if byte != b"\xff":
            if not byte:
                return
            stray += 1  # Pillow skips bytes that start no marker one by one
            if stray > _JPEG_STRAY_BYTES:
                raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
            continue
        kind = file.read(1)
        if not kind or kind in (b"\xda", b"\xd9"):  # the end, the first scan, the end of the image
            return
        if kind == b"\xff" or kind == b"\x01" or b"\xd0" <= kind <= b"\xd7":
            file.seek(-1 if kind == b"\xff" else 0, io.SEEK_CUR)  # fill byte, or a marker without a segment
            stray += 1
            if stray > _JPEG_STRAY_BYTES:
                raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
            continue
        segments += 1
        if segments > _JPEG_MAX_SEGMENTS:
            raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
        length = int.from_bytes(file.read(2), "big")
        if length < 2:
            return
        file.seek(length - 2, io.SEEK_CUR)


def _check_png_chunks(file, budget):
    """A PNG's chunks: at most `budget` of them."""
    file.seek(8)
    while len(header := file.read(8)) == 8:
        budget -= 1
        if budget < 0:
            raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
        if header[4:] == b"IEND":
            return
        file.seek(int.from_bytes(header[:4], "big") + 4, io.SEEK_CUR)  # the data, the CRC


def _check_gif_blocks(file):
    """
    Walk the GIF `file`'s blocks as Pillow reads them, without decoding anything, and
    refuse what would make Pillow's reading of them slow: more than ANIMATION_MAX_FRAMES
    frames (Pillow's seek loads every frame it passes), more than a few bytes that start no
    block, or data cut in more sub-blocks than a GIF encoder writes (Pillow reads each in
    Python and keeps a comment's: a 29 MB comment of one-byte sub-blocks took 33 s and
    1.3 GB). A GIF this does not refuse may still be refused by Pillow.
    """
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    # Encoders write sub-blocks of 255 bytes but the last of each block; this allows a
    # sub-block per 64 bytes and then some.
    budget = size // 64 + 10_000
    file.seek(0)
    screen = file.read(13)
    if len(screen) == 13 and screen[10] & 0x80:  # a global colour table follows
        file.seek(3 << ((screen[10] & 7) + 1), io.SEEK_CUR)
    frames = stray = 0
    while True:
        block = file.read(1)
        if block == b"\x2c":  # an image descriptor, maybe a local colour table, the LZW code size
            frames += 1
            if frames > ANIMATION_MAX_FRAMES:
                refuse_frames()
            descriptor = file.read(9)
            if len(descriptor) < 9:
                return
            if descriptor[8] & 0x80:
                file.seek(3 << ((descriptor[8] & 7) + 1), io.SEEK_CUR)
            file.read(1)
        elif block == b"\x21":  # an extension: its label
            file.read(1)
        elif block in (b"", b"\x3b"):  # the end of the file, or the trailer
            return
        else:  # a byte that starts no block: skipped, as Pillow does, a few only
            stray += 1
            if stray > _GIF_STRAY_BYTES:
                raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
            continue
        while (length := file.read(1)) not in (b"", b"\x00"):  # the block's sub-blocks
            budget -= 1
            if budget < 0:
                raise ValidationError(NOT_AN_IMAGE, code="invalid_image")
            file.seek(length[0], io.SEEK_CUR)
