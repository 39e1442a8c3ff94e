"""
The review's pieces of the reviewed admin's forms (review.admin): 审核意见 added to a model's
form and required when a reviewer returns what is in review (`with_review_comment`), the
comment the list's 退回 action asks for (`ReturnForm`), and the review record as the form
shows it, read once per object (`review_records`, `open_return_in`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import records, rules
from .records import Action

REVIEW_FIELDS = ("review_return_notice", "review_comment", "review_log")
COMMENT_HELP = "退回修改时必须填写，编辑会在工作台和表单上看到；提交、发布、撤回时可选填。都记入审核记录。"


def review_records(obj):
    """
    `obj`'s review record, newest first (a list), read once and kept on `obj`: the form's
    fieldsets and its read-only fields (which get only the object) ask for it.
    """
    if obj is None or obj.pk is None:
        return []
    if getattr(obj, "_review_records", None) is None:
        obj._review_records = list(records.records_of(obj))
    return obj._review_records


def open_return_in(record_list):
    """The open return among `record_list` (newest first): the last state record, if a return."""
    last = next((r for r in record_list if r.action in records.STATE_ACTIONS), None)
    return last if last is not None and last.action == Action.RETURNED else None


def minute(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


class ReturnForm(forms.Form):
    """The comment the list's 退回 action asks for."""

    comment = forms.CharField(
        label="审核意见",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        error_messages={"required": "退回修改时必须填写审核意见，说明需要修改的地方。"},
    )


def with_review_comment(form_class, *, user, stored, model):
    """
    `form_class` with 审核意见 (review_comment): optional, except when a reviewer returns
    what is in review to draft. `stored` is the object as the database held it before the
    request (None for a new one).
    """

    def clean(self):
        cleaned = form_class.clean(self)
        status = cleaned.get("status") if "status" in self.fields else None
        if status is not None:
            previous = stored.status if stored is not None else None
            refusal = rules.withdrawal_refusal(previous, status, model)
            if refusal:
                self.add_error("status", refusal)
            action = rules.state_action(previous, status, by=user, model=model)
            try:
                rules.check_comment(action, cleaned.get("review_comment"))
            except ValidationError as error:
                self.add_error("review_comment", error)
        return cleaned

    attrs = {
        "review_comment": forms.CharField(
            label="审核意见",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            help_text=COMMENT_HELP,
        ),
        "clean": clean,
        "__module__": form_class.__module__,
    }
    return type(form_class)(form_class.__name__, (form_class,), attrs)
