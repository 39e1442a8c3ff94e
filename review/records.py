"""
Writing and reading the review record (review.models.ReviewRecord) of any object:

    record(article, ReviewRecord.Action.CONFIRMED, user, comment="已核对错敏词")
    records_of(article)            # newest first
    open_return(article)           # the return the editor has not answered yet, or None

A return stays "open" until the object's next submission (or publication): the editor sees
its comment on the workbench and on the form until then. The review rule
(review.rules.set_status, review.admin.ReviewedAdmin) records every change of state; other
apps record what they ask a reviewer to confirm.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery

from .models import ReviewRecord

Action = ReviewRecord.Action
# The actions that change an object's state: the last of them says whether a return is open.
STATE_ACTIONS = (Action.SUBMITTED, Action.RETURNED, Action.PUBLISHED, Action.WITHDRAWN)


def display_name(user):
    """How records name a user: 姓名 as Chinese write it, else the username."""
    if user is None:
        return ""
    full = f"{user.last_name}{user.first_name}".strip()
    return full or user.get_username()


def record(obj, action, user, comment=""):
    """Keep that `user` did `action` to `obj` now, with `comment`. Returns the record."""
    comment = (comment or "").strip()
    if action == Action.RETURNED and not comment:
        raise ValidationError("退回时必须填写审核意见。", code="comment_required")
    return ReviewRecord.objects.create(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=obj.pk,
        action=action,
        user=user,
        # 姓 and 名 hold 150 characters each, the column 150 in all.
        user_name=display_name(user)[: ReviewRecord._meta.get_field("user_name").max_length],
        comment=comment,
    )


def records_for(model):
    """
    The records of every `model` object (a queryset, newest first). The content type is
    joined by name, not looked up first: a page listing several reviewed models (the
    workbench) costs no query per model for its content types.
    """
    opts = model._meta
    return ReviewRecord.objects.filter(content_type__app_label=opts.app_label, content_type__model=opts.model_name)


def records_of(obj):
    """`obj`'s records, newest first (with their users)."""
    return records_for(type(obj)).filter(object_id=obj.pk).select_related("user")


def open_return(obj):
    """The return of `obj` its author has not answered by submitting again, or None."""
    last = records_of(obj).filter(action__in=STATE_ACTIONS).first()
    return last if last is not None and last.action == Action.RETURNED else None


def last_state_record(model, field="action"):
    """
    A subquery for annotating a `model` queryset: `field` of each object's last state record
    (its action, comment, user_name or at), e.g.
    `Article.objects.annotate(last_action=last_state_record(Article))`.
    """
    return Subquery(
        records_for(model)
        .filter(object_id=OuterRef("pk"), action__in=STATE_ACTIONS)
        .order_by("-at", "-id")
        .values(field)[:1]
    )


def last_record_time(model, action):
    """A subquery for annotating a `model` queryset: when each object last had `action`."""
    return Subquery(
        records_for(model).filter(object_id=OuterRef("pk"), action=action).order_by("-at", "-id").values("at")[:1]
    )
