"""`python manage.py content_changed`: treat every cached page and page data as stale."""

from django.core.management.base import BaseCommand

from ...caching import content_changed


class Command(BaseCommand):
    help = (
        "Move the content version, so that every app server builds its pages anew: after a "
        "restore, or a change made to the database outside the portal."
    )

    def handle(self, *args, **options):
        content_changed()
        self.stdout.write("内容版本已更新，缓存的页面将重新生成。")
