from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The department's reports in the admin: the compliance self-check (合规自查) and statistics (信息发布统计)."""

    name = "reports"
    verbose_name = "检查与统计"
