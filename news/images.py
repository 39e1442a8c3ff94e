"""
The image policy: what an uploaded image must be, and what is stored of it, wherever it
comes from (an image in the rich-text editor, an article's cover, a topic's banner).

- JPEG, PNG, GIF or WebP that Pillow can read, at most EDITOR_IMAGE_MAX_SIZE bytes and
  IMAGE_MAX_PIXELS pixels (all frames of an animation together). The pixels are counted
  from the file's header, before anything is decoded: a small file can claim a huge image,
  and decoding one of 177 megapixels took 7 s and 1.5 GB in a worker.
- Re-encoded, never stored as uploaded: EXIF data (GPS positions, the camera) and anything
  hidden in or appended to the file are dropped. A GIF keeps its animation (every frame,
  its duration, the loop).

`clean_image` is the one entry point; the steps a stored image goes through (orientation,
mode, and where a limit on its width would go) are in `_still`.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

# Pillow's format name -> the extension the stored file gets.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
JPEG_QUALITY = 90
_NOT_AN_IMAGE = "这不是有效的图片文件，请上传 JPG、PNG、GIF 或 WebP 格式的图片。"
# What Pillow raises on a file it cannot read (or that claims more pixels than it allows).
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError)


@dataclass(frozen=True)
class CleanImage:
    """An image as the policy stores it."""

    content: bytes
    extension: str
    width: int
    height: int


def clean_image(uploaded):
    """
    Check `uploaded` (a Django File) against the image policy and return it re-encoded as
    a CleanImage. Raises ValidationError with a Chinese message when it is refused.
    """
    if uploaded.size > settings.EDITOR_IMAGE_MAX_SIZE:
        limit = settings.EDITOR_IMAGE_MAX_SIZE // (1024 * 1024)
        raise ValidationError(f"图片太大：不能超过 {limit} MB。", code="too_large")
    try:
        uploaded.seek(0)
        with warnings.catch_warnings():
            # Pillow warns of a possible decompression bomb; _check_header refuses it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            probe = Image.open(uploaded)  # reads the header only
        with probe:
            _check_header(probe)
            probe.verify()
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image_format = image.format
            if image_format == "GIF":
                content = _animation(image)
            else:
                content = _encode(_still(image, image_format), image_format)
            width, height = image.size
    except ValidationError:
        raise
    except _UNREADABLE:
        raise ValidationError(_NOT_AN_IMAGE, code="invalid_image") from None
    return CleanImage(content, FORMATS[image_format], width, height)


def _check_header(image):
    """Refuse by what the header says: the format, and the pixels decoding would produce."""
    if image.format not in FORMATS:
        raise ValidationError("只能上传 JPG、PNG、GIF 或 WebP 格式的图片。", code="format")
    width, height = image.size
    # Every frame of a GIF is decoded when it is re-encoded (counting them decodes none).
    frames = image.n_frames if image.format == "GIF" else 1
    if width * height * frames > settings.IMAGE_MAX_PIXELS:
        _refuse_size(f"{frames} 帧、每帧 {width}×{height} 像素" if frames > 1 else f"{width}×{height} 像素")


def _refuse_size(size):
    limit = settings.IMAGE_MAX_PIXELS
    raise ValidationError(
        f"图片尺寸太大（{size}），不能超过 {limit / 10_000:g} 万像素，请缩小后再上传。", code="too_many_pixels"
    )


def _still(image, image_format):
    """A still image as it is stored: upright (by its EXIF orientation), in a mode its format can save."""
    image = ImageOps.exif_transpose(image)
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return image


def _encode(image, image_format):
    buffer = io.BytesIO()
    # No exif= or pnginfo= given: nothing of the upload's metadata is written.
    image.save(buffer, format=image_format, quality=JPEG_QUALITY)
    return buffer.getvalue()


def _animation(image):
    """
    A GIF drawn again frame by frame, with each frame's duration and the loop count: no
    byte of the upload (appended data, comments, application extensions) is copied.
    """
    loop = image.info.get("loop")  # of the first frame: seeking replaces info
    frames, durations = [], []
    pixels = 0
    for frame in ImageSequence.Iterator(image):
        # A frame may be larger than the screen the header states (the canvas grows when
        # it is reached): counted by the size seeking reports, before it is decoded.
        pixels += frame.width * frame.height
        if pixels > settings.IMAGE_MAX_PIXELS:
            _refuse_size(f"{len(frames) + 1} 帧，其中一帧 {frame.width}×{frame.height} 像素")
        durations.append(frame.info.get("duration", 0))
        drawn = frame.copy()
        drawn.info = {key: frame.info[key] for key in ("transparency",) if key in frame.info}
        frames.append(drawn)
    options = {"save_all": True, "append_images": frames[1:], "duration": durations}
    if loop is not None:
        options["loop"] = loop
    if any(f.mode == "RGBA" or "transparency" in f.info for f in frames):
        # Pillow hands out every frame whole (drawn over the ones before it): with
        # transparency, each must replace the last rather than be drawn over it.
        options["disposal"] = 2
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", **options)
    return buffer.getvalue()


def apply_cover_policy(article):
    """An article's cover follows the image policy (apply_image_policy)."""
    apply_image_policy(article, "cover")


def apply_image_policy(obj, field, check=None):
    """
    An image uploaded now to `obj`'s image field `field` (an article's cover, a topic's
    banner) is stored as the image policy makes it (EXIF and GPS dropped, re-encoded, the
    pixel limit), like an image in the body. `check(clean_image)` may refuse it further
    (raising ValidationError). Raises ValidationError on the field, with nothing stored,
    when it is refused.
    """
    image_file = getattr(obj, field)
    # FieldFile._committed is how Django's own FileField.pre_save tells a new upload from a
    # stored file; tests/news/test_covers.py fails loudly if that changes.
    if not image_file or image_file._committed or getattr(image_file.file, "image_policy_applied", False):
        return
    try:
        image = clean_image(image_file.file)
        if check is not None:
            check(image)
    except ValidationError as refusal:
        raise ValidationError({field: refusal.error_list}) from None
    cleaned = ContentFile(image.content, name=f"{field}.{image.extension}")
    cleaned.image_policy_applied = True
    setattr(obj, field, cleaned)
