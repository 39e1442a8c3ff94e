from django.apps import AppConfig


class NewsConfig(AppConfig):
    """Articles and 栏目: the content model, the editors' workflow and the public pages."""

    name = "news"
    verbose_name = "新闻"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from wuda_portal.cache import bump_content_version
        from wuda_portal.signals import cached_page_served

        from .models import Article, Category
        from .viewcounts import on_cached_page_served

        # A cached article page is still a view.
        cached_page_served.connect(on_cached_page_served, dispatch_uid="count-cached-article-views")

        # Any change to content makes every cached page stale (wuda_portal.cache).
        for model in (Article, Category):
            post_save.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model.__name__}-save")
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"bump-{model.__name__}-delete")
