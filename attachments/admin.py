import reversion
from django.contrib import admin
from django.template.defaultfilters import filesizeformat

from core.admin_conflict import EditConflictMixin
from core.admin_desk import LengthLimitsMixin
from news.admin import add_article_inline, add_page_inline
from review import rules
from review.stored import editable

from .forms import AttachmentForm, stored_file_link
from .models import Attachment
from .services import lock_with_owner


def may_edit_attachments_of(request, owner):
    """Attachments are part of their article or page: who may not edit it may not change them."""
    return owner is None or rules.can_edit(request.user, owner)


class AttachmentInline(LengthLimitsMixin, admin.TabularInline):
    model = Attachment
    form = AttachmentForm
    extra = 1
    fields = ("file", "title", "order", "file_type", "file_size", "download_count")
    readonly_fields = ("stored_file", "file_type", "file_size", "download_count")
    ordering = ("order", "id")

    # `obj` is the article or page: decided on it as the database held it before the request
    # (when a revision is restored, its admin remembered it before reverting).
    def _article_editable(self, request, obj):
        return editable(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._article_editable(request, obj) and super().has_delete_permission(request, obj)

    def get_fields(self, request, obj=None):
        # Read only (an editor and a published article), the file is shown as its link to the
        # download view: the model field's own display links to /media/, which nginx refuses.
        if self._article_editable(request, obj):
            return self.fields
        return ("stored_file", *self.fields[1:])

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type("AttachmentFormForRequest", (formset.form,), {"uploaded_by": request.user})
        return formset

    @admin.display(description="文件")
    def stored_file(self, obj):
        return stored_file_link(obj)

    @admin.display(description="类型")
    def file_type(self, obj):
        return obj.type_label if obj.pk else "—"

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size) if obj.pk else "—"


add_article_inline(AttachmentInline)
add_page_inline(AttachmentInline)


@admin.register(Attachment)
class AttachmentAdmin(EditConflictMixin, admin.ModelAdmin):
    """
    All attachments at a glance; they are added and edited on their article or page. Two
    editors changing the same attachment: the later save of a form opened before the other
    is refused, what was typed kept (core.admin_conflict, on `updated_at`). A save or a
    deletion locks the owner's row before the attachment's, as the owner's form does.
    """

    list_display = ("display_name", "owner", "file_type", "file_size", "download_count", "uploaded_at", "uploaded_by")
    list_select_related = ("article", "page", "uploaded_by")
    search_fields = ("title", "original_name", "article__title", "page__title")
    date_hierarchy = "uploaded_at"
    readonly_fields = (
        "article",
        "page",
        "stored_file",
        "original_name",
        "size",
        "content_type",
        "sha256",
        "download_count",
        "uploaded_at",
        "uploaded_by",
        "updated_at",
        "updated_by",
    )
    fields = ("article", "page", "title", "order", *readonly_fields[2:])

    def has_add_permission(self, request):
        return False

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            obj = lock_with_owner(obj)  # its owner first (the change and delete views are atomic)
        return obj

    def has_change_permission(self, request, obj=None):
        return may_edit_attachments_of(request, obj and obj.owner) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return may_edit_attachments_of(request, obj and obj.owner) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # 删除所选 in the list asks without an attachment: refuse the batch if one of them
        # belongs to an article or page the user may not edit.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self.has_delete_permission(request, obj) for obj in objs):
            perms_needed = {*perms_needed, "已发布文章或单页的附件（只能由审核发布人员修改）"}
        return deleted, counts, perms_needed, protected

    # Changes here are changes of the article (or page): each is a revision of it (its versions
    # follow its attachments), so a reviewer can restore a renamed or deleted attachment from
    # its 历史.

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        with reversion.create_revision():
            super().save_model(request, obj, form, change)
            _record_on_owner(request, obj.owner, f"修改附件“{obj.display_name}”")

    def delete_model(self, request, obj):
        with reversion.create_revision():
            if lock_with_owner(obj) is None:
                return  # deleted meanwhile
            super().delete_model(request, obj)
            _record_on_owner(request, obj.owner, f"删除附件“{obj.display_name}”")

    def delete_queryset(self, request, queryset):
        for attachment in queryset.select_related("article", "page"):
            self.delete_model(request, attachment)

    @admin.display(description="文件")
    def stored_file(self, obj):
        return stored_file_link(obj)

    @admin.display(description="显示名称")
    def display_name(self, obj):
        return obj.display_name

    @admin.display(description="所属文章或单页")
    def owner(self, obj):
        return obj.owner

    @admin.display(description="类型")
    def file_type(self, obj):
        return obj.type_label

    @admin.display(description="大小")
    def file_size(self, obj):
        return filesizeformat(obj.size)


def _record_on_owner(request, owner, comment):
    # Its modification time (and who) moves too: a form of the owner opened before this
    # change would write the attachment back as it was, and is refused (core.admin_conflict).
    owner.updated_by = request.user
    owner.save(update_fields=["updated_at", "updated_by"])
    reversion.add_to_revision(owner)
    reversion.set_user(request.user)
    reversion.set_comment(comment)
