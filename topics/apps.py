from django.apps import AppConfig


class TopicsConfig(AppConfig):
    """专题: campaigns and themes gathering articles from several 栏目 under a banner."""

    name = "topics"
    verbose_name = "专题"

    def ready(self):
        # The running topics' strip on the home page, and on an article's page the topics it
        # is in: parts news offers and does not know (news.selectors.parts).
        from news.selectors import PagePart, add_article_part, add_home_part
        from news.wordcheck import check_fields_of

        from .models import wording_fields
        from .selectors import home_strip, topics_of_article

        add_home_part(PagePart("topics", "topics/home_strip.html", home_strip))
        add_article_part(PagePart("topics", "topics/article_topics.html", topics_of_article))
        # The 错敏词 check (news.wordcheck) reads a topic's title and 简介.
        check_fields_of("topics.Topic", wording_fields)
