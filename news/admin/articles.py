"""The article admin: the review rule (review.admin), the editor's desk, publication time."""

from django.contrib import admin, messages
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.html import format_html

from core.admin_desk import DeskAdminMixin
from core.admin_restore import restore_version
from review import rules
from review.admin import ReviewedAdmin
from review.stored import stored_object

from .. import workflow
from ..forms import ArticleAdminForm, unscheduled_note
from ..models import ADMIN_LIST_ORDER, Article
from ..presenters import minute_text as local_minute
from ..presenters import status_text
from .article_list import CategoryTreeFilter, NearerEndPaginator, StatusFilter, YearFilter, search_the_list
from .body_images import BodyImagesAdmin
from .read_only import body_as_residents_see_it, reason_html
from .wording import WordingCheckedAdmin

# Inlines other apps add to the article form (add_article_inline): news does not know them
# (the attachments app depends on news, not the other way round).
_article_inlines = []


def add_article_inline(inline):
    """Show `inline` (an InlineModelAdmin of a model related to Article) on the article form."""
    if inline not in _article_inlines:
        _article_inlines.append(inline)


@admin.register(Article)
class ArticleAdmin(BodyImagesAdmin, DeskAdminMixin, WordingCheckedAdmin, ReviewedAdmin):
    form = ArticleAdminForm
    list_display = (
        "title", "category_column", "status_column", "publication_time_column", "is_pinned", "is_headline",
        "external_url_column", "view_count",
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
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "category", "external_url", "body")}),
        (
            "来源与发布",
            {
                "fields": (
                    "source",
                    "author",
                    "responsible_editor",
                    "status",
                    "publication_state",
                    "is_scheduled",
                    "published_at",
                    "prepublish_report",
                    "confirm_wording",
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
    readonly_fields = (
        "prepublish_report", "publication_state", "view_count", "created_by", "created_at", "updated_by", "updated_at",
    )  # fmt: skip
    # The editor's desk (core.admin_desk): autosave, the session warning, counters.
    counted_fields = ("title", "subtitle", "summary")
    wide_fields = ("title", "subtitle")

    def recover_view(self, request, version_id, extra_context=None):
        # A recovered article keeps the time it went public (workflow.settle_publication_time).
        version = restore_version(request, Article, version_id)
        if version is not None:
            request.recovered_article = Article(
                **{name: version.field_dict.get(name) for name in ("status", "published_at")},
                is_scheduled=version.field_dict.get("is_scheduled", False),
            )
        return super().recover_view(request, version_id, extra_context)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *_article_inlines]

    def check_review_rule(self, request, obj, change):
        previous = super().check_review_rule(request, obj, change)
        workflow.settle_publication_time(
            obj, previous=previous if previous is not None else getattr(request, "recovered_article", None)
        )
        return previous

    def save_model(self, request, obj, form, change):
        previous = stored_object(request, obj) if change else None
        super().save_model(request, obj, form, change)  # the 错敏词 confirmation first (WordingCheckedAdmin)
        if previous is None or previous.status != Article.Status.PUBLISHED:
            self.note_time_in_the_past(request, obj)

    # --- Publication time and state (see Article and workflow.settle_publication_time) -----

    @admin.display(description="状态", ordering="status")
    def status_column(self, obj):
        return status_text(obj)

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

    # --- 外链 ----------------------------------------------------------------------------

    @admin.display(description="外部链接", ordering="external_url")
    def external_url_column(self, obj):
        if not obj.external_url:
            return "—"
        shown = obj.external_url if len(obj.external_url) <= 40 else obj.external_url[:39] + "…"
        # An http(s) address (validate_external_url and the database's constraint).
        return format_html(
            '<a href="{}" title="{}" rel="noopener noreferrer">{}</a>', obj.external_url, obj.external_url, shown
        )

    # --- 栏目 as a tree -------------------------------------------------------------------

    @admin.display(description="栏目", ordering="category")
    def category_column(self, obj):
        return obj.category.tree_label

    # --- Reading what one may not edit --------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None or self.has_change_permission(request, obj):
            return super().get_fieldsets(request, obj)  # 「已核对错敏词」 for reviewers only (WordingCheckedAdmin)
        # Django's 查看 page: every field read-only. The body as residents will see it,
        # and the reason at the top.
        reason = rules.edit_refusal_reason(request.user, stored_object(request, obj) or obj)
        fieldsets = (
            (
                None,
                {
                    "fields": ("title", "subtitle", "category_column", "external_url", "rendered_body"),
                    "description": reason_html(reason),
                },
            ),
            (
                "来源与发布",
                {"fields": ("source", "author", "responsible_editor", "status_column", "publication_state")},
            ),
            ("首页展示", {"fields": ("summary", "cover", "is_headline", "is_pinned", "pinned_until")}),
            self.fieldsets[-1],
        )
        return self.with_review_fieldsets(request, obj, fieldsets)

    @admin.display(description="正文")
    def rendered_body(self, obj):
        return body_as_residents_see_it(obj, "在网站上打开这篇文章")

    # --- Search through the search index ------------------------------------------------

    def get_search_results(self, request, queryset, search_term):
        matches, notice = search_the_list(queryset, search_term)
        if notice is not None:
            self.message_user(request, *notice)
        return matches, False

    # --- Actions ----------------------------------------------------------------------

    actions = ("submit_for_review", "return_for_revision", "publish", "withdraw", "pin", "unpin")

    @admin.action(description="发布所选文章", permissions=["publish"])
    def publish(self, request, queryset):
        for article in self.set_status_of(request, queryset, Article.Status.PUBLISHED, "发布"):
            self.note_time_in_the_past(request, article)

    @admin.action(description="撤回所选文章", permissions=["publish"])
    def withdraw(self, request, queryset):
        self.set_status_of(request, queryset, Article.Status.WITHDRAWN, "撤回")

    @admin.action(description="置顶所选文章", permissions=["publish"])
    def pin(self, request, queryset):
        rest = self.without_those_already(request, queryset, Q(is_pinned=True), "原已置顶")
        self.apply_to_each(request, rest, lambda a: workflow.set_pinned(a, True, by=request.user), "置顶")

    @admin.action(description="取消置顶", permissions=["publish"])
    def unpin(self, request, queryset):
        rest = self.without_those_already(request, queryset, Q(is_pinned=False), "原未置顶")
        self.apply_to_each(request, rest, lambda a: workflow.set_pinned(a, False, by=request.user), "取消置顶")
