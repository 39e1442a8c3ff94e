from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from core.admin_desk import DeskAdminMixin

from . import workflow
from .models import Article, Category
from .prepublish import prepublish_warnings


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


# Inlines other apps add to the article form (add_article_inline): news does not know them
# (the attachments app depends on news, not the other way round).
_article_inlines = []


def add_article_inline(inline):
    """Show `inline` (an InlineModelAdmin of a model related to Article) on the article form."""
    if inline not in _article_inlines:
        _article_inlines.append(inline)


@admin.register(Article)
class ArticleAdmin(DeskAdminMixin, VersionAdmin):
    list_display = ("title", "category", "status", "published_at", "is_pinned", "is_headline", "view_count")
    list_filter = ("category", "status", "published_at", "is_pinned", "is_headline")
    search_fields = ("title", "subtitle", "source", "author")
    date_hierarchy = "published_at"
    list_select_related = ("category",)
    list_per_page = 50
    save_on_top = True
    actions = ("submit_for_review", "publish", "withdraw", "pin", "unpin")
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "category", "body")}),
        ("来源与发布", {"fields": ("source", "author", "published_at", "status", "prepublish_report")}),
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
        "prepublish_report", "view_count", "created_by", "created_at", "updated_by", "updated_at",
    )  # fmt: skip
    # The editor's desk (core.admin_desk): autosave, the session warning, counters.
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
        return super().recover_view(request, version_id, extra_context)

    def get_inlines(self, request, obj):
        return [*super().get_inlines(request, obj), *_article_inlines]

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
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

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
        self._apply(
            request, queryset, lambda a: workflow.set_status(a, Article.Status.PUBLISHED, by=request.user), "发布"
        )

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
