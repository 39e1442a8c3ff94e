from django.db import models


class ViewCountBatch(models.Model):
    """A batch of view counts moved from Redis into the database (see news.viewcounts)."""

    name = models.CharField("批次", max_length=100, unique=True)
    applied_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "浏览次数批次"
        verbose_name_plural = "浏览次数批次"

    def __str__(self):
        return self.name
