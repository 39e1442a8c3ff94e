"""
The admin of a reviewed model (review.rules), holding to the review rule on every path: the
change form and its inlines, deleting (one or a list's selection), the list's actions, and
restoring a revision from 历史 or recovering a deleted one. Refusals say why (review.refusals).

Every decision is made on the object as the database held it before the request. The
change form reads it as it is; restoring a revision first writes the old version into the
database (django-reversion reverts, then runs the change form on the result), so those
views remember the stored object before that (`stored_object`, in review.stored), as
read, and locked for a POST, by core.admin_conflict's `restore_view`. The form's review
pieces (审核意见, the record) are in review.forms.
"""

import contextlib

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from core.admin_conflict import EditConflictMixin, read_stored
from core.admin_restore import restore_version

from . import rules
from .admin_actions import ReviewActionsMixin
from .forms import REVIEW_FIELDS, minute, open_return_in, review_records, with_review_comment
from .records import Action
from .refusals import RefusalsMixin
from .stored import (
    belongs_to,
    editable,
    missing_reference,
    remember_as_read,
    remember_stored,
    still_belongs_to,
    stored_object,
)


class ReviewedAdmin(ReviewActionsMixin, RefusalsMixin, EditConflictMixin, VersionAdmin):
    """
    A VersionAdmin for a reviewed model. The model's form has a `status` field. A save of
    what changed since the form was opened is refused (core.admin_conflict), and one the
    rule refuses shows why and what was typed (review.refusals). The list's actions are in
    review.admin_actions.
    """

    reviewer_only_fields = ()  # read-only for editors; defaults to the model's reviewer fields
    actions = ("submit_for_review", "return_for_revision", "publish", "withdraw")

    def changelist_view(self, request, extra_context=None):
        # django-reversion wraps the whole list page, its actions included, in one revision:
        # an action on several objects would make one revision of all of them, and restoring
        # one would revert the others. Each change the actions make is a revision of its own
        # (rules.save_with_history).
        context = {"has_change_permission": self.has_change_permission(request), **(extra_context or {})}
        return admin.ModelAdmin.changelist_view(self, request, context)

    def history_view(self, request, object_id, extra_context=None):
        self.check_object_id(unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        object_id = unquote(object_id)
        self.check_object_id(object_id)
        version = get_object_or_404(Version.objects.get_for_object_reference(self.model, object_id), pk=version_id)
        self.check_revision(version)
        refusal = self.refuse_missing_reference(request, version)
        if refusal is not None:
            return refusal
        return super().revision_view(request, quote(object_id), version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # "Recover" reverts any version, of a deleted object or not: the same rules hold.
        version = restore_version(request, self.model, version_id)
        if version is None:
            raise Http404
        self.check_revision(version)
        refusal = self.refuse_missing_reference(request, version)
        if refusal is not None:
            return refusal
        stored = remember_stored(request, self.model, version.object_id)
        if stored is not None and not rules.can_edit(request.user, stored):
            raise PermissionDenied(f"已发布的{rules.noun(self.model)}只能由审核发布人员修改或恢复。")
        return super().recover_view(request, version_id, extra_context)

    @contextlib.contextmanager
    def restore_view(self, request, object_id):
        # The rule decides on the object as read there, before the version is written back
        # (locked, for a POST, until the restore is saved or refused), not as read before
        # the lock: a publication committed in between is seen.
        with super().restore_view(request, object_id):
            remember_as_read(request, self.model, object_id, request.edit_conflict_restoring.stored)
            yield

    def check_object_id(self, object_id):
        """404 for an id no object can have ("abc"; a NUL, which PostgreSQL refuses: a 500)."""
        try:
            self.model._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404(f"{rules.noun(self.model)}不存在。") from None

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
            if not still_belongs_to(other, self.model, version.object_id):
                raise PermissionDenied(
                    f"这个历史版本中的“{other.object_repr}”现在已属于其他{rules.noun(self.model)}，不能在这里恢复。"
                )

    def refuse_missing_reference(self, request, version):
        """
        A redirect with a Chinese message if `version`'s revision names something deleted
        since (writing it back would fail on the foreign key); None if it can be restored.
        """
        if not self.has_view_or_change_permission(request):
            return None  # Django's own refusal follows: no word on what the version holds
        missing = missing_reference(version.revision)
        if missing is None:
            return None
        other, field = missing
        messages.error(
            request,
            f"不能恢复这个历史版本：其中的“{other.object_repr}”所引用的{field.verbose_name}已被删除。",
        )
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")

    # --- Permissions ------------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return editable(request, obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return editable(request, obj) and super().has_delete_permission(request, obj)

    # Deleting: its row is locked before what belongs to it (its attachments, which the
    # cascade deletes first), the order in which every form locks them (attachments.services).

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            read_stored(self.model, obj.pk, locked=True)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic(using=router.db_for_write(self.model)):
            rows = self.model._default_manager.filter(pk__in=queryset.values("pk")).order_by("pk")
            list(rows.select_for_update(of=("self",)).values_list("pk", flat=True))
            super().delete_queryset(request, queryset)

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
        readonly = (*super().get_readonly_fields(request, obj), "review_return_notice", "review_log")
        if rules.can_publish(request.user, self.model):
            return readonly
        return readonly + tuple(self.reviewer_only_fields or rules.rules_of(self.model).reviewer_fields)

    # --- The review record on the form (review.records) ---------------------------------

    def get_fieldsets(self, request, obj=None):
        return self.with_review_fieldsets(request, obj, super().get_fieldsets(request, obj))

    def with_review_fieldsets(self, request, obj, fieldsets):
        """
        `fieldsets` with the open return's comment first (until the next submission), and
        审核意见 and 审核记录 last. The record is the object's own, kept apart from its versions:
        a restored version shows the record as it is.
        """
        # An admin without fieldsets of its own gets Django's one, which lists every form
        # field and read-only field, these among them: they are placed here instead.
        fieldsets = tuple(
            (name, {**options, "fields": [f for f in options["fields"] if f not in REVIEW_FIELDS]})
            for name, options in fieldsets
        )
        record_list = review_records(obj)
        if open_return_in(record_list) is not None:
            fieldsets = (
                ("退回修改", {"fields": ("review_return_notice",), "classes": ("review-returned",)}),
                *fieldsets,
            )
        fields = ("review_comment",) if obj is None or self.has_change_permission(request, obj) else ()
        if record_list:
            fields += ("review_log",)
        return (*fieldsets, ("审核", {"fields": fields})) if fields else fieldsets

    @admin.display(description="审核意见")
    def review_return_notice(self, obj):
        returned = open_return_in(review_records(obj))
        if returned is None:
            return "—"
        return format_html(
            '<div class="review-return"><p><strong>{}</strong> 于 {} 退回修改，审核意见：</p>'
            '<blockquote class="review-comment">{}</blockquote><p class="help">修改后重新提交审核，这条意见就不再显示（仍保留在审核记录中）。</p></div>',
            returned.user_name or "审核人员",
            minute(returned.at),
            returned.comment,
        )

    @admin.display(description="审核记录")
    def review_log(self, obj):
        record_list = review_records(obj)
        if not record_list:
            return "暂无审核记录。"
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((minute(r.at), r.get_action_display(), r.user_name or "—", r.comment or "—") for r in record_list),
        )
        return format_html(
            '<table class="review-log"><thead><tr><th scope="col">时间</th><th scope="col">操作</th>'
            '<th scope="col">操作人</th><th scope="col">审核意见</th></tr></thead><tbody>{}</tbody></table>',
            rows,
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        stored = stored_object(request, obj) if obj is not None else None
        kwargs["form"] = with_review_comment(
            kwargs.get("form", self.form), user=request.user, stored=stored, model=self.model
        )
        form = super().get_form(request, obj, change=change, **kwargs)
        if "status" in form.base_fields:
            field = form.base_fields["status"]
            field.choices = [
                (status.value, self.status_choice_label(request, stored, status))
                for status in rules.allowed_statuses(request.user, self.model)
            ]
            # The list shows only the moves the rule allows from the stored state (no 已撤回
            # on a draft). The field still accepts every state of the user's role, so that
            # a move the rule refuses gets the rule's reason (with_review_comment), not
            # "not a valid choice"; check_change refuses it on saving whatever the form.
            offered = rules.statuses_from(request.user, self.model, stored.status if stored is not None else None)
            field.widget.choices = [(value, label) for value, label in field.choices if value in offered]
        return form

    def status_choice_label(self, request, stored, status):
        """草稿 reads 退回修改（草稿） where choosing it returns what is in review (a comment needed)."""
        stored_status = stored.status if stored is not None else None
        if rules.state_action(stored_status, status, by=request.user, model=self.model) == Action.RETURNED:
            return f"{Action.RETURNED.label}（{status.label}）"
        return status.label

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
        previous = self.check_review_rule(request, obj, change)
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        # In the same transaction as the save (the admin's change view is atomic).
        rules.record_state_change(
            obj,
            previous=previous.status if previous is not None else None,
            by=request.user,
            comment=form.cleaned_data.get("review_comment", ""),
        )
