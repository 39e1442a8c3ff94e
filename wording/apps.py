from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class WordingConfig(AppConfig):
    name = "wording"
    verbose_name = "错敏词"

    def ready(self):
        from . import matching
        from .models import WordingEntry

        post_save.connect(matching.forget, sender=WordingEntry, dispatch_uid="wording-forget-save")
        post_delete.connect(matching.forget, sender=WordingEntry, dispatch_uid="wording-forget-delete")
