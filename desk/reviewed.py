"""What differs between reviewed models, as the workbench reads and shows their rows."""

from django.contrib.auth import get_user_model
from django.db.models import TextField
from django.urls import reverse


def has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def changelist_url(model, **query):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return url + ("?" + "&".join(f"{key}={value}" for key, value in query.items()) if query else "")


def owners(model):
    """Its required foreign keys (but users): what it belongs to, which its title names (a topic article's)."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.many_to_one and not field.null and field.related_model is not get_user_model()
    ]


def related(model):
    """What a row shows beyond the object's own columns: its author, 栏目 and what it belongs to."""
    names = ["created_by"] if has_field(model, "created_by") else []
    names += [field.name for field in owners(model)]
    if has_field(model, "category"):
        names.append("category__parent")
    return names


def long_text(model, prefix=""):
    return [prefix + field.name for field in model._meta.concrete_fields if isinstance(field, TextField)]


def related_long_text(model):
    """The long text columns of what a row's object belongs to (an article's body)."""
    return [name for field in owners(model) for name in long_text(field.related_model, f"{field.name}__")]


def without_long_text(model):
    """The long text columns (bodies) a row does not show."""
    return long_text(model) + related_long_text(model)


def section_of(obj):
    category = getattr(obj, "category", None)
    return category.tree_label if category is not None else ""
