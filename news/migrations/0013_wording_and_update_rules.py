from django.db import migrations, models

from review.migration_helpers import create_permissions_now

SIX_MONTH_WORDS = ("通知", "公告", "政策", "法规")
TWO_WEEK_WORDS = ("动态", "要闻", "新闻", "快讯", "资讯")


def default_rule(category):
    """The indicators' defaults: 通知公告 and 政策法规 6 months; home page and news-type 2 weeks; the rest a year."""
    if any(word in category.name for word in SIX_MONTH_WORDS):
        return "6m"
    on_home_page = category.parent_id is None and category.show_in_nav  # the home page's blocks
    if on_home_page or any(word in category.name for word in TWO_WEEK_WORDS):
        return "2w"
    return "1y"


def set_default_rules(apps, schema_editor):
    Category = apps.get_model("news", "Category")
    for category in Category.objects.all():
        category.update_rule = default_rule(category)
        category.save(update_fields=["update_rule"])


def grant_wording_permissions(apps, schema_editor):
    """Reviewers keep the 错敏词 list; editors may read it."""
    create_permissions_now(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wording = Permission.objects.filter(content_type__app_label="wording")
    for group in Group.objects.filter(name="审核发布"):
        group.permissions.add(*wording)
    for group in Group.objects.filter(name="编辑"):
        group.permissions.add(*wording.filter(codename="view_wordingentry"))


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0012_single_pages"),
        ("wording", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="wording_confirmed",
            field=models.TextField(blank=True, db_default="", default="", editable=False, verbose_name="已核对的错敏词"),
        ),
        migrations.AddField(
            model_name="category",
            name="update_rule",
            field=models.CharField(
                choices=[("2w", "两周"), ("6m", "六个月"), ("1y", "一年"), ("none", "不要求（归档栏目）")],
                default="1y",
                help_text="检查指标：首页栏目和动态、要闻类栏目两周内须有更新，通知公告、政策法规类栏目六个月，其他栏目一年；归档栏目可选“不要求”。一级栏目的更新包括其子栏目的文章。",
                max_length=4,
                verbose_name="更新要求",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["published_at"],
                include=("category", "created_by"),
                name="news_article_stats_pub_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(fields=["created_at"], include=("created_by",), name="news_article_stats_new_idx"),
        ),
        migrations.RunPython(set_default_rules, migrations.RunPython.noop),
        migrations.RunPython(grant_wording_permissions, migrations.RunPython.noop),
    ]
