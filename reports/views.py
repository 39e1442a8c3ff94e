"""The reports' admin pages (staff): the compliance check and the statistics."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from . import statistics as stats
from .compliance import SOON_DUE, latest_report


def staff_page(view):
    """An admin page for staff who may read articles (editors and reviewers)."""

    def checked(request, *args, **kwargs):
        if not request.user.has_perm("news.view_article"):
            raise PermissionDenied("你的账号不能查看这个页面。")
        return view(request, *args, **kwargs)

    return admin.site.admin_view(checked)


def page_context(request, title):
    return {**admin.site.each_context(request), "title": title}


PAGE_LIMIT = 200  # findings listed per kind on the page (site_check prints them all)


@staff_page
def compliance(request):
    report = latest_report()
    context = {
        **page_context(request, "合规自查"),
        "report": report,
        "soon": SOON_DUE,
        "veto_count": len(report.veto_categories) + len(report.serious_wording),
        "limit": PAGE_LIMIT,
        "limit_slice": f":{PAGE_LIMIT}",
        "over_limit": any(len(items) > PAGE_LIMIT for items in report.findings.values()),
    }
    return TemplateResponse(request, "reports/compliance.html", context)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@staff_page
def statistics(request):
    years = stats.available_years()
    raw = request.GET.get("year", "")
    if raw == "":
        year = timezone.localdate().year
    elif raw.isascii() and raw.isdigit() and int(raw) in years:  # not "²": isdigit() but no int
        year = int(raw)
    else:
        return HttpResponseBadRequest(
            "年份无效：请从列表中选择一个年份。".encode(), content_type="text/plain; charset=utf-8"
        )
    data = stats.year_statistics(year)
    if request.GET.get("export") == "xlsx":
        response = HttpResponse(stats.workbook(data), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(True, f"{year}年信息发布统计.xlsx")
        return response
    context = {
        **page_context(request, "信息发布统计"),
        "years": years,
        "stats": data,
        "chart": stats.bar_chart(data.totals, year),
        "months": list(stats.MONTHS),
    }
    return TemplateResponse(request, "reports/statistics.html", context)
