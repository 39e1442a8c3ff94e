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

Inline rows changed elsewhere too (a topic's articles, each with a form of its own) carry a
token each (core.admin_conflict_rows): the parent's token sees only the parent's saves.

Restoring a version from 历史 (django-reversion's revision and recover views) is checked the
same way. Those views write the old version into the database before running the change
form on it, so the token is that of the object as stored before (read, and locked for a
POST, before the version is written back: `restore_view`); a restore form opened before
someone else's save is refused, and the version written back is rolled back with the
refused form. A deleted object's recover form carries ABSENT: recovered by someone else
meanwhile, it is refused too (status 409, core.admin_restore). Two restores of the same
object wait for each other, a deleted one's too (core.admin_restore.lock_restores_of).
"""

import contextlib
import copy
import datetime

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import router, transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from reversion.errors import RevertError
from reversion.models import Version

from .admin_conflict_text import conflict_message, recovered_meanwhile_message
from .admin_restore import lock_restores_of, refused_as, restore_version

OPENED_VERSION = "opened_version"
# The token of a form opened on an object that did not exist (the recover form of a deleted one).
ABSENT = "absent"
# The code of the refusal of a deleted object's recovery that someone else recovered meanwhile.
RECOVERED_MEANWHILE = "recovered_meanwhile"
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


def read_stored(model, pk, *, locked):
    """
    `model`'s row `pk` as stored now (None: there is none, or `pk` names none), `locked`
    until the transaction ends when in one.
    """
    try:
        rows = model._default_manager.filter(pk=pk).order_by()
        if locked and transaction.get_connection(router.db_for_write(model)).in_atomic_block:
            rows = rows.select_for_update(of=("self",))
        return rows.first()
    except (ValueError, ValidationError):
        return None


def _read_locked(instance):
    """`instance`'s row as stored now, locked until the transaction ends (None: deleted)."""
    return read_stored(type(instance), instance.pk, locked=True)


class VersionField(forms.CharField):
    """The hidden token: never a change the editor made (a row sent without it is not "changed")."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class Restoring:
    """A restore view's object as stored before the version was written back (None: there was none)."""

    def __init__(self, stored):
        self.stored = stored


def with_version_check(form_class, *, version_field, user, latest_url, restoring=None, only_if_changed=False):
    """
    `form_class` with the hidden `opened_version`, refusing a save of an object changed since.
    `restoring` (a Restoring): the form is a restore view's, whose instance is the version
    written back; the token is that of the object stored before. `only_if_changed`: the
    form is an inline's row, saved only if its fields differ from the row as stored; one
    that does not writes nothing over the other save (a change of what it does not post).
    """

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        if restoring is None:
            token = version_of(self.instance, version_field)
        else:
            token = version_of(restoring.stored, version_field) if restoring.stored is not None else ABSENT
        self.fields[OPENED_VERSION].initial = token

    def clean(self):
        opened = self.cleaned_data.get(OPENED_VERSION, "")
        if opened and self.instance.pk is not None and (not only_if_changed or self.has_changed()):
            current = _read_locked(self.instance) if restoring is None else restoring.stored
            if current is not None and restoring is not None and opened == ABSENT:
                message = recovered_meanwhile_message(
                    current, user=user, latest_url=latest_url, version_field=version_field
                )
                self.add_error(None, ValidationError(message, code=RECOVERED_MEANWHILE))
            elif current is not None and version_of(current, version_field) != opened:
                then = opened_state(current, opened, version_field)
                changed = changed_since(then, current, self.fields) if then is not current else ()
                message = conflict_message(
                    current,
                    user=user,
                    latest_url=latest_url,
                    version_field=version_field,
                    changed=changed,
                    restoring=restoring is not None,
                )
                self.add_error(None, ValidationError(message, code="edit_conflict"))
        return form_class.clean(self)

    attrs = {
        OPENED_VERSION: VersionField(required=False),
        "__init__": __init__,
        "clean": clean,
        "__module__": form_class.__module__,
    }
    return type(form_class)(form_class.__name__, (form_class,), attrs)


def is_change_view(request, model, views=("change",)):
    """Whether `request` is for `model`'s change form (not adding, not restoring a version; or one of `views`)."""
    match = getattr(request, "resolver_match", None)
    names = {f"{model._meta.app_label}_{model._meta.model_name}_{view}" for view in views}
    return match is not None and match.url_name in names


RESTORE_VIEWS = ("revision", "recover")  # django-reversion's, by their URL names


class EditConflictMixin:
    """For a ModelAdmin whose model keeps its modification time (`version_field`, auto_now)."""

    version_field = "updated_at"

    def checks_edit_conflicts(self, request, obj):
        """
        Whether this is the change form (or a restore form) of a stored object the user may
        change (not its read-only page).
        """
        has_field = any(field.name == self.version_field for field in self.model._meta.concrete_fields)
        if not has_field or obj is None or obj.pk is None:
            return False
        if not is_change_view(request, self.model, ("change", *RESTORE_VIEWS)):
            return False
        return self.has_change_permission(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self.checks_edit_conflicts(request, obj):
            form = kwargs.get("form", self.form)
            restoring = getattr(request, "edit_conflict_restoring", None)
            latest_url = request.path
            if restoring is not None:
                opts = self.model._meta
                latest_url = reverse(
                    f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)]
                )
            kwargs["form"] = with_version_check(
                form, version_field=self.version_field, user=request.user, latest_url=latest_url, restoring=restoring
            )
        return super().get_form(request, obj, change=change, **kwargs)

    # Restoring a version (django-reversion's views): the object as stored before it is written back.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        with self.restore_view(request, unquote(object_id)):
            return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        # django-reversion's own recover view, on the version read once for the request.
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = restore_version(request, self.model, version_id)
        if version is None:
            raise Http404
        context = {"title": gettext("Recover %(name)s") % {"name": version.object_repr}, "recover": True}
        template = self.recover_form_template or self._reversion_get_template_list("recover_form.html")
        with self.restore_view(request, version.object_id):
            response = self._reversion_revisionform_view(
                request, version, template, {**context, **(extra_context or {})}
            )
        if refused_as(response, RECOVERED_MEANWHILE):
            response.status_code = 409  # the form again, what was typed in it: nothing recovered
        return response

    @contextlib.contextmanager
    def restore_view(self, request, object_id):
        """
        Around a restore view: the object `object_id` as stored now, for the form's token and
        check (request.edit_conflict_restoring). A POST reads it locked, in a transaction
        that holds the restore's, so that no save comes between the check and the restore.
        """
        if request.method != "POST":
            request.edit_conflict_restoring = Restoring(read_stored(self.model, object_id, locked=False))
            yield
            return
        with transaction.atomic(using=router.db_for_write(self.model)):
            lock_restores_of(self.model, object_id)  # a deleted object has no row to lock
            request.edit_conflict_restoring = Restoring(read_stored(self.model, object_id, locked=True))
            yield

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # Rendered by core/templates/admin/change_form.html (it is in no fieldset).
        form = context["adminform"].form
        if OPENED_VERSION in form.fields:
            context["opened_version"] = form[OPENED_VERSION]
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)
