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
from news.models import Article, Category, Page
from news.models.categories import default_update_rule
from topics.models import Topic, TopicArticle, TopicSection

from ... import samples
from ...review_work import load_review_work

CONTENT = Path(__file__).resolve().parents[2] / "data" / "content.json"

COVER_SIZE = (960, 400)
BANNER_SIZE = (1200, 300)
COVER_COLOURS = [((179, 20, 27), (120, 10, 15)), ((160, 30, 20), (90, 20, 60)), ((190, 60, 20), (130, 15, 15))]


def cover_image(index, size=COVER_SIZE):
    """A cover (or a topic's banner) drawn with Pillow: a red gradient with a golden star and rays."""
    top, bottom = COVER_COLOURS[index % len(COVER_COLOURS)]
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    cx, cy = width - 180 - 60 * (index % 3), min(150, height // 2)
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


def html_block(tag, content):
    """A block of a demo page's body: a heading or paragraph (text), a list (items), a table (rows, the first a header)."""
    if tag in ("ol", "ul"):
        return f"<{tag}>{''.join(f'<li>{escape(item)}</li>' for item in content)}</{tag}>"
    if tag == "table":
        head, *rows = content
        header = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in head)
        body = "".join(f"<tr>{''.join(f'<td>{escape(cell)}</td>' for cell in row)}</tr>" for row in rows)
        return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"
    return f"<{tag}>{escape(content)}</{tag}>"


class Command(BaseCommand):
    help = "Load the demo 栏目, articles, single pages, friend links and site profile. Running it again adds nothing."

    def handle(self, *args, **options):
        content = json.loads(CONTENT.read_text(encoding="utf-8"))
        with transaction.atomic():
            SiteProfile.load().save()
            categories = self.load_categories(content["categories"])
            for order, link in enumerate(content["friend_links"]):
                FriendLink.objects.get_or_create(name=link["name"], defaults={"url": link["url"], "order": order})
            created = self.load_articles(categories, content["articles"])
            pages = self.load_pages(categories, content["pages"])
            for item in content["categories"]:
                if item.get("shown_page") and categories[item["slug"]].shown_page_id is None:
                    categories[item["slug"]].shown_page = pages[item["shown_page"]]
                    categories[item["slug"]].save(update_fields=["shown_page"])
            created += load_review_work(categories)
            topics = self.load_topics(content["topics"])
        self.stdout.write(
            self.style.SUCCESS(
                f"演示内容已就绪：{len(categories)} 个栏目，{len(pages)} 个单页，新增 {created} 篇文章，{topics} 个专题。"
            )
        )

    def load_pages(self, categories, items):
        pages = {}
        for item in items:
            pages[item["slug"]], created = Page.objects.get_or_create(
                slug=item["slug"],
                defaults={
                    "title": item["title"],
                    "body": "".join(html_block(tag, content) for tag, content in item["body"]),
                    "status": Page.Status.PUBLISHED,
                    "category": categories.get(item["category"]),
                    "show_in_nav": item["show_in_nav"],
                    "nav_order": item["nav_order"],
                    "show_in_footer": item["show_in_footer"],
                    "show_contacts": item["show_contacts"],
                },
            )
            for order, name in enumerate(item.get("attachments", []) if created else []):
                extension = name.rsplit(".", 1)[-1]
                attachment_create(
                    page=pages[item["slug"]],
                    file=ContentFile(samples.build(extension, item["slug"]), name=name),
                    order=order,
                )
        return pages

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
                responsible_editor=item.get("responsible_editor", ""),
                external_url=item.get("external_url", ""),  # a 外链 reprint: no paragraphs
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

    def load_topics(self, items):
        """The demo's 专题 (one running, one ended), their banners drawn like the covers."""
        today = timezone.localdate()
        articles = {a.external_key: a for a in Article.objects.filter(external_key__startswith="demo:")}
        for index, item in enumerate(items):
            if Topic.objects.filter(slug=item["slug"]).exists():
                continue
            end = item["end_days_ago"]
            topic = Topic(
                slug=item["slug"],
                title=item["title"],
                description=item["description"],
                start_date=today - timedelta(days=item["start_days_ago"]),
                end_date=today - timedelta(days=end) if end is not None else None,
                order=item["order"],
                status=Topic.Status.PUBLISHED,
            )
            topic.banner.save(f"{item['slug']}.jpg", ContentFile(cover_image(index + 1, BANNER_SIZE)), save=False)
            topic.save()
            for order, part in enumerate(item["sections"]):
                section = TopicSection.objects.create(
                    topic=topic, title=part["title"], order=order, ordering=part["ordering"]
                )
                TopicArticle.objects.bulk_create(
                    TopicArticle(topic=topic, section=section, article=articles[f"demo:{key}"], order=n)
                    for n, key in enumerate(part["articles"])
                )
        return len(items)
