from django.apps import AppConfig


class AttachmentsConfig(AppConfig):
    """Files attached to articles and single pages: what may be uploaded, where it is stored, how it is downloaded."""

    name = "attachments"
    verbose_name = "附件"

    def ready(self):
        from . import signals  # noqa: F401
