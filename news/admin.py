from datetime import datetime

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import OperationalError, connection, transaction
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from psycopg2.errors import QueryCanceled
from reversion.admin import VersionAdmin
from reversion.models import Version

from wuda_portal.admin_desk import DeskAdminMixin

from . import workflow
from .forms import ArticleAdminForm, unscheduled_note
from .models import ADMIN_LIST_ORDER, Article, Category
from .prepublish import prepublish_warnings
from .selectors import SEARCH_TIMEOUT_MS, parse_search_query, search_entries
from .templatetags.news import rich_text


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "order", "show_in_nav")
    list_editable = ("order", "show_in_nav")
    list_filter = ("show_in_nav", "parent")
    search_fields = ("name", "slug")
    list_select_related = ("parent",)
    fields = ("name", "slug", "parent", "order", "show_in_nav", "description")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Two levels: only first-level 栏目 can be parents.
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The workflow decides on the article as the database held it before the request. The
# change form reads it as it is; restoring a revision (revision_view, recover_view) first
# writes the old version into the database (django-reversion reverts, then runs the change
# form on the result), so those views remember the stored article before that.


def remember_stored_article(request, object_id):
    """Remember, for this request, the stored article `object_id` (None: there is none)."""
    stored = getattr(request, "stored_articles", None)
    if stored is None:
        stored = request.stored_articles = {}
    key = str(object_id)
    if key not in stored:
        try:
            stored[key] = Article.objects.filter(pk=object_id).first()
        except (ValueError, ValidationError):
            stored[key] = None
    return stored[key]


def stored_article(request, article):
    """`article` as the database held it before this request (None for one it lacked)."""
    if article.pk is None:
        return None
    return remember_stored_article(request, article.pk)


# --- The list of articles: filters ---------------------------------------------------------


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
        return self._get_page(rows[::-1], number, self)


def local_minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@admin.register(Article)
class ArticleAdmin(DeskAdminMixin, VersionAdmin):
    form = ArticleAdminForm
    list_display = (
        "title", "category_column", "status_column", "publication_time_column", "is_pinned", "is_headline",
        "view_count",
    )  # fmt: skip
    list_filter = (
        ("category", CategoryTreeFilter), StatusFilter, "published_at", YearFilter, "is_pinned", "is_headline",
    )  # fmt: skip
    search_fields = ("title", "subtitle", "source", "author", "body")  # searched through the index: get_search_results
    search_help_text = "在标题、副标题、正文、来源和作者中查找，包括草稿和待审核的文章。"
    ordering = ADMIN_LIST_ORDER
    list_select_related = ("category__parent",)
    list_per_page = 50
    paginator = NearerEndPaginator
    # The count of all articles next to a filtered list's: a second count for nothing.
    show_full_result_count = False
    save_on_top = True
    actions = ("submit_for_review", "publish", "withdraw", "pin", "unpin")
    # The attachments app adds its inline here (the dependency runs attachments -> news).
    inlines = ()
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "category", "body")}),
        (
            "来源与发布",
            {
                "fields": (
                    "source",
                    "author",
                    "status",
                    "publication_state",
                    "is_scheduled",
                    "published_at",
                    "prepublish_report",
                )
            },
        ),
        ("首页展示", {"fields": ("summary", "cover", "is_headline", "is_pinned", "pinned_until")}),
        (
            "记录",
            {
                "classes": ("collapse",),
                "fields": ("view_count", "created_by", "created_at", "updated_by", "updated_at"),
            },
        ),
    )
    base_readonly_fields = (
        "prepublish_report", "publication_state", "view_count", "created_by", "created_at", "updated_by", "updated_at",
    )  # fmt: skip
    # The editor's desk (wuda_portal.admin_desk): autosave, the session warning, counters.
    counted_fields = ("title", "subtitle", "summary")
    wide_fields = ("title", "subtitle")

    # The workflow decides on the article as it was before the request (stored_article).

    def revision_view(self, request, object_id, version_id, extra_context=None):
        remember_stored_article(request, unquote(object_id))
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # "Recover" reverts any version of an article, deleted or not: the same rules hold.
        version = get_object_or_404(Version.objects.get_for_model(Article), pk=version_id)
        stored = remember_stored_article(request, version.object_id)
        if stored is not None and not workflow.can_edit(request.user, stored):
            raise PermissionDenied("已发布的文章只能由审核发布人员修改或恢复。")
        # A recovered article keeps the time it went public (workflow.settle_publication_time).
        request.recovered_article = Article(
            **{name: version.field_dict.get(name) for name in ("status", "published_at")},
            is_scheduled=version.field_dict.get("is_scheduled", False),
        )
        return super().recover_view(request, version_id, extra_context)

    # --- Permissions: what the workflow allows, enforced here and in save_model ----------

    def has_change_permission(self, request, obj=None):
        if obj is not None:
            stored = stored_article(request, obj)
            if stored is not None and not workflow.can_edit(request.user, stored):
                return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            stored = stored_article(request, obj)
            if stored is not None and not workflow.can_edit(request.user, stored):
                return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # The list's 删除所选 asks without an article: refuse the whole batch if the user may
        # not delete one of them (Django then shows what is missing and refuses the POST).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self.has_delete_permission(request, obj) for obj in objs):
            perms_needed = {*perms_needed, "已发布的文章（只能由审核发布人员删除）"}
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        if workflow.can_publish(request.user):
            return self.base_readonly_fields
        return self.base_readonly_fields + workflow.REVIEWER_FIELDS

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "status" in form.base_fields:
            form.base_fields["status"].choices = [
                (status.value, status.label) for status in workflow.allowed_statuses(request.user)
            ]
        return form

    def save_model(self, request, obj, form, change):
        previous = stored_article(request, obj) if change else None
        if not workflow.can_publish(request.user):
            # What only reviewers set stays as it was when an editor restores an old version
            # (the form shows those fields read-only; a reverted version may differ).
            workflow.keep_reviewer_fields(obj, previous=previous)
        # The form offers an editor only the states they may choose; this refuses a crafted
        # request all the same.
        workflow.check_change(request.user, obj, previous=previous)
        workflow.settle_publication_time(
            obj, previous=previous if previous is not None else getattr(request, "recovered_article", None)
        )
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        if previous is None or previous.status != Article.Status.PUBLISHED:
            self.note_time_in_the_past(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in prepublish_warnings(form.instance):
            messages.warning(request, f"发布前检查：{warning}")

    @admin.display(description="发布前检查")
    def prepublish_report(self, obj):
        if obj is None or obj.pk is None:
            return "保存后显示检查结果。"
        warnings = prepublish_warnings(obj)
        if not warnings:
            return "未发现问题。"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings)))

    # --- Publication time and state (see Article and workflow.settle_publication_time) -----

    @admin.display(description="状态", ordering="status")
    def status_column(self, obj):
        return obj.status_label

    @admin.display(description="发布时间", ordering=Coalesce("published_at", "created_at"))
    def publication_time_column(self, obj):
        return local_minute(obj.published_at) if obj.published_at else "—"

    @admin.display(description="发布情况")
    def publication_state(self, obj):
        if obj is None or obj.pk is None:
            return "尚未发布。"
        if obj.is_waiting_for_its_time:
            return f"定时发布：将于 {local_minute(obj.published_at)} 自动公开。"
        if obj.is_public:
            return f"已于 {local_minute(obj.published_at)} 发布。"
        state = "已撤回" if obj.status == Article.Status.WITHDRAWN else "尚未发布"
        if obj.is_scheduled:
            return f"{state}；定时发布：发布后按 {local_minute(obj.published_at)} 公开。"
        if obj.first_publication_time is None:
            return f"{state}。"  # the time's row says what time it gets
        return f"{state}：{unscheduled_note(obj)}。"

    def note_time_in_the_past(self, request, article):
        """Just published with a time set on purpose that lies in the past: say so, it may be a forgotten schedule."""
        if (
            article.is_scheduled
            and article.is_public
            and article.published_at < timezone.now() - timezone.timedelta(minutes=1)
        ):
            self.message_user(
                request,
                f"“{article}”按设定的发布时间 {local_minute(article.published_at)} 公开，这个时间早于现在；"
                "如需使用发布的时刻，请取消“定时发布”后再保存。",
                messages.WARNING,
            )

    # --- 栏目 as a tree -------------------------------------------------------------------

    @admin.display(description="栏目", ordering="category")
    def category_column(self, obj):
        return obj.category.tree_label

    # --- Reading what one may not edit --------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            return super().get_fieldsets(request, obj)
        # Django's 查看 page: every field read-only. The body as residents will see it,
        # and the reason at the top.
        reason = workflow.edit_refusal_reason(request.user, stored_article(request, obj) or obj)
        # In the look of the admin's messages (the description is inserted as HTML).
        reason_html = format_html('<ul class="messagelist"><li class="warning">{}</li></ul>', reason)
        return (
            (None, {"fields": ("title", "subtitle", "category_column", "rendered_body"), "description": reason_html}),
            ("来源与发布", {"fields": ("source", "author", "status_column", "publication_state")}),
            ("首页展示", {"fields": ("summary", "cover", "is_headline", "is_pinned", "pinned_until")}),
            self.fieldsets[-1],
        )

    @admin.display(description="正文")
    def rendered_body(self, obj):
        # A document of its own with the public stylesheet: the body looks as on the article's
        # page, and the admin's styles do not reach it. Sanitised again on output (rich_text),
        # as the public page does; the sandbox runs no script either way.
        document = format_html(
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="{}"></head><body><article class="article">'
            '<div class="article-body">{}</div></article></body></html>',
            static("css/site.css"),
            rich_text(obj.body),
        )
        return format_html(
            '<iframe class="article-body-view" title="正文（公众看到的样子）" sandbox="allow-same-origin" srcdoc="{}" '
            'style="width: 760px; max-width: 100%; height: 560px; border: 1px solid #ccc; resize: vertical;"></iframe>'
            '<p><a href="{}" target="_blank" rel="noopener">在网站上打开这篇文章</a></p>',
            escape(document),  # an attribute's value: escaped although (because) it is safe HTML
            obj.get_absolute_url(),
        )

    # --- Search through the search index ------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        query = parse_search_query(search_term).normalized
        if not query:
            return queryset, False
        matching = queryset.filter(pk__in=search_entries(query, public=False).values("article_id"))
        newest = newest_search_matches(matching, ADMIN_SEARCH_LIMIT + 1)
        if newest is None:
            self.message_user(
                request, "这个关键词查找太慢，请换一个更具体的关键词，或先用右侧的筛选缩小范围。", messages.ERROR
            )
            return queryset.none(), False
        if len(newest) > ADMIN_SEARCH_LIMIT:
            self.message_user(
                request,
                f"找到的文章超过 {ADMIN_SEARCH_LIMIT} 篇，这里只列出最新的 {ADMIN_SEARCH_LIMIT} 篇；"
                "请用更具体的关键词或右侧的筛选缩小范围。",
                messages.INFO,
            )
        return queryset.filter(pk__in=newest[:ADMIN_SEARCH_LIMIT]), False

    # --- Actions ----------------------------------------------------------------------

    def _apply(self, request, queryset, change, done_label):
        done = 0
        for article in queryset.select_related("category"):
            try:
                change(article)
            except PermissionDenied as refusal:
                self.message_user(request, f"“{article}”：{refusal}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已{done_label} {done} 篇文章。", messages.SUCCESS)

    @admin.action(description="提交审核", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._apply(
            request,
            queryset.filter(status=Article.Status.DRAFT),
            lambda a: workflow.set_status(a, Article.Status.REVIEW, by=request.user),
            "提交审核",
        )

    @admin.action(description="发布所选文章", permissions=["publish"])
    def publish(self, request, queryset):
        def publish_one(article):
            was_published = article.status == Article.Status.PUBLISHED
            workflow.set_status(article, Article.Status.PUBLISHED, by=request.user)
            if not was_published:
                self.note_time_in_the_past(request, article)

        self._apply(request, queryset, publish_one, "发布")

    @admin.action(description="撤回所选文章", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._apply(
            request, queryset, lambda a: workflow.set_status(a, Article.Status.WITHDRAWN, by=request.user), "撤回"
        )

    @admin.action(description="置顶所选文章", permissions=["publish"])
    def pin(self, request, queryset):
        self._apply(request, queryset, lambda a: workflow.set_pinned(a, True, by=request.user), "置顶")

    @admin.action(description="取消置顶", permissions=["publish"])
    def unpin(self, request, queryset):
        self._apply(request, queryset, lambda a: workflow.set_pinned(a, False, by=request.user), "取消置顶")
