from django.db import migrations

# One GIN index on the search text's trigrams (pg_trgm) and the publication time (btree_gin):
# it serves `text LIKE '%…%'` for queries of three or more characters, within a slice of
# the archive by publication time, so that a search checks only texts that hold the query's
# trigrams (news.selectors.search). Only PostgreSQL has it; elsewhere search scans the text.
# (Not django.contrib.postgres's TrigramExtension and BtreeGinExtension: their reverse fails
# on SQLite, and drops extensions that other objects of the database may use.)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
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
    dependencies = [("news", "0013_wording_and_update_rules")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
