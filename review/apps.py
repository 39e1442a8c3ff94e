from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """
    The review rule shared by everything that is written, reviewed and published (articles,
    and the page types to come): who may put what into which state, and the admin that
    holds to it on every path, a restored revision included.
    """

    name = "review"
    verbose_name = "审核"
