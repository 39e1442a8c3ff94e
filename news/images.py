"""
The image policy: what an uploaded image must be, and what is stored of it, wherever it
comes from (an image in the rich-text editor, an article's cover, a topic's banner).

- JPEG, PNG, GIF or WebP that Pillow can read, at most EDITOR_IMAGE_MAX_SIZE bytes and
  IMAGE_MAX_PIXELS pixels (all frames of an animation together). The pixels are counted
  from the file's header, before anything is decoded: a small file can claim a huge image,
  and decoding one of 177 megapixels took 7 s and 1.5 GB in a worker.
  A JPEG wider than needed is decoded at 1/2, 1/4 or 1/8 of its size (libjpeg scales while
  decoding), and the limit counts what is decoded: a 48-megapixel phone photo of 30 MB is
  decoded as 3 megapixels in half a second. Its header may claim at most
  JPEG_HEADER_PIXELS_FACTOR × IMAGE_MAX_PIXELS. This holds only for a JPEG decoded in one
  pass: a progressive one keeps every coefficient of the full image in memory whatever the
  scale (a 1.9 MB one of 160 megapixels took 7.6 s and 947 MB), so it counts in full.
- Re-encoded, never stored as uploaded: EXIF data (GPS positions, the camera) and anything
  hidden in or appended to the file are dropped. A GIF keeps its animation (every frame,
  its duration, the loop), of at most ANIMATION_MAX_FRAMES frames; so does an animated
  WebP or PNG.
- Stored upright (by its EXIF orientation) and at most IMAGE_MAX_WIDTH pixels wide, so that
  editors never resize a photo by hand and readers never download a camera's full size.
  A PNG or WebP keeps its format (and its transparency); JPEGs are saved at JPEG_QUALITY.

`clean_image` is the one entry point; the steps a still image goes through (orientation,
mode, width) are in `_still`.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageSequence, UnidentifiedImageError

from news import image_structure

# Pillow's format name -> the extension the stored file gets.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Formats whose files may hold an animation (kept, frame by frame).
_ANIMATED = {"GIF", "WEBP", "PNG"}
JPEG_QUALITY = 85
# A JPEG's header may claim this many times IMAGE_MAX_PIXELS (4 × 40 = 160 megapixels: a
# 108-megapixel phone photo; Pillow itself refuses any image over about 179), as long as
# what is decoded stays within the limit.
JPEG_HEADER_PIXELS_FACTOR = 4
# How each EXIF orientation is undone (as ImageOps.exif_transpose does, which also writes
# the EXIF back and fails on some it can read); 5 to 8 turn the image a quarter, so its
# upright width is its stored height.
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_QUARTER_TURNS = {5, 6, 7, 8}
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
        limit = settings.EDITOR_IMAGE_MAX_SIZE / (1024 * 1024)
        size = uploaded.size / (1024 * 1024)
        raise ValidationError(f"图片太大（{size:.1f} MB），不能超过 {limit:g} MB。", code="too_large")
    try:
        with warnings.catch_warnings():
            # Pillow warns of a possible decompression bomb; _check_header refuses it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image_structure.check_structure(uploaded)  # before Pillow reads any of it
            uploaded.seek(0)
            probe = Image.open(uploaded)  # reads the header only
            with probe:
                _check_header(probe, uploaded)
                probe.verify()
            uploaded.seek(0)
            with Image.open(uploaded) as image:
                image_format = _format_of(image)
                if image_format == "GIF" or (image_format in _ANIMATED and image.n_frames > 1):
                    content, (width, height) = _animation(image, image_format)
                else:
                    _reduce_while_decoding(image)
                    stored = _still(image, image_format)
                    content, (width, height) = _encode(stored, image_format), stored.size
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        # Over twice Pillow's own ceiling (about 179 megapixels), above every limit here.
        raise ValidationError("图片尺寸太大，请缩小后再上传。", code="too_many_pixels") from None
    except _UNREADABLE:
        raise ValidationError(image_structure.NOT_AN_IMAGE, code="invalid_image") from None
    return CleanImage(content, FORMATS[image_format], width, height)


def _format_of(image):
    """
    The image's format as the policy knows it. A JPEG with a Multi-Picture segment and
    more images after its own (an Ultra HDR phone photo and its gain map, a camera's
    depth or 3D views) is "MPO" to Pillow and a JPEG to browsers, which show its first
    image: so it is here, and only that image is decoded and stored.
    """
    return "JPEG" if image.format == "MPO" else image.format


def _check_header(image, uploaded):
    """Refuse by what the header says: the format, and the pixels decoding would produce."""
    image_format = _format_of(image)
    if image_format not in FORMATS:
        raise ValidationError("只能上传 JPG、PNG、GIF 或 WebP 格式的图片。", code="format")
    width, height = image.size
    if image_format == "JPEG" and image_structure.decoded_in_one_pass(uploaded):
        if width * height > settings.IMAGE_MAX_PIXELS * JPEG_HEADER_PIXELS_FACTOR:
            _refuse_size(f"{width}×{height} 像素", settings.IMAGE_MAX_PIXELS * JPEG_HEADER_PIXELS_FACTOR)
        _reduce_while_decoding(image)  # what is decoded is what counts
        if image.width * image.height > settings.IMAGE_MAX_PIXELS:
            _refuse_size(f"{width}×{height} 像素")
        return
    # Every frame of an animation is decoded when it is re-encoded (counting them decodes
    # none): a GIF's were counted from its blocks (image_structure, so Pillow's count
    # is cheap), an animated WebP's or PNG's are declared.
    frames = image.n_frames if image_format in _ANIMATED else 1
    if frames > image_structure.ANIMATION_MAX_FRAMES:
        image_structure.refuse_frames()
    if width * height * frames > settings.IMAGE_MAX_PIXELS:
        _refuse_size(f"{frames} 帧、每帧 {width}×{height} 像素" if frames > 1 else f"{width}×{height} 像素")


def _reduce_while_decoding(image):
    """
    Have a JPEG wider (upright) than IMAGE_MAX_WIDTH decoded at the smallest of 1/2, 1/4
    and 1/8 of its size that is still at least that wide; image.size becomes that size.
    Nothing is decoded here; other formats are left as they are.
    """
    if _format_of(image) != "JPEG":
        return
    limit = settings.IMAGE_MAX_WIDTH
    turned = _orientation(image) in _QUARTER_TURNS
    if (image.height if turned else image.width) > limit:
        image.draft(None, (1, limit) if turned else (limit, 1))


def _orientation(image):
    """
    The image's EXIF orientation, or None. Only this is read of the EXIF data, which is
    never stored: EXIF Pillow cannot parse is no reason to refuse a photo.
    """
    try:
        orientation = image.getexif().get(0x0112)
    except Exception:  # whatever the EXIF parser raises, the photo stays as it is
        return None
    return orientation if isinstance(orientation, int) else None


def _refuse_size(size, limit=None):
    limit = limit or settings.IMAGE_MAX_PIXELS
    raise ValidationError(
        f"图片尺寸太大（{size}），不能超过 {limit / 10_000:g} 万像素，请缩小后再上传。", code="too_many_pixels"
    )


def _still(image, image_format):
    """
    A still image as it is stored: upright (by its EXIF orientation), in a mode its format
    can save, at most IMAGE_MAX_WIDTH wide.
    """
    turn = _UPRIGHT.get(_orientation(image))
    image = image.transpose(turn) if turn is not None else image
    if image_format == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    return _narrowed(image)


def _narrowed(image):
    """`image` scaled down to IMAGE_MAX_WIDTH if it is wider, its proportions kept."""
    limit = settings.IMAGE_MAX_WIDTH
    if image.width <= limit:
        return image
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        # Palette and 1-bit images are resampled in full colour (a palette only allows the
        # nearest neighbour); PNG and WebP save RGBA as it is.
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
    height = max(1, round(image.height * limit / image.width))
    return image.resize((limit, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image, image_format):
    buffer = io.BytesIO()
    # No exif= or pnginfo= given: nothing of the upload's metadata is written.
    options = {"optimize": True} if image_format == "JPEG" else {}
    image.save(buffer, format=image_format, quality=JPEG_QUALITY, **options)
    return buffer.getvalue()


def _animation(image, image_format):
    """
    A GIF, or an animated WebP or PNG, drawn again frame by frame in its format, with each
    frame's duration and the loop count: no byte of the upload (appended data, comments,
    application extensions) is copied. Wider than IMAGE_MAX_WIDTH, every frame is scaled
    down. Returns the animation and its size.
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
        drawn = frame.copy()  # decoded now: a WebP frame's duration is known after
        durations.append(frame.info.get("duration", 0))
        kept = ("transparency",) if image_format == "GIF" else ()
        drawn.info = {key: frame.info[key] for key in kept if key in frame.info}
        frames.append(_narrowed(drawn))
    options = {"save_all": True, "append_images": frames[1:], "duration": durations}
    if loop is not None:
        options["loop"] = loop
    if image_format == "GIF" and any(f.mode == "RGBA" or "transparency" in f.info for f in frames):
        # Pillow hands out every frame whole (drawn over the ones before it): with
        # transparency, each must replace the last rather than be drawn over it.
        options["disposal"] = 2
    if image_format == "GIF":
        frames = [_in_256_colours(frame) for frame in frames]
        options["append_images"] = frames[1:]
    if image_format == "WEBP":
        options["quality"] = JPEG_QUALITY
    buffer = io.BytesIO()
    frames[0].save(buffer, format=image_format, **options)
    return buffer.getvalue(), frames[0].size


def _in_256_colours(frame):
    """
    A GIF frame in full colour (every frame after the first, as Pillow hands them out, and
    every scaled one) in 256 colours by the fast octree, in about a millisecond. Left to the
    GIF encoder it would be median cut: 0.1 to 0.3 s for a frame of 40,000 pixels of many
    colours, five minutes for a GIF of 1000 such frames. The octree keeps transparency.
    """
    if frame.mode not in ("RGB", "RGBA"):
        return frame
    return frame.quantize(256, method=Image.Quantize.FASTOCTREE)


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
