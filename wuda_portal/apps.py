from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The site frame: site profile, friend links, health check and error pages."""

    name = "wuda_portal"
    verbose_name = "站点设置"

    def ready(self):
        from . import signals  # noqa: F401  (connects cache invalidation)
