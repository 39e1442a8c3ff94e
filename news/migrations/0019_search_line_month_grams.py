from django.db import migrations

# The lines' trigrams by month of publication (news.search.line_grams): a GIN index on
# news_search_line_grams(key, published_at), lexemes `YYYYMM` + three characters of the key,
# which takes over from the pg_trgm/btree_gin index on the key and the publication time.
# That index read the posting lists of the whole archive for every span of time a search
# looked at (a common trigram is in half of the 1.3 M lines at 100,000 articles); here a
# month's posting lists hold that month's lines only, so a search reads what the months it
# looks at hold (docs/benchmarks.md, "Stop 24"). An expression index, not a stored column:
# the lexemes of a line are some 5 KB, 3.7 GB at 100,000 articles, and nothing but the
# index needs them (GIN answers `@@` of a plain tsquery exactly, without a recheck).
# PostgreSQL keeps it on every write path, as it keeps the lines (migration 0018); only
# PostgreSQL has it, as it has the lines.

# 10000 is news.search.LONG_LINE as written here: the function and the index keep the
# value they were made with, so changing LONG_LINE takes a migration (a test compares them).
# IMMUTABLE although to_char() is only STABLE: it is so for patterns that read the locale
# (TMMonth), and YYYYMM of a UTC time reads nothing but its argument.
LINE_GRAMS = """
CREATE FUNCTION news_search_line_grams(key text, published_at timestamptz) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT month || substr(key, i, 3) FROM generate_series(1, char_length(key) - 2) AS i
    ))
    FROM (SELECT to_char(published_at AT TIME ZONE 'UTC', 'YYYYMM') AS month) AS m
    WHERE published_at IS NOT NULL AND char_length(key) <= 10000
$$;
"""


def add_month_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(LINE_GRAMS)
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX news_search_line_grams ON news_articlesearchline"
        " USING gin (news_search_line_grams(key, published_at))"
    )
    # The lines too long to have grams (news.search.LONG_LINE), by publication time.
    schema_editor.execute(
        "CREATE INDEX news_search_line_long ON news_articlesearchline (published_at) WHERE char_length(key) > 10000"
    )
    schema_editor.execute("DROP INDEX IF EXISTS news_search_line_trgm")
    schema_editor.execute("ANALYZE news_articlesearchline")


def drop_month_grams(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS news_search_line_trgm ON news_articlesearchline"
        " USING gin (key gin_trgm_ops, published_at)"
    )
    schema_editor.execute("DROP INDEX IF EXISTS news_search_line_grams")
    schema_editor.execute("DROP INDEX IF EXISTS news_search_line_long")
    schema_editor.execute("DROP FUNCTION IF EXISTS news_search_line_grams(text, timestamptz)")


class Migration(migrations.Migration):
    dependencies = [("news", "0018_search_key_lines")]

    operations = [migrations.RunPython(add_month_grams, drop_month_grams)]
