from django.db import migrations

import news.search

# The search key (news.search.search_key: the text with its punctuation swapped for
# letters) and a GIN index on its trigrams (pg_trgm) and the publication time (btree_gin),
# which takes over from the index on the text's trigrams: through punctuation too, a query
# of three or more characters finds only the texts that hold it. Keys are computed here in
# Python, by the function every save uses, so that stored keys and query keys agree. Only
# PostgreSQL has them; elsewhere search scans the text.

BATCH = 2000


def fill_keys(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    connection = schema_editor.connection
    schema_editor.execute("DROP INDEX IF EXISTS news_search_text_trgm")
    connection.ensure_connection()
    # A server-side cursor reads the texts in batches; each batch's keys go back in one
    # UPDATE. (The cursor does not see the rows this transaction updates after it opened.)
    with connection.connection.cursor(name="news_search_texts") as texts, connection.cursor() as cursor:
        texts.itersize = BATCH
        texts.execute("SELECT article_id, text FROM news_articlesearchentry")
        while rows := texts.fetchmany(BATCH):
            cursor.execute(
                "UPDATE news_articlesearchentry AS e SET key = k.key"
                " FROM unnest(%s::bigint[], %s::text[]) AS k(article_id, key) WHERE e.article_id = k.article_id",
                [[pk for pk, _ in rows], [news.search.search_key(text) for _, text in rows]],
            )
    # A GIN index builds several times faster with more memory (64 MB by default).
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX news_search_key_trgm ON news_articlesearchentry USING gin (key gin_trgm_ops, published_at)"
    )
    # Statistics of the new column for the planner now, not when autovacuum comes by.
    schema_editor.execute("ANALYZE news_articlesearchentry")


def drop_keys_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS news_search_key_trgm")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS news_search_text_trgm ON news_articlesearchentry "
        "USING gin (text gin_trgm_ops, published_at)"
    )


class Migration(migrations.Migration):
    dependencies = [("news", "0014_search_trigrams")]

    operations = [
        migrations.AddField(
            model_name="articlesearchentry",
            name="key",
            field=news.search.SearchKeyField(source="text", verbose_name="检索键"),
        ),
        migrations.RunPython(fill_keys, drop_keys_index),
    ]
