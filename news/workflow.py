"""
The review workflow: who may put an article into which state.

编辑 (editors) write drafts and submit them for review; 审核发布 (reviewers) hold the
`news.publish_article` permission and may also publish, withdraw, pin and make headlines.
The admin hides what a user may not do, and these functions refuse it on the server
whatever the request contains.
"""

import copy

import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Article

PUBLISH_PERMISSION = "news.publish_article"
Status = Article.Status
# States an editor may put an article into, and the only ones an editor may edit.
EDITOR_STATUSES = (Status.DRAFT, Status.REVIEW)
EDITOR_EDITABLE_STATUSES = (Status.DRAFT, Status.REVIEW, Status.WITHDRAWN)
# Fields only a reviewer may change.
REVIEWER_FIELDS = ("is_pinned", "pinned_until", "is_headline")


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def allowed_statuses(user):
    return list(Status) if can_publish(user) else list(EDITOR_STATUSES)


def can_edit(user, article):
    """Editors may not change what is public (or was made public) without a reviewer."""
    if not user.has_perm("news.change_article"):
        return False
    return can_publish(user) or article.status in EDITOR_EDITABLE_STATUSES


def edit_refusal_reason(user, article):
    """Why `user` may read `article` but not edit it, as the 查看 page says it (None if they may edit it)."""
    if can_edit(user, article):
        return None
    if not user.has_perm("news.change_article"):
        return "你的账号只能查看文章，不能修改。"
    if article.status == Status.PUBLISHED and article.published_at > timezone.now():
        return "定时发布的文章只能由审核发布人员修改。"
    return "已发布的文章只能由审核发布人员修改。"


def check_change(user, article, *, previous=None):
    """
    Refuse a change `user` may not make. `previous` is the stored article (None for a
    new one); `article` the one about to be saved.
    """
    if can_publish(user):
        return
    if previous is not None and previous.status not in EDITOR_EDITABLE_STATUSES:
        raise PermissionDenied("只有审核发布人员可以修改已发布的文章。")
    if article.status not in EDITOR_STATUSES:
        raise PermissionDenied("只有审核发布人员可以发布或撤回文章。")
    for field in REVIEWER_FIELDS:
        before = getattr(previous, field) if previous is not None else Article._meta.get_field(field).get_default()
        if getattr(article, field) != before:
            raise PermissionDenied("只有审核发布人员可以设置置顶和头条。")


def keep_reviewer_fields(article, *, previous):
    """Set what only reviewers may change back to `previous` (its defaults for a new article)."""
    for field in REVIEWER_FIELDS:
        before = getattr(previous, field) if previous is not None else Article._meta.get_field(field).get_default()
        setattr(article, field, before)


def settle_publication_time(article, *, previous):
    """
    Apply Article's rules for the publication time to an article coming from the form (or a
    restored version): the time in the form counts only with 定时发布. Without it the article
    keeps the time it first went public, if it did; if not, it has none, and Article.save()
    dates it the moment it is published. `previous` is the stored article (None for a new one).
    """
    if not article.is_scheduled:
        article.published_at = previous.first_publication_time if previous is not None else None


ACTION_LABELS = {
    Status.REVIEW: "提交审核",
    Status.PUBLISHED: "发布",
    Status.WITHDRAWN: "撤回",
    Status.DRAFT: "退回草稿",
}


def _save_with_history(article, *, by, message, fields):
    article.updated_by = by
    with transaction.atomic(), reversion.create_revision():
        article.save(update_fields=[*fields, "updated_by", "updated_at"])
        reversion.set_user(by)
        reversion.set_comment(message)
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=[article], action_flag=CHANGE, change_message=message, single_object=True
        )


def set_status(article, status, *, by):
    """Move `article` to `status` on behalf of `by`, recorded in its history and the admin log."""
    changed = copy.copy(article)
    changed.status = status
    check_change(by, changed, previous=article)
    article.status = status
    _save_with_history(article, by=by, message=ACTION_LABELS[status], fields=["status"])


def set_pinned(article, pinned, *, by):
    """Pin or unpin `article` on behalf of `by` (reviewers only)."""
    if not can_publish(by):
        raise PermissionDenied("只有审核发布人员可以设置置顶。")
    article.is_pinned = pinned
    if not pinned:
        article.pinned_until = None
    _save_with_history(article, by=by, message="置顶" if pinned else "取消置顶", fields=["is_pinned", "pinned_until"])
