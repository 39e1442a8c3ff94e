"""
Review of issue 20 §3 (30 MB uploads): Pillow reads a JPEG's segments before its image
and a PNG's chunks one at a time in Python. A 25 MB JPEG of 5 million comment segments
took 37 s and 690 MB in clean_image, a 30 MB PNG of 2 million text chunks 22 s (gunicorn
gives a request 30 s). news.image_structure walks the file's pieces first, in Python too but
stopping at the limit, and refuses a file cut in more pieces than encoders write.
"""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image

from news import image_structure
from news.images import clean_image


def jpeg(segments=0, stray=0):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 0, 0)).save(buffer, format="JPEG")
    data = buffer.getvalue()
    # Stray bytes after a segment (Pillow skips them; right after the start it refuses them).
    return data[:2] + b"\xff\xfe\x00\x03x" * (segments or 1) + b"\x07" * stray + data[2:]


def png(text_chunks=0):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    texts = chunk(b"tEXt", b"a\x00b") * text_chunks
    return b"\x89PNG\r\n\x1a\n" + header + texts + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")


@pytest.fixture
def pillow_must_not_open(monkeypatch):
    monkeypatch.setattr("PIL.Image.open", lambda *args, **kwargs: pytest.fail("Pillow opened it"))


def refused(data):
    with pytest.raises(ValidationError) as refusal:
        clean_image(ContentFile(data, name="x"))
    return refusal.value.error_list[0].code


def test_what_encoders_write_is_taken():
    # (The JPEG has its own few segments besides the comments.)
    assert clean_image(ContentFile(jpeg(segments=image_structure._JPEG_MAX_SEGMENTS - 20), name="x")).extension == "jpg"
    assert clean_image(ContentFile(jpeg(stray=image_structure._JPEG_STRAY_BYTES), name="x")).extension == "jpg"
    assert clean_image(ContentFile(png(text_chunks=990), name="x")).extension == "png"


def test_a_jpeg_of_too_many_segments_is_refused_before_pillow_reads_it(pillow_must_not_open):
    assert refused(jpeg(segments=image_structure._JPEG_MAX_SEGMENTS + 1)) == "invalid_image"


def test_a_jpeg_padded_before_its_segments_is_refused_before_pillow_reads_it(pillow_must_not_open):
    assert refused(jpeg(stray=image_structure._JPEG_STRAY_BYTES + 1)) == "invalid_image"


def test_a_png_of_too_many_chunks_is_refused_before_pillow_reads_it(pillow_must_not_open):
    # 2000 chunks of 15 bytes: the file allows 1000 and one per 256 bytes.
    assert refused(png(text_chunks=2000)) == "invalid_image"
