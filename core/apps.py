from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save


class CoreConfig(AppConfig):
    """
    The site frame (site profile, friend links, health check, error pages, reading
    preferences) and what makes public pages fast (core.caching, core.pagecache).

    The label is the one these models had when they lived in the project package: their
    tables, migrations and permissions stayed where they were.
    """

    name = "core"
    label = "wuda_portal"
    verbose_name = "站点设置"

    def ready(self):
        from .caching import content_changed

        # Any change to a model that public pages read makes everything derived from
        # content stale: settings.PAGE_CONTENT_MODELS is the one list of them
        # (tests/portal/test_invalidation.py checks that every model a page reads is on it).
        for label in settings.PAGE_CONTENT_MODELS:
            model = apps.get_model(label)
            uid = f"content-changed-{label}"
            post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
            for field in model._meta.local_many_to_many:
                m2m_changed.connect(
                    content_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}"
                )
