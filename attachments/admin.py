import reversion
from django.contrib import admin
from django.template.defaultfilters import filesizeformat

from news import workflow
from news.admin import ArticleAdmin, stored_article
from wuda_portal.admin_desk import LengthLimitsMixin

from .forms import AttachmentForm
from .models import Attachment


def may_edit_attachments_of(request, article):
    """Attachments are part of their article: who may not edit it may not change them."""
    return article is None or workflow.can_edit(request.user, article)


class AttachmentInline(LengthLimitsMixin, admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1
    fields = ("file", "title", "order", "file_type", "file_size", "download_count")
    readonly_fields = ("file_type", "file_size", "download_count")
    ordering = ("order", "id")

    # `obj` is the article, as the database held it before the request (the article admin
    # answers for a restored revision too).
    def _article_editable(self, request, obj):
        if obj is None:
            return True
        return may_edit_attachments_of(request, stored_article(request, obj))

    def has_add_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_delete_permission(request, obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("AttachmentFormForRequest", (formset.form,), {"uploaded_by": request.user})
        return formset

    @admin.display(description="类型")
    def file_type(self, obj):
        return obj.type_label if obj.pk else "—"

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.pk else "—"


# The article admin belongs to news, which does not know about attachments (the
# dependency runs attachments -> news), so the inline is added from this side.
ArticleAdmin.inlines = (*ArticleAdmin.inlines, AttachmentInline)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """All attachments at a glance; they are added and edited on their article."""

    list_display = ("display_name", "article", "file_type", "file_size", "download_count", "uploaded_at", "uploaded_by")
    list_select_related = ("article", "uploaded_by")
    search_fields = ("title", "original_name", "article__title")
    date_hierarchy = "uploaded_at"
    readonly_fields = (
        "article",
        "file",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "download_count",
        "uploaded_at",
        "uploaded_by",
    )
    fields = ("article", "title", "order", *readonly_fields[1:])

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return may_edit_attachments_of(request, obj and obj.article) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_attachments_of(request, obj and obj.article) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # 删除所选 in the list asks without an attachment: refuse the batch if one of them
        # belongs to an article the user may not edit.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self.has_delete_permission(request, obj) for obj in objs):
            perms_needed = {*perms_needed, "已发布文章的附件（只能由审核发布人员修改）"}
        return deleted, counts, perms_needed, protected

    # Changes here are changes of the article: each is a revision of it (its versions follow
    # its attachments), so a reviewer can restore a renamed or deleted attachment from the
    # article's 历史.

    def save_model(self, request, obj, form, change):
        with reversion.create_revision():
            super().save_model(request, obj, form, change)
            _record_on_article(request, obj.article, f"修改附件“{obj.display_name}”")

    def delete_model(self, request, obj):
        with reversion.create_revision():
            super().delete_model(request, obj)
            _record_on_article(request, obj.article, f"删除附件“{obj.display_name}”")

    def delete_queryset(self, request, queryset):
        for attachment in queryset.select_related("article"):
            self.delete_model(request, attachment)

    @admin.display(description="显示名称")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description="类型")
    def file_type(self, obj):
        return obj.type_label

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size)


def _record_on_article(request, article, comment):
    reversion.add_to_revision(article)
    reversion.set_user(request.user)
    reversion.set_comment(comment)
