"""
What the reviewed admin (review.admin) says when the rule refuses a user, instead of a bare
403 page.

- **A save the rule refuses** (RefusalsMixin.changeform_view): an editor opened a draft, a
  reviewer published it meanwhile, the editor clicks 保存. The rule (rules.can_edit, on the
  object as stored) refuses the save; the editor gets the form's read-only page, inside the
  admin, with why (who published it and when, from the review record) and, above it, what
  they typed (`typed_input`), to copy: nothing is silently lost.
- **A save of what someone else deleted meanwhile** (RefusalsMixin.deleted_meanwhile):
  instead of Django's redirect to the index (「不存在，也许已被删除」, the text gone), a page
  saying who deleted it and when, a link to its recover form (恢复删除的…), and what was typed.
- **Deleting what one may not**: the reason with the refusal (core.views renders it on the
  admin's 403 page).
"""

import copy

from django import forms
from django.contrib import messages
from django.contrib.admin.models import DELETION, LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from reversion.models import Version

from core.admin_conflict import OPENED_VERSION, is_change_view, opened_state
from core.names import full_name

from . import records, rules
from .forms import minute
from .models import Status
from .records import Action
from .stored import stored_object


def refusal_text(user, stored):
    """Why `user` could not save `stored` (as the database holds it), and what became of their input."""
    noun = rules.noun(type(stored))
    said = ""
    last = records.records_of(stored).filter(action__in=records.STATE_ACTIONS).first()
    if stored.status == Status.PUBLISHED and last is not None and last.action == Action.PUBLISHED:
        said = f"这篇{noun}已由{last.user_name or '审核人员'}于 {minute(last.at)} 发布。"
    reason = rules.edit_refusal_reason(user, stored) or f"您不能修改这篇{noun}。"
    return f"{said}{reason}您刚才输入的内容没有保存，显示在下面，请复制后联系审核人员。"


def deletion_entry(model, object_id):
    """The admin log's record of deleting the `model` object `object_id` (the last one), or None."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id=str(object_id), action_flag=DELETION
        )
        .select_related("user")
        .order_by("-action_time")
        .first()
    )


def deleted_text(model, deletion, *, user, recoverable, recover_url):
    """
    That someone deleted an object of `model` (who and when: `deletion`, where logged), and
    whether it can be recovered from its versions (`recoverable`; by the user: `recover_url`).
    """
    noun = rules.noun(model)
    if deletion is None:
        who = ""
    elif deletion.user_id == user.pk:
        who = f"您自己在另一个窗口或标签页中于 {minute(deletion.action_time)} "
    else:
        who = f"{full_name(deletion.user) or deletion.user.get_username()}于 {minute(deletion.action_time)} "
    said = f"保存前，这篇{noun}已被{who}删除。您这次的修改没有保存，显示在下面，请复制保存。"
    if recover_url is not None:
        return format_html(
            '{}删除的{}可以在<a href="{}">恢复删除的{}</a>中找回：恢复后，再把您的修改填回去。',
            said,
            noun,
            recover_url,
            noun,
        )
    if recoverable:
        return f"{said}审核发布人员可以在“恢复删除的{noun}”中找回它。"
    return f"{said}这篇{noun}没有保存过历史版本，不能恢复。"


def delete_refusal_text(user, stored):
    noun = rules.noun(type(stored))
    opts = type(stored)._meta
    if not user.has_perm(f"{opts.app_label}.delete_{opts.model_name}"):
        return f"您的账号不能删除{noun}。需要删除时，请联系审核发布人员。"
    return f"已发布的{noun}只能由审核发布人员删除。"


def shown_value(field, data):
    """A field's posted `data` as the editor reads it: a choice's label, 是/否, date and time."""
    if isinstance(field, forms.BooleanField):
        return "是" if field.to_python(data) else "否"
    if isinstance(field, forms.ModelChoiceField):
        try:
            value = field.clean(data)
        except ValidationError:
            return ""
        if isinstance(field, forms.ModelMultipleChoiceField):
            return "、".join(field.label_from_instance(item) for item in value)
        return field.label_from_instance(value) if value is not None else ""
    if isinstance(field, forms.ChoiceField):
        labels = {str(value): label for value, label in field.choices}
        return str(labels.get(str(data), data or ""))
    if isinstance(data, list | tuple):
        return " ".join(str(part) for part in data if part)
    return "" if data is None else str(data)


def typed_input(model_admin, request, obj):
    """
    What the refused POST typed into `obj`'s form that differs from the form as it was opened:
    {"fields": [{"label", "text", "rich", "rows"}], "files": [names]}. The form is the one a
    user who may edit gets (the refused user's has no fields).
    """
    form_class = model_admin.get_form(request, None, change=False)
    token = request.POST.get(OPENED_VERSION, "")
    opened = opened_state(obj, token, getattr(model_admin, "version_field", "updated_at"))
    form = form_class(request.POST, request.FILES, instance=copy.copy(opened))
    shown = []
    for name in form.changed_data:
        field = form.fields[name]
        if isinstance(field, forms.FileField) or field.widget.value_omitted_from_data(
            form.data, form.files, form.add_prefix(name)
        ):
            continue
        text = shown_value(field, form[name].data)
        shown.append(
            {
                "label": field.label or name,
                "text": text,
                "rich": "ckeditor" in type(field.widget).__module__,
                "rows": min(12, max(2, text.count("\n") + 2, len(text) // 70 + 1)),
            }
        )
    files = [uploaded.name for name in request.FILES for uploaded in request.FILES.getlist(name)]
    return {"fields": shown, "files": files}


def as_get(request):
    """`request` as the GET of the same page: the form's read-only page, with no POST data."""
    reading = copy.copy(request)
    reading.method = "GET"
    reading.POST = QueryDict()
    reading._files = MultiValueDict()
    return reading


class RefusalsMixin:
    """For review.admin.ReviewedAdmin: refusals that say why, and keep what was typed."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id is not None and is_change_view(request, self.model):
            obj = self.get_object(request, unquote(object_id))
            if obj is None and self.has_change_permission(request):
                refusal = self.deleted_meanwhile(request, unquote(object_id))
                if refusal is not None:
                    return refusal
            if (
                obj is not None
                and not self.has_change_permission(request, obj)
                and self.has_view_permission(request, obj)
            ):
                return self.refused_save(request, obj, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def refused_save(self, request, obj, object_id, form_url, extra_context):
        """The read-only page of `obj` with why the save was refused and what was typed (status 403)."""
        typed = typed_input(self, request, obj)
        messages.error(request, refusal_text(request.user, stored_object(request, obj) or obj))
        context = {**(extra_context or {}), "unsaved_input": typed}
        response = super().changeform_view(as_get(request), object_id, form_url, context)
        response.status_code = 403
        return response

    def deleted_meanwhile(self, request, object_id):
        """
        A page saying the object was deleted after the form was opened, with what was typed
        (status 404); None if its history does not know it as deleted.
        """
        opts = self.model._meta
        try:
            opts.pk.to_python(object_id)
        except ValidationError:  # no object ever had it ("abc", a NUL PostgreSQL refuses)
            return None
        # Its last version (the view found no such object): what recovering it brings back.
        deleted = Version.objects.get_for_object_reference(self.model, object_id).first()
        deletion = deletion_entry(self.model, object_id)
        if deleted is None and deletion is None:  # not known to have existed: Django's answer
            return None
        recover_url = None
        if deleted is not None and self.has_add_permission(request):
            recover_url = reverse(
                f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_recover", args=[deleted.pk]
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"{rules.noun(self.model)}已被删除",
            "reason": deleted_text(
                self.model, deletion, user=request.user, recoverable=deleted is not None, recover_url=recover_url
            ),
            "unsaved_input": typed_input(self, request, self.model(pk=object_id)),
        }
        return TemplateResponse(request, "review/deleted_meanwhile.html", context, status=404)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_view_permission(request, obj) and not self.has_delete_permission(request, obj):
            raise PermissionDenied(delete_refusal_text(request.user, stored_object(request, obj) or obj))
        return super().delete_view(request, object_id, extra_context)
