"""
The 错敏词 on the admin of reviewed content (articles, single pages, topics): 发布前检查 on the
form and after saving, 「已核对错敏词」 for reviewers (recorded in the 审核记录), and a
confirmation taken back when an editor writes a confirmed serious form in again
(news.wordcheck). The form's side is news.forms.WordingCheckedForm.
"""

from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from review import records, rules
from review.stored import stored_object

from .. import wordcheck
from ..prepublish import prepublish_warnings


class WordingCheckedAdmin:
    """A mixin for a review.admin.ReviewedAdmin whose form is a WordingCheckedForm."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.may_confirm_wording = rules.can_publish(request.user, self.model)
        return form

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if rules.can_publish(request.user, self.model):
            return fieldsets
        # 「已核对错敏词」 is the reviewers' to tick.
        return [
            (name, {**options, "fields": tuple(f for f in options["fields"] if f != "confirm_wording")})
            for name, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        previous = stored_object(request, obj) if change else None
        confirmed = []
        may_confirm = rules.can_publish(request.user, self.model)
        if not may_confirm:
            wordcheck.unconfirm_new_occurrences(obj, previous=previous)
        if form.cleaned_data.get("confirm_wording") and may_confirm:
            # 「已核对错敏词」: the serious findings it has now no longer stop publication.
            confirmed = wordcheck.confirm(obj)
        if confirmed and obj.pk is not None:
            self.record_wording_confirmation(request, obj, confirmed)  # before the publication it allows
        super().save_model(request, obj, form, change)
        if confirmed and not change:
            self.record_wording_confirmation(request, obj, confirmed)

    def record_wording_confirmation(self, request, obj, forms):
        comment = "已核对错敏词：" + "、".join(f"“{form}”" for form in forms)
        records.record(obj, records.Action.CONFIRMED, request.user, comment)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in prepublish_warnings(form.instance):
            messages.warning(request, f"发布前检查：{warning}")

    @admin.display(description="发布前检查")
    def prepublish_report(self, obj):
        if obj is None or obj.pk is None:
            return "保存后显示检查结果。"
        warnings = prepublish_warnings(obj)
        if not warnings:
            return "未发现问题。"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in warnings)))
