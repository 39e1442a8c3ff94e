from django.apps import AppConfig


class WordingConfig(AppConfig):
    name = "wording"
    verbose_name = "错敏词"
