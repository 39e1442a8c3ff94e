import re
import uuid

import reversion
from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from .validation import extension_of, type_label

# A stored name as serialised in a version: "attachments/2026/11/<32 hex>.<ext>".
_STORED_NAME = re.compile(r'"(attachments/\d{4}/\d{2}/[0-9a-f]{32}\.[a-z0-9]+)"')


def attachment_upload_to(instance, filename):
    """
    A generated name in a dated folder: never the uploader's name, so no path traversal,
    no overwrite and no collision. The original name stays in `original_name`.
    """
    extension = extension_of(filename) or "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


@reversion.register()
class Attachment(models.Model):
    """A file attached to an article or a single page (a notice in Word, a form in Excel, a PDF ...)."""

    # Its owner: an article or a single page, exactly one of them (attachments_one_owner).
    article = models.ForeignKey(
        "news.Article", verbose_name="文章", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    page = models.ForeignKey(
        "news.Page", verbose_name="单页", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=255)
    title = models.CharField("显示名称", max_length=200, blank=True, help_text="留空时使用上传文件的原名。")
    original_name = models.CharField("原文件名", max_length=255, editable=False)
    size = models.PositiveBigIntegerField("大小（字节）", default=0, editable=False)
    content_type = models.CharField("文件类型", max_length=100, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    download_count = models.PositiveIntegerField("下载次数", default=0, editable=False)
    order = models.PositiveIntegerField("排序", default=0)
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who changed it last and when: the token of the edit-conflict check of its admin
    # (core.admin_conflict), saved on its own form or as a row of its owner's.
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="最后修改人",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    measure_word = "个"  # 「这个附件」 in the messages that name one (core.admin_conflict_text)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "附件"
        verbose_name_plural = "附件"
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=False, page__isnull=True) | Q(article__isnull=True, page__isnull=False),
                name="attachments_one_owner",
                violation_error_message="附件必须属于一篇文章或一个单页，且只能属于一个。",
            ),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        # A new file is stored (under a generated name, see attachment_upload_to) before the
        # row is written: if the database refuses the row, the file goes too, so that no
        # file without a record is left behind.
        name_before = self.file.name
        try:
            super().save(*args, **kwargs)
        except Exception:
            if self.file.name and self.file.name != name_before:
                self.file.storage.delete(self.file.name)
            raise

    def get_absolute_url(self):
        return reverse("attachments:download", args=[self.pk])

    @property
    def owner(self):
        """The article or the single page it is attached to."""
        return self.article if self.article_id is not None else self.page

    @property
    def extension(self):
        return extension_of(self.file.name)

    @property
    def type_label(self):
        return type_label(self.extension)

    @property
    def display_name(self):
        return self.title or self.original_name

    @property
    def download_name(self):
        """The name the file arrives with: the display name, with the extension it has."""
        name = self.display_name
        if extension_of(name) != self.extension:
            name = f"{name}.{self.extension}"
        return name

    def delete_file_on_commit(self):
        """
        Delete the stored file once the surrounding transaction commits (not if it rolls
        back), unless a version in the revision history still names it: restoring that
        version brings the attachment back, and it needs its file.
        """
        name, storage = self.file.name, self.file.storage
        if name and not file_in_history(name):
            transaction.on_commit(lambda: storage.delete(name))


def file_in_history(name):
    """Whether a stored version of an attachment names the file `name`."""
    return Version.objects.get_for_model(Attachment).filter(serialized_data__contains=f'"{name}"').exists()


def files_in_history():
    """The names of the files that stored versions of attachments name."""
    names = set()
    for data in Version.objects.get_for_model(Attachment).values_list("serialized_data", flat=True).iterator():
        names.update(match.group(1) for match in _STORED_NAME.finditer(data))
    return names
