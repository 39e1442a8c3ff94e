"""
`python manage.py generate_articles N`: N published articles of plausible Chinese text, for
load tests and benchmarks. Not for production data.
"""

import hashlib
import io
import multiprocessing
import os
import random
import struct
import time
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from attachments.models import Attachment, attachment_upload_to
from core.caching import content_changed
from news.models import SUMMARY_LENGTH, Article, ArticleSearchEntry, Category
from news.search import search_key

from ... import samples, textgen

SPAN = timedelta(days=5 * 365)
CHUNK = 1000
# Built again after the load rather than kept in place during it (_insert_postgres).
SEARCH_LINES_INDEX = "news_search_line_grams"
ARTICLE_COLUMNS = (
    "id", "title", "subtitle", "category_id", "source", "author", "published_at", "is_scheduled", "body", "summary", "cover",
    "status", "is_pinned", "pinned_until", "is_headline", "view_count", "created_at", "updated_at",
    "created_by_id", "updated_by_id", "external_key", "external_url", "responsible_editor",
)  # fmt: skip
ENTRY_COLUMNS = ("article_id", "title", "text", "vector", "key", "is_public", "published_at", "category_id")
POSTGRES_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _copy_value(value):
    """A value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def build_rows(task):
    """Rows of one chunk (runs in a worker process): ([article fields], [entry fields])."""
    first_id, count, seed, now_ts, category_ids = task
    rng = random.Random(seed)
    now = datetime.fromtimestamp(now_ts, tz=UTC)
    articles, entries = [], []
    for offset in range(count):
        pk = first_id + offset
        generated = textgen.article(seed * 1_000_003 + offset)
        body = "".join(f"<p>{escape(p)}</p>" for p in generated.paragraphs)
        published_at = now - timedelta(seconds=rng.randint(60, int(SPAN.total_seconds())))
        articles.append(
            {
                "id": pk,
                "title": generated.title,
                "subtitle": "",
                "category_id": rng.choice(category_ids),
                "source": generated.source,
                "author": "",
                "published_at": published_at,
                "is_scheduled": False,
                "body": body,
                "summary": generated.paragraphs[0][: SUMMARY_LENGTH - 1] + "…",
                "cover": "",
                "status": Article.Status.PUBLISHED,
                "is_pinned": rng.random() < 0.001,
                "pinned_until": None,
                "is_headline": False,
                "view_count": rng.randint(0, 5000),
                "created_at": published_at,
                "updated_at": published_at,
                "created_by_id": None,
                "updated_by_id": None,
                "external_key": None,
                "external_url": "",
                "responsible_editor": "",
            }
        )
        entries.append(
            {
                "article_id": pk,
                "title": generated.search_title,
                "text": generated.search_text,
                "vector": generated.vector_binary,
                "key": search_key(generated.search_text),
                "published_at": published_at,
                "category_id": articles[-1]["category_id"],
            }
        )
    return articles, entries


def _copy_entries_binary(cursor, entries):
    """
    COPY the search entries in PostgreSQL's binary format: the server then reads each
    vector with tsvectorrecv instead of parsing its text form, several times faster.
    """
    buffer = io.BytesIO()
    buffer.write(b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0))
    for entry in entries:
        buffer.write(struct.pack("!hiq", len(ENTRY_COLUMNS), 8, entry["article_id"]))
        for field in (entry["title"].encode(), entry["text"].encode(), entry["vector"], entry["key"].encode()):
            buffer.write(struct.pack("!i", len(field)))
            buffer.write(field)
        # is_public (bool), published_at (microseconds since 2000-01-01 UTC), category_id (int8)
        microseconds = (entry["published_at"] - POSTGRES_EPOCH) // timedelta(microseconds=1)
        buffer.write(
            struct.pack("!ib", 1, 1) + struct.pack("!iq", 8, microseconds) + struct.pack("!iq", 8, entry["category_id"])
        )
    buffer.write(struct.pack("!h", -1))
    buffer.seek(0)
    cursor.copy_expert(
        f"COPY news_articlesearchentry ({', '.join(ENTRY_COLUMNS)}) FROM STDIN WITH (FORMAT binary)", buffer
    )


def load_chunk(task):
    """Build one chunk of rows and COPY it in (runs in a worker with its own connection)."""
    articles, entries = build_rows(task)
    with transaction.atomic(), connection.cursor() as cursor:
        _copy(cursor, "news_article", ARTICLE_COLUMNS, articles)
        _copy_entries_binary(cursor, entries)
    return len(articles)


def _copy(cursor, table, columns, rows):
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(row[c]) for c in columns))
        buffer.write("\n")
    buffer.seek(0)
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


class Command(BaseCommand):
    help = "Insert N published articles of generated Chinese text (for benchmarks and load tests)."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int)
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument(
            "--attachments-every", type=int, default=100, help="give every Nth article a small PDF (0: none)"
        )
        parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)

    def handle(self, *args, count, seed, attachments_every, workers, **options):
        if count < 1:
            raise CommandError("N must be at least 1.")
        categories = list(Category.objects.values_list("pk", flat=True))
        if not categories:
            raise CommandError("No 栏目 yet: run `manage.py load_demo` first (or create some in the admin).")
        started = time.monotonic()
        postgres = connection.vendor == "postgresql"
        first_id = self._reserve_ids(count) if postgres else None
        now_ts = timezone.now().timestamp()
        tasks = []
        for index, start in enumerate(range(0, count, CHUNK)):
            size = min(CHUNK, count - start)
            tasks.append(((first_id or 0) + start, size, seed + index, now_ts, categories))

        if postgres:
            self._insert_postgres(tasks, workers)
        else:
            self._insert_orm(tasks)
        attached = self._attach(count, attachments_every, seed) if attachments_every else 0
        content_changed()  # bulk inserts send no signals
        elapsed = time.monotonic() - started
        self.stdout.write(f"Inserted {count} articles ({attached} with an attachment) in {elapsed:.1f} s.")

    def _reserve_ids(self, count):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('news_article', 'id')")
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + count])
        return first

    def _insert_postgres(self, tasks, workers):
        """
        COPY from worker processes. The lines' index of month grams (news migration 0019)
        is dropped for the load and built again after it, as PostgreSQL's documentation
        advises for bulk loads: kept in place, its pending list merged some 300 million
        postings entry by entry (1,198 s for 100,000 articles rather than 200 s, and an index
        of 3.9 GB rather than 1 GB).
        """
        context = multiprocessing.get_context("fork")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_indexdef(to_regclass(%s))", [SEARCH_LINES_INDEX])
            definition = cursor.fetchone()[0]
            if definition:
                cursor.execute(f"DROP INDEX {SEARCH_LINES_INDEX}")
        connection.close()  # the children must not share the parent's connection
        started = time.monotonic()
        try:
            # Each worker builds rows and copies them in over a connection of its own, so
            # that both the Python work and the server's work run on every core.
            with context.Pool(max(1, workers)) as pool:
                for _ in pool.imap_unordered(load_chunk, tasks):
                    pass
            self.stdout.write(f"  rows: {time.monotonic() - started:.1f} s")
        finally:  # never an archive left without its search index
            started = time.monotonic()
            if definition:
                with connection.cursor() as cursor:
                    cursor.execute("SET maintenance_work_mem = '256MB'")
                    cursor.execute(definition)
                self.stdout.write(f"  search index: {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        with connection.cursor() as cursor:
            # Fresh statistics for the planner and a visibility map for index-only scans.
            cursor.execute("VACUUM (ANALYZE) news_article")
            cursor.execute("VACUUM (ANALYZE) news_articlesearchentry")
            cursor.execute("VACUUM (ANALYZE) news_articlesearchline")  # the entries' trigger fills it
        self.stdout.write(f"  vacuum and analyze: {time.monotonic() - started:.1f} s")

    def _insert_orm(self, tasks):
        """SQLite and others: the ORM's bulk_create (fine for the sizes used there)."""
        for task in tasks:
            articles, entries = build_rows(task)
            with transaction.atomic():
                created = Article.objects.bulk_create(
                    [Article(**{k: v for k, v in row.items() if k != "id"}) for row in articles]
                )
                ArticleSearchEntry.objects.bulk_create(
                    [
                        ArticleSearchEntry(
                            article_id=a.pk,
                            title=e["title"],
                            text=e["text"],
                            is_public=True,
                            published_at=a.published_at,
                            category_id=a.category_id,
                        )
                        for a, e in zip(created, entries, strict=True)
                    ]
                )

    def _attach(self, count, every, seed):
        """A small PDF for every `every`-th of the new articles."""
        new = Article.objects.order_by("-id").values_list("pk", flat=True)[:count]
        chosen = [pk for index, pk in enumerate(sorted(new)) if index % every == 0]
        pdf = samples.pdf("Wuda")
        digest = hashlib.sha256(pdf).hexdigest()
        attachments = []
        for pk in chosen:
            name = default_storage.save(attachment_upload_to(None, "notice.pdf"), ContentFile(pdf))
            attachments.append(
                Attachment(
                    article_id=pk,
                    file=name,
                    title="关于开展相关工作的通知.pdf",
                    original_name="关于开展相关工作的通知.pdf",
                    size=len(pdf),
                    content_type="application/pdf",
                    sha256=digest,
                )
            )
        Attachment.objects.bulk_create(attachments, batch_size=1000)
        return len(attachments)
