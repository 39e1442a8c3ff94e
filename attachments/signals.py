from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from wuda_portal.cache import bump_content_version

from .models import Attachment


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment-delete-file")
def delete_file(sender, instance, **kwargs):
    # A receiver, not Attachment.delete(): deleting an article deletes its attachments by
    # cascade, which sends this signal but never calls delete() on them.
    instance.delete_file_on_commit()


post_save.connect(bump_content_version, sender=Attachment, dispatch_uid="bump-Attachment-save")
post_delete.connect(bump_content_version, sender=Attachment, dispatch_uid="bump-Attachment-delete")
