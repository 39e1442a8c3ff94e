import django.db.models.deletion
from django.db import migrations, models

import news.search

# The search key (news.search.search_key: the text with its punctuation swapped for
# letters), its lines (news.models.ArticleSearchLine) and a GIN index on the lines'
# trigrams (pg_trgm) and publication time (btree_gin), which takes over from the index on
# the text's trigrams: through punctuation too, and line by line, a query of three or more
# characters finds little but the texts that hold it. Keys are computed here in Python, by
# the function every save uses, so that stored keys and query keys agree; from then on
# the database keeps the lines from the entry's key on every write path (save,
# QuerySet.update, COPY), by a trigger, and deletes them with their entry. Only PostgreSQL
# has them; elsewhere search scans the text.

BATCH = 2000

SYNC_LINES = """
CREATE FUNCTION news_search_lines_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.key IS NOT DISTINCT FROM OLD.key THEN
        IF NEW.published_at IS DISTINCT FROM OLD.published_at THEN
            UPDATE news_articlesearchline SET published_at = NEW.published_at WHERE entry_id = NEW.article_id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM news_articlesearchline WHERE entry_id = OLD.article_id;
    END IF;
    INSERT INTO news_articlesearchline (entry_id, published_at, key)
        SELECT NEW.article_id, NEW.published_at, line
        FROM unnest(string_to_array(NEW.key, E'\\n')) AS line WHERE line <> '';
    RETURN NULL;
END
$$;
CREATE TRIGGER news_search_lines_sync AFTER INSERT OR UPDATE ON news_articlesearchentry
    FOR EACH ROW EXECUTE FUNCTION news_search_lines_sync();
"""


def _fill_keys(schema_editor):
    connection = schema_editor.connection
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


def build_search_lines(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS news_search_text_trgm")
    _fill_keys(schema_editor)
    # The lines of every key at once, then the rules that keep them (faster in this order).
    schema_editor.execute(
        "INSERT INTO news_articlesearchline (entry_id, published_at, key)"
        " SELECT e.article_id, e.published_at, line FROM news_articlesearchentry AS e,"
        " unnest(string_to_array(e.key, E'\\n')) AS line WHERE line <> ''"
    )
    schema_editor.execute(
        "ALTER TABLE news_articlesearchline ADD CONSTRAINT news_search_line_entry FOREIGN KEY (entry_id)"
        " REFERENCES news_articlesearchentry (article_id) ON DELETE CASCADE"
    )
    schema_editor.execute(SYNC_LINES)
    # A GIN index builds several times faster with more memory (64 MB by default).
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX news_search_line_trgm ON news_articlesearchline USING gin (key gin_trgm_ops, published_at)"
    )
    # Statistics for the planner now, not when autovacuum comes by.
    schema_editor.execute("ANALYZE news_articlesearchentry")
    schema_editor.execute("ANALYZE news_articlesearchline")


def drop_search_lines(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS news_search_lines_sync ON news_articlesearchentry")
    schema_editor.execute("DROP FUNCTION IF EXISTS news_search_lines_sync()")
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS news_search_text_trgm ON news_articlesearchentry "
        "USING gin (text gin_trgm_ops, published_at)"
    )


class Migration(migrations.Migration):
    dependencies = [("news", "0017_admin_index_covers_times")]

    operations = [
        migrations.AddField(
            model_name="articlesearchentry",
            name="key",
            field=news.search.SearchKeyField(source="text", verbose_name="检索键"),
        ),
        migrations.CreateModel(
            name="ArticleSearchLine",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("published_at", models.DateTimeField(null=True, verbose_name="发布时间")),
                ("key", models.TextField(verbose_name="检索键")),
                (
                    "entry",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="news.articlesearchentry",
                        verbose_name="搜索索引",
                    ),
                ),
            ],
            options={"verbose_name": "搜索索引行", "verbose_name_plural": "搜索索引行"},
        ),
        migrations.RunPython(build_search_lines, drop_search_lines),
    ]
