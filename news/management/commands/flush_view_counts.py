"""`python manage.py flush_view_counts`: write the view counts pending in Redis to the database."""

from django.core.management.base import BaseCommand

from ...viewcounts import flush_pending


class Command(BaseCommand):
    help = (
        "Move the article view counts pending in Redis into the database now. The portal "
        "does this by itself every few seconds while it serves pages; run it from cron or "
        "before a backup to have the database up to date."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"已写入 {flush_pending()} 次浏览。")
