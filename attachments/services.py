from django.core.exceptions import ValidationError
from django.db import router, transaction

from .models import Attachment
from .validation import inspect_upload, shortened_name


def _max_length(field_name):
    return Attachment._meta.get_field(field_name).max_length


def apply_upload_info(attachment, info):
    """
    Record what the checks learnt about the uploaded file on the attachment. A name longer
    than its column is shortened (keeping the extension): a name is never a reason to
    refuse a file, nor to fail saving it.
    """
    attachment.original_name = shortened_name(info.original_name, _max_length("original_name"))
    attachment.size = info.size
    attachment.content_type = info.content_type
    attachment.sha256 = info.sha256
    if not attachment.title:
        attachment.title = shortened_name(info.original_name, _max_length("title"))
    return attachment


def attachment_create(*, article=None, page=None, file, title="", uploaded_by=None, order=0):
    """
    Attach `file` to `article` or to the single page `page` (one of them) after the checks
    of attachments.validation. Raises ValidationError, with nothing stored, when the file or
    the title is refused.
    """
    if (article is None) == (page is None):
        raise TypeError("attachment_create() takes an article or a page, one of them")
    if len(title) > _max_length("title"):
        raise ValidationError(
            f"显示名称不能超过 {_max_length('title')} 个字（现在是 {len(title)} 个）。", code="title_too_long"
        )
    info = inspect_upload(file)
    attachment = Attachment(article=article, page=page, file=file, title=title, order=order, uploaded_by=uploaded_by)
    apply_upload_info(attachment, info)
    attachment.save()
    return attachment


def lock_with_owner(attachment):
    """
    `attachment` as stored now (None: deleted meanwhile), its row locked until the
    transaction ends, after its owner's row (the article or page): the order in which the
    owner's own form locks them (itself, then its attachments' rows), so that a save here
    and one there wait for each other instead of each holding what the other waits for.
    Outside a transaction, `attachment` as it is.
    """
    if not transaction.get_connection(router.db_for_write(Attachment)).in_atomic_block:
        return attachment
    owner_field = "article" if attachment.article_id is not None else "page"
    owner_model = Attachment._meta.get_field(owner_field).related_model
    owners = owner_model._default_manager.filter(pk=getattr(attachment, f"{owner_field}_id")).order_by()
    list(owners.select_for_update(of=("self",)).values_list("pk", flat=True))
    rows = Attachment.objects.filter(pk=attachment.pk).select_related("article", "page").order_by()
    return rows.select_for_update(of=("self",)).first()
