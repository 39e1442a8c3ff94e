from django.db import models


class SiteCheck(models.Model):
    """
    One run of the content scan of `site_check` (reports.content_scan.scan_content): what the
    check page and the workbench show until the next run. The 栏目 states are read live.
    """

    ran_at = models.DateTimeField("检查时间", auto_now_add=True, db_index=True)
    seconds = models.FloatField("用时（秒）", default=0)
    articles = models.PositiveIntegerField("检查的文章数", default=0)
    findings = models.JSONField("检查结果", default=dict)

    class Meta:
        ordering = ["-ran_at", "-id"]
        verbose_name = "全站检查"
        verbose_name_plural = "全站检查"
        default_permissions = ("view",)

    def __str__(self):
        return f"全站检查 {self.ran_at:%Y-%m-%d %H:%M}"
