# A topic's section-article rows get their own review state, so that an 编辑 may propose an
# article for a section of a running topic (in review until a 审核发布 accepts it). Rows
# that exist were made on the topic's form: accepted.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("topics", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="topicarticle",
            name="status",
            field=models.CharField(
                choices=[("draft", "草稿"), ("review", "待审核"), ("published", "已发布"), ("withdrawn", "已撤回")],
                default="published",
                help_text="推荐的文章在审核发布人员发布（采用）后才显示在专题中。",
                max_length=10,
                verbose_name="状态",
            ),
        ),
        migrations.AddField(
            model_name="topicarticle",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, default=django.utils.timezone.now, verbose_name="修改时间"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="topicarticle",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="推荐人",
            ),
        ),
        migrations.AddField(
            model_name="topicarticle",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="最后修改人",
            ),
        ),
        migrations.AddConstraint(
            model_name="topicarticle",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["draft", "review", "published", "withdrawn"])),
                name="topics_article_status_valid",
            ),
        ),
    ]
