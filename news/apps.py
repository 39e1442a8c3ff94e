from django.apps import AppConfig


class NewsConfig(AppConfig):
    """Articles and 栏目: the content model, the editors' workflow and the public pages."""

    name = "news"
    verbose_name = "新闻"
