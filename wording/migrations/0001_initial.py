from pathlib import Path

from django.db import migrations, models

STARTER = Path(__file__).resolve().parent.parent / "data" / "starter_entries.tsv"
SEVERITIES = {"严重": "serious", "一般": "ordinary"}


def starter_entries():
    """The starter list (data/starter_entries.tsv): wrong form, right form, 程度, 说明."""
    for line in STARTER.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        wrong, right, severity, note = (line.split("\t") + [""])[:4]
        yield wrong, right, SEVERITIES[severity], note


def load_starter_list(apps, schema_editor):
    WordingEntry = apps.get_model("wording", "WordingEntry")
    existing = set(WordingEntry.objects.values_list("wrong", flat=True))
    WordingEntry.objects.bulk_create(
        WordingEntry(wrong=wrong, right=right, severity=severity, note=note)
        for wrong, right, severity, note in starter_entries()
        if wrong not in existing
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="WordingEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "wrong",
                    models.CharField(
                        help_text="文中出现这一写法时提示，例如“布署”。", max_length=100, unique=True, verbose_name="错误写法"
                    ),
                ),
                (
                    "right",
                    models.CharField(help_text="应改为的写法，例如“部署”。", max_length=200, verbose_name="正确写法"),
                ),
                (
                    "severity",
                    models.CharField(
                        choices=[("serious", "严重"), ("ordinary", "一般")],
                        default="ordinary",
                        help_text="“严重”的错敏词须经审核发布人员勾选“已核对错敏词”后才能发布；“一般”只作提示。",
                        max_length=10,
                        verbose_name="程度",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="说明")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="修改时间")),
            ],
            options={"verbose_name": "错敏词", "verbose_name_plural": "错敏词", "ordering": ["wrong"]},
        ),
        migrations.RunPython(load_starter_list, migrations.RunPython.noop),
    ]
