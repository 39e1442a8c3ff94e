from django.contrib import admin
from django.template.defaultfilters import filesizeformat

from news.admin import ArticleAdmin

from .forms import AttachmentForm
from .models import Attachment


class AttachmentInline(admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1
    fields = ("file", "title", "order", "file_type", "file_size", "download_count")
    readonly_fields = ("file_type", "file_size", "download_count")
    ordering = ("order", "id")

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

    @admin.display(description="显示名称")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description="类型")
    def file_type(self, obj):
        return obj.type_label

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size)
