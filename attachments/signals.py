from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import Attachment


@receiver(post_delete, sender=Attachment, dispatch_uid="attachment-delete-file")
def delete_file(sender, instance, **kwargs):
    # A receiver, not Attachment.delete(): deleting an article deletes its attachments by
    # cascade, which sends this signal but never calls delete() on them.
    instance.delete_file_on_commit()
