"""
The list actions of a reviewed model's admin (review.admin.ReviewedAdmin): 提交审核, 退回修改,
发布 and 撤回, each holding to the review rule (review.rules) for every item selected, and
leaving alone what is already in the state it sets.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse

from . import rules
from .forms import ReturnForm
from .rules import Status


class ReviewActionsMixin:
    """The actions of ReviewedAdmin; `has_publish_permission` is the admin's."""

    def apply_to_each(self, request, queryset, change, done_label):
        """Apply `change` to each of `queryset`, saying what it did and what it refused; returns those changed."""
        done = []
        for obj in queryset:
            try:
                change(obj)
            except PermissionDenied as refusal:
                self.message_user(request, f"“{obj}”：{refusal}", messages.ERROR)
            except ValidationError as refusal:
                self.message_user(request, f"“{obj}”：{' '.join(refusal.messages)}", messages.ERROR)
            else:
                done.append(obj)
        if done:
            self.message_user(request, f"已{done_label} {len(done)} 篇{rules.noun(self.model)}。", messages.SUCCESS)
        return done

    def without_those_already(self, request, queryset, already, said):
        """
        `queryset` without those matching `already` (in the state an action sets): they are
        left alone (no revision, no new 修改时间) and counted apart: 「2 篇文章`said`，未作改动。」.
        """
        count = queryset.filter(already).count()
        if count:
            self.message_user(request, f"{count} 篇{rules.noun(self.model)}{said}，未作改动。", messages.INFO)
        return queryset.exclude(already)

    def set_status_of(self, request, queryset, status, done_label):
        """Move the selected to `status`, but those already in it (without_those_already). Returns those moved."""
        return self.apply_to_each(
            request,
            self.without_those_already(request, queryset, Q(status=status), f"原已是“{Status(status).label}”"),
            lambda obj: rules.set_status(obj, status, by=request.user),
            done_label,
        )

    @admin.action(description="提交审核", permissions=["change"])
    def submit_for_review(self, request, queryset):
        self.set_status_of(request, queryset.filter(status=Status.DRAFT), Status.REVIEW, "提交审核")

    @admin.action(description="退回修改（填写审核意见）", permissions=["publish"])
    def return_for_revision(self, request, queryset):
        """Asks for the comment on a page of its own, then returns each selected item in review."""
        form = ReturnForm(request.POST if "apply_return" in request.POST else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            self.apply_to_each(
                request,
                queryset,
                lambda obj: rules.return_for_revision(obj, by=request.user, comment=comment),
                "退回",
            )
            return None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "title": f"退回{rules.noun(self.model)}",
            "opts": opts,
            "form": form,
            "queryset": queryset,
            "in_review": [obj for obj in queryset if obj.status == Status.REVIEW],
            "not_in_review": [obj for obj in queryset if obj.status != Status.REVIEW],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "review/return_for_revision.html", context)

    @admin.action(description="发布所选内容", permissions=["publish"])
    def publish(self, request, queryset):
        self.set_status_of(request, queryset, Status.PUBLISHED, "发布")

    @admin.action(description="撤回所选内容", permissions=["publish"])
    def withdraw(self, request, queryset):
        self.set_status_of(request, queryset, Status.WITHDRAWN, "撤回")
