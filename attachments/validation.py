"""
What may be attached to an article, checked by name and by content.

The extension says what the file claims to be; its first bytes (magic numbers, read with
`filetype`, plus a check of our own for the OLE2 container of old Office and WPS files)
say what it is. The two must agree. Anything else -- HTML, SVG, scripts, executables,
renamed or not -- is refused with a message for the editor.
"""

import hashlib
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD_BYTES = 8192

# extension -> (the content kinds it may hold, the Content-Type it is served with, label)
ALLOWED_TYPES = {
    "pdf": ({"pdf"}, "application/pdf", "PDF 文档"),
    "doc": ({"ole"}, "application/msword", "Word 文档"),
    "docx": ({"docx"}, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    "xls": ({"ole"}, "application/vnd.ms-excel", "Excel 表格"),
    "xlsx": ({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
    "ppt": ({"ole"}, "application/vnd.ms-powerpoint", "PowerPoint 演示文稿"),
    "pptx": (
        {"pptx"},
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "PowerPoint 演示文稿",
    ),
    "wps": ({"ole", "docx"}, "application/wps-office.wps", "WPS 文字"),
    "et": ({"ole", "xlsx"}, "application/wps-office.et", "WPS 表格"),
    "dps": ({"ole", "pptx"}, "application/wps-office.dps", "WPS 演示"),
    "txt": ({"txt"}, "text/plain; charset=utf-8", "文本文件"),
    "zip": ({"zip", "docx", "xlsx", "pptx"}, "application/zip", "ZIP 压缩包"),
    "rar": ({"rar"}, "application/vnd.rar", "RAR 压缩包"),
    "7z": ({"7z"}, "application/x-7z-compressed", "7z 压缩包"),
    "jpg": ({"jpg"}, "image/jpeg", "JPG 图片"),
    "jpeg": ({"jpg"}, "image/jpeg", "JPG 图片"),
    "png": ({"png"}, "image/png", "PNG 图片"),
    "gif": ({"gif"}, "image/gif", "GIF 图片"),
}
IMAGE_KINDS = {"jpg", "png", "gif"}
ALLOWED_LIST = "PDF、Word（doc/docx）、Excel（xls/xlsx）、PowerPoint（ppt/pptx）、WPS（wps/et/dps）、txt、zip/rar/7z 压缩包和 jpg/png/gif 图片"
# Text that a browser could take for a page or a program.
_MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<script", "<svg", "<?xml", "<?php", "<iframe", "<meta", "#!")


@dataclass(frozen=True)
class UploadInfo:
    """What the checks found out about an accepted upload."""

    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def extension_of(name):
    """
    What follows the name's last dot, lower-cased, "" without one: as a person reads a
    file name, so "..pdf" and ".pdf" are PDFs too (os.path.splitext takes leading dots for
    part of the name, as for hidden files).
    """
    _, dot, extension = os.path.basename(name or "").rpartition(".")
    return extension.lower() if dot else ""


def shortened_name(name, max_length):
    """
    `name` cut to `max_length` characters, keeping its extension, with "…" where the
    middle was left out: "很长的通知……….pdf" stays a PDF to the person who downloads it.
    """
    if len(name) <= max_length:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f"…{dot}{extension}" if dot and stem else "…"
    if len(suffix) >= max_length:
        return name[:max_length]
    return name[: max_length - len(suffix)] + suffix


def type_label(extension):
    entry = ALLOWED_TYPES.get(extension)
    return entry[2] if entry else extension.upper()


def _detect(head):
    if head.startswith(OLE2_MAGIC):
        return "ole"
    kind = filetype.guess(head)
    if kind is not None:
        return kind.extension
    return "txt" if _is_plain_text(head) else None


def _is_plain_text(head):
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            # The head may end in the middle of a character.
            if exc.start < len(head) - 4:
                continue
            text = head[: exc.start].decode(encoding)
        return not text.lstrip().lower().startswith(_MARKUP_STARTS)
    return False


def _is_valid_image(uploaded):
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            image.verify()
        return True
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return False
    finally:
        uploaded.seek(0)


def inspect_upload(uploaded):
    """
    Check an uploaded file (a Django UploadedFile or File) and return its UploadInfo.
    Raises ValidationError with a Chinese message; nothing is stored either way.
    """
    original_name = os.path.basename((uploaded.name or "").replace("\\", "/"))
    extension = extension_of(original_name)
    if not extension:
        raise ValidationError(
            f"文件“{original_name}”没有扩展名，无法确认类型。允许上传：{ALLOWED_LIST}。", code="no_extension"
        )
    if extension not in ALLOWED_TYPES:
        raise ValidationError(f"不允许上传 .{extension} 文件。允许上传：{ALLOWED_LIST}。", code="extension")
    size = uploaded.size
    if size > settings.ATTACHMENT_MAX_SIZE:
        limit = settings.ATTACHMENT_MAX_SIZE / (1024 * 1024)
        raise ValidationError(
            f"文件太大（{size / (1024 * 1024):.1f} MB），附件不能超过 {limit:g} MB。", code="too_large"
        )
    if size == 0:
        raise ValidationError("文件是空的。", code="empty")
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    kinds, content_type, label = ALLOWED_TYPES[extension]
    detected = _detect(bytes(head))
    if detected not in kinds or (detected in IMAGE_KINDS and not _is_valid_image(uploaded)):
        raise ValidationError(
            f"文件“{original_name}”的内容与扩展名 .{extension} 不符，可能是改了扩展名的其他文件，已拒绝上传。"
            f"请上传真正的{label}。",
            code="content_mismatch",
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else iter(lambda: uploaded.read(65536), b""):
        digest.update(chunk)
    uploaded.seek(0)
    return UploadInfo(original_name, extension, content_type, size, digest.hexdigest())
