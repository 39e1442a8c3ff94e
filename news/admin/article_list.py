"""
The list of articles at 100,000: filters that use indexes, search through the search
index (the newest matches), and pages read from the nearer end.
"""

from datetime import datetime

from django.contrib import admin, messages
from django.core.paginator import Page, Paginator
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from psycopg2.errors import QueryCanceled

from ..models import ADMIN_LIST_ORDER, Article, Category
from ..selectors.search import SEARCH_TIMEOUT_MS, search_entries
from ..selectors.search_query import parse_search_query


class CategoryTreeFilter(admin.RelatedFieldListFilter):
    """The 栏目 filter, as the tree: 基层党建, 基层党建 › 社区党建, ..."""

    def field_choices(self, field, request, model_admin):
        return [(category.pk, category.tree_label) for category in Category.objects.in_tree_order()]


class StatusFilter(admin.SimpleListFilter):
    """The states, with 定时发布 apart: a published article whose time has not come is not 已发布 yet."""

    title = "状态"
    parameter_name = "status"
    SCHEDULED = "scheduled"

    def lookups(self, request, model_admin):
        Status = Article.Status
        return [
            (Status.DRAFT, Status.DRAFT.label),
            (Status.REVIEW, Status.REVIEW.label),
            (self.SCHEDULED, "定时发布"),
            (Status.PUBLISHED, Status.PUBLISHED.label),
            (Status.WITHDRAWN, Status.WITHDRAWN.label),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.SCHEDULED:
            return queryset.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())
        if value == Article.Status.PUBLISHED:
            return queryset.published()
        if value in Article.Status.values:
            return queryset.filter(status=value)
        return queryset


class YearFilter(admin.SimpleListFilter):
    """
    发布年份, in place of Django's date hierarchy, which reads the whole table twice for
    every page of the list (the first and last dates, then every distinct year): here the
    years are those between the oldest and the newest article, two index lookups.
    """

    title = "发布年份"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        in_order = Article.objects.annotate(time=ADMIN_LIST_ORDER[0].expression).values_list("time", flat=True)
        newest = in_order.order_by(*ADMIN_LIST_ORDER).first()
        if newest is None:
            return []
        oldest = in_order.order_by(*(order.copy().reverse_ordering() for order in ADMIN_LIST_ORDER)).first()
        years = range(timezone.localtime(newest).year, timezone.localtime(oldest).year - 1, -1)
        return [(str(year), f"{year}年") for year in years]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not (value.isascii() and value.isdigit() and 1000 <= int(value) < 9999):
            return queryset.none()
        start = timezone.make_aware(datetime(int(value), 1, 1))
        end = timezone.make_aware(datetime(int(value) + 1, 1, 1))
        # On the list's order (an index), for articles that have a publication time.
        return (
            queryset.alias(time=ADMIN_LIST_ORDER[0].expression)
            .filter(time__gte=start, time__lt=end)
            .exclude(published_at=None)
        )


# Admin search lists the newest matches, at most this many (as the public search ranks its
# newest 500): counting every article that holds a common term (党建 is in nearly all of
# them) would cost seconds at 100,000 articles, and no one pages through more.
ADMIN_SEARCH_LIMIT = 500


def newest_search_matches(queryset, limit):
    """
    The ids of the newest `limit` articles of `queryset` (filtered by a search), or None
    when the database gave up (statement timeout).

    The plan that stays fast walks the articles in the list's order (an index) and looks up
    each one's search entry, stopping at `limit`; a rare term is found through the bigram
    index instead. A hash join would read and check every entry of the archive (seconds),
    and the planner, which does not count the cost of reading the large vectors, picks it
    for a common term within a 栏目 or a state: so hash and merge joins are off here.
    """
    ids = queryset.order_by(*ADMIN_LIST_ORDER).values_list("pk", flat=True)[:limit]
    if connection.vendor != "postgresql":
        return list(ids)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true), set_config('enable_hashjoin', 'off', true),"
                " set_config('enable_mergejoin', 'off', true)",
                [str(SEARCH_TIMEOUT_MS)],
            )
            return list(ids)
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            return None
        raise


def search_the_list(queryset, search_term):
    """
    The admin list's search (ModelAdmin.get_search_results): the newest ADMIN_SEARCH_LIMIT
    articles of `queryset` whose search entry holds `search_term`, drafts included, and the
    message to show with them, as (level, text), or None.
    """
    query = parse_search_query(search_term).normalized
    if not query:
        return queryset, None
    matching = queryset.filter(pk__in=search_entries(query, public=False).values("article_id"))
    newest = newest_search_matches(matching, ADMIN_SEARCH_LIMIT + 1)
    if newest is None:
        return queryset.none(), (
            "这个关键词查找太慢，请换一个更具体的关键词，或先用右侧的筛选缩小范围。",
            messages.ERROR,
        )
    notice = None
    if len(newest) > ADMIN_SEARCH_LIMIT:
        notice = (
            f"找到的文章超过 {ADMIN_SEARCH_LIMIT} 篇，这里只列出最新的 {ADMIN_SEARCH_LIMIT} 篇；"
            "请用更具体的关键词或右侧的筛选缩小范围。",
            messages.INFO,
        )
    return queryset.filter(pk__in=newest[:ADMIN_SEARCH_LIMIT]), notice


class NearerEndPaginator(Paginator):
    """
    Pages past the middle are read in the reverse order from the list's end, as the public
    lists do: the last of 2,000 pages then costs what the first does, not a walk past
    100,000 rows.
    """

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        from_end = self.count - top
        if from_end >= bottom or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        rows = list(self.object_list.reverse()[from_end : from_end + (top - bottom)])
        return Page(rows[::-1], number, self)
