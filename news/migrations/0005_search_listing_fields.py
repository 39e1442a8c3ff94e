import django.db.models.deletion
from django.db import migrations, models


def copy_listing_fields(apps, schema_editor):
    Entry = apps.get_model("news", "ArticleSearchEntry")
    for entry in Entry.objects.select_related("article").iterator():
        article = entry.article
        entry.is_public = article.status == "published"
        entry.published_at = article.published_at
        entry.category_id = article.category_id
        entry.save(update_fields=["is_public", "published_at", "category"])


class Migration(migrations.Migration):
    dependencies = [("news", "0004_search_storage")]

    operations = [
        migrations.AddField(
            model_name="articlesearchentry",
            name="is_public",
            field=models.BooleanField(default=False, verbose_name="已发布"),
        ),
        migrations.AddField(
            model_name="articlesearchentry",
            name="published_at",
            field=models.DateTimeField(null=True, verbose_name="发布时间"),
        ),
        migrations.AddField(
            model_name="articlesearchentry",
            name="category",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="news.category",
                verbose_name="栏目",
            ),
        ),
        migrations.RunPython(copy_listing_fields, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="articlesearchentry",
            name="published_at",
            field=models.DateTimeField(verbose_name="发布时间"),
        ),
        migrations.AlterField(
            model_name="articlesearchentry",
            name="category",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="news.category", verbose_name="栏目"
            ),
        ),
    ]
