from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

# One GIN index on the search text's trigrams (pg_trgm) and the publication time (btree_gin):
# it serves `text LIKE '%…%'` for queries of three or more characters, within a slice of
# the archive by publication time, so that a search checks only texts that hold the query's
# trigrams (news.selectors.search). Only PostgreSQL has it; elsewhere search scans the text,
# and the extension operations do nothing.


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # A GIN index builds several times faster with more memory (64 MB by default).
        schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS news_search_text_trgm ON news_articlesearchentry "
            "USING gin (text gin_trgm_ops, published_at)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS news_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [("news", "0010_summary_limit")]

    operations = [
        TrigramExtension(),
        BtreeGinExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
