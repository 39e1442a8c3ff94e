from .models import Attachment
from .validation import inspect_upload


def apply_upload_info(attachment, info):
    """Record what the checks learnt about the uploaded file on the attachment."""
    attachment.original_name = info.original_name
    attachment.size = info.size
    attachment.content_type = info.content_type
    attachment.sha256 = info.sha256
    if not attachment.title:
        attachment.title = info.original_name
    return attachment


def attachment_create(*, article, file, title="", uploaded_by=None, order=0):
    """
    Attach `file` to `article` after the checks of attachments.validation. Raises
    ValidationError, with nothing stored, when the file is refused.
    """
    info = inspect_upload(file)
    attachment = Attachment(article=article, file=file, title=title, order=order, uploaded_by=uploaded_by)
    apply_upload_info(attachment, info)
    attachment.save()
    return attachment
