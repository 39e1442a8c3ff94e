"""Template tags of the admin's own templates (core/templates/admin/)."""

from django import template
from django.forms.forms import NON_FIELD_ERRORS

from core.names import full_name

register = template.Library()


@register.filter
def display_name(user):
    """
    How the admin greets a user: the full name in Chinese order (王晓明 from last name 王 and
    first name 晓明), a Latin one as Django writes it, else the username.
    """
    return full_name(user) or user.get_username()


@register.inclusion_tag("admin/portal/error_summary.html", takes_context=True)
def error_summary(context):
    """
    Every error of a change form with a link to its field, and, when the form came back
    with errors, the files the editor had chosen: a browser cannot keep them.
    """
    adminform = context.get("adminform")
    if adminform is None or not context.get("errors"):
        return {"errors": [], "dropped_files": []}
    forms = [(adminform.form, "")]
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for index, form in enumerate(formset.forms):
            forms.append((form, f"{formset.model._meta.verbose_name} 第 {index + 1} 行"))
    errors = []
    for form, row in forms:
        for name, messages in form.errors.items():
            if name == NON_FIELD_ERRORS:
                if row:  # the main form's are shown by Django above the list
                    errors.append({"label": row, "messages": messages, "anchor": form.prefix or ""})
                continue
            bound = form[name]
            label = f"{row} · {bound.label}" if row else bound.label
            errors.append({"label": label, "messages": messages, "anchor": _anchor(bound)})
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for message in formset.non_form_errors():
            errors.append(
                {"label": formset.model._meta.verbose_name, "messages": [message], "anchor": f"{formset.prefix}-group"}
            )
    return {"errors": errors, "dropped_files": _dropped_files(context.get("request"), forms)}


def _anchor(bound):
    # A field of several inputs (date and time) has no id for its label: its first input.
    return bound.id_for_label or f"{bound.auto_id}_0"


def _dropped_files(request, forms):
    """[{"label", "name"}] of the files this POST carried, which the form shown again lacks."""
    if request is None or request.method != "POST" or not request.FILES:
        return []
    labels = {}
    for form, row in forms:
        for name, field in form.fields.items():
            labels[form.add_prefix(name)] = f"{row} · {field.label}" if row else field.label
    return [
        {"label": labels.get(name, name), "name": uploaded.name}
        for name in request.FILES
        for uploaded in request.FILES.getlist(name)
    ]
