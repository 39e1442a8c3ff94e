"""
The review rule: 编辑 (editors) write drafts and submit them for review; 审核发布 (reviewers)
hold the model's publish permission and may also publish and withdraw, and set the fields
only reviewers set (an article's pins and headline). What is public, or was made public,
no editor changes without a reviewer.

A reviewed model names its rules in a `review_rules` class attribute (ReviewRules). The
admin (review.admin) hides what a user may not do; these functions refuse it on the server
whatever the request contains.
"""

import copy
from dataclasses import dataclass

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from core.names import full_name


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEW = "review", "待审核"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


# States an editor may put something into, and the only ones an editor may edit.
EDITOR_STATUSES = (Status.DRAFT, Status.REVIEW)
EDITOR_EDITABLE_STATUSES = (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN)
ACTION_LABELS = {
    Status.REVIEW: "提交审核",
    Status.PUBLISHED: "发布",
    Status.WITHDRAWN: "撤回",
    Status.DRAFT: "退回草稿",
}


@dataclass(frozen=True)
class ReviewRules:
    publish_permission: str  # "news.publish_article"
    reviewer_fields: tuple = ()  # fields only reviewers set
    reviewer_fields_label: str = ""  # what they are, for a refusal: "置顶和头条"
    # A field that names who submitted the object for review (an article's 责任编辑): each
    # submission sets it (note_submission); reviewers may change it if it is a reviewer field.
    submitter_field: str = ""


def rules_of(model):
    return model.review_rules


def noun(model):
    return model._meta.verbose_name


def can_publish(user, model):
    return user.has_perm(rules_of(model).publish_permission)


def allowed_statuses(user, model):
    return list(Status) if can_publish(user, model) else list(EDITOR_STATUSES)


def _may_change(user, model):
    return user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def can_edit(user, obj):
    """Editors may not change what is public (or was made public) without a reviewer."""
    if not _may_change(user, type(obj)):
        return False
    return can_publish(user, type(obj)) or obj.status in EDITOR_EDITABLE_STATUSES


def edit_refusal_reason(user, obj):
    """Why `user` may read `obj` but not edit it, as its read-only page says (None if they may)."""
    if can_edit(user, obj):
        return None
    if not _may_change(user, type(obj)):
        return f"你的账号只能查看{noun(type(obj))}，不能修改。"
    if getattr(obj, "is_waiting_for_its_time", False):
        return f"定时发布的{noun(type(obj))}只能由审核发布人员修改。"
    return f"已发布的{noun(type(obj))}只能由审核发布人员修改。"


def _stored_or_default(obj, previous, field):
    return getattr(previous, field) if previous is not None else type(obj)._meta.get_field(field).get_default()


def check_change(user, obj, *, previous=None):
    """
    Refuse a change `user` may not make. `previous` is what is stored (None for something
    new); `obj` what is about to be saved.
    """
    model = type(obj)
    if can_publish(user, model):
        return
    if previous is not None and previous.status not in EDITOR_EDITABLE_STATUSES:
        raise PermissionDenied(f"只有审核发布人员可以修改已发布的{noun(model)}。")
    if obj.status not in EDITOR_STATUSES:
        raise PermissionDenied(f"只有审核发布人员可以发布或撤回{noun(model)}。")
    for field in rules_of(model).reviewer_fields:
        if getattr(obj, field) != _stored_or_default(obj, previous, field):
            raise PermissionDenied(f"只有审核发布人员可以设置{rules_of(model).reviewer_fields_label}。")


def keep_reviewer_fields(obj, *, previous):
    """Set what only reviewers may change back to `previous` (its defaults for something new)."""
    for field in rules_of(type(obj)).reviewer_fields:
        setattr(obj, field, _stored_or_default(obj, previous, field))


def note_submission(obj, *, previous, by):
    """
    If saving `obj` submits it for review (it is in 待审核 and `previous`, the stored one or
    None, was not), put the name of `by` in its submitter field, unless this very change
    sets that field (a reviewer typing a name) or `by` has no name. Returns the fields set.
    Called once the rule is checked: what the rule puts there is no change of the user's.
    """
    field = rules_of(type(obj)).submitter_field
    name = full_name(by)
    if not field or not name or obj.status != Status.REVIEW:
        return []
    if previous is not None and previous.status == Status.REVIEW:
        return []
    if getattr(obj, field) != _stored_or_default(obj, previous, field):
        return []
    setattr(obj, field, name[: type(obj)._meta.get_field(field).max_length])
    return [field]


def save_with_history(obj, *, by, message, fields):
    """Save `fields` of `obj` on behalf of `by`, as a revision and in the admin log."""
    obj.updated_by = by
    with transaction.atomic(), reversion.create_revision():
        obj.save(update_fields=[*fields, "updated_by", "updated_at"])
        reversion.set_user(by)
        reversion.set_comment(message)
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=[obj], action_flag=CHANGE, change_message=message, single_object=True
        )


def set_status(obj, status, *, by):
    """Move `obj` to `status` on behalf of `by`, recorded in its history and the admin log."""
    changed = copy.copy(obj)
    changed.status = status
    check_change(by, changed, previous=obj)
    previous = copy.copy(obj)
    obj.status = status
    noted = note_submission(obj, previous=previous, by=by)
    save_with_history(obj, by=by, message=ACTION_LABELS[status], fields=["status", *noted])
