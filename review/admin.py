"""
The admin of a reviewed model (review.rules), holding to the review rule on every path: the
change form and its inlines, deleting (one or a list's selection), the list's actions, and
restoring a revision from 历史 or recovering a deleted one.

Every decision is made on the object as the database held it before the request. The
change form reads it as it is; restoring a revision first writes the old version into the
database (django-reversion reverts, then runs the change form on the result), so those
views remember the stored object before that (`stored_object`).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from reversion.admin import VersionAdmin
from reversion.models import Version

from . import rules
from .rules import Status


def remember_stored(request, model, object_id):
    """Remember, for this request, the stored `model` object `object_id` (None: there is none)."""
    stored = getattr(request, "stored_objects", None)
    if stored is None:
        stored = request.stored_objects = {}
    key = (model._meta.label, str(object_id))
    if key not in stored:
        try:
            stored[key] = model._default_manager.filter(pk=object_id).first()
        except (ValueError, ValidationError):
            stored[key] = None
    return stored[key]


def stored_object(request, obj):
    """`obj` as the database held it before this request (None for one it lacked)."""
    return remember_stored(request, type(obj), obj.pk) if obj.pk is not None else None


def belongs_to(version, model, object_id):
    """Whether `version` is of the `model` object `object_id`, or of something that belongs to it."""
    other = version.content_type.model_class()
    if other is model:
        return version.object_id == str(object_id)
    links = [f.attname for f in other._meta.concrete_fields if f.is_relation and f.related_model is model]
    return any(str(version.field_dict.get(link)) == str(object_id) for link in links)


def editable(request, obj):
    """Whether the user may change `obj` (and what belongs to it), as stored before the request."""
    stored = stored_object(request, obj) if obj is not None else None
    return stored is None or rules.can_edit(request.user, stored)


class ReviewedAdmin(VersionAdmin):
    """A VersionAdmin for a reviewed model. The model's form has a `status` field."""

    reviewer_only_fields = ()  # read-only for editors; defaults to the model's reviewer fields
    actions = ("submit_for_review", "publish", "withdraw")

    def changelist_view(self, request, extra_context=None):
        # django-reversion wraps the whole list page, its actions included, in one revision:
        # an action on several objects would make one revision of all of them, and restoring
        # one would revert the others. Each change the actions make is a revision of its own
        # (rules.save_with_history).
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        version = get_object_or_404(Version.objects.get_for_object_reference(self.model, object_id), pk=version_id)
        self.check_revision(version)
        remember_stored(request, self.model, object_id)
        return super().revision_view(request, quote(object_id), version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # "Recover" reverts any version, of a deleted object or not: the same rules hold.
        version = get_object_or_404(Version.objects.get_for_model(self.model), pk=version_id)
        self.check_revision(version)
        stored = remember_stored(request, self.model, version.object_id)
        if stored is not None and not rules.can_edit(request.user, stored):
            raise PermissionDenied(f"已发布的{rules.noun(self.model)}只能由审核发布人员修改或恢复。")
        return super().recover_view(request, version_id, extra_context)

    def check_revision(self, version):
        """
        Restoring `version` reverts its whole revision: refuse one that holds anything but
        this object and what belongs to it (its attachments), whatever the rules would say
        of the others (a revision from before each action was a revision of its own).
        """
        for other in version.revision.version_set.all():
            if not belongs_to(other, self.model, version.object_id):
                raise PermissionDenied(
                    f"这个历史版本还包含其他内容，不能在这里恢复。请从相应{rules.noun(self.model)}的历史中恢复。"
                )

    # --- Permissions ------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return editable(request, obj) and super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request):
        # The list's 删除所选 asks without an object: refuse the whole batch if the user may
        # not delete one of them (Django then shows what is missing and refuses the POST).
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if any(not self.has_delete_permission(request, obj) for obj in objs):
            perms_needed = {*perms_needed, f"已发布的{rules.noun(self.model)}（只能由审核发布人员删除）"}
        return deleted, counts, perms_needed, protected

    def has_publish_permission(self, request):
        return rules.can_publish(request.user, self.model)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if rules.can_publish(request.user, self.model):
            return readonly
        return readonly + tuple(self.reviewer_only_fields or rules.rules_of(self.model).reviewer_fields)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "status" in form.base_fields:
            allowed = rules.allowed_statuses(request.user, self.model)
            form.base_fields["status"].choices = [(status.value, status.label) for status in allowed]
        return form

    def check_review_rule(self, request, obj, change):
        """Hold `obj` (about to be saved from the form) to the rule; returns the stored one."""
        previous = stored_object(request, obj) if change else None
        if not rules.can_publish(request.user, self.model):
            # What only reviewers set stays as it was when an editor restores an old version
            # (the form shows those fields read-only; a reverted version may differ).
            rules.keep_reviewer_fields(obj, previous=previous)
        # The form offers an editor only the states they may choose; this refuses a crafted
        # request all the same.
        rules.check_change(request.user, obj, previous=previous)
        rules.note_submission(obj, previous=previous, by=request.user)
        return previous

    def save_model(self, request, obj, form, change):
        self.check_review_rule(request, obj, change)
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    # --- Actions ----------------------------------------------------------------------

    def apply_to_each(self, request, queryset, change, done_label):
        done = 0
        for obj in queryset:
            try:
                change(obj)
            except PermissionDenied as refusal:
                self.message_user(request, f"“{obj}”：{refusal}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"已{done_label} {done} 篇{rules.noun(self.model)}。", messages.SUCCESS)

    def set_status_of(self, request, queryset, status, done_label):
        self.apply_to_each(request, queryset, lambda obj: rules.set_status(obj, status, by=request.user), done_label)

    @admin.action(description="提交审核", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.set_status_of(request, queryset.filter(status=Status.DRAFT), Status.REVIEW, "提交审核")

    @admin.action(description="发布所选内容", permissions=["publish"])
    def publish(self, request, queryset):
        self.set_status_of(request, queryset, Status.PUBLISHED, "发布")

    @admin.action(description="撤回所选内容", permissions=["publish"])
    def withdraw(self, request, queryset):
        self.set_status_of(request, queryset, Status.WITHDRAWN, "撤回")
