"""
信息发布统计 for the yearly report: published articles per 栏目 per month of a year, and per
editor (articles written and, of those, published), with totals; as a page, an SVG bar
chart drawn here, and an Excel workbook. A handful of indexed, grouped queries.
"""

import io
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Min
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from news.models import Article, Category, public
from review.records import display_name

MONTHS = range(1, 13)


@dataclass
class Row:
    label: str
    months: list = field(default_factory=lambda: [0] * 12)

    @property
    def total(self):
        return sum(self.months)


@dataclass
class EditorRow:
    name: str
    written: int = 0
    published: int = 0


@dataclass
class YearStatistics:
    year: int
    categories: list  # [Row], in tree order
    totals: Row
    editors: list  # [EditorRow], most published first
    editor_totals: EditorRow


def year_bounds(year):
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def available_years():
    """From the year of the first publication to this one."""
    this_year = timezone.localdate().year
    first = Article.objects.filter(public()).aggregate(first=Min("published_at"))["first"]
    start = timezone.localtime(first).year if first else this_year
    return list(range(this_year, start - 1, -1))


def year_statistics(year):
    start, end = year_bounds(year)
    published = Article.objects.filter(public(), published_at__gte=start, published_at__lt=end)
    per_category = (
        published.order_by()
        .annotate(month=ExtractMonth("published_at"))
        .values_list("category_id", "month")
        .annotate(count=Count("category"))  # not the id: the count is read from the index alone
    )
    rows = {c.pk: Row(c.tree_label) for c in Category.objects.in_tree_order()}
    totals = Row("合计")
    for category_id, month, count in per_category:
        rows[category_id].months[month - 1] += count
        totals.months[month - 1] += count

    written = dict(
        Article.objects.filter(created_at__gte=start, created_at__lt=end, created_by__isnull=False)
        .order_by()
        .values_list("created_by")
        .annotate(count=Count("created_by"))
    )
    published_by = dict(
        published.filter(created_by__isnull=False)
        .order_by()
        .values_list("created_by")
        .annotate(count=Count("created_by"))
    )
    users = (
        get_user_model().objects.filter(pk__in={*written, *published_by}).only("username", "first_name", "last_name")
    )
    editors = [EditorRow(display_name(u), written.get(u.pk, 0), published_by.get(u.pk, 0)) for u in users]
    editors.sort(key=lambda e: (-e.published, -e.written, e.name))
    editor_totals = EditorRow("合计", sum(e.written for e in editors), sum(e.published for e in editors))
    return YearStatistics(year, list(rows.values()), totals, editors, editor_totals)


# --- The chart -------------------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 48, 28, 20


def bar_chart(totals, year):
    """Published articles per month as an SVG bar chart (markup, escaped; styled by reports.css)."""
    peak = max(totals.months) or 1
    plot_width = CHART_WIDTH - MARGIN_LEFT - 10
    plot_height = CHART_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
    slot = plot_width / 12
    bars = []
    for index, count in enumerate(totals.months):
        height = round(plot_height * count / peak, 1)
        x = round(MARGIN_LEFT + index * slot + slot * 0.15, 1)
        y = round(MARGIN_TOP + plot_height - height, 1)
        bars.append((x, y, round(slot * 0.7, 1), height, count, index + 1, round(x + slot * 0.35, 1)))
    baseline = MARGIN_TOP + plot_height
    return format_html(
        '<svg class="reports-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="chart-title">'
        '<title id="chart-title">{year} 年每月发布文章数（共 {total} 篇）</title>'
        '<line class="axis" x1="{left}" y1="{base}" x2="{right}" y2="{base}"></line>'
        '<text x="4" y="{top}">{peak}</text>'
        "{bars}</svg>",
        w=CHART_WIDTH,
        h=CHART_HEIGHT,
        year=year,
        total=totals.total,
        left=MARGIN_LEFT,
        right=CHART_WIDTH - 10,
        base=baseline,
        top=MARGIN_TOP + 4,
        peak=peak,
        bars=format_html_join(
            "",
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{} 月：{} 篇</title></rect>'
            '<text x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle">{}月</text>',
            (
                (x, y, width, height, month, count, middle, y - 4, count, middle, baseline + 18, month)
                for x, y, width, height, count, month, middle in bars
            ),
        ),
    )


# --- Excel ----------------------------------------------------------------------------


def append_row(sheet, values):
    """
    Append `values` as a row, every string a text cell: openpyxl writes a string starting with
    "=" as a formula, and a 栏目 or user named "=HYPERLINK(...)" must not run in Excel.
    """
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def workbook(statistics):
    """The statistics as an .xlsx file (bytes): one sheet per 栏目 and month, one per editor."""
    # Imported here: openpyxl is some 18 MB that only this export needs.
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    bold = Font(bold=True)
    sheet = book.active
    sheet.title = "按栏目"
    append_row(sheet, [f"{statistics.year} 年信息发布统计（按栏目、月份，单位：篇）"])
    append_row(sheet, ["栏目", *(f"{m}月" for m in MONTHS), "合计"])
    for row in [*statistics.categories, statistics.totals]:
        append_row(sheet, [row.label, *row.months, row.total])
    for cell in (*sheet[1], *sheet[2], *sheet[sheet.max_row]):
        cell.font = bold
    sheet.column_dimensions["A"].width = 28

    editors = book.create_sheet("按编辑")
    append_row(editors, [f"{statistics.year} 年信息发布统计（按编辑，单位：篇）"])
    append_row(editors, ["编辑", "撰写", "其中已发布"])
    for row in [*statistics.editors, statistics.editor_totals]:
        append_row(editors, [row.name, row.written, row.published])
    for cell in (*editors[1], *editors[2], *editors[editors.max_row]):
        cell.font = bold
    editors.column_dimensions["A"].width = 20

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
