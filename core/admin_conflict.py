"""
Two people editing the same object in the admin: the later save must not silently write
over the earlier one (optimistic concurrency). A ModelAdmin opts in with EditConflictMixin
(review.admin.ReviewedAdmin does, so articles, single pages and topics have it).

The change form carries, in a hidden field (`opened_version`), the object's modification
time as it was when the form was opened. On saving, the stored row is read again (locked
until the admin's transaction ends, so that two saves cannot both pass) and, if it changed
since, the save is refused with a plain message at the top of the form saying who changed
it and when (and which of the form's fields, where django-reversion kept the version the
form was opened on); the form comes back with everything the editor typed, inline rows
included (they are saved with the form or not at all).

A form posted without the field (opened before this check existed) is saved as before.
Restoring a version from 历史 is not checked: what it shows is the version, not the form
opened on the object.
"""

import copy
import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.utils import timezone
from django.utils.html import format_html
from reversion.errors import RevertError
from reversion.models import Version

from .names import full_name

OPENED_VERSION = "opened_version"
# Versions looked at to find the one a form was opened on (newest first).
VERSIONS_LOOKED_AT = 50


def version_of(obj, field):
    """The token of `obj` as stored: its `field` (a modification time), in UTC; "" without one."""
    value = getattr(obj, field, None)
    return value.astimezone(datetime.UTC).isoformat() if value else ""


def _to_the_millisecond(value):
    # Versions keep times to the millisecond (Django's JSON encoder).
    return (
        value.replace(microsecond=value.microsecond // 1000 * 1000) if isinstance(value, datetime.datetime) else value
    )


def opened_state(obj, token, version_field):
    """
    `obj` as it was when the form that sent `token` was opened: the version
    (django-reversion) saved at that time, else `obj` as it is. What the editor typed is
    what differs from it; what others changed since is what differs from it in `obj`.
    """
    try:
        opened = datetime.datetime.fromisoformat(token)
    except (TypeError, ValueError):
        return obj
    if opened.tzinfo is None or version_of(obj, version_field) == token:
        return obj
    for version in Version.objects.get_for_object(obj)[:VERSIONS_LOOKED_AT]:
        try:
            fields = version.field_dict
        except RevertError:
            continue
        saved = fields.get(version_field)
        if isinstance(saved, datetime.datetime) and _to_the_millisecond(saved) == _to_the_millisecond(opened):
            state = copy.copy(obj)
            for field in type(obj)._meta.concrete_fields:
                if field.attname in fields:
                    setattr(state, field.attname, fields[field.attname])
            state._state.fields_cache = {}  # related objects as they are now: not those of the version
            return state
    return obj


def changed_since(opened, current, names):
    """The labels of the fields among `names` that differ between `opened` and `current`."""
    labels = []
    for field in type(current)._meta.concrete_fields:
        if field.name in names:
            before, now = getattr(opened, field.attname), getattr(current, field.attname)
            if _to_the_millisecond(before) != _to_the_millisecond(now):
                labels.append(str(field.verbose_name))
    return labels


def _read_locked(instance):
    """`instance`'s row as stored now, locked until the transaction ends (None: deleted)."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk).order_by()
    if transaction.get_connection(router.db_for_write(model)).in_atomic_block:
        rows = rows.select_for_update(of=("self",))
    return rows.first()


def changed_by_text(current, user, version_field="updated_at"):
    """Who saved `current` last, and when, as the message says it: 「王审核，2026-12-01 09:30」."""
    who = getattr(current, "updated_by", None)
    if who is not None and who.pk == user.pk:
        name = "您自己在另一个窗口或标签页中"
    elif who is not None:
        name = full_name(who) or who.get_username()
    else:
        name = "他人"
    when = getattr(current, version_field, None)
    return f"{name}，{timezone.localtime(when):%Y-%m-%d %H:%M}" if when else name


def conflict_message(current, *, user, latest_url, version_field="updated_at", changed=()):
    """The refusal; `changed`: the labels of what the other save changed, where known."""
    noun = type(current)._meta.verbose_name
    what = f"改动的是：{'、'.join(changed)}。" if changed else ""
    return format_html(
        "保存前，这篇{}已被修改（{}）。{}您这次的修改没有保存，仍在下面的表单中。"
        '请先复制您改动的内容，再<a href="{}" target="_blank" rel="noopener">在新窗口打开最新版本</a>，'
        "在最新版本上改好后保存，以免覆盖别人的修改。",
        noun,
        changed_by_text(current, user, version_field),
        what,
        latest_url,
    )


def with_version_check(form_class, *, version_field, user, latest_url):
    """`form_class` with the hidden `opened_version`, refusing a save of an object changed since."""

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        self.fields[OPENED_VERSION].initial = version_of(self.instance, version_field)

    def clean(self):
        opened = self.cleaned_data.get(OPENED_VERSION, "")
        if opened and self.instance.pk is not None:
            current = _read_locked(self.instance)
            if current is not None and version_of(current, version_field) != opened:
                then = opened_state(current, opened, version_field)
                changed = changed_since(then, current, self.fields) if then is not current else ()
                message = conflict_message(
                    current, user=user, latest_url=latest_url, version_field=version_field, changed=changed
                )
                self.add_error(None, ValidationError(message, code="edit_conflict"))
        return form_class.clean(self)

    attrs = {
        OPENED_VERSION: forms.CharField(required=False, widget=forms.HiddenInput),
        "__init__": __init__,
        "clean": clean,
        "__module__": form_class.__module__,
    }
    return type(form_class)(form_class.__name__, (form_class,), attrs)


def is_change_view(request, model):
    """Whether `request` is for `model`'s change form (not adding, not restoring a version)."""
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == f"{model._meta.app_label}_{model._meta.model_name}_change"


class EditConflictMixin:
    """For a ModelAdmin whose model keeps its modification time (`version_field`, auto_now)."""

    version_field = "updated_at"

    def checks_edit_conflicts(self, request, obj):
        """Whether this is the change form of a stored object the user may change (not its read-only page)."""
        has_field = any(field.name == self.version_field for field in self.model._meta.concrete_fields)
        if not has_field or obj is None or obj.pk is None or not is_change_view(request, self.model):
            return False
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.checks_edit_conflicts(request, obj):
            form = kwargs.get("form", self.form)
            kwargs["form"] = with_version_check(
                form, version_field=self.version_field, user=request.user, latest_url=request.path
            )
        return super().get_form(request, obj, change=change, **kwargs)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Rendered by core/templates/admin/change_form.html (it is in no fieldset).
        form = context["adminform"].form
        if OPENED_VERSION in form.fields:
            context["opened_version"] = form[OPENED_VERSION]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
