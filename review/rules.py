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
from collections.abc import Callable
from dataclasses import dataclass

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.names import full_name

from . import records
from .models import Status
from .records import Action

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
    # Why an object may not be published as it is (None: it may), asked of every change
    # that leaves it published, whoever makes it: e.g. unconfirmed serious 错敏词.
    publication_check: Callable | None = None


def rules_of(model):
    return model.review_rules


def noun(model):
    return model._meta.verbose_name


def can_publish(user, model):
    return user.has_perm(rules_of(model).publish_permission)


def allowed_statuses(user, model):
    return list(Status) if can_publish(user, model) else list(EDITOR_STATUSES)


def statuses_from(user, model, stored_status):
    """
    The states `user` may put a `model` object into from `stored_status` (None: a new
    one), as the form offers them: those the rule (check_change) lets them choose.
    """
    return [
        status for status in allowed_statuses(user, model) if withdrawal_refusal(stored_status, status, model) is None
    ]


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


def withdrawal_refusal(previous_status, status, model):
    """
    Why moving from `previous_status` to `status` is no withdrawal (None: it is, or it is
    no withdrawal at all). 撤回 takes back what was published; on a draft or on what is in
    review it would send the editor's item out of their 我的稿件 with no word: that is a
    return (退回修改), which says why.
    """
    if status == Status.WITHDRAWN and previous_status in (Status.DRAFT, Status.REVIEW):
        return (
            f"只有已发布的{noun(model)}可以撤回。待审核的{noun(model)}请用「退回修改」并填写审核意见；草稿不需要撤回。"
        )
    return None


def check_change(user, obj, *, previous=None):
    """
    Refuse a change `user` may not make. `previous` is what is stored (None for something
    new); `obj` what is about to be saved.
    """
    model = type(obj)
    if obj.status == Status.PUBLISHED and rules_of(model).publication_check is not None:
        refusal = rules_of(model).publication_check(obj)
        if refusal:
            raise PermissionDenied(refusal)
    if can_publish(user, model):
        refusal = withdrawal_refusal(previous.status if previous is not None else None, obj.status, model)
        if refusal:
            raise PermissionDenied(refusal)
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


def state_action(previous, status, *, by, model):
    """
    What the review record keeps of a move from state `previous` (None: something new) to
    `status` by `by` (None: nothing to keep). A reviewer sending something in review back
    to draft returns it, with a comment.
    """
    if previous == status:
        return None
    if status == Status.REVIEW:
        return Action.SUBMITTED
    if status == Status.PUBLISHED:
        return Action.PUBLISHED
    if status == Status.WITHDRAWN or previous == Status.PUBLISHED:
        return Action.WITHDRAWN
    if status == Status.DRAFT and previous == Status.REVIEW and can_publish(by, model):
        return Action.RETURNED
    return None


def check_comment(action, comment):
    """A return says why (its comment is what the editor reads on the workbench and the form)."""
    if action == Action.RETURNED and not (comment or "").strip():
        raise ValidationError("退回修改时必须填写审核意见，说明需要修改的地方。", code="comment_required")


def record_state_change(obj, *, previous, by, comment=""):
    """Keep `obj`'s move from state `previous` (None: it is new) in its review record."""
    action = state_action(previous, obj.status, by=by, model=type(obj))
    if action is not None:
        records.record(obj, action, by, comment)


def set_status(obj, status, *, by, comment=""):
    """
    Move `obj` to `status` on behalf of `by`, recorded in its history, the admin log and its
    review record (with `comment`; a return needs one).
    """
    changed = copy.copy(obj)
    changed.status = status
    check_change(by, changed, previous=obj)
    action = state_action(obj.status, status, by=by, model=type(obj))
    check_comment(action, comment)
    previous = copy.copy(obj)
    obj.status = status
    noted = note_submission(obj, previous=previous, by=by)
    message = Action.RETURNED.label if action == Action.RETURNED else ACTION_LABELS[status]
    with transaction.atomic():
        save_with_history(obj, by=by, message=message, fields=["status", *noted])
        if action is not None:
            records.record(obj, action, by, comment)


def return_for_revision(obj, *, by, comment):
    """退回: a reviewer sends `obj`, in review, back to its editor as a draft, saying why."""
    if not can_publish(by, type(obj)):
        raise PermissionDenied(f"只有审核发布人员可以退回{noun(type(obj))}。")
    if obj.status != Status.REVIEW:
        raise PermissionDenied(f"只有待审核的{noun(type(obj))}可以退回。")
    set_status(obj, Status.DRAFT, by=by, comment=comment)


def reviewed_models():
    """Every model held to this rule: those naming their `review_rules` (articles, single pages...)."""
    from django.apps import apps

    return [model for model in apps.get_models() if isinstance(getattr(model, "review_rules", None), ReviewRules)]
