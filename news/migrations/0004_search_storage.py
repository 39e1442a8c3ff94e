from django.db import migrations

# The bigram vectors do not compress (pglz gives up on them after trying), so store them
# without the attempt; the normalised text compresses well, and lz4 does it several times
# faster than the default pglz. PostgreSQL only.
FORWARD = """
ALTER TABLE news_articlesearchentry ALTER COLUMN vector SET STORAGE EXTERNAL;
ALTER TABLE news_articlesearchentry ALTER COLUMN text SET COMPRESSION lz4;
"""
BACKWARD = """
ALTER TABLE news_articlesearchentry ALTER COLUMN vector SET STORAGE EXTENDED;
ALTER TABLE news_articlesearchentry ALTER COLUMN text SET COMPRESSION default;
"""


def run(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [("news", "0003_search_index")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
