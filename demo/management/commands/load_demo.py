"""`python manage.py load_demo`: the demo content, for trying the portal out."""

import io
import json
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from PIL import Image, ImageDraw

from attachments.services import attachment_create
from core.models import FriendLink, SiteProfile
from news.models import Article, Category
from news.models.categories import default_update_rule

from ... import samples
from ...review_work import load_review_work

CONTENT = Path(__file__).resolve().parents[2] / "data" / "content.json"

COVER_SIZE = (960, 400)
COVER_COLOURS = [((179, 20, 27), (120, 10, 15)), ((160, 30, 20), (90, 20, 60)), ((190, 60, 20), (130, 15, 15))]


def cover_image(index):
    """A cover drawn with Pillow: a red gradient with a golden star and rays."""
    top, bottom = COVER_COLOURS[index % len(COVER_COLOURS)]
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    cx, cy = width - 180 - 60 * (index % 3), 150
    for k in range(12):
        draw.polygon(
            [(cx, cy), (cx + 900 * ((k % 2) - 0.5), height), (cx + 900 * ((k % 2) - 0.5) + 60, height)],
            fill=tuple(min(255, c + 25) for c in top),
        )
    star = [
        (cx, cy - 70),
        (cx + 20, cy - 22),
        (cx + 70, cy - 22),
        (cx + 30, cy + 8),
        (cx + 45, cy + 58),
        (cx, cy + 28),
        (cx - 45, cy + 58),
        (cx - 30, cy + 8),
        (cx - 70, cy - 22),
        (cx - 20, cy - 22),
    ]
    draw.polygon(star, fill=(244, 213, 141))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


class Command(BaseCommand):
    help = "Load the demo 栏目, articles, friend links and site profile. Running it again adds nothing."

    def handle(self, *args, **options):
        content = json.loads(CONTENT.read_text(encoding="utf-8"))
        with transaction.atomic():
            SiteProfile.load().save()
            categories = self.load_categories(content["categories"])
            for order, link in enumerate(content["friend_links"]):
                FriendLink.objects.get_or_create(name=link["name"], defaults={"url": link["url"], "order": order})
            created = self.load_articles(categories, content["articles"])
            created += load_review_work(categories)
        self.stdout.write(self.style.SUCCESS(f"演示内容已就绪：{len(categories)} 个栏目，新增 {created} 篇文章。"))

    def load_categories(self, items):
        categories = {}
        for item in items:
            categories[item["slug"]], _ = Category.objects.get_or_create(
                slug=item["slug"],
                defaults={
                    "name": item["name"],
                    "order": item["order"],
                    "show_in_nav": item["show_in_nav"],
                    "parent": categories.get(item["parent"]),
                    "description": item["description"],
                    "update_rule": item.get("update_rule")
                    or default_update_rule(
                        item["name"], top_level=item["parent"] is None, show_in_nav=item["show_in_nav"]
                    ),
                },
            )
        return categories

    def load_articles(self, categories, items):
        now = timezone.now()
        existing = set(Article.objects.filter(external_key__startswith="demo:").values_list("external_key", flat=True))
        created = 0
        headline_index = 0
        for item in items:
            key = f"demo:{item['key']}"
            if key in existing:
                continue
            article = Article(
                external_key=key,
                category=categories[item["category"]],
                title=item["title"],
                subtitle=item["subtitle"],
                source=item["source"],
                author=item["author"],
                published_at=now - timedelta(days=item["days_ago"], hours=1, minutes=created),
                body="".join(f"<p>{escape(p)}</p>" for p in item["paragraphs"]),
                status=Article.Status.PUBLISHED,
                is_pinned=item["pinned"],
                is_headline=item["headline"],
            )
            if item["headline"]:
                article.cover.save(f"{item['key']}.jpg", ContentFile(cover_image(headline_index)), save=False)
                headline_index += 1
            article.save()
            for order, name in enumerate(item["attachments"]):
                extension = name.rsplit(".", 1)[-1]
                attachment_create(
                    article=article, file=ContentFile(samples.build(extension, item["key"]), name=name), order=order
                )
            created += 1
        return created
