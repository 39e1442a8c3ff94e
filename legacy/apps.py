from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """Bringing the old site's articles over: its page dumps in, articles and attachments out."""

    name = "legacy"
    verbose_name = "旧站导入"
