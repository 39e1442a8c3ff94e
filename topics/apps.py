from django.apps import AppConfig


class TopicsConfig(AppConfig):
    """专题: campaigns and themes gathering articles from several 栏目 under a banner."""

    name = "topics"
    verbose_name = "专题"

    def ready(self):
        # The running topics' strip on the home page, which news offers and does not know.
        from news.selectors import HomePart, add_home_part

        from .selectors import home_strip

        add_home_part(HomePart("topics", "topics/home_strip.html", home_strip))
