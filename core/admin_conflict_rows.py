"""
Inline rows that are also changed elsewhere (a topic's articles, each with a change form of
its own): each row carries its own edit-conflict token (core.admin_conflict), and the
parent's form is refused, nothing of it saved, when a row changed since, or is gone.
"""

from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.html import format_html

from .admin_conflict import OPENED_VERSION, is_change_view, with_version_check


class EditConflictInlineMixin:
    """
    For an inline whose rows keep their own modification time (`version_field`) because they
    are also changed elsewhere (on their own change form): each row carries its own
    `opened_version`, and the parent's form is refused, nothing of it saved, when a row
    changed since it was opened, or is gone (`with_rows_checked`). The parent's own
    token sees only the parent's saves.
    """

    version_field = "updated_at"

    def checks_row_conflicts(self, request, obj):
        """Whether this is the change form of the stored parent `obj`, its rows editable."""
        if obj is None or obj.pk is None or not is_change_view(request, self.parent_model):
            return False
        return self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = tuple(super().get_fields(request, obj))
        return (*fields, OPENED_VERSION) if self.checks_row_conflicts(request, obj) else fields

    def get_formset(self, request, obj=None, **kwargs):
        if not self.checks_row_conflicts(request, obj):
            return super().get_formset(request, obj, **kwargs)
        kwargs["form"] = with_version_check(
            kwargs.get("form", self.form),
            version_field=self.version_field,
            user=request.user,
            latest_url=request.path,
            only_if_changed=True,
        )
        return with_rows_checked(super().get_formset(request, obj, **kwargs), latest_url=request.path)


def with_rows_checked(formset_class, *, latest_url):
    """
    `formset_class` refusing what its rows' own check (with_version_check) cannot: a row to
    delete that was changed since (Django leaves unsaid the errors of a row ticked for
    deletion), and a row posted with the token of a stored row it no longer holds (deleted,
    or moved away, on its own form). Django refuses only such a row's hidden id and shows
    the form again without the row: sent again, its empty fields are refused, unseen, for ever.
    """

    def clean(self):
        formset_class.clean(self)
        gone = changed = 0
        for form in self.initial_forms:
            deleting = self.can_delete and form.cleaned_data.get(DELETION_FIELD_NAME)
            if form.instance.pk is None:
                gone += bool(form.cleaned_data.get(OPENED_VERSION) and not deleting)  # not: gone as wished
            elif deleting:
                changed += any(error.code == "edit_conflict" for error in form.non_field_errors().as_data())
        refusals = []
        if changed:
            refusals.append(
                ValidationError(
                    f"要删除的 {changed} 行{self.model._meta.verbose_name}在别处已被修改，没有删除：原因见该行。",
                    code="edit_conflict",
                )
            )
        if gone:
            refusals.append(
                ValidationError(
                    format_html(
                        "保存前，{}中有 {} 行已在别处被删除或移走，这里已不再显示。您这次的修改没有保存，仍在下面的表单中。"
                        '请先复制您改动的内容，再<a href="{}" target="_blank" rel="noopener">在新窗口打开最新版本</a>，'
                        "在最新版本上改好后保存。",
                        self.model._meta.verbose_name,
                        gone,
                        latest_url,
                    ),
                    code="edit_conflict",
                )
            )
        if refusals:
            raise ValidationError(refusals)

    return type(formset_class)(formset_class.__name__, (formset_class,), {"clean": clean})
