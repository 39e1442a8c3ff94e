from django.db import migrations


def create_gin_index(apps, schema_editor):
    # Only PostgreSQL has tsvector and GIN; elsewhere search scans the text (news.search).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS news_search_vector_gin ON news_articlesearchentry USING gin (vector)"
        )


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS news_search_vector_gin")


class Migration(migrations.Migration):
    dependencies = [("news", "0002_workflow_groups")]

    operations = [migrations.RunPython(create_gin_index, drop_gin_index)]
