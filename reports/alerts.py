"""The compliance findings on the workbench (desk.alerts' extension point, settings.WORKBENCH_ALERT_PROVIDERS)."""

from django.core.cache import cache
from django.urls import reverse

from .compliance import SOON_DUE, latest_report

CACHE_KEY = "reports:workbench-alerts"
CACHE_SECONDS = 300  # the workbench is viewed all day; 栏目 states move by the day


def workbench_alerts(request):
    """Red for single-veto (单项否决), amber for due within 3 days; cached a few minutes (no query then)."""
    # Those who may open the check page (reports.views.staff_page), not every staff account.
    if not (request.user.is_staff and request.user.has_perm("news.view_article")):
        return []
    alerts = cache.get(CACHE_KEY)
    if alerts is None:
        alerts = build_alerts()
        cache.set(CACHE_KEY, alerts, CACHE_SECONDS)
    return alerts


def build_alerts():
    report = latest_report()
    url = reverse("reports:compliance")
    alerts = [{"level": "red", "text": c.sentence(), "url": url} for c in report.veto_categories]
    serious = report.serious_wording
    if serious:
        # Findings kept before single pages and topics were scanned name only an article.
        items = {(f.get("kind", "文章"), f.get("object_id", f.get("article_id"))) for f in serious}
        kinds = "、".join(dict.fromkeys(kind for kind, _ in sorted(items)))
        alerts.append({"level": "red", "text": f"{len(items)} 项已发布的{kinds}有严重错敏词。", "url": url})
    alerts += [{"level": "amber", "text": c.sentence(), "url": url} for c in report.categories if c.state == SOON_DUE]
    return alerts
